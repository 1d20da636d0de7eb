/**
 * Trace CSV files (`timestamp,value`), read as real exports come (shared/spec/format.md,
 * "Workload"): ISO 8601 or epoch seconds; a timestamp without offset is wall-clock time in
 * `traffic.timezone` (IANA, converted with Intl); duplicate timestamps (DST repeats) are
 * averaged; rows out of order are sorted. Errors carry the CSV line and column.
 */
import * as fs from 'fs';
import { fileKind, readRegularFile } from './file-access';

export const MAX_TRACE_BYTES = 256 * 1024 * 1024;

export interface TraceProblem { line: number; column: number; endColumn: number; message: string }

export interface ParsedTrace {
  /** Timestamps in seconds: UTC when hasOffset[i], else wall-clock read as if UTC. */
  wall: Float64Array;
  hasOffset: Uint8Array;
  values: Float64Array;
  /** 1-based CSV line of each row. */
  lines: Uint32Array;
  problems: TraceProblem[];
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Trace times must fall in [1970, 2200): a horizon is planned in years, not millennia. */
export const TRACE_TIME_MIN = 0;
export const TRACE_TIME_MAX = Date.UTC(2200, 0, 1) / 1000;
/** The most data rows read from one trace (a year at 6-second samples is 5.3 M). */
export const MAX_TRACE_ROWS = 6_000_000;

function parseTimestamp(s: string): { t: number; offset: boolean } | undefined {
  if (NUMBER.test(s)) {
    const v = Number(s);
    // Epoch seconds; values past year 5000 in seconds are taken as milliseconds.
    const t = v > 1e11 ? v / 1000 : v;
    return t >= TRACE_TIME_MIN && t < TRACE_TIME_MAX ? { t, offset: true } : undefined;
  }
  const m = ISO.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, sec] = [+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || sec > 60) return undefined;
  const frac = m[7] ? Number('0.' + m[7]) : 0;
  let t = Date.UTC(y, mo - 1, d, h, mi, sec) / 1000 + frac;
  const off = m[8];
  if (off && off !== 'Z') {
    const sign = off[0] === '-' ? -1 : 1;
    const digits = off.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2)) * 60);
  }
  if (!(t >= TRACE_TIME_MIN - 86400 && t < TRACE_TIME_MAX)) return undefined;
  return { t, offset: off !== undefined };
}

/** Parses CSV text. Problems are collected (at most 20), never thrown. */
export function parseTraceCsv(text: string): ParsedTrace {
  const problems: TraceProblem[] = [];
  const n0 = text.length / 20 + 16;
  let wall = new Float64Array(n0), values = new Float64Array(n0), hasOffset = new Uint8Array(n0), lines = new Uint32Array(n0);
  let n = 0;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let lineNo = 0;
  let header = false;
  while (pos < text.length && problems.length < 20) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    let line = text.slice(pos, end);
    pos = end + 1;
    lineNo++;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') continue;
    if (!header) {
      header = true;
      const cols = line.split(',').map((c) => c.trim().replace(/^"|"$/g, '').toLowerCase());
      if (cols.length !== 2 || cols[0] !== 'timestamp' || cols[1] !== 'value') {
        problems.push({ line: lineNo, column: 1, endColumn: line.length + 1, message: `header must be "timestamp,value", got "${line.slice(0, 60)}"` });
        break;
      }
      continue;
    }
    const comma = line.indexOf(',');
    if (comma < 0 || line.indexOf(',', comma + 1) >= 0) {
      problems.push({ line: lineNo, column: 1, endColumn: line.length + 1, message: `expected 2 columns (timestamp,value), got ${comma < 0 ? 1 : line.split(',').length}` });
      continue;
    }
    const ts = line.slice(0, comma).trim().replace(/^"|"$/g, '');
    const vs = line.slice(comma + 1).trim().replace(/^"|"$/g, '');
    const t = parseTimestamp(ts);
    if (!t) {
      problems.push({ line: lineNo, column: 1, endColumn: comma + 1, message: `"${ts.slice(0, 40)}" is not an ISO 8601 time or epoch seconds between 1970 and 2200` });
      continue;
    }
    if (n >= MAX_TRACE_ROWS) {
      problems.push({ line: lineNo, column: 1, endColumn: line.length + 1, message: `more than ${MAX_TRACE_ROWS.toLocaleString('en-US')} rows; Headroom reads at most that many from one trace (downsample it, or split it by period)` });
      break;
    }
    if (!NUMBER.test(vs)) {
      problems.push({ line: lineNo, column: comma + 2, endColumn: line.length + 1, message: vs === '' ? 'value is empty' : `value "${vs.slice(0, 40)}" is not a finite number` });
      continue;
    }
    const v = Number(vs);
    if (!Number.isFinite(v)) {
      problems.push({ line: lineNo, column: comma + 2, endColumn: line.length + 1, message: `value "${vs.slice(0, 40)}" is not a finite number` });
      continue;
    }
    if (v < 0) {
      problems.push({ line: lineNo, column: comma + 2, endColumn: line.length + 1, message: `value ${vs} is negative; traffic cannot be below 0` });
      continue;
    }
    if (n === wall.length) {
      const grow = <T extends Float64Array | Uint8Array | Uint32Array>(a: T, C: new (n: number) => T): T => { const b = new C(a.length * 2); b.set(a); return b; };
      wall = grow(wall, Float64Array); values = grow(values, Float64Array); hasOffset = grow(hasOffset, Uint8Array); lines = grow(lines, Uint32Array);
    }
    wall[n] = t.t; values[n] = v; hasOffset[n] = t.offset ? 1 : 0; lines[n] = lineNo; n++;
  }
  if (!header) problems.push({ line: 1, column: 1, endColumn: 1, message: 'file is empty; expected a "timestamp,value" header and rows' });
  else if (n === 0 && problems.length === 0) problems.push({ line: Math.max(1, lineNo), column: 1, endColumn: 1, message: 'no data rows after the header' });
  return { wall: wall.slice(0, n), values: values.slice(0, n), hasOffset: hasOffset.slice(0, n), lines: lines.slice(0, n), problems };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Throws RangeError for a name that is not an IANA time zone. */
export function checkTimeZone(tz: string): void {
  zoneFormatter(tz);
}

function zoneFormatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(tz, f);
  }
  return f;
}

/** local − UTC in seconds for the zone at a UTC instant. */
export function zoneOffsetSeconds(tz: string, utc: number): number {
  const parts = zoneFormatter(tz).formatToParts(new Date(utc * 1000));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) / 1000;
  return local - Math.floor(utc);
}

/** Wall-clock seconds in tz → UTC seconds. Times in a spring-forward gap move forward by the gap. */
export function wallToUtc(tz: string, wall: number, cache?: Map<number, number>): number {
  const off = (u: number) => {
    const key = Math.floor(u / 900);
    let v = cache?.get(key);
    if (v === undefined) {
      v = zoneOffsetSeconds(tz, key * 900);
      cache?.set(key, v);
    }
    return v;
  };
  const o1 = off(wall);
  let u = wall - o1;
  const o2 = off(u);
  if (o2 !== o1) u = wall - o2;
  return u;
}

export interface TraceSeries {
  /** Sorted, unique UTC seconds. */
  times: Float64Array;
  values: Float64Array;
  duplicates: number;
  unsorted: boolean;
}

/** UTC, sorted, duplicates averaged. */
export function toSeries(p: ParsedTrace, timezone: string): TraceSeries {
  const n = p.wall.length;
  const utc = new Float64Array(n);
  const cache = new Map<number, number>();
  for (let i = 0; i < n; i++) utc[i] = p.hasOffset[i] || timezone === 'UTC' ? p.wall[i] : wallToUtc(timezone, p.wall[i], cache);
  let unsorted = false;
  for (let i = 1; i < n; i++) if (utc[i] < utc[i - 1]) { unsorted = true; break; }
  let order: Uint32Array | undefined;
  if (unsorted) {
    order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((x, y) => utc[x] - utc[y] || x - y);
  }
  const times = new Float64Array(n);
  const values = new Float64Array(n);
  let m = 0, dup = 0, count = 0;
  for (let j = 0; j < n; j++) {
    const i = order ? order[j] : j;
    if (m > 0 && utc[i] === times[m - 1]) {
      count++;
      dup++;
      values[m - 1] += (p.values[i] - values[m - 1]) / count; // running mean
    } else {
      times[m] = utc[i];
      values[m] = p.values[i];
      count = 1;
      m++;
    }
  }
  return { times: times.slice(0, m), values: values.slice(0, m), duplicates: dup, unsorted };
}

export type TraceRead =
  | { ok: true; parsed: ParsedTrace }
  | { ok: false; kind: 'missing' | 'unreadable'; message: string };

/** Reads and parses trace files once per (path, size, mtime). */
export class TraceCache {
  private readonly entries = new Map<string, { key: string; read: TraceRead }>();

  read(absPath: string): TraceRead {
    let st: fs.Stats;
    try {
      st = fs.statSync(absPath);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return code === 'ENOENT' || code === 'ENOTDIR' ? { ok: false, kind: 'missing', message: 'no such file' } : { ok: false, kind: 'unreadable', message: code ?? String(e) };
    }
    if (!st.isFile()) return { ok: false, kind: 'unreadable', message: `is ${fileKind(st)}, not a CSV file` };
    if (st.size > MAX_TRACE_BYTES) return { ok: false, kind: 'unreadable', message: `is ${(st.size / 1048576).toFixed(0)} MiB; traces are read up to ${MAX_TRACE_BYTES / 1048576} MiB` };
    const key = `${st.size}:${st.mtimeMs}`;
    const hit = this.entries.get(absPath);
    if (hit && hit.key === key) return hit.read;
    const text = readRegularFile(absPath, MAX_TRACE_BYTES);
    const read: TraceRead = text.ok ? { ok: true, parsed: parseTraceCsv(text.text) } : { ok: false, kind: text.kind === 'missing' ? 'missing' : 'unreadable', message: text.message };
    this.entries.set(absPath, { key, read });
    return read;
  }
}
