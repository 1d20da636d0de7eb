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
 * workload (1,000 workloads sharing 10 traces: 10 columns, not 1,000). Nothing is allocated
 * after construction.
 */
import type { ReplayInput } from './replay';
import type { DemandSource } from '../traffic/demand-stream';
import { fillGrowth } from '../traffic/traffic';

/** Steps per chunk; a source is read in these chunks from step 0 (split-replay.ts reads it the same way). */
export const CHUNK_STEPS = 64;
const CH = CHUNK_STEPS;

export class DemandChunks {
  /** The current chunk: rows[(t − start) × C + columns[w]], C columns. */
  readonly rows: Float64Array;
  /** Per workload: its column in a row. */
  readonly columns: Int32Array;
  /** Per column: the first workload read into it. */
  private readonly reads: Int32Array;
  private readonly noiseChunk = new Float64Array(CH);
  private readonly noiseState: Float64Array; // e_w(t − 1) of the AR(1) noise (with noise, column w is workload w)
  private readonly growthChunk = new Float64Array(CH);
  private readonly column = new Float64Array(CH); // one workload's steps of the chunk, as read
  private start = -CH;
  /** Columns in a row. */
  private readonly C: number;

  constructor(private readonly demand: DemandSource, private readonly steps: number, private readonly dt: number, private readonly noise: ReplayInput['noise']) {
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
    this.rows = new Float64Array(this.C * CH);
    this.noiseState = new Float64Array(this.C);
  }

  /** The offset of step t's row in `rows`, reading the next chunk when t is past the current one (steps in order). */
  rowOf(t: number): number {
    if (t - this.start >= CH) this.fill(t);
    return (t - this.start) * this.C;
  }

  private fill(t: number): void {
    const { C, reads, rows, noise, noiseChunk, growthChunk, noiseState, column } = this;
    this.start = t;
    const len = Math.min(CH, this.steps - t);
    const gk = noise?.growthK ?? 0;
    if (gk !== 0) fillGrowth(growthChunk, gk, t, len, this.dt);
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
      if (noise) {
        const sigma = noise.sigma;
        const rho = noise.rho ?? 0;
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
        for (let k = 0; k < len; k++) {
          const f = sigma > 0 ? 1 + sigma * noiseChunk[k] : 1;
          const v = src[off + k] * lv * (gk !== 0 ? growthChunk[k] : 1) * (f > 0 ? f : 0);
          rows[k * C + c] = v > 0 ? v : 0;
        }
      } else for (let k = 0; k < len; k++) rows[k * C + c] = src[off + k];
    }
  }
}
