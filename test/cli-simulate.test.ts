/** `headroom simulate` through main(): summary, --json, --out, errors first, nothing written on failure. */
import { strict as assert } from 'assert';
import Ajv from 'ajv';
import * as fs from 'fs';
import * as path from 'path';
import { readSchema } from '../engine/model/schema-validation';
import { run } from './cli-lint.test';
import { FIXTURES, tempWorkspace } from './helpers';
import { constWorkload, placement, publicSite, scenario } from './sim-helpers';

const FIX = path.join(FIXTURES, 'toss-hybrid');
const validate = new Ajv({ allErrors: true, strict: false }).compile(readSchema('report.schema.json'));

describe('headroom simulate', function () {
  this.timeout(60000);

  it('prints a summary with sites, workloads and the N-1 verdict', async () => {
    const r = await run(['simulate', FIX, '--scenario', 'aws-outage-at-peak']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Scenario aws-outage-at-peak · placement current \(active-active\)/);
    assert.match(r.out, /\nSites\n/);
    assert.match(r.out, /\nWorkloads\n/);
    assert.match(r.out, /lose pangyo: FAILS — short core-ledger/);
  });

  it('every fixture scenario runs and its JSON validates against the report schema', async () => {
    for (const sc of ['default', 'aws-outage-at-peak', 'pangyo-az1-outage', 'fx-shock', 'growth-2027']) {
      const r = await run(['simulate', FIX, '--scenario', sc, '--json']);
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out) as { scenario: string; currency: string };
      assert.ok(validate(j), `${sc}: ${JSON.stringify(validate.errors)}`);
      assert.equal(j.scenario, sc);
      assert.equal(j.currency, 'KRW');
    }
  });

  it('the FX shock scenario uses its override rate; private cost stays in won', async () => {
    const shock = JSON.parse((await run(['simulate', FIX, '--scenario', 'fx-shock', '--json', '--no-series'])).out);
    assert.equal(shock.exchangeRates.USD, 1550);
    assert.equal(shock.series, undefined);
    // pangyo: 12 hosts × (18,000,000 / 48 + 350,000) = 8,700,000 KRW per month, for
    // 2027-01-01 → 2027-07-01 = 181 days = 15,638,400 s / 2,629,746 s per month = 5.946676 months
    // → 51,736,585.97 KRW, whatever the dollar does
    const pangyo = shock.sites.find((s: { name: string }) => s.name === 'pangyo');
    assert.ok(Math.abs(pangyo.cost - 51736585.97) < 1, String(pangyo.cost));
    // aws-seoul: the m6i.xlarge commitment alone is 20 × 0.149 USD × 4344 h × 1550 = 20,065,704 KRW
    const aws = shock.sites.find((s: { name: string }) => s.name === 'aws-seoul');
    assert.ok(aws.cost > 20 * 0.149 * 4344 * 1550);
  });

  it('--out writes the file; a failing run writes nothing and exits 1', async () => {
    const dir = tempWorkspace({ 'c.yaml': publicSite('cloud'), 'w.yaml': constWorkload('api', 10), 'p.yaml': placement('api: { shares: { cloud: 100 } }'), 's.yaml': scenario() });
    const out = path.join(dir, 'report.json');
    const ok = await run(['simulate', '.', '--json', '--out', out], dir);
    assert.equal(ok.code, 0, ok.err);
    assert.equal(ok.out, '');
    assert.equal(JSON.parse(fs.readFileSync(out, 'utf8')).reportVersion, 1);
    fs.rmSync(out);
    fs.writeFileSync(path.join(dir, 'p.yaml'), placement('api: { shares: { cloud: 90 } }'));
    const bad = await run(['simulate', '.', '--json', '--out', out], dir);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /p\.yaml:6:\d+: error: shares of api sum to 90, not 100 \[shares-sum\]/);
    assert.equal(fs.existsSync(out), false);
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
  });

  it('an unknown scenario is a usage error with a suggestion', async () => {
    const r = await run(['simulate', FIX, '--scenario', 'fx-shok']);
    assert.equal(r.code, 2);
    assert.match(r.err, /no Scenario named "fx-shok"; did you mean "fx-shock"\?/);
  });

  it('Monte Carlo flags with no Monte Carlo: --seed and --workers are named as having no effect, --shard is refused', async () => {
    // the default scenario has no monteCarlo (fixtures/toss-hybrid/scenarios/scenarios.yaml)
    const seed = await run(['simulate', FIX, '--seed', '3', '--workers', '1', '--json', '--no-series']);
    assert.equal(seed.code, 0);
    assert.equal(seed.err, 'headroom: --seed, --workers have no effect: scenario default has no monteCarlo and --runs is not given\n');
    assert.equal(JSON.parse(seed.out).monteCarlo, undefined);
    const dir = tempWorkspace({});
    const out = path.join(dir, 'part.json');
    const shard = await run(['simulate', FIX, '--shard', '0/2', '--out', out]);
    assert.equal(shard.code, 2);
    assert.match(shard.err, /^headroom: --shard splits a Monte Carlo, and scenario default has no monteCarlo and --runs is not given\n$/);
    assert.equal(fs.existsSync(out), false);
    // and with --runs it is a Monte Carlo, with nothing to say
    assert.equal((await run(['simulate', FIX, '--runs', '2', '--seed', '3', '--json', '--no-series'])).err, '');
  });

  it('same inputs give byte-identical JSON', async () => {
    const a = await run(['simulate', FIX, '--scenario', 'pangyo-az1-outage', '--json']);
    const b = await run(['simulate', FIX, '--scenario', 'pangyo-az1-outage', '--json']);
    assert.equal(a.out, b.out);
  });
});
