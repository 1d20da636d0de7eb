/**
 * Stage 3, traffic: trace files and synthetic shapes in, demand per workload and step out.
 *
 * Enters: a workload's traffic (a CSV trace path or a synthetic shape) and a horizon.
 * Leaves: Float64Array demand per workload (traffic.ts), through the byte-level CSV reader
 * (trace-csv), time zones (zone-offsets), the parsed-trace caches (trace-file in memory,
 * trace-store on disk, trace-prefetch on worker threads, which also resample for the run:
 * resample-ahead) and calendar months.
 */
export * from './traffic';
export * from './trace-file';
export * from './trace-csv';
export * from './trace-store';
export * from './trace-prefetch';
export * from './resample-ahead';
export * from './zone-offsets';
export * from './calendar-months';
