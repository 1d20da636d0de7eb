/** `headroom lint`: formats, exit codes and the fixtures, through the same main() the executable runs. */
import { strict as assert } from 'assert';
import * as path from 'path';
import { HELP, main, Io } from '../engine/cli/cli';
import { FIXTURES, OPENSTACK, outputValidator, PLACEMENT, PUBLIC, SETTINGS, tempWorkspace, WORKLOAD } from './helpers';
import { readSchema } from '../engine/model/schema-validation';
import { RULES } from '../engine/lint/diagnostics';

const validDiagnostics = outputValidator('diagnostics.schema.json');

export async function run(args: string[], cwd = process.cwd()): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { stdout: (s) => void (out += s), stderr: (s) => void (err += s), isTTY: false, cwd };
  const code = await main(args, io);
  return { code, out, err };
}

describe('headroom lint', () => {
  const good = { 'settings.yaml': SETTINGS, 'pangyo.yaml': OPENSTACK, 'aws.yaml': PUBLIC, 'api.yaml': WORKLOAD, 'placement.yaml': PLACEMENT };

  it('--format json validates against schemas/diagnostics.schema.json on every broken fixture, which names every rule id', async () => {
    // the rule ids are a closed set (RULES): a new rule is a new entry in the schema's enum
    const diagnostic = (readSchema('diagnostics.schema.json').definitions as Record<string, { properties: { rule: { enum: string[] } } }>).diagnostic;
    assert.deepEqual(diagnostic.properties.rule.enum, Object.keys(RULES));
    const broken = path.join(FIXTURES, 'broken');
    for (const name of ['malformed-trace', 'schema', 'shares-sum', 'unknown-reference']) {
      const r = await run(['lint', path.join(broken, name), '--format', 'json'], broken);
      const j = JSON.parse(r.out) as { diagnostics: { severity: string }[] };
      assert.ok(validDiagnostics(j), `${name}: ${JSON.stringify(validDiagnostics.errors)}`);
      assert.ok(j.diagnostics.some((d) => d.severity === 'error'), name); // each is broken: not an empty list passing
    }
  });
  it('the bundled fixtures lint clean (exit 0)', async () => {
    const r = await run(['lint', path.join(FIXTURES, 'toss-hybrid')]);
    assert.equal(r.out, '');
    assert.match(r.err, /9 file\(s\), 22 document\(s\): 0 error\(s\), 0 warning\(s\), 0 info/);
    assert.equal(r.code, 0);
  });
  it('errors give exit 1 and file:line:col: error: message [rule]', async () => {
    const dir = tempWorkspace({ ...good, 'placement.yaml': PLACEMENT.replace('60', '50') });
    const r = await run(['lint', '.'], dir);
    assert.equal(r.code, 1);
    assert.equal(r.out, 'placement.yaml:6:12: error: shares of api sum to 90, not 100 [shares-sum]\n');
  });
  it('warnings only give exit 0', async () => {
    const dir = tempWorkspace({ ...good, 'placement.yaml': PLACEMENT.replace('spec:\n', 'spec:\n  colour: red\n') });
    const r = await run(['lint', '.'], dir);
    assert.equal(r.code, 0);
    assert.match(r.out, /warning: unknown field "colour"/);
  });
  it('--format json follows the contract', async () => {
    const dir = tempWorkspace({ ...good, 'placement.yaml': PLACEMENT.replace('60', '50') });
    const r = await run(['lint', '.', '--format', 'json'], dir);
    const j = JSON.parse(r.out);
    assert.deepEqual(Object.keys(j), ['diagnostics']);
    assert.ok(validDiagnostics(j), JSON.stringify(validDiagnostics.errors));
    const d = j.diagnostics[0];
    assert.deepEqual(d.range, { start: { line: 6, column: 12 }, end: { line: 6, column: 18 } });
    assert.equal(d.severity, 'error');
    assert.equal(d.rule, 'shares-sum');
    assert.equal(d.fixes[0].title, 'Scale shares to 100');
    assert.deepEqual(d.fixes[0].edits.map((e: { newText: string }) => e.newText), ['56', '44']);
  });
  it('--format sarif is SARIF 2.1.0 with rules, levels and fixes', async () => {
    const dir = tempWorkspace({ ...good, 'placement.yaml': PLACEMENT.replace('60', '50').replace('spec:\n', 'spec:\n  colour: red\n') });
    const r = await run(['lint', '.', '--format', 'sarif'], dir);
    const s = JSON.parse(r.out);
    assert.equal(s.version, '2.1.0');
    const run0 = s.runs[0];
    assert.equal(run0.tool.driver.name, 'headroom');
    const levels = run0.results.map((x: { ruleId: string; level: string }) => `${x.ruleId}:${x.level}`);
    assert.deepEqual(levels, ['unknown-field:warning', 'shares-sum:error']);
    const res = run0.results[1];
    assert.equal(run0.tool.driver.rules[res.ruleIndex].id, 'shares-sum');
    assert.deepEqual(res.locations[0].physicalLocation.region, { startLine: 7, startColumn: 12, endLine: 7, endColumn: 18 });
    assert.equal(res.fixes[0].artifactChanges[0].replacements.length, 2);
  });
  it('usage errors give exit 2', async () => {
    assert.equal((await run(['lint'])).code, 2);
    assert.equal((await run(['lint', '/no/such/folder'])).code, 2);
    assert.equal((await run(['lint', '.', '--format', 'xml'])).code, 2);
    assert.equal((await run(['lint', '.', '--bogus'])).code, 2);
    assert.equal((await run(['frobnicate'])).code, 2);
  });
  it('--version and help', async () => {
    assert.match((await run(['--version'])).out, /^\d+\.\d+\.\d+\n$/);
    const h = await run(['help', 'lint']);
    assert.equal(h.code, 0);
    assert.match(h.out, /headroom lint PATH/);
    // the overview names every command there is, and each of the three imports
    const all = (await run(['help'])).out;
    for (const c of [...Object.keys(HELP).filter((k) => k), 'import openstack', 'import placement', 'import prometheus']) assert.match(all, new RegExp(`^  ${c} `, 'm'), c);
  });
});
