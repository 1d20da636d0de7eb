/**
 * Stage 5, replay: demand and capacity in, the step-by-step result out.
 *
 * Enters: the Analysis and a scenario. Leaves: the Simulation (simulate.ts: plan, demand and
 * the ReplayResult of replay.ts, which runs on the pairs of pair-plan and the step windows of
 * event-windows; split-replay runs a large one on two threads by sites, result-merge joins the
 * parts), the N-1 check (failover), and Monte Carlo over many replays (monte-carlo, its worker
 * and shards).
 */
export * from './simulate';
export * from './replay';
export * from './split-replay';
export * from './result-merge';
export * from './pair-plan';
export * from './event-windows';
export * from './demand-chunks';
export * from './outage-redistribution';
export * from './scenario-plan';
export * from './failover';
export * from './rng';
export * from './monte-carlo';
export * from './monte-carlo-shard';
