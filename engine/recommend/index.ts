/**
 * Stage 6, recommend: a simulation in, recommendations out.
 *
 * Enters: the Analysis and its Simulation. Leaves: the optimal placement (optimizer on
 * lp-model, HiGHS), hosts to buy (procurement), commitments, headroom on every resource,
 * classification, and CI policies (policy.ts).
 */
export * from './recommend';
export * from './optimizer';
export * from './procurement';
export * from './commitments';
export * from './headroom';
export * from './classification';
export * from './policy';
