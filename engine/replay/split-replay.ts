/**
 * A run's replay on two threads, split by sites. Sites are coupled within a step only by
 * overflow (what one leaves unserved goes to another) and outages (a lost site's share moves to
 * the others: outage-redistribution.ts); without either across the cut, the sites before it and
 * those from it on replay independently over the same demand. So this thread replays the first
 * part while a worker thread (split-replay-worker.ts) replays the rest, and result-merge.ts lays
 * the two results end to end. The cut balances the parts' work: pairs × steps, each pair weighted
 * by its site's kind and by whether the site's demand contends for its hosts or quota
 * (site-work.ts). Runs below MIN_PAIR_STEPS, Monte Carlo
 * noise, active-passive placements and scenarios with outages replay on one thread.
 *
 * Whether a run is split depends on the run alone, never on the machine's cores, so a workspace
 * gives the same numbers everywhere (result-merge.ts: a workload's unserved demand and monthly
 * cost, summed over both parts, may differ from a one-thread replay's in the last bit). The
 * worker reads a resampled trace in place (its series live in SharedArrayBuffers); other trace
 * demand (scaled, grown) is copied into them, up to MAX_SPLIT_COPY_BYTES and within the memory
 * budget, else the run is not split; so is a run whose worker part has synthetic traffic, which
 * would be generated twice. If the worker fails or takes far longer than this thread's part,
 * its part is replayed here: the result is the same, only later. The CLI starts the worker once
 * the model is read (likelySplit, prewarmSplitWorker), so that it has loaded the engine by the
 * time the replay starts. The N-1 check runs on whichever thread is done with its part first.
 * Both parts run with V8's on-stack replacement off (without-osr.ts: a quarter of the worker's
 * parts ran 1.7 times as long with it).
 */
import { workerScript } from '../model/worker-scripts';
import { performance } from 'perf_hooks';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { Model, modelForWorker, Placement, placedPairs, withoutSource } from '../model/model';
import { plannedRun } from './scenario-plan';
import { overBudget, wholeDemandBytes } from '../model/limits';
import { ArrayDemand, DemandSource } from '../traffic/demand-stream';
import { CHUNK_STEPS } from './demand-chunks';
import { planPairs, PairPlan } from './pair-plan';
import { replay, ReplayInput, ReplayResult } from './replay';
import { failoverCheck, FailoverResult } from './failover';
import { mergeSiteHalves } from './result-merge';
import { violationWords } from './replay-state';
import { withoutOsr } from './without-osr';
import { DemandLevels, siteWork } from './site-work';

/** Below this many pair-steps (about 0.1 s of replay) a worker thread does not pay for itself. */
export const MIN_PAIR_STEPS = 8_000_000;
/** The smaller part must carry at least this fraction of the work (unless the split is forced). */
const MIN_PART = 0.2;
/**
 * At most this much demand is copied for the worker: past it the run stays on one thread, as
 * streamed (demand-stream.ts), rather than hold its demand whole (10,000 workloads over a year
 * at 5 min would be 8.4 GB).
 */
export const MAX_SPLIT_COPY_BYTES = 1024 ** 3;

/** What a worker replays: the run's plain data (no source documents) and its part's placement. */
export interface SplitJob {
  input: Omit<ReplayInput, 'demand' | 'onProgress' | 'noise'>;
  demand: Float64Array[];
  /** The N-1 check, for the worker to run should it finish its part first (the whole placement). */
  failover?: { placement: Placement; peaks: Float64Array };
}

/**
 * The flags both threads share: [0] what the worker has posted (0 nothing yet, 1 its part's
 * replay, 2 the N-1 check too); [1] which thread runs the N-1 check (0 not decided, 1 the
 * worker, 2 this one), taken with compareExchange by whichever finishes its part first.
 */
export const POSTED = 0;
export const CHECK_TAKEN_BY = 1;

export interface SplitOptions {
  /** undefined: split when the run is large enough; false: never; true: whenever the run allows it (tests). */
  split?: boolean;
  /** Bytes the run already holds (limits.ts, streamedRunBytes), for the budget of the worker's demand copy. */
  heldBytes?: number;
  /** Bytes the worker's replay state and result take (its pairs, sites and workloads), for the same budget. */
  workerBytes?: number;
  /**
   * Told where a split run was cut, whether the worker's part came from the worker (else it was
   * replayed here), and which thread ran the N-1 check.
   */
  onSplit?: (cut: number, byWorker: boolean, checkedBy?: 'worker' | 'here') => void;
  /** Marks the end of a phase (simulate.ts, phaseClock): 'replay' before the N-1 check here, 'failover' after it. */
  clock?: (phase: string) => void;
  /** Each workload's median demand: with the peaks, what the cut weighs the sites by (site-work.ts). */
  medians?: Float64Array;
}

/**
 * The index of the first site the worker replays (in the pair plan's site order), or −1 when the
 * run is not split. `levels`: each workload's peak and median demand, for the sites' work (site-work.ts).
 */
export function siteCut(input: ReplayInput, plan: PairPlan, force = false, levels?: DemandLevels): number {
  const S = plan.sites.length;
  if (S < 2 || input.noise || input.placement.mode !== 'active-active') return -1;
  if (input.events.some((e) => e.type === 'siteOutage' || e.type === 'zoneOutage')) return -1;
  if (!force && plan.pairs.length * input.steps < MIN_PAIR_STEPS) return -1;
  const work = siteWork(input, plan, levels);
  const total = work.reduce((x, y) => x + y, 0);
  let best = -1;
  let bestMax = Infinity;
  let before = 0;
  for (let k = 1; k < S; k++) {
    before += work[k - 1];
    const crosses = plan.overflowTarget.some((q, p) => q >= 0 && plan.pairs[p].site < k !== plan.pairs[q].site < k);
    // forced (tests), a part below MIN_PART is cut too: like MIN_PAIR_STEPS, it says whether a split pays, not whether one is possible
    if (crosses || (!force && Math.min(before, total - before) < MIN_PART * total)) continue;
    const m = Math.max(before, total - before);
    if (m < bestMax) {
      bestMax = m;
      best = k;
    }
  }
  return best;
}

/** The placement with each workload's shares (and overflow site) kept only at the given sites. */
export function placementAt(p: Placement, sites: ReadonlySet<string>): Placement {
  const workloads = new Map([...p.workloads].map(([name, wp]) => [name, {
    ...wp,
    shares: new Map([...wp.shares].filter(([s]) => sites.has(s))),
    overflowTo: wp.overflowTo !== undefined && sites.has(wp.overflowTo) ? wp.overflowTo : undefined,
  }]));
  return { ...p, workloads };
}

/**
 * The replay of a run, split over two threads by sites when it pays (see the header), else on
 * this thread; with `peaks` (each workload's peak demand), also the N-1 check of failover.ts,
 * run by whichever thread finishes its part of the replay first (on one thread, after it).
 */
export function replayBySites(input: ReplayInput, opts: SplitOptions = {}, peaks?: Float64Array): { result: ReplayResult; failover?: FailoverResult[] } {
  const check = (): FailoverResult[] | undefined => {
    if (!peaks) return undefined;
    opts.clock?.('replay');
    const f = failoverCheck(input.model, input.placement, input.workloads, peaks, input.events);
    opts.clock?.('failover');
    return f;
  };
  const plan = opts.split === false ? undefined : planPairs(input.model, input.placement, input.workloads);
  const k = plan ? siteCut(input, plan, opts.split === true, peaks && opts.medians && { peak: peaks, median: opts.medians }) : -1;
  const source = Array.isArray(input.demand) ? new ArrayDemand(input.demand as Float64Array[]) : (input.demand as DemandSource);
  const worker = plan && k > 0 ? takeWorker() : undefined;
  // besides the copied demand, the split holds each part's and the merged violation bits, and the worker's part of the run
  const splitBytes = 3 * violationWords({ ...input, violationBits: true }) * Uint32Array.BYTES_PER_ELEMENT + (opts.workerBytes ?? 0);
  const demand = plan && worker ? sharedDemand(source, input.workloads.map((_, w) => plan.wPairs[w].some((p) => plan.pairs[p].site >= k)), input.steps, (opts.heldBytes ?? 0) + splitBytes, opts.split === true) : undefined;
  if (!plan || !worker || !demand) {
    worker?.discard();
    const result = replay(input);
    return { result, failover: check() };
  }
  const names = (from: number, to: number) => new Set(plan.sites.slice(from, to).map((s) => s.name));
  const inputB: ReplayInput = { ...input, placement: placementAt(input.placement, names(k, plan.sites.length)), demand, violationBits: true, onProgress: undefined };
  // both parts with V8's on-stack replacement off (without-osr.ts says why)
  const { a, fromWorker, checked } = withoutOsr(() => {
    worker.post(inputB, demand, peaks && { placement: input.placement, peaks });
    const t0 = performance.now();
    const a = replay({ ...input, placement: placementAt(input.placement, names(0, k)), violationBits: true });
    const ms = performance.now() - t0;
    // the N-1 check here, unless the worker, done first, has taken it
    const checked = peaks && worker.takeCheck() ? check() : undefined;
    return { a, fromWorker: worker.result(ms), checked };
  });
  let failover = checked;
  const checkedHere = failover !== undefined;
  const b = fromWorker?.result ?? replay(inputB);
  if (peaks && !failover) failover = fromWorker?.failover ?? check();
  opts.onSplit?.(k, fromWorker !== undefined, !peaks ? undefined : checkedHere || !fromWorker?.failover ? 'here' : 'worker');
  return { result: mergeSiteHalves(a, b, { pairs: plan.pairs, pairsA: plan.pairs.findIndex((x) => x.site >= k), sitesA: k }), failover };
}

/**
 * The workloads' demand as the replay reads it, in SharedArrayBuffers: a series the source holds
 * whole as it is when shared already, else copied once per array (workloads sharing a trace
 * share it), others read in the replay's chunks;
 * workloads the worker has no pair of get one array of zeros. Undefined past the memory budget.
 */
function sharedDemand(source: DemandSource, needed: readonly boolean[], steps: number, heldBytes: number, force: boolean): Float64Array[] | undefined {
  const inPlace = (a: Float64Array | undefined): a is Float64Array => a !== undefined && a.buffer instanceof SharedArrayBuffer;
  const held = new Set<Float64Array>();
  let arrays = 1;
  // a synthetic profile would be generated here whole, then again by this thread's part as it
  // reads it: more than the split saves (measured: 0.66 s of replay became 0.80 s)
  if (!force && needed.some((need, w) => need && source.generated?.(w))) return undefined;
  for (let w = 0; w < needed.length; w++) {
    const whole = needed[w] ? source.whole?.(w) : undefined;
    if (needed[w] && !inPlace(whole) && !(whole && held.has(whole))) arrays++;
    if (whole) held.add(whole);
  }
  const bytes = wholeDemandBytes(arrays, steps);
  if (bytes > MAX_SPLIT_COPY_BYTES || overBudget(heldBytes + bytes, 'the split replay')) return undefined;
  const shared = (): Float64Array => new Float64Array(new SharedArrayBuffer(steps * Float64Array.BYTES_PER_ELEMENT));
  const zeros = shared();
  const copies = new Map<Float64Array, Float64Array>();
  const column = new Float64Array(CHUNK_STEPS);
  return needed.map((need, w) => {
    if (!need) return zeros;
    const whole = source.whole?.(w);
    if (inPlace(whole)) return whole; // a resampled trace, already shared (traffic.ts, trace-store.ts)
    if (whole) {
      let copy = copies.get(whole);
      if (!copy) {
        copy = shared();
        copy.set(whole);
        copies.set(whole, copy);
      }
      return copy;
    }
    const out = shared();
    for (let t = 0; t < steps; t += CHUNK_STEPS) {
      const len = Math.min(CHUNK_STEPS, steps - t);
      source.read(w, t, len, column);
      out.set(len === CHUNK_STEPS ? column : column.subarray(0, len), t);
    }
    return out;
  });
}

interface SplitWorker {
  /** Stops a worker that is not given a part. */
  discard(): void;
  /** Hands the worker its part, and the N-1 check's inputs should it finish first. */
  post(input: ReplayInput, demand: Float64Array[], failover?: SplitJob['failover']): void;
  /** Whether this thread runs the N-1 check: true unless the worker, done first, took it. */
  takeCheck(): boolean;
  /**
   * Waits for it (this thread's part took ms): its result, and the N-1 check if it took it; or
   * undefined when it failed or is still running after max(10 s, 4 × ms + 5 s).
   */
  result(ms: number): { result: ReplayResult; failover?: FailoverResult[] } | undefined;
}

/** A worker started ahead (prewarmSplitWorker), loading the engine while the run is analysed. */
let spare: SplitWorker | undefined;

/**
 * Whether the model's run of a scenario will likely be split: its placement's pairs × the steps
 * of its horizon reach MIN_PAIR_STEPS (a scenario without a horizon takes it from the traces,
 * not read yet: no), and no placed workload has synthetic traffic. For starting the worker
 * early, before the traces are read and checked.
 */
export function likelySplit(model: Model, scenarioName?: string): boolean {
  const run = plannedRun(model, scenarioName);
  if (!run) return false;
  const { placement, steps } = run;
  if ([...placement.workloads.keys()].some((w) => model.workloads.get(w)?.traffic.kind === 'synthetic')) return false;
  return placedPairs(placement.workloads.values()).pairs * steps >= MIN_PAIR_STEPS;
}

/**
 * Starts a worker now, so that it has loaded the engine when a large run is split (the CLI calls
 * this once the model is read and likelySplit says so, while the traces are read and checked).
 * It does not keep the process alive, and is not started where there is no worker script.
 */
export function prewarmSplitWorker(): void {
  spare ??= spawnWorker();
}

function takeWorker(): SplitWorker | undefined {
  const w = spare ?? spawnWorker();
  spare = undefined;
  return w;
}

function spawnWorker(): SplitWorker | undefined {
  const script = workerScript(__dirname, 'split-replay-worker');
  if (!script) return undefined;
  const flags = new Int32Array(new SharedArrayBuffer(8));
  const { port1, port2 } = new MessageChannel();
  let worker: Worker;
  try {
    worker = new Worker(script, { workerData: { flags, port: port2 }, transferList: [port2 as unknown as MessagePort] });
  } catch {
    return undefined;
  }
  worker.unref();
  worker.on('error', () => undefined); // seen as no result: the part is replayed here
  port1.unref();
  let workerChecks = false;
  return {
    discard() {
      port1.close();
      void worker.terminate();
    },
    post(input, demand, failover) {
      const { model, placement, horizon, steps, workloads, events, exchangeRates, buckets, perStep } = input;
      const job: SplitJob = {
        input: {
          model: modelForWorker(model) as ReplayInput['model'],
          placement: withoutSource(placement), horizon, steps, workloads: workloads.map(withoutSource), events, exchangeRates, buckets, perStep, violationBits: input.violationBits,
        },
        demand,
        failover: failover && { placement: withoutSource(failover.placement), peaks: failover.peaks },
      };
      workerChecks = failover !== undefined;
      port1.postMessage(job);
    },
    takeCheck() {
      return Atomics.compareExchange(flags, CHECK_TAKEN_BY, 0, 2) === 0;
    },
    result(ms) {
      const need = workerChecks && Atomics.load(flags, CHECK_TAKEN_BY) === 1 ? 2 : 1;
      const deadline = performance.now() + Math.max(10_000, 4 * ms + 5_000);
      for (let at = Atomics.load(flags, POSTED); at < need && performance.now() < deadline; at = Atomics.load(flags, POSTED)) Atomics.wait(flags, POSTED, at, 200);
      const first = receiveMessageOnPort(port1)?.message as { result?: ReplayResult } | undefined;
      const second = need === 2 ? (receiveMessageOnPort(port1)?.message as { failover?: FailoverResult[] } | undefined) : undefined;
      port1.close();
      void worker.terminate();
      return first?.result ? { result: first.result, failover: second?.failover } : undefined;
    },
  };
}
