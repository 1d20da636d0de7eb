/**
 * Monte Carlo past one machine: `simulate --shard I/N` runs only the runs r ≡ I (mod N) and
 * writes a partial result — the run's deterministic report, the job, and each run's totals by
 * index; `headroom merge PART...` checks that the parts belong together (same report, same job,
 * shards 0..N−1 each once) and puts the runs back in index order, so the merged report is
 * byte-identical to the one an unsharded run writes (each run depends on (seed, r) only).
 */
import type { MonteCarloJob, ReplayContext, RunOutcome } from './monte-carlo';
import type { Report } from '../report/report-types';

/** /2: each run's unserved demand per unit (RunOutcome.unservedByUnit); a /1 part has none, and is refused. */
export const PART_FORMAT = 'headroom-monte-carlo-part/2';

type JobFields = Omit<MonteCarloJob, 'context'>;

export interface MonteCarloPart {
  format: typeof PART_FORMAT;
  shard: { index: number; count: number };
  job: JobFields;
  horizon: ReplayContext['horizon'];
  report: Report;
  outcomes: [number, RunOutcome][];
}

export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) throw new Error(`--shard takes I/N with 0 ≤ I < N, as in 0/4, got "${text}"`);
  return { index: Number(m[1]), count: Number(m[2]) };
}

export function partOf(report: Report, job: MonteCarloJob, shard: { index: number; count: number }, outcomes: Map<number, RunOutcome>): MonteCarloPart {
  const { context, ...fields } = job;
  return { format: PART_FORMAT, shard, job: fields, horizon: context.horizon, report, outcomes: [...outcomes].sort(([a], [b]) => a - b) };
}

/** The merged runs as the unsharded summary gives them; throws Error saying which parts do not fit. */
export function mergeParts(parts: MonteCarloPart[], names: string[]): { report: Report; job: MonteCarloJob; outcomes: RunOutcome[] } {
  if (!parts.length) throw new Error('no parts to merge');
  parts.forEach((p, i) => {
    if (typeof p?.format === 'string' && p.format.startsWith('headroom-monte-carlo-part/') && p.format !== PART_FORMAT) throw new Error(`${names[i]} was written by another version of headroom (${p.format}, this one reads ${PART_FORMAT}): run its shard again`);
    if (p?.format !== PART_FORMAT) throw new Error(`${names[i]} is not a Monte Carlo part (simulate --shard I/N --out FILE writes one)`);
  });
  const first = parts[0];
  const count = first.shard.count;
  const sameReport = JSON.stringify(first.report);
  const sameJob = JSON.stringify(first.job);
  const seen = new Set<number>();
  parts.forEach((p, i) => {
    if (p.shard.count !== count) throw new Error(`${names[i]} is shard ${p.shard.index}/${p.shard.count}, the others are of ${count}`);
    if (seen.has(p.shard.index)) throw new Error(`${names[i]}: shard ${p.shard.index}/${count} is given twice`);
    seen.add(p.shard.index);
    if (JSON.stringify(p.report) !== sameReport || JSON.stringify(p.job) !== sameJob) throw new Error(`${names[i]} comes from another workspace, scenario or Monte Carlo job than ${names[0]}`);
  });
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length) throw new Error(`shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')} missing`);
  const outcomes: RunOutcome[] = new Array(first.job.runs);
  for (const p of parts) for (const [r, o] of p.outcomes) outcomes[r] = o;
  const holes = outcomes.findIndex((o) => o === undefined);
  if (holes >= 0 || outcomes.length !== first.job.runs) throw new Error(`run ${holes} is in no part`);
  const job = { ...first.job, context: { horizon: first.horizon } as ReplayContext } as MonteCarloJob;
  return { report: JSON.parse(sameReport) as Report, job, outcomes };
}

