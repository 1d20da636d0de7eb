/**
 * Hard limits that keep a run inside the machine rather than running out of memory.
 * A replay keeps one Float64Array per workload and one per placed (workload, site) pair,
 * so memory is about 8 bytes × (workloads + pairs) × steps.
 */
export const MAX_STEPS = 1_100_000; // a year at 30 s steps is 1,051,920
export const MAX_CELLS = 100_000_000; // (workloads + placed pairs) × steps ≈ 800 MB of series
