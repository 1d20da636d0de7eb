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

/** Output arrays that grow by doubling. */
class Rows {
  n = 0;
  wall: Float64Array;
  values: Float64Array;
  hasOffset: Uint8Array;
  constructor(capacity: number) {
    this.wall = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
    this.hasOffset = new Uint8Array(capacity);
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

// Fast-path results, written by the scanners below: no object per row, and the numbers in a
// typed array (a double stored in a module-level variable is a new heap number each time)
const scanned = new Float64Array(2);
const T = 0;
const V = 1;
let fastOffset = false;
/** The last date scanned (year, month, day) and its days since the epoch: rows of one day share it. */
const lastDay = new Int32Array([-1, 0, 0, 0]);

const isDigit = (c: number) => c >= 48 && c <= 57;
/** Offsets of the digits in YYYY-MM-DDTHH:MM. */
const ISO_DIGITS = Uint8Array.of(0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15);
const d2 = (b: Uint8Array, i: number) => (b[i] - 48) * 10 + (b[i + 1] - 48);

/** Reads b[i, end) as an unsigned decimal "digits[.digits]" into scanned[V]; false if it is another form. */
function scanDecimal(b: Uint8Array, i: number, end: number): boolean {
  if (i >= end) return false;
  let m = 0, digits = 0, k = 0, seenDot = false, any = false;
  for (; i < end; i++) {
    const c = b[i];
    if (isDigit(c)) {
      if (digits > 0 || c !== 48) digits++;
      m = m * 10 + (c - 48);
      if (seenDot) k++;
      any = true;
    } else if (c === 46 && !seenDot) seenDot = true;
    else return false;
  }
  if (!any || digits > 15 || k > 22) return false;
  scanned[V] = k ? m / POW10[k] : m;
  return true;
}

/** Reads b[i, end) as an ISO 8601 time or epoch digits into scanned[T] and fastOffset; false otherwise. */
function scanTime(b: Uint8Array, i: number, end: number): boolean {
  const len = end - i;
  if (len >= 16 && b[i + 4] === 45 && b[i + 7] === 45 && (b[i + 10] === 84 || b[i + 10] === 32) && b[i + 13] === 58) {
    for (let k = 0; k < ISO_DIGITS.length; k++) if (!isDigit(b[i + ISO_DIGITS[k]])) return false;
    const y = d2(b, i) * 100 + d2(b, i + 2), mo = d2(b, i + 5), d = d2(b, i + 8), h = d2(b, i + 11), mi = d2(b, i + 14);
    let p = i + 16, sec = 0, frac = 0;
    if (p < end && b[p] === 58) {
      if (p + 3 > end || !isDigit(b[p + 1]) || !isDigit(b[p + 2])) return false;
      sec = d2(b, p + 1);
      p += 3;
      if (p < end && b[p] === 46) {
        let m = 0, k = 0;
        for (p++; p < end && isDigit(b[p]); p++) { m = m * 10 + (b[p] - 48); k++; }
        if (k === 0 || k > 15) return false;
        frac = m / POW10[k];
      }
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || sec > 60) return false;
    if (lastDay[0] !== y || lastDay[1] !== mo || lastDay[2] !== d) {
      lastDay[0] = y;
      lastDay[1] = mo;
      lastDay[2] = d;
      lastDay[3] = daysFromCivil(y, mo, d);
    }
    let t = lastDay[3] * 86400 + h * 3600 + mi * 60 + sec + frac;
    fastOffset = false;
    if (p < end) {
      const c = b[p];
      if (c === 90 && p + 1 === end) fastOffset = true;
      else if (c === 43 || c === 45) {
        const rest = end - p - 1;
        let oh: number, om: number;
        if (rest === 5 && b[p + 3] === 58 && isDigit(b[p + 1]) && isDigit(b[p + 2]) && isDigit(b[p + 4]) && isDigit(b[p + 5])) { oh = d2(b, p + 1); om = d2(b, p + 4); }
        else if (rest === 4 && isDigit(b[p + 1]) && isDigit(b[p + 2]) && isDigit(b[p + 3]) && isDigit(b[p + 4])) { oh = d2(b, p + 1); om = d2(b, p + 3); }
        else return false;
        t -= (c === 45 ? -1 : 1) * (oh * 3600 + om * 60);
        fastOffset = true;
      } else return false;
    }
    if (!isoInRange(t)) return false;
    scanned[T] = t;
    return true;
  }
  // epoch seconds (or milliseconds), digits only
  if (!scanDecimal(b, i, end)) return false;
  const t = scanned[V] > 1e11 ? scanned[V] / 1000 : scanned[V];
  if (!(t >= TRACE_TIME_MIN && t < TRACE_TIME_MAX)) return false;
  scanned[T] = t;
  fastOffset = true;
  return true;
}

/**
 * The fast path for a whole row from `i`: `time,value` then a line end (\n, \r\n or the end
 * of the bytes), scanned once. On success sets scanned[T], fastOffset and scanned[V] and returns the offset
 * after the line; returns -1 for any other shape (the caller then takes the general reader).
 */
function scanRow(b: Uint8Array, i: number): number {
  const len = b.length;
  // YYYY-MM-DDTHH:MM:SSZ is 20 bytes: a comma right after them is taken without a search (scanTime
  // checks all 20, none of which may be a comma, so it is the line's first)
  let comma = i + 20;
  if (comma >= len || b[comma] !== 44) {
    comma = i;
    while (comma < len && comma - i < 40 && b[comma] !== 44 && b[comma] !== 10) comma++;
  }
  if (comma >= len || b[comma] !== 44 || !scanTime(b, i, comma)) return -1;
  let j = comma + 1;
  let m = 0, digits = 0, k = 0, seenDot = false, any = false;
  for (; j < len; j++) {
    const c = b[j];
    if (c >= 48 && c <= 57) {
      if (digits > 0 || c !== 48) digits++;
      m = m * 10 + (c - 48);
      if (seenDot) k++;
      any = true;
    } else if (c === 46 && !seenDot) seenDot = true;
    else break;
  }
  if (!any || digits > 15 || k > 22) return -1;
  if (j < len) {
    if (b[j] === 13) j++;
    if (j < len && b[j] !== 10) return -1;
  }
  scanned[V] = k ? m / POW10[k] : m;
  return j + 1;
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
export function parseTraceBytes(b: Uint8Array, opts: { general?: boolean } = {}): ParsedTrace {
  const fast = !opts.general;
  const problems: TraceProblem[] = [];
  const rows = new Rows(Math.max(16, Math.ceil(b.length / 24)));
  let pos = b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  let lineNo = 0;
  let header = false;
  while (pos < b.length && problems.length < MAX_PROBLEMS) {
    if (fast && header && rows.n < MAX_TRACE_ROWS) {
      const next = scanRow(b, pos);
      if (next > 0) {
        rows.push(scanned[T], fastOffset, scanned[V]);
        lineNo++;
        pos = next;
        continue;
      }
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
  // exact-size views when the estimate was close, copies otherwise (no long-lived slack)
  const fit = <T extends Float64Array | Uint8Array>(a: T): T => (a.length - n > n / 8 ? (a.slice(0, n) as T) : (a.subarray(0, n) as T));
  return { wall: fit(rows.wall), values: fit(rows.values), hasOffset: fit(rows.hasOffset), problems };
}

/** parseTraceBytes over a string (tests, editor buffers). */
export function parseTraceCsv(text: string): ParsedTrace {
  return parseTraceBytes(Buffer.from(text, 'utf8'));
}
