/**
 * Demand as the replay reads it (format.md, "Replay semantics" and "Monte Carlo"): chunks of 64
 * steps, transposed step-major, so that each step reads one contiguous row of W workloads
 * instead of touching every workload's array at the same offset. With Monte Carlo noise, d(t) is
 * read as d(t) × level[w] × exp(growthK · t·Δ) × max(0, 1 + sigma·e_w(t)), e_w AR(1) with
 * coefficient rho (e(0) = z(0), e(t) = ρ·e(t−1) + sqrt(1−ρ²)·z(t)), z drawn from the run's rng in
 * a fixed order (chunk by chunk, workload by workload). The demand comes from a DemandSource
 * (traffic/demand-stream.ts), whole arrays or generated as read, so memory is W × 64 steps here.
 * Nothing is allocated after construction.
 */
import type { ReplayInput } from './replay';
import type { DemandSource } from '../traffic/demand-stream';
import { fillGrowth } from '../traffic/traffic';

/** Steps per chunk; a source is read in these chunks from step 0 (split-replay.ts reads it the same way). */
export const CHUNK_STEPS = 64;
const CH = CHUNK_STEPS;

export class DemandChunks {
  /** The current chunk: rows[(t − start) × W + w]. */
  readonly rows: Float64Array;
  private readonly noiseChunk = new Float64Array(CH);
  private readonly noiseState: Float64Array; // e_w(t − 1) of the AR(1) noise
  private readonly growthChunk = new Float64Array(CH);
  private readonly column = new Float64Array(CH); // one workload's steps of the chunk, as read
  private start = -CH;
  private readonly W: number;

  constructor(private readonly demand: DemandSource, private readonly steps: number, private readonly dt: number, private readonly noise: ReplayInput['noise']) {
    this.W = demand.workloads;
    this.rows = new Float64Array(this.W * CH);
    this.noiseState = new Float64Array(this.W);
  }

  /** The offset of step t's row in `rows`, reading the next chunk when t is past the current one (steps in order). */
  rowOf(t: number): number {
    if (t - this.start >= CH) this.fill(t);
    return (t - this.start) * this.W;
  }

  private fill(t: number): void {
    const { W, rows, noise, noiseChunk, growthChunk, noiseState, column } = this;
    this.start = t;
    const len = Math.min(CH, this.steps - t);
    const gk = noise?.growthK ?? 0;
    if (gk !== 0) fillGrowth(growthChunk, gk, t, len, this.dt);
    for (let w = 0; w < W; w++) {
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
          const c = Math.sqrt(1 - rho * rho);
          let e = noiseState[w];
          for (let k = 0; k < len; k++) {
            e = t + k === 0 ? noiseChunk[k] : rho * e + c * noiseChunk[k];
            noiseChunk[k] = e;
          }
          noiseState[w] = e;
        }
        for (let k = 0; k < len; k++) {
          const f = sigma > 0 ? 1 + sigma * noiseChunk[k] : 1;
          const v = src[off + k] * lv * (gk !== 0 ? growthChunk[k] : 1) * (f > 0 ? f : 0);
          rows[k * W + w] = v > 0 ? v : 0;
        }
      } else for (let k = 0; k < len; k++) rows[k * W + w] = src[off + k];
    }
  }
}
