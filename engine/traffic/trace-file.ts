/**
 * Trace CSV files (`timestamp,value`), read as real exports come (shared/spec/format.md,
 * "Workload"): ISO 8601 or epoch seconds; a timestamp without offset is wall-clock time in
 * `traffic.timezone` (IANA, converted with Intl); duplicate timestamps (DST repeats) are
 * averaged; rows out of order are sorted. Errors carry the CSV line and column.
 */
import * as fs from 'fs';
import { fileKind, ReadScratch, readRegularBytes } from '../model/file-access';

export const MAX_TRACE_BYTES = 256 * 1024 * 1024;

export { MAX_TRACE_ROWS, parseTraceBytes, parseTraceCsv, TRACE_TIME_MAX, TRACE_TIME_MIN } from './trace-csv';
export type { ParsedTrace, TraceProblem } from './trace-csv';
import { parseTraceBytes, ParsedTrace, RowScratch } from './trace-csv';
import { ZoneOffsets } from './zone-offsets';
import { contentHash, TraceOrigin, TraceStore } from './trace-store';

export { checkTimeZone, zoneOffsetSeconds } from './zone-offsets';

const zones = new Map<string, ZoneOffsets>();

/** Trace bytes are parsed and hashed, never kept: one buffer for all files of up to 16 MiB on a thread. */
const scratch = new ReadScratch(16 * 1024 * 1024);

/** Wall-clock seconds in tz → UTC seconds. Times in a spring-forward gap move forward by the gap. */
export function wallToUtc(tz: string, wall: number): number {
  let z = zones.get(tz);
  if (!z) zones.set(tz, (z = new ZoneOffsets(tz)));
  const o1 = z.at(wall);
  const u = wall - o1;
  const o2 = z.at(u);
  if (o2 === o1) return u;
  // the offset changed between the guess and the answer: the answer with the new offset if that
  // offset holds there, else the wall time is in a spring-forward gap and moves forward by it
  const u2 = wall - o2;
  return z.at(u2) === o2 ? u2 : u;
}

export interface TraceSeries {
  /** Sorted, unique UTC seconds. */
  times: Float64Array;
  values: Float64Array;
  duplicates: number;
  unsorted: boolean;
  /** The file's content hash and the time zone it was read in, when known: the trace store's key for its resampled series. */
  source?: string;
  /** The file's content hash, when known. */
  hash?: string;
  /** The rows it was built from (an upper bound of its samples), known without building it. */
  rows?: number;
  /** Some of its times had no offset and were read as UTC (no traffic.timezone): a gap where clocks spring forward hints that they are local. */
  readonly wallClockAsUtc?: boolean;
}

const seriesOf = new WeakMap<ParsedTrace, Map<string, TraceSeries>>();

/**
 * UTC, sorted, duplicates averaged; computed once per parsed trace and time zone (workloads share
 * traces), and only when first used: a run that finds the trace's resampled series in the store
 * (traffic.ts, resampledOnce) needs its source key alone.
 */
export function toSeries(p: ParsedTrace, timezone: string): TraceSeries {
  let byZone = seriesOf.get(p);
  if (!byZone) seriesOf.set(p, (byZone = new Map()));
  let s = byZone.get(timezone);
  if (!s) byZone.set(timezone, (s = new SeriesOnUse(p, timezone)));
  return s;
}

class SeriesOnUse implements TraceSeries {
  readonly source?: string;
  readonly hash?: string;
  private built?: TraceSeries;

  constructor(private readonly p: ParsedTrace, private readonly timezone: string) {
    if (p.hash) {
      this.hash = p.hash;
      this.source = `${p.hash}\0${timezone}`;
    }
  }

  private get series(): TraceSeries {
    return (this.built ??= buildSeries(this.p, this.timezone));
  }

  get rows(): number {
    return this.p.rows ?? this.p.wall.length;
  }

  get times(): Float64Array {
    return this.series.times;
  }

  get values(): Float64Array {
    return this.series.values;
  }

  get duplicates(): number {
    return this.series.duplicates;
  }

  get unsorted(): boolean {
    return this.series.unsorted;
  }

  get wallClockAsUtc(): boolean {
    return this.timezone === 'UTC' && this.p.hasOffset.includes(0);
  }
}

// Each loop below is a function of its own: V8 compiles a long loop while it runs (on-stack
// replacement), and code after it in the same function that had never run threw that code away
// again, at every trace (as sampleInterval did: traffic.ts, evenlyBy).

function buildSeries(p: ParsedTrace, timezone: string): TraceSeries {
  // the arrays read once (a stored parse's are getters: trace-store.ts)
  const { wall, hasOffset, values: parsedValues } = p;
  const n = wall.length;
  const utc = (timezone === 'UTC' || everyOffset(hasOffset)) && n > 0 ? wall : toUtc(wall, hasOffset, timezone);
  const order = orderOf(utc);
  // sorted with no duplicate times (the common export): the parsed arrays are the series, no copy
  if (order === STRICTLY_ASCENDING) return { times: utc, values: parsedValues, duplicates: 0, unsorted: false };
  let sorted: Uint32Array | undefined;
  if (order === UNSORTED) {
    sorted = new Uint32Array(n);
    for (let i = 0; i < n; i++) sorted[i] = i;
    sorted.sort((x, y) => utc[x] - utc[y] || x - y);
  }
  // in order, the converted times are compacted in place (index m never passes j); the parse's own arrays are never written
  const times = !sorted && utc !== wall ? utc : new Float64Array(n);
  const values = new Float64Array(n);
  const m = mergeDuplicates(utc, parsedValues, sorted, times, values);
  // views, not copies, unless duplicates left much of the arrays unused
  const fit = (a: Float64Array) => (n - m > m / 2 ? a.slice(0, m) : a.subarray(0, m));
  return { times: fit(times), values: fit(values), duplicates: n - m, unsorted: order === UNSORTED };
}

function everyOffset(hasOffset: Uint8Array): boolean {
  for (let i = 0; i < hasOffset.length; i++) if (!hasOffset[i]) return false;
  return true;
}

/** The rows' times in UTC: wall-clock times without offset read in timezone. */
function toUtc(wall: Float64Array, hasOffset: Uint8Array, timezone: string): Float64Array {
  const utc = new Float64Array(wall.length);
  for (let i = 0; i < wall.length; i++) utc[i] = hasOffset[i] ? wall[i] : wallToUtc(timezone, wall[i]);
  return utc;
}

const STRICTLY_ASCENDING = 0, WITH_DUPLICATES = 1, UNSORTED = 2;

/** Whether times ascend strictly, ascend with repeats, or are out of order somewhere. */
function orderOf(times: Float64Array): number {
  let order = STRICTLY_ASCENDING;
  for (let i = 1; i < times.length; i++) {
    if (times[i] < times[i - 1]) return UNSORTED;
    if (times[i] === times[i - 1]) order = WITH_DUPLICATES;
  }
  return order;
}

/**
 * The rows (in the order `sorted` gives, else as they are) into times and values, rows of equal
 * time averaged into one; returns how many there are.
 */
function mergeDuplicates(utc: Float64Array, parsedValues: Float64Array, sorted: Uint32Array | undefined, times: Float64Array, values: Float64Array): number {
  let m = 0, count = 0;
  for (let j = 0; j < utc.length; j++) {
    const i = sorted ? sorted[j] : j;
    if (m > 0 && utc[i] === times[m - 1]) {
      count++;
      values[m - 1] += (parsedValues[i] - values[m - 1]) / count; // running mean
    } else {
      times[m] = utc[i];
      values[m] = parsedValues[i];
      count = 1;
      m++;
    }
  }
  return m;
}

export type TraceRead =
  | { ok: true; parsed: ParsedTrace }
  | { ok: false; kind: 'missing' | 'unreadable'; message: string };

/** The key of a file version in a process (size, modification and change times). */
export function versionKey(st: fs.BigIntStats): string {
  return `${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

/**
 * Parses a trace file known to parse cleanly (known to the store, or parsed on a worker), when its
 * rows are first used; it must still parse cleanly (the lint that passed it saw a clean parse).
 */
export function reparseOf(absPath: string): () => ParsedTrace {
  return () => {
    const bytes = readRegularBytes(absPath, MAX_TRACE_BYTES, scratch);
    const parsed = bytes.ok ? parseTraceBytes(bytes.data) : undefined;
    if (!parsed || parsed.problems.length) throw new Error(`trace ${absPath} changed while it was being read; run again`);
    return parsed;
  };
}

/** A trace file known to the store by its identity (TraceStore.byIdentity): its rows are parsed when first used. */
export function storedTrace(store: TraceStore, absPath: string, st: fs.BigIntStats): ParsedTrace | undefined {
  return store.byIdentity(absPath, st, reparseOf(absPath));
}

/** A file just read and parsed cleanly through the store (not known by identity): what TraceStore.putIdentity remembers of it. */
export interface FreshTrace { st: fs.BigIntStats; origin: TraceOrigin }

/**
 * Reads and parses one trace file: known to the store by identity (no CSV read), else the CSV,
 * hashed when there is a store. `key` is undefined when the file could not be examined; `fresh`
 * is set for a clean parse the store does not know yet, which the caller remembers
 * (TraceStore.putIdentity: the main thread at once, a trace worker once it has resampled it).
 */
export function readTraceFile(absPath: string, store: TraceStore | undefined, rows?: RowScratch): { key?: string; read: TraceRead; fresh?: FreshTrace } {
  let st: fs.BigIntStats;
  try {
    st = fs.statSync(absPath, { bigint: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { read: code === 'ENOENT' || code === 'ENOTDIR' ? { ok: false, kind: 'missing', message: 'no such file' } : { ok: false, kind: 'unreadable', message: code ?? String(e) } };
  }
  const key = versionKey(st);
  if (!st.isFile()) return { key, read: { ok: false, kind: 'unreadable', message: `is ${fileKind(st)}, not a CSV file` } };
  if (st.size > BigInt(MAX_TRACE_BYTES)) return { key, read: { ok: false, kind: 'unreadable', message: `is ${(Number(st.size) / 1048576).toFixed(0)} MiB; traces are read up to ${MAX_TRACE_BYTES / 1048576} MiB` } };
  const known = store && storedTrace(store, absPath, st);
  if (known) return { key, read: { ok: true, parsed: known } };
  const bytes = readRegularBytes(absPath, MAX_TRACE_BYTES, scratch);
  if (!bytes.ok) return { key, read: { ok: false, kind: bytes.kind === 'missing' ? 'missing' : 'unreadable', message: bytes.message } };
  const parsed = parseTraceBytes(bytes.data, { into: rows });
  if (!store) return { key, read: { ok: true, parsed } };
  parsed.hash = contentHash(bytes.data);
  const fresh = parsed.problems.length ? undefined : { st, origin: { hash: parsed.hash, rows: parsed.wall.length } };
  return { key, read: { ok: true, parsed }, fresh };
}

/**
 * TraceCache.read for one pass over the workloads (the lint rule, the run's plan): each file read,
 * and its version checked, once however many workloads share it.
 */
export function passReader(cache: TraceCache): (absPath: string) => TraceRead {
  const reads = new Map<string, TraceRead>();
  return (absPath) => {
    let read = reads.get(absPath);
    if (!read) reads.set(absPath, (read = cache.read(absPath)));
    return read;
  };
}

/**
 * Trace files read and parsed once per file version in a process, and through the on-disk
 * TraceStore across processes (`store: null` turns that off). `prefetch` reads many files on
 * worker threads ahead of the rules and the replay, which then find them here.
 */
export class TraceCache {
  private readonly entries = new Map<string, { key: string; read: TraceRead }>();
  readonly store: TraceStore | undefined;

  constructor(opts: { store?: TraceStore | null } = {}) {
    this.store = opts.store === null ? undefined : opts.store ?? TraceStore.open();
  }

  read(absPath: string): TraceRead {
    let key: string | undefined;
    try {
      key = versionKey(fs.statSync(absPath, { bigint: true }));
    } catch {
      /* reported by readTraceFile */
    }
    const hit = this.entries.get(absPath);
    if (hit && key !== undefined && hit.key === key) return hit.read;
    const got = readTraceFile(absPath, this.store);
    if (got.fresh) this.store?.putIdentity(absPath, got.fresh.st, got.fresh.origin);
    if (got.key !== undefined) this.entries.set(absPath, { key: got.key, read: got.read });
    return got.read;
  }

  /** Whether a file's current version is already here. */
  has(absPath: string, key: string): boolean {
    return this.entries.get(absPath)?.key === key;
  }

  /** Takes a read made elsewhere (a worker) for a file version. */
  remember(absPath: string, key: string, read: TraceRead): void {
    this.entries.set(absPath, { key, read });
  }
}
