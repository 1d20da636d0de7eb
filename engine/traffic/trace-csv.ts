/**
 * The `timestamp,value` CSV reader (shared/spec/format.md, "Workload"), in one pass over the
 * file's bytes. Timestamps are ISO 8601 (with or without offset; without one they are wall-clock
 * time, converted later by trace-file.ts) or epoch seconds (milliseconds past year 5000).
 *
 * Fast path, taken by every row of an ordinary export: `YYYY-MM-DD[T ]HH:MM[:SS[.f]][Z|±HH[:]MM]`
 * or epoch digits, and a plain decimal value, are read straight from the bytes: the date by
 * days-from-civil arithmetic (H. Hinnant's algorithm, the same proleptic Gregorian day count
 * as Date.UTC, rollover included), the value as m / 10^k with m < 2^53 and k ≤ 22, which IEEE
 * division rounds exactly as Number() rounds the decimal (Clinger's fast path), so both paths
 * give bit-identical numbers. Anything else (quotes, spaces, exponents, long mantissas, errors)
 * goes through the general reader for that row, which also words the problems with their line
 * and column. No regular expression or Date object runs per row on the fast path.
 */
export interface TraceProblem { line: number; column: number; endColumn: number; message: string }

export interface ParsedTrace {
  /** Timestamps in seconds: UTC when hasOffset[i], else wall-clock read as if UTC. */
  wall: Float64Array;
  hasOffset: Uint8Array;
  values: Float64Array;
  problems: TraceProblem[];
  /** SHA-256 of the file's bytes, when read through the trace store (trace-store.ts). */
  hash?: string;
  /** The number of rows, known before the arrays are read (a parse kept in the trace store). */
  rows?: number;
}

/** Trace times must fall in [1970, 2200): a horizon is planned in years, not millennia. */
export const TRACE_TIME_MIN = 0;
export const TRACE_TIME_MAX = Date.UTC(2200, 0, 1) / 1000;
/** The most data rows read from one trace (a year at 6-second samples is 5.3 M). */
export const MAX_TRACE_ROWS = 6_000_000;
const MAX_PROBLEMS = 20;

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

function isoInRange(t: number): boolean {
  return t >= TRACE_TIME_MIN - 86400 && t < TRACE_TIME_MAX;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1–12; days past the month's end roll over). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The general reader of one timestamp string (any form the format allows). */
function parseTimestamp(s: string): { t: number; offset: boolean } | undefined {
  if (NUMBER.test(s)) {
    const v = Number(s);
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
  if (!isoInRange(t)) return undefined;
  return { t, offset: off !== undefined };
}

/**
 * Row arrays one caller parses file after file into (parseTraceBytes, `into`), so that a run
 * reading many traces it keeps only resampled does not leave three arrays per file for the
 * collector; a parse into them is valid until the next one (resample-ahead.ts copies one it keeps).
 */
export class RowScratch {
  wall: Float64Array = new Float64Array(0);
  values: Float64Array = new Float64Array(0);
  hasOffset: Uint8Array = new Uint8Array(0);

  /** Whether a's memory is this scratch's (a parse into it, not yet copied out). */
  holds(a: Float64Array | Uint8Array): boolean {
    return a.buffer === this.wall.buffer || a.buffer === this.values.buffer || a.buffer === this.hasOffset.buffer;
  }
}

/** Output arrays that grow by doubling (kept in a RowScratch when given one). */
class Rows {
  n = 0;
  wall: Float64Array;
  values: Float64Array;
  hasOffset: Uint8Array;
  constructor(capacity: number, private readonly scratch?: RowScratch) {
    if (scratch && scratch.wall.length >= capacity) {
      this.wall = scratch.wall;
      this.values = scratch.values;
      this.hasOffset = scratch.hasOffset;
    } else {
      this.wall = new Float64Array(capacity);
      this.values = new Float64Array(capacity);
      this.hasOffset = new Uint8Array(capacity);
      this.keep();
    }
  }
  push(t: number, offset: boolean, v: number): void {
    if (this.n === this.wall.length) this.grow();
    const n = this.n++;
    this.wall[n] = t;
    this.values[n] = v;
    this.hasOffset[n] = offset ? 1 : 0;
  }
  private grow(): void {
    const c = this.wall.length * 2;
    const g = <T extends Float64Array | Uint8Array>(a: T, C: new (n: number) => T): T => { const b = new C(c); b.set(a); return b; };
    this.wall = g(this.wall, Float64Array); this.values = g(this.values, Float64Array); this.hasOffset = g(this.hasOffset, Uint8Array);
    this.keep();
  }
  /** The arrays become the scratch's, for the next parse. */
  private keep(): void {
    if (!this.scratch) return;
    this.scratch.wall = this.wall;
    this.scratch.values = this.values;
    this.scratch.hasOffset = this.hasOffset;
  }
}

/** The general reader of one data row; pushes the row or a problem. */
function readRowSlow(line: string, lineNo: number, rows: Rows, problems: TraceProblem[]): void {
  const comma = line.indexOf(',');
  if (comma < 0 || line.indexOf(',', comma + 1) >= 0) {
    problems.push({ line: lineNo, column: 1, endColumn: line.length + 1, message: `expected 2 columns (timestamp,value), got ${comma < 0 ? 1 : line.split(',').length}` });
    return;
  }
  const ts = line.slice(0, comma).trim().replace(/^"|"$/g, '');
  const vs = line.slice(comma + 1).trim().replace(/^"|"$/g, '');
  const t = parseTimestamp(ts);
  if (!t) {
    problems.push({ line: lineNo, column: 1, endColumn: comma + 1, message: `"${ts.slice(0, 40)}" is not an ISO 8601 time or epoch seconds between 1970 and 2200` });
    return;
  }
  if (!NUMBER.test(vs)) {
    problems.push({ line: lineNo, column: comma + 2, endColumn: line.length + 1, message: vs === '' ? 'value is empty' : `value "${vs.slice(0, 40)}" is not a finite number` });
    return;
  }
  const v = Number(vs);
  if (!Number.isFinite(v)) {
    problems.push({ line: lineNo, column: comma + 2, endColumn: line.length + 1, message: `value "${vs.slice(0, 40)}" is not a finite number` });
    return;
  }
  if (v < 0) {
    problems.push({ line: lineNo, column: comma + 2, endColumn: line.length + 1, message: `value ${vs} is negative; traffic cannot be below 0` });
    return;
  }
  rows.push(t.t, t.offset, v);
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const d2 = (b: Uint8Array, i: number) => (b[i] - 48) * 10 + (b[i + 1] - 48);

/**
 * The fast path: reads rows from `pos` while they have an ordinary shape, straight into `rows`,
 * and returns where it stopped (the start of the first row it does not take, which the general
 * reader then reads). One loop with everything inline: the per-row work is a few byte compares
 * and multiply-adds. The date is computed once per day: rows of a day share its 10 bytes, which
 * are compared as two 32-bit words and a 16-bit one (DataView reads, unaligned is fine).
 */
function fastRows(b: Uint8Array, dv: DataView, pos: number, rows: Rows, maxRows: number): number {
  const len = b.length;
  let dayA = 0, dayB = 0, dayC = -1, dayBase = 0;
  while (pos < len && rows.n < maxRows) {
    const i = pos;
    let t: number;
    let offset = true;
    let j: number; // the comma after the time
    if (i + 16 < len && b[i + 4] === 45 && b[i + 7] === 45 && (b[i + 10] === 84 || b[i + 10] === 32) && b[i + 13] === 58) {
      // YYYY-MM-DD[T ]HH:MM[:SS[.f]][Z|±HH[:]MM]
      const A = dv.getInt32(i, true), B = dv.getInt32(i + 4, true), C = dv.getUint16(i + 8, true);
      if (A !== dayA || B !== dayB || C !== dayC) {
        const y0 = b[i] - 48, y1 = b[i + 1] - 48, y2 = b[i + 2] - 48, y3 = b[i + 3] - 48;
        const m0 = b[i + 5] - 48, m1 = b[i + 6] - 48, d0 = b[i + 8] - 48, d1 = b[i + 9] - 48;
        // (x >>> 0) > 9: x is not a digit (a byte below '0' wraps to a large unsigned number)
        if ((y0 >>> 0) > 9 || (y1 >>> 0) > 9 || (y2 >>> 0) > 9 || (y3 >>> 0) > 9 || (m0 >>> 0) > 9 || (m1 >>> 0) > 9 || (d0 >>> 0) > 9 || (d1 >>> 0) > 9) break;
        const mo = m0 * 10 + m1, d = d0 * 10 + d1;
        if (mo < 1 || mo > 12 || d < 1 || d > 31) break;
        dayBase = daysFromCivil(((y0 * 10 + y1) * 10 + y2) * 10 + y3, mo, d) * 86400;
        dayA = A;
        dayB = B;
        dayC = C;
      }
      const h0 = b[i + 11] - 48, h1 = b[i + 12] - 48, n0 = b[i + 14] - 48, n1 = b[i + 15] - 48;
      if ((h0 >>> 0) > 9 || (h1 >>> 0) > 9 || (n0 >>> 0) > 9 || (n1 >>> 0) > 9) break;
      const h = h0 * 10 + h1, mi = n0 * 10 + n1;
      let sec = 0, frac = 0;
      j = i + 16;
      if (b[j] === 58) {
        if (j + 3 > len) break;
        const s0 = b[j + 1] - 48, s1 = b[j + 2] - 48;
        if ((s0 >>> 0) > 9 || (s1 >>> 0) > 9) break;
        sec = s0 * 10 + s1;
        j += 3;
        if (j < len && b[j] === 46) {
          let m = 0, k = 0;
          for (j++; j < len && isDigit(b[j]); j++) { m = m * 10 + (b[j] - 48); k++; }
          if (k === 0 || k > 15) break;
          frac = m / POW10[k];
        }
      }
      if (h > 24 || mi > 59 || sec > 60) break;
      t = dayBase + h * 3600 + mi * 60 + sec + frac;
      const c = b[j];
      if (c === 90) j++; // Z
      else if (c === 43 || c === 45) {
        let oh: number, om: number;
        if (b[j + 3] === 58 && isDigit(b[j + 1]) && isDigit(b[j + 2]) && isDigit(b[j + 4]) && isDigit(b[j + 5])) { oh = d2(b, j + 1); om = d2(b, j + 4); j += 6; }
        else if (isDigit(b[j + 1]) && isDigit(b[j + 2]) && isDigit(b[j + 3]) && isDigit(b[j + 4])) { oh = d2(b, j + 1); om = d2(b, j + 3); j += 5; }
        else break;
        t -= (c === 45 ? -1 : 1) * (oh * 3600 + om * 60);
      } else offset = false;
      if (b[j] !== 44 || !isoInRange(t)) break;
    } else {
      // epoch seconds (or milliseconds)
      j = decimalAt(b, i, len);
      if (j < 0 || b[j] !== 44) break;
      const v = decimal[0];
      t = v > 1e11 ? v / 1000 : v;
      if (!(t >= TRACE_TIME_MIN && t < TRACE_TIME_MAX)) break;
    }
    // the value, then \n, \r\n or the end of the bytes
    j = decimalAt(b, j + 1, len);
    if (j < 0) break;
    if (j < len) {
      if (b[j] === 13) j++;
      if (j < len && b[j] !== 10) break;
    }
    rows.push(t, offset, decimal[0]);
    pos = j + 1;
  }
  return pos;
}

/** decimalAt's value (a typed array: a double kept in a module-level variable would be a new heap number each time). */
const decimal = new Float64Array(1);

/**
 * Reads an unsigned decimal `digits[.digits]` from b[i] into decimal[0], as m / 10^k (exact: see
 * the header), and returns where it ends; -1 for none, or for more than 15 significant digits or
 * 22 decimals (the general reader takes those).
 */
function decimalAt(b: Uint8Array, i: number, len: number): number {
  let m = 0, digits = 0, k = 0, seenDot = false, any = false;
  let j = i;
  for (; j < len; j++) {
    const x = b[j] - 48;
    if ((x >>> 0) <= 9) {
      if (digits > 0 || x !== 0) digits++;
      m = m * 10 + x;
      if (seenDot) k++;
      any = true;
    } else if (x === -2 && !seenDot) seenDot = true; // '.'
    else break;
  }
  if (!any || digits > 15 || k > 22) return -1;
  decimal[0] = k ? m / POW10[k] : m;
  return j;
}

function isBlank(b: Uint8Array, i: number, end: number): boolean {
  for (; i < end; i++) if (b[i] !== 32 && b[i] !== 9) return false;
  return true;
}

const decoder = new TextDecoder('utf-8');

/**
 * Parses a trace file's bytes. Problems are collected (at most 20), never thrown. `general`
 * turns the fast path off (the tests compare both paths bit for bit).
 */
export function parseTraceBytes(b: Uint8Array, opts: { general?: boolean; into?: RowScratch } = {}): ParsedTrace {
  const fast = !opts.general;
  const problems: TraceProblem[] = [];
  const rows = new Rows(Math.max(16, Math.ceil(b.length / 24)), opts.into);
  let pos = b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  let lineNo = 0;
  let header = false;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  while (pos < b.length && problems.length < MAX_PROBLEMS) {
    if (fast && header && rows.n < MAX_TRACE_ROWS) {
      const n0 = rows.n;
      pos = fastRows(b, dv, pos, rows, MAX_TRACE_ROWS);
      lineNo += rows.n - n0;
      if (pos >= b.length) break;
    }
    let end = b.indexOf(10, pos);
    if (end < 0) end = b.length;
    const start = pos;
    pos = end + 1;
    lineNo++;
    if (end > start && b[end - 1] === 13) end--;
    if (isBlank(b, start, end)) continue;
    if (!header) {
      header = true;
      const line = decoder.decode(b.subarray(start, end));
      const cols = line.split(',').map((c) => c.trim().replace(/^"|"$/g, '').toLowerCase());
      if (cols.length !== 2 || cols[0] !== 'timestamp' || cols[1] !== 'value') {
        problems.push({ line: lineNo, column: 1, endColumn: line.length + 1, message: `header must be "timestamp,value", got "${line.slice(0, 60)}"` });
        break;
      }
      continue;
    }
    if (rows.n >= MAX_TRACE_ROWS) {
      problems.push({ line: lineNo, column: 1, endColumn: end - start + 1, message: `more than ${MAX_TRACE_ROWS.toLocaleString('en-US')} rows; Headroom reads at most that many from one trace (downsample it, or split it by period)` });
      break;
    }
    readRowSlow(decoder.decode(b.subarray(start, end)), lineNo, rows, problems);
  }
  const n = rows.n;
  if (!header) problems.push({ line: 1, column: 1, endColumn: 1, message: 'file is empty; expected a "timestamp,value" header and rows' });
  else if (n === 0 && problems.length === 0) problems.push({ line: Math.max(1, lineNo), column: 1, endColumn: 1, message: 'no data rows after the header' });
  // exact-size views when the estimate was within half the rows (rows of 24 to 36 bytes, ordinary
  // exports), copies otherwise (no large long-lived slack); into a scratch, always views (a parse
  // that is kept is copied out of it: resample-ahead.ts)
  const fit = <T extends Float64Array | Uint8Array>(a: T): T => (!opts.into && a.length - n > n / 2 ? (a.slice(0, n) as T) : (a.subarray(0, n) as T));
  return { wall: fit(rows.wall), values: fit(rows.values), hasOffset: fit(rows.hasOffset), problems };
}

/** parseTraceBytes over a string (tests, editor buffers). */
export function parseTraceCsv(text: string): ParsedTrace {
  return parseTraceBytes(Buffer.from(text, 'utf8'));
}
