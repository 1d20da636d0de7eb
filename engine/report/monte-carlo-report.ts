/**
 * The report's Monte Carlo section (format.md, "Monte Carlo"; cli-and-report.md, `monteCarlo`):
 * the job's model, P10/P50/P90 of cost, cost per month, unserved demand (all units added, the
 * contract's figure, and per amount unit) and SLO-violation steps, the probabilities, and every
 * run's totals; money rounded to cents. The CLI (simulate, report, merge) and the editor build it
 * here, so one seed gives one section everywhere.
 */
import type { MonteCarloJob, MonteCarloSummary, Quantiles } from '../replay/monte-carlo';
import type { Report } from './report-types';

const r2 = (x: number) => Math.round(x * 100) / 100;
const q2 = (q: Quantiles) => ({ p10: r2(q.p10), p50: r2(q.p50), p90: r2(q.p90) });

export function monteCarloReport(s: MonteCarloSummary, job: MonteCarloJob): NonNullable<Report['monteCarlo']> {
  return {
    runs: s.runs, seed: s.seed, demandNoise: s.demandNoise,
    model: {
      noiseAutocorrelation: job.noiseAutocorrelation ?? 0, demandLevel: job.demandLevel ?? 0, growthSd: job.growthSd ?? 0,
      exchangeRates: job.exchangeRates ?? {}, priceMultiplier: job.priceMultiplier ?? {}, outages: job.outages ?? [],
    },
    cost: q2(s.cost), costPerMonth: q2(s.costPerMonth), unservedRequests: q2(s.unservedRequests),
    unservedByUnit: Object.fromEntries(Object.entries(s.unservedByUnit).map(([u, q]) => [u, q2(q)])), sloViolationSteps: s.sloViolationSteps,
    sloBreachProbability: s.sloBreachProbability,
    n1FailureProbability: s.n1FailureProbability,
    perRun: s.outcomes.map((o) => ({ cost: r2(o.cost), unservedRequests: r2(o.unservedRequests), unservedByUnit: Object.fromEntries(Object.entries(o.unservedByUnit).map(([u, v]) => [u, r2(v)])), sloViolationSteps: o.sloViolationSteps, outages: o.outages, ...(o.n1Failed !== undefined ? { n1Failed: o.n1Failed } : {}) })),
  };
}

