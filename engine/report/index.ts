/**
 * Stage 7, report: simulations in, what people read out.
 *
 * Enters: Simulations and recommendations. Leaves: the report JSON (report.ts, report-types),
 * the terminal summary, HTML/Markdown/CSV exports, comparisons, diffs between revisions,
 * editor diagnostics after a save and the editor's hovers and completion (language-service).
 */
export * from './report';
export * from './report-types';
export * from './report-export';
export * from './summary';
export * from './comparison';
export * from './demand-units';
export * from './money-format';
export * from './finite-check';
export * from './simulation-diagnostics';
export * from './workspace-diff';
export * from './diff-format';
export * from './language-service';
