/**
 * Diagnostics as data: every problem Headroom finds in user input is a value with a file,
 * a 1-based source range, a severity, a stable rule id from a closed set and, where the fix
 * is clear, text edits. Nothing in the loader or the rules throws on user input
 * (after eemeli/yaml's `YAMLError`: a code from a closed set plus a position).
 */

export type Severity = 'error' | 'warning' | 'info';

/** 1-based line and column, as editors and `file:line:col` print them. */
export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  file: string;
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface RelatedLocation {
  file: string;
  range: Range;
  message: string;
}

/** The closed set of rule ids. Documented in README.md; never renamed once released. */
export const RULES = {
  'yaml-syntax': 'The file is not valid YAML.',
  'file-too-large': 'A YAML file larger than Headroom reads (limit in README).',
  'file-encoding': 'A YAML file that is not UTF-8 text (UTF-16, Latin-1, binary).',
  'file-outside-workspace': 'A YAML file found in a folder is a symlink that leads outside the workspace.',
  'api-version': 'A document names a headroom.dev API version this release does not know.',
  'unknown-kind': 'kind is not one of Site, Workload, Placement, Scenario, Settings.',
  'missing-field': 'A required field is absent.',
  'unknown-field': 'A field the format does not define (often a typo).',
  'invalid-value': 'A value has the wrong type, is out of range or is not one of the allowed values.',
  'invalid-unit': 'A quantity string whose unit is unknown or does not convert to the field unit.',
  'duplicate-name': 'Two documents of the same kind share metadata.name, or two entries in one list share a name.',
  'multiple-settings': 'More than one Settings document.',
  'unknown-reference': 'A name that refers to a site, flavor, instance type, workload, placement, aggregate or zone that does not exist.',
  'shares-sum': 'The shares of a workload in a Placement do not sum to 100.',
  'sovereign-placement': 'A sovereign workload is placed on (or overflows to) a site that is not sovereign.',
  'flavor-fits-no-host': 'A flavor is larger than the schedulable capacity of every host of its site.',
  'reserved-exceeds-host': 'Reserved resources are equal to or larger than the host.',
  'allocation-ratio-range': 'An allocation ratio outside the band operators use (cpu 1–16, ram 1–1.5, disk 1–2; pcpu, vgpu and pci exactly 1).',
  'missing-exchange-rate': 'A site or price is in a currency with no exchange rate to the reporting currency.',
  'horizon-order': 'A scenario horizon ends at or before it starts.',
  'horizon-too-large': 'A scenario horizon has more steps than Headroom simulates (limit in README).',
  'trace-missing': 'A trace file does not exist.',
  'trace-unreadable': 'A trace file exists but cannot be read (a folder, permissions, too large).',
  'trace-malformed': 'A trace file is not a `timestamp,value` CSV (bad header, timestamp or number).',
  'trace-outside-workspace': 'A trace path escapes the workspace (`../`, absolute path, symlink out).',
  'trace-too-short': 'A trace with `extend: error` does not cover the horizon.',
  'overflow-cycle': 'overflowTo targets form a cycle, so no site can be settled first.',
  'overflow-self': 'A workload overflows to a site that already holds its share, or to itself.',
  'unit-not-countable': 'Egress is priced for a workload whose unit is not rps, so requests cannot be counted.',
  'unplaced-workload': 'A workload appears in no Placement.',
  'event-outside-horizon': 'A scenario event falls outside the scenario horizon.',
  'hosts-removed-below-zero': 'A scenario removes more hosts from an aggregate than it has then; it is left with none.',
  'slo-breach': 'Simulation: a workload runs above its target utilization or leaves demand unserved at some steps.',
  'unserved-demand': 'Simulation: a workload leaves demand unserved.',
  'n1-shortfall': 'Simulation: losing a site leaves workloads short of capacity at their peak.',
  'headroom-below-target': 'Simulation: a site has less spare capacity at its peak than the placement\'s headroomTarget.',
  'observed-usage-unmodelled': 'Simulation: an imported Site\'s observedUsage (Placement, at import) exceeds the most the modelled workloads allocate there by more than 10 %.',
  'placement-cost': 'Recommendation: another placement costs clearly less with no more unserved demand.',
  'policy-n1': 'Policy (--fail-on n1): losing a site leaves a workload short at its peak.',
  'policy-headroom': 'Policy (--fail-on headroom): a site has less spare than headroomTarget on its binding resource.',
  'policy-slo': 'Policy (--fail-on slo): a workload has SLO-violation steps.',
  'policy-unserved': 'Policy (--fail-on unserved): a workload leaves demand unserved.',
  'policy-cost': 'Policy (--fail-on cost:+N): the total cost rises by more than allowed.',
  'policy-regression': 'Policy (--fail-on *-regression): something that held at the base revision fails at the head.',
} as const;

export type RuleId = keyof typeof RULES;

export interface Diagnostic {
  file: string;
  range: Range;
  severity: Severity;
  rule: RuleId;
  message: string;
  fixes?: Fix[];
  related?: RelatedLocation[];
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.range.start.line !== b.range.start.line) return a.range.start.line - b.range.start.line;
  if (a.range.start.column !== b.range.start.column) return a.range.start.column - b.range.start.column;
  if (a.rule !== b.rule) return a.rule < b.rule ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
