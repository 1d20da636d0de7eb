/**
 * Diagnostics for people and machines: `file:line:col: severity: message [rule]` text,
 * the contract's JSON, and SARIF 2.1.0 (OASIS; what GitHub code scanning uploads).
 */
import { Diagnostic, RULES } from './diagnostics';

export function formatText(ds: readonly Diagnostic[]): string {
  return ds.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column}: ${d.severity}: ${d.message} [${d.rule}]`).join('\n') + (ds.length ? '\n' : '');
}

export function summaryLine(ds: readonly Diagnostic[]): string {
  const c = (s: string) => ds.filter((d) => d.severity === s).length;
  return `${c('error')} error(s), ${c('warning')} warning(s), ${c('info')} info`;
}

export function formatJson(ds: readonly Diagnostic[]): string {
  return JSON.stringify({ diagnostics: ds.map((d) => ({ ...d, fixes: d.fixes ?? [] })) }, null, 2) + '\n';
}

export function formatSarif(ds: readonly Diagnostic[], version: string): string {
  const ruleIds = Object.keys(RULES).sort() as (keyof typeof RULES)[];
  const level = (s: Diagnostic['severity']) => (s === 'info' ? 'note' : s);
  const region = (r: Diagnostic['range']) => ({ startLine: r.start.line, startColumn: r.start.column, endLine: r.end.line, endColumn: Math.max(r.end.column, r.start.column + (r.end.line === r.start.line ? 1 : 0)) });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'headroom', version, informationUri: 'https://headroom.dev', rules: ruleIds.map((id) => ({ id, shortDescription: { text: RULES[id] } })) } },
      results: ds.map((d) => ({
        ruleId: d.rule,
        ruleIndex: ruleIds.indexOf(d.rule),
        level: level(d.severity),
        message: { text: d.message },
        locations: [{ physicalLocation: { artifactLocation: { uri: d.file.split('\\').join('/') }, region: region(d.range) } }],
        ...(d.related?.length ? { relatedLocations: d.related.map((r, i) => ({ id: i, message: { text: r.message }, physicalLocation: { artifactLocation: { uri: r.file }, region: region(r.range) } })) } : {}),
        ...(d.fixes?.length ? { fixes: d.fixes.map((f) => ({ description: { text: f.title }, artifactChanges: groupEdits(f.edits).map(([file, edits]) => ({ artifactLocation: { uri: file }, replacements: edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })) })) })) } : {}),
      })),
    }],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

function groupEdits<T extends { file: string }>(edits: readonly T[]): [string, T[]][] {
  const m = new Map<string, T[]>();
  for (const e of edits) (m.get(e.file) ?? m.set(e.file, []).get(e.file)!).push(e);
  return [...m];
}
