/**
 * Demand per workload as a stream of step ranges (issue 18, "Streaming replay"): the replay
 * reads 64 steps of every workload at a time, so no workload's whole series need be held. The
 * values are a workload's base demand (a trace's shared resampled series ÷ countPer × scale, or
 * a synthetic profile with its noise drawn in step order; readBase) × growth exp(k·t·Δ), k =
 * ln(1 + perMonth) / month, computed element by element, so a streamed run and one over whole
 * arrays (simulate.ts, buildDemand) give the same numbers to the bit.
 *
 * Held in memory: one resampled series per distinct trace (traces shared by workloads are shared
 * here too) and one small generator per synthetic workload.
 */
import type { Horizon, Workload } from '../model/model';
import type { TraceSeries } from './trace-file';
import { fillGrowth, growthRate, ResampledTrace, resampledOnce, SyntheticClock, SyntheticProfile, TrafficWarning } from './traffic';
import type { TraceStore } from './trace-store';
import { DemandStats, demandStats } from './demand-statistics';

export interface DemandSource {
  readonly workloads: number;
  /**
   * Steps t0 … t0 + len − 1 of workload w into out[0, len). Per workload, a read starts at step
   * 0 or where the previous read of that workload ended.
   */
  read(w: number, t0: number, len: number, out: Float64Array): void;
  /** Workload w's whole series when the source holds it (read in place, no copy); else undefined. */
  whole?(w: number): Float64Array | undefined;
  /** Whether reading workload w computes its series (a synthetic profile) rather than reading one held in memory. */
  generated?(w: number): boolean;
}

/** Demand held whole, one array per workload (Monte Carlo's shared base demand, tests). */
export class ArrayDemand implements DemandSource {
  readonly workloads: number;
  constructor(private readonly arrays: readonly Float64Array[]) {
    this.workloads = arrays.length;
  }

  read(w: number, t0: number, len: number, out: Float64Array): void {
    const src = this.arrays[w];
    for (let k = 0; k < len; k++) out[k] = src[t0 + k];
  }

  whole(w: number): Float64Array {
    return this.arrays[w];
  }
}

interface TraceDemand { series: Float64Array; countPer: number; resampled: ResampledTrace }

/** A run's demand, produced from the workloads' traffic as the replay asks for it. */
export class PlanDemand implements DemandSource {
  readonly workloads: number;
  /** Per workload: the traffic warnings of its trace (gaps held over). */
  readonly warnings: TrafficWarning[][];
  private readonly synthetic: (SyntheticProfile | undefined)[];
  private readonly trace: (TraceDemand | undefined)[];
  private readonly scale: Float64Array;
  private readonly k: number;
  private growthChunk = new Float64Array(0);
  private growthFrom = -1;
  private growthLen = 0;

  constructor(workloads: readonly Workload[], traces: ReadonlyMap<string, TraceSeries>, private readonly h: Horizon, readonly steps: number, growthPerMonth: number, private readonly store?: TraceStore) {
    this.workloads = workloads.length;
    this.k = growthPerMonth === 0 ? 0 : growthRate(growthPerMonth);
    this.synthetic = [];
    this.trace = [];
    this.warnings = [];
    this.scale = new Float64Array(workloads.length);
    let clock: SyntheticClock | undefined;
    for (const w of workloads) {
      const t = w.traffic;
      this.scale[this.synthetic.length] = t.scale;
      if (t.kind === 'synthetic') {
        this.synthetic.push(new SyntheticProfile(t, (clock ??= new SyntheticClock(h, steps, 'UTC'))));
        this.trace.push(undefined);
        this.warnings.push([]);
        continue;
      }
      const series = traces.get(w.name);
      if (!series) throw new Error(`workload ${w.name}: trace not loaded`);
      const shared = resampledOnce(series, h, t.extend, steps, store);
      this.synthetic.push(undefined);
      this.trace.push({ series: shared.out, countPer: t.countPer ?? 0, resampled: shared });
      this.warnings.push(shared.warnings);
    }
  }

  /** Whether growth applies (demand differs from the base demand). */
  get grows(): boolean {
    return this.k !== 0;
  }

  /**
   * The base demand of workload w held whole when it is a shared trace's resampled series
   * itself (no countPer, scale 1): workloads sharing a trace share the array.
   */
  sharedBase(w: number): Float64Array | undefined {
    const tr = this.trace[w];
    return tr && !tr.countPer && this.scale[w] === 1 ? tr.series : undefined;
  }

  /** The statistics of sharedBase(w), when measured before (this run, or a run that stored them). */
  sharedStats(w: number): DemandStats | undefined {
    return this.sharedBase(w) ? this.trace[w]!.resampled.stats : undefined;
  }

  /** Keeps the statistics of sharedBase(w), for the workloads sharing it and for the store. */
  keepSharedStats(w: number, stats: DemandStats): void {
    const r = this.trace[w]?.resampled;
    if (r && this.sharedBase(w)) r.stats ??= stats;
  }

  /**
   * Writes the traces resampled in this run to the trace store (trace-store.ts), with their
   * statistics (measured here when no workload asked for them), asynchronously.
   */
  persist(): void {
    if (!this.store) return;
    for (const tr of this.trace) {
      const r = tr?.resampled;
      if (!r || r.stored || !r.key || !r.origin) continue;
      r.stats ??= demandStats(r.out);
      this.store.putResampled(r.key, { out: r.out, warnings: r.warnings, stats: r.stats, origin: r.origin });
      r.stored = true;
    }
  }

  generated(w: number): boolean {
    return this.synthetic[w] !== undefined;
  }

  /** The shared trace series of workload w when it is its demand as replayed (no growth, countPer or scale). */
  whole(w: number): Float64Array | undefined {
    return this.k === 0 ? this.sharedBase(w) : undefined;
  }

  /** Base demand (before growth): the resampled trace ÷ countPer, or the synthetic profile; × scale. */
  readBase(w: number, t0: number, len: number, out: Float64Array): void {
    const syn = this.synthetic[w];
    const scale = this.scale[w];
    if (syn) syn.fill(t0, len, out);
    else {
      const { series, countPer } = this.trace[w]!;
      if (countPer) for (let k = 0; k < len; k++) out[k] = series[t0 + k] / countPer;
      else for (let k = 0; k < len; k++) out[k] = series[t0 + k];
    }
    if (scale !== 1) for (let k = 0; k < len; k++) out[k] *= scale;
  }

  read(w: number, t0: number, len: number, out: Float64Array): void {
    this.readBase(w, t0, len, out);
    if (this.k === 0) return;
    const g = this.growth(t0, len);
    for (let k = 0; k < len; k++) out[k] *= g[k];
  }

  /** exp(k·t·Δ) for steps t0 … t0 + len − 1, kept while workloads read the same range. */
  private growth(t0: number, len: number): Float64Array {
    if (t0 === this.growthFrom && len <= this.growthLen) return this.growthChunk;
    if (this.growthChunk.length < len) this.growthChunk = new Float64Array(len);
    const g = this.growthChunk;
    fillGrowth(g, this.k, t0, len, this.h.step);
    this.growthFrom = t0;
    this.growthLen = len;
    return g;
  }
}
