/** Test helpers: temporary workspaces on disk, and lookups of diagnostics by rule. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Diagnostic } from '../engine/lint/diagnostics';
import { analyzePaths, Analysis } from '../engine/lint/lint';
import Ajv, { ValidateFunction } from 'ajv';
import { readSchema } from '../engine/model/schema-validation';

export const REPO = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(REPO, 'fixtures');
/** Screenshots and exported pages the browser tests keep for a person to look at: never in the repository. */
export const ARTIFACTS = process.env.HEADROOM_ARTIFACTS ?? path.join(os.tmpdir(), 'headroom-test-artifacts');

const created: string[] = [];
// Remove every temporary workspace when the test run ends.
process.on('exit', () => {
  for (const d of created) fs.rmSync(d, { recursive: true, force: true });
});

export function tempWorkspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-test-'));
  created.push(dir);
  for (const [name, text] of Object.entries(files)) {
    const p = path.join(dir, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  }
  return dir;
}

export function lintFiles(files: Record<string, string>): Analysis & { dir: string; texts: Record<string, string> } {
  const dir = tempWorkspace(files);
  return { ...analyzePaths([dir], { cwd: dir }), dir, texts: files };
}

export function byRule(ds: readonly Diagnostic[], rule: string): Diagnostic[] {
  return ds.filter((d) => d.rule === rule);
}

/** "file:line:col" of a diagnostic, for compact assertions. */
export function where(d: Diagnostic): string {
  return `${d.file}:${d.range.start.line}:${d.range.start.column}`;
}

/** A small valid workspace, document by document, to be varied by each test. */
export const SETTINGS = `apiVersion: headroom.dev/v1
kind: Settings
metadata: { name: settings }
spec:
  reportingCurrency: KRW
  exchangeRates: { USD: 1400 }
`;

export const OPENSTACK = `apiVersion: headroom.dev/v1
kind: Site
metadata: { name: pangyo }
spec:
  type: openstack
  sovereign: true
  currency: KRW
  availabilityZones: [az1, az2]
  aggregates:
    - name: agg1
      availabilityZone: az1
      hosts: 10
      host: { vcpus: 32, memoryMiB: 131072, diskGiB: 1000 }
  flavors:
    - { name: m1.small, vcpus: 2, memoryMiB: 4096, diskGiB: 20 }
  cost: { hostCapex: 12000000, amortizationMonths: 48, hostOpexMonthly: 250000 }
`;

export const PUBLIC = `apiVersion: headroom.dev/v1
kind: Site
metadata: { name: aws }
spec:
  type: public
  currency: USD
  instanceTypes:
    - name: m6i.large
      vcpus: 2
      memoryMiB: 8192
      pricing: { onDemandHourly: 0.1, spotHourly: 0.03 }
`;

export const WORKLOAD = `apiVersion: headroom.dev/v1
kind: Workload
metadata: { name: api }
spec:
  traffic: { synthetic: { baseline: 100 } }
  capacityPerInstance: 10
  flavor: m1.small
  instanceType: m6i.large
`;

export const PLACEMENT = `apiVersion: headroom.dev/v1
kind: Placement
metadata: { name: current }
spec:
  workloads:
    api: { shares: { pangyo: 60, aws: 40 } }
`;

/**
 * "file:line:col" of the n-th occurrence of token on a 1-based line of text: expectations are
 * written as "this token on that line", found by plain text search, independent of the parser.
 */
export function loc(file: string, text: string, line: number, token: string, nth = 1): string {
  const l = text.split('\n')[line - 1];
  if (l === undefined) throw new Error(`no line ${line} in ${file}`);
  let i = -1;
  for (let k = 0; k < nth; k++) {
    i = l.indexOf(token, i + 1);
    if (i < 0) throw new Error(`"${token}" not on line ${line} of ${file}: ${l}`);
  }
  return `${file}:${line}:${i + 1}`;
}

/** Applies a fix's edits to one file's text (1-based lines and columns, as diagnostics carry them). */
export function applyEdits(text: string, edits: readonly { range: { start: { line: number; column: number }; end: { line: number; column: number } }; newText: string }[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const off = (p: { line: number; column: number }) => starts[p.line - 1] + p.column - 1;
  const sorted = [...edits].sort((a, b) => off(b.range.start) - off(a.range.start));
  for (const e of sorted) text = text.slice(0, off(e.range.start)) + e.newText + text.slice(off(e.range.end));
  return text;
}

/**
 * A validator of the named output schema (report, diagnostics, diff), with the other output
 * schemas it refers to ($ref "report.schema.json#/…") added; validates with ajv as the contract says.
 */
export function outputValidator(name: string): { (data: unknown): boolean; errors?: ValidateFunction['errors'] } {
  const ajv = new Ajv({ allErrors: true, strict: false });
  for (const other of ['report.schema.json', 'diagnostics.schema.json']) if (other !== name) ajv.addSchema(readSchema(other));
  // not a type guard: a validated value keeps the type the test gave it
  return ajv.compile(readSchema(name)) as { (data: unknown): boolean; errors?: ValidateFunction['errors'] };
}

