/**
 * The catalogue of hostile and careless inputs (one row per case): each builds a small workspace,
 * runs the real CLI, and states the exit code and the one line a user must see. File-type cases
 * (devices, FIFOs, symlinks, --out) are in file-access.test.ts; the fuzz test in fuzz.test.ts.
 */
import { strict as assert } from 'assert';
import { run } from './cli-lint.test';
import { tempWorkspace } from './helpers';
import { constWorkload, doc, placement, publicSite, scenario, smallPrivate } from './sim-helpers';

interface Case {
  what: string;
  files: Record<string, string>;
  args: string[];
  code: number;
  /** Must appear in stdout + stderr. */
  expect: RegExp;
  /** Must not appear. */
  not?: RegExp;
}

const base = () => ({ 's.yaml': smallPrivate('dc', 2), 'w.yaml': constWorkload('api', 10), 'p.yaml': placement('api: { shares: { dc: 100 } }'), 'sc.yaml': scenario() });
const withPublic = () => ({ ...base(), 'aws.yaml': publicSite('aws'), 'p.yaml': placement('api: { shares: { dc: 50, aws: 50 } }'), 'settings.yaml': doc('Settings', 'settings', 'reportingCurrency: USD') });

const CASES: Case[] = [
  { what: 'a price of 1e308 is an invalid value at its line, not "Infinity KRW"', files: { ...withPublic(), 'aws.yaml': publicSite('aws').replace('onDemandHourly: 0.1', 'onDemandHourly: 1e308') },
    args: ['simulate', '.'], code: 1, expect: /aws\.yaml:8:\d+: error: spec\.instanceTypes\[0\]\.pricing\.onDemandHourly must be a number between 0 and 10,000,000, got 1e\+308 \[invalid-value\]/, not: /Infinity|NaN/ },
  { what: 'a baseline of 1e308 rps', files: { ...base(), 'w.yaml': constWorkload('api', 1e308) }, args: ['simulate', '.', '--json'], code: 1, expect: /baseline must be a number between 0 and 1,000,000,000,000/, not: /Infinity|NaN|null/ },
  { what: 'hosts of 1e308', files: { ...base(), 's.yaml': smallPrivate('dc', 1e308) }, args: ['simulate', '.'], code: 1, expect: /hosts must be .*1,000,000/ },
  { what: 'an exchange rate of 1e308', files: { ...withPublic(), 'settings.yaml': doc('Settings', 'settings', 'reportingCurrency: KRW\nexchangeRates: { USD: 1e308 }') }, args: ['simulate', '.'], code: 1, expect: /exchangeRates\.USD must be a number .* 10,000,000/ },
  { what: 'capacityPerInstance of 1e-300 (instances beyond float range)', files: { ...base(), 'w.yaml': constWorkload('api', 10, '', 1e-300) }, args: ['simulate', '.'], code: 1, expect: /capacityPerInstance must be a number between 1e-9 and/ },
  { what: 'apiVersion headroom.io/v1 is reported with did-you-mean, not skipped', files: { ...base(), 'x.yaml': scenario().replace('headroom.dev/v1', 'headroom.io/v1').replace('name: default', 'name: other') },
    args: ['lint', '.'], code: 1, expect: /x\.yaml:1:13: error: apiVersion "headroom\.io\/v1" is not a Headroom API version; did you mean headroom\.dev\/v1\? \[api-version\]/ },
  { what: 'ESC sequences in a trace value never reach the terminal', files: { ...base(), 'w.yaml': constWorkload('api', 10).replace('traffic: { synthetic: { baseline: 10 } }', 'traffic: { trace: t.csv }'), 't.csv': 'timestamp,value\n2027-01-01T00:00:00Z,\x1b[2J\x1b]0;pwned\x07\n' },
    args: ['lint', '.'], code: 1, expect: /value "\\x1b\[2J\\x1b\]0;pwned\\x07" is not a finite number/, not: /[\x1b\x07]/ },
  { what: 'ESC sequences in an instance-type name never reach the terminal', files: { ...withPublic(), 'aws.yaml': publicSite('aws').replace('name: m.large', 'name: "m.large\\e[2J"') },
    args: ['simulate', '.'], code: 1, expect: /m\.large\\x1b\[2J/, not: /\x1b/ },
  { what: '2027-02-30 is not a date (Date.parse would make it 2 March)', files: { ...base(), 'sc.yaml': scenario('', '{ start: "2027-02-30T00:00:00Z", end: "2027-03-02T00:00:00Z", step: 1h }') },
    args: ['simulate', '.'], code: 1, expect: /sc\.yaml:5:\d+: error: "2027-02-30T00:00:00Z": 2027-02 has 28 days, not 30 \[invalid-value\]/ },
  { what: 'a horizon shorter than one step', files: { ...base(), 'sc.yaml': scenario('', '{ start: "2027-01-01T00:00:00Z", end: "2027-01-01T01:00:00Z", step: 7d }') },
    args: ['simulate', '.'], code: 1, expect: /the horizon \(3600 s\) is shorter than one step \(604800 s\).*\[horizon-order\]/ },
  { what: 'a repeated --scenario is a usage error', files: base(), args: ['simulate', '.', '--scenario', 'default', '--scenario', 'other'], code: 2, expect: /--scenario is given more than once/ },
  { what: 'a repeated --format is a usage error', files: base(), args: ['lint', '.', '--format', 'json', '--format', 'text'], code: 2, expect: /--format is given more than once/ },
  { what: 'report with no --format and an --out whose extension names none: a usage error that says both ways', files: base(), args: ['report', '.', '--out', 'r.txt'], code: 2, expect: /--format must be html, md, csv or json \(or --out a file ending \.html, \.md, \.csv or \.json; got r\.txt\)/ },
  { what: '--compare with --format csv is a usage error', files: base(), args: ['report', '.', '--format', 'csv', '--compare', 'default', '--out', 'r.csv'], code: 2, expect: /--compare puts two scenarios side by side in html or md/ },
  { what: '--workers beyond the cores is capped, and said', files: base(), args: ['simulate', '.', '--runs', '2', '--seed', '1', '--workers', '500'], code: 0, expect: /--workers 500 is more than the \d+ core\(s\) here; using \d+/ },
  { what: '10,000 nested flow sequences: a located nesting error, no stack overflow', files: { ...base(), 'deep.yaml': `apiVersion: headroom.dev/v1\nkind: Settings\nmetadata: { name: s }\nspec:\n  x: ${'['.repeat(10000)}${']'.repeat(10000)}\n` },
    args: ['lint', '.'], code: 1, expect: /deep\.yaml:5:262: error: collections are nested deeper than 256 levels here/, not: /call stack/ },
  { what: 'a trace at epoch 1e300', files: { ...base(), 'w.yaml': constWorkload('api', 10).replace('traffic: { synthetic: { baseline: 10 } }', 'traffic: { trace: t.csv }'), 't.csv': 'timestamp,value\n1e300,5\n' },
    args: ['lint', '.'], code: 1, expect: /t\.csv:2:1: error: "1e300" is not an ISO 8601 time or epoch seconds between 1970 and 2200 \(trace of workload api\) \[trace-malformed\]/ },
  { what: 'a trace with two points 8,000 years apart', files: { ...base(), 'w.yaml': constWorkload('api', 10).replace('traffic: { synthetic: { baseline: 10 } }', 'traffic: { trace: t.csv }'), 't.csv': 'timestamp,value\n2027-01-01T00:00:00Z,5\n9999-01-01T00:00:00Z,5\n' },
    args: ['lint', '.'], code: 1, expect: /t\.csv:3:1: error: "9999-01-01T00:00:00Z" is not an ISO 8601 time .* between 1970 and 2200/ },
  { what: 'an exchange rate for the reporting currency itself is a warning', files: { ...base(), 'settings.yaml': doc('Settings', 'settings', 'reportingCurrency: USD\nexchangeRates: { USD: 1390 }') },
    args: ['lint', '.'], code: 0, expect: /settings\.yaml:6:\d+: warning: an exchange rate for USD, the reporting currency itself, is ignored/ },
];

describe('hostile and careless input (catalogue)', () => {
  for (const c of CASES) {
    it(c.what, async () => {
      const dir = tempWorkspace(c.files);
      const r = await run(c.args, dir);
      const all = r.out + r.err;
      assert.equal(r.code, c.code, all);
      assert.match(all, c.expect);
      if (c.not) assert.doesNotMatch(all, c.not);
      assert.doesNotMatch(all, /\n\s+at .+\(.+:\d+:\d+\)/, 'no stack trace');
    });
  }
});

describe('control characters in JSON output', () => {
  it('a file name with DEL or a C1 control (U+0085) gives valid JSON that reads back the name exactly, and no raw control reaches the terminal', async () => {
    // JSON.stringify leaves U+007F–U+009F raw; neutralizeControls writes them as \u00NN, a JSON escape
    const name = 'w\u0085\u007f.yaml';
    const dir = tempWorkspace({ ...base(), [name]: constWorkload('api2', 10).replace('baseline: 10', 'baseline: ten') });
    const r = await run(['lint', '.', '--format', 'json'], dir);
    assert.equal(r.code, 1, r.err);
    assert.doesNotMatch(r.out, /[\x7f-\x9f]/);
    const parsed = JSON.parse(r.out) as { diagnostics: { file: string }[] };
    assert.ok(parsed.diagnostics.some((d) => d.file === name), r.out);
    // and in text, the same escape
    const t = await run(['lint', '.'], dir);
    assert.match(t.out + t.err, /w\\u0085\\u007f\.yaml:/);
  });
});
