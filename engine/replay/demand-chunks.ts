/**
 * Demand as the replay reads it (format.md, "Replay semantics" and "Monte Carlo"): chunks of 64
 * steps, transposed step-major, so that each step reads one contiguous row of W workloads
 * instead of touching every workload's array at the same offset. With Monte Carlo noise, d(t) is
 * read as d(t) × level[w] × exp(growthK · t·Δ) × max(0, 1 + sigma·e_w(t)), e_w AR(1) with
 * coefficient rho (e(0) = z(0), e(t) = ρ·e(t−1) + sqrt(1−ρ²)·z(t)), z drawn from the run's rng in
 * a fixed order (chunk by chunk, workload by workload). The demand comes from a DemandSource
 * (traffic/demand-stream.ts), whole arrays or generated as read, so memory is W × 64 steps here.
 * Workloads whose demand is one series held whole (workloads sharing a trace, no scale or
 * growth) share a column of the rows when there is no noise: it is transposed once, not once per
 * workload (1,000 workloads sharing 10 traces: 10 columns, not 1,000). Without noise, columns
 * are copied eight at a time, step by step, so that each row's eight values fill one 64-byte
 * cache line while it is hot; a column at a time wrote every row once per column, 8 KB apart
 * for 1,000 columns (1,000 workloads × a year at 1 h: 74–114 ms of each replay thread's time,
 * against 38 ms for the same copy in cache-friendly order). Each chunk also keeps every
 * column's largest value as it copies it, a bound on its steps (settle-openstack.ts,
 * openStackBound). Nothing is allocated after construction.
 */
import type { ReplayInput } from './replay';
import type { DemandSource } from '../traffic/demand-stream';
import { fillGrowth } from '../traffic/traffic';

/** Steps per chunk; a source is read in these chunks from step 0 (split-replay.ts reads it the same way). */
export const CHUNK_STEPS = 64;
const CH = CHUNK_STEPS;
/** Columns copied together without noise: eight doubles, one cache line of a row. */
const TILE = 8;

export class DemandChunks {
  /** The current chunk: rows[(t − start) × C + columns[w]], C columns (the replay's demandRows when given, longer than that). */
  readonly rows: Float64Array;
  /** Per workload: its column in a row. */
  readonly columns: Int32Array;
  /** Per column: the largest value of the current chunk (a bound on every step's: settle-openstack.ts, openStackBound). */
  readonly columnMax: Float64Array;
  /** Per column: the first workload read into it. */
  private readonly reads: Int32Array;
  private readonly noiseChunk = new Float64Array(CH);
  private readonly noiseState: Float64Array; // e_w(t − 1) of the AR(1) noise (with noise, column w is workload w)
  private readonly growthChunk = new Float64Array(CH);
  private readonly column = new Float64Array(CH); // one workload's steps of the chunk, as read
  // a tile's sources: a series held whole (read from step t) or its scratch column (from 0)
  private readonly tileColumns = Array.from({ length: TILE }, () => new Float64Array(CH));
  private readonly tileSrc: Float64Array[] = [...this.tileColumns];
  private readonly tileOff = new Int32Array(TILE);
  private start = -CH;
  /** Columns in a row. */
  private readonly C: number;

  /** `into`: where to keep the chunk when it has room for 64 rows of every column (the replay's demandRows, one array from run to run). */
  constructor(private readonly demand: DemandSource, private readonly steps: number, private readonly dt: number, private readonly noise: ReplayInput['noise'], into?: Float64Array) {
    const W = demand.workloads;
    this.columns = new Int32Array(W);
    const reads: number[] = [];
    const seen = new Map<Float64Array, number>();
    for (let w = 0; w < W; w++) {
      // noise is drawn per workload: every workload its own column then
      const whole = noise ? undefined : demand.whole?.(w);
      const c = whole ? seen.get(whole) : undefined;
      if (c !== undefined) {
        this.columns[w] = c;
        continue;
      }
      this.columns[w] = reads.length;
      if (whole) seen.set(whole, reads.length);
      reads.push(w);
    }
    this.reads = Int32Array.from(reads);
    this.C = reads.length;
    this.rows = into && into.length >= this.C * CH ? into : new Float64Array(this.C * CH);
    this.columnMax = new Float64Array(this.C);
    this.noiseState = new Float64Array(this.C);
  }

  /** The offset of step t's row in `rows`, reading the next chunk when t is past the current one (steps in order). */
  rowOf(t: number): number {
    if (t - this.start >= CH) this.fill(t);
    return (t - this.start) * this.C;
  }

  private fill(t: number): void {
    this.start = t;
    const len = Math.min(CH, this.steps - t);
    if (this.noise) this.fillNoisy(t, len, this.noise);
    else this.fillPlain(t, len);
  }

  /** Steps t … t + len − 1 of every column as read, eight columns at a time (see the header). */
  private fillPlain(t: number, len: number): void {
    const { C, reads, rows, tileColumns, tileSrc, tileOff, columnMax } = this;
    for (let c0 = 0; c0 < C; c0 += TILE) {
      const n = C - c0 < TILE ? C - c0 : TILE;
      for (let j = 0; j < n; j++) {
        const w = reads[c0 + j];
        const whole = this.demand.whole?.(w);
        if (whole) {
          tileSrc[j] = whole;
          tileOff[j] = t;
        } else {
          this.demand.read(w, t, len, tileColumns[j]);
          tileSrc[j] = tileColumns[j];
          tileOff[j] = 0;
        }
      }
      if (n === TILE) copyTile(rows, C, c0, tileSrc, tileOff, len, columnMax);
      else {
        for (let j = 0; j < n; j++) {
          const src = tileSrc[j];
          const off = tileOff[j];
          let m = src[off];
          for (let k = 0; k < len; k++) {
            const v = src[off + k];
            rows[k * C + c0 + j] = v;
            if (v > m) m = v;
          }
          columnMax[c0 + j] = m;
        }
      }
    }
  }

  /** Steps t … t + len − 1 with Monte Carlo noise, a column at a time (its draws come in that order). */
  private fillNoisy(t: number, len: number, noise: NonNullable<ReplayInput['noise']>): void {
    const { C, reads, rows, noiseChunk, growthChunk, noiseState, column, columnMax } = this;
    const gk = noise.growthK ?? 0;
    if (gk !== 0) fillGrowth(growthChunk, gk, t, len, this.dt);
    const sigma = noise.sigma;
    const rho = noise.rho ?? 0;
    for (let c = 0; c < C; c++) {
      const w = reads[c];
      // a series held whole is read in place; otherwise the source writes this chunk's steps
      let src = this.demand.whole?.(w);
      let off = t;
      if (!src) {
        this.demand.read(w, t, len, column);
        src = column;
        off = 0;
      }
      const lv = noise.level ? noise.level[w] : 1;
      if (sigma > 0) noise.rng.fillNormal(noiseChunk, len);
      if (rho > 0 && sigma > 0) {
        const fresh = Math.sqrt(1 - rho * rho);
        let e = noiseState[w];
        for (let k = 0; k < len; k++) {
          e = t + k === 0 ? noiseChunk[k] : rho * e + fresh * noiseChunk[k];
          noiseChunk[k] = e;
        }
        noiseState[w] = e;
      }
      let m = 0;
      for (let k = 0; k < len; k++) {
        const f = sigma > 0 ? 1 + sigma * noiseChunk[k] : 1;
        const v = src[off + k] * lv * (gk !== 0 ? growthChunk[k] : 1) * (f > 0 ? f : 0);
        const x = v > 0 ? v : 0;
        rows[k * C + c] = x;
        if (x > m) m = x;
      }
      columnMax[c] = m;
    }
  }
}

/** Eight columns from c0 on, len steps: row k's eight values written together; each column's largest into max. */
function copyTile(rows: Float64Array, C: number, c0: number, src: readonly Float64Array[], off: Int32Array, len: number, max: Float64Array): void {
  const s0 = src[0], s1 = src[1], s2 = src[2], s3 = src[3], s4 = src[4], s5 = src[5], s6 = src[6], s7 = src[7];
  const o0 = off[0], o1 = off[1], o2 = off[2], o3 = off[3], o4 = off[4], o5 = off[5], o6 = off[6], o7 = off[7];
  let m0 = s0[o0], m1 = s1[o1], m2 = s2[o2], m3 = s3[o3], m4 = s4[o4], m5 = s5[o5], m6 = s6[o6], m7 = s7[o7];
  for (let k = 0, at = c0; k < len; k++, at += C) {
    const v0 = s0[o0 + k], v1 = s1[o1 + k], v2 = s2[o2 + k], v3 = s3[o3 + k], v4 = s4[o4 + k], v5 = s5[o5 + k], v6 = s6[o6 + k], v7 = s7[o7 + k];
    rows[at] = v0;
    rows[at + 1] = v1;
    rows[at + 2] = v2;
    rows[at + 3] = v3;
    rows[at + 4] = v4;
    rows[at + 5] = v5;
    rows[at + 6] = v6;
    rows[at + 7] = v7;
    if (v0 > m0) m0 = v0;
    if (v1 > m1) m1 = v1;
    if (v2 > m2) m2 = v2;
    if (v3 > m3) m3 = v3;
    if (v4 > m4) m4 = v4;
    if (v5 > m5) m5 = v5;
    if (v6 > m6) m6 = v6;
    if (v7 > m7) m7 = v7;
  }
  max[c0] = m0;
  max[c0 + 1] = m1;
  max[c0 + 2] = m2;
  max[c0 + 3] = m3;
  max[c0 + 4] = m4;
  max[c0 + 5] = m5;
  max[c0 + 6] = m6;
  max[c0 + 7] = m7;
}
