/**
 * `headroom diff` and `--fail-on` against a real git repository made here: commits that move
 * shares and break N-1, the working tree against the merge base, two revisions, two folders,
 * policies with located errors, the PR comment's size limit, and the README's CI step run as
 * a shell script. Expected figures are computed by hand in the comments.
 */
import { strict as assert } from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { diffMarkdown, COMMENT_LIMIT } from '../engine/report/diff-format';
import { analyzePaths } from '../engine/lint/lint';
import { buildReport } from '../engine/report/report';
import { simulate } from '../engine/replay/simulate';
import { checkPolicies, checkRegressions, parsePolicies } from '../engine/recommend/policy';
import type { WorkspaceDiff } from '../engine/report/workspace-diff';
import { run } from './cli-lint.test';
import { FIXTURES, outputValidator, REPO, tempWorkspace } from './helpers';
import { constWorkload, doc, placement, publicSite, scenario, smallPrivate } from './sim-helpers';

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });

/**
 * dc: 2 hosts at 150 USD per host-month, used or not; cloud: m.large at 0.1 USD/h, no lag.
 * api: 20 rps at 10 per instance (target 1.0) → 2 instances in all; one hour at 5 minutes.
 * Base shares dc 50 / cloud 50: 1 instance on cloud → 0.1 USD; dc 2 × 150 × 3600 / 2,629,746 = 0.4107 USD.
 */
function repo(): string {
  const dir = tempWorkspace({
    'ws/dc.yaml': smallPrivate('dc', 2),
    'ws/cloud.yaml': publicSite('cloud'),
    'ws/api.yaml': constWorkload('api', 20),
    'ws/p.yaml': placement('api: { shares: { dc: 50, cloud: 50 } }'),
    'ws/sc.yaml': scenario(),
    'ws/settings.yaml': doc('Settings', 'settings', 'reportingCurrency: USD'),
  });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'base');
  return dir;
}

const validDiff = outputValidator('diff.schema.json');

/** The diff JSON a run printed, checked against schemas/diff.schema.json. */
function diffJson(text: string): WorkspaceDiff {
  const d = JSON.parse(text) as WorkspaceDiff;
  assert.ok(validDiff(d), JSON.stringify(validDiff.errors, null, 1));
  return d;
}

describe('headroom diff', function () {
  this.timeout(60000);

  it('compares the working tree with the merge base: cost, shares, per-month cost', async () => {
    const dir = repo();
    git(dir, 'checkout', '-q', '-b', 'move');
    fs.writeFileSync(path.join(dir, 'ws/p.yaml'), placement('api: { shares: { dc: 10, cloud: 90 } }'));
    // head: dc gets 2 rps → 1 instance (minInstances), cloud 18 rps → 2 instances = 0.2 USD: +0.1 USD in all
    const r = await run(['diff', 'main', 'ws', '--format', 'json'], dir);
    assert.equal(r.code, 0, r.err);
    const d = diffJson(r.out);
    assert.equal(d.base.ref, 'main');
    assert.equal(d.head.ref, 'working tree');
    assert.equal(d.change.totals.cost, 0.1);
    assert.deepEqual(d.change.workloads, [{ name: 'api', cost: 0.1, sharesBefore: { dc: 50, cloud: 50 }, sharesAfter: { dc: 10, cloud: 90 } }]);
    assert.deepEqual(d.change.months.map((m) => [m.month, m.cost, m.bySite]), [['2027-01', 0.1, { cloud: 0.1, dc: 0 }]]);
    // api's showback: cloud +0.1; on dc its share of the 64 vCPU falls from 1 instance to 1 instance (minInstances): no change
    assert.deepEqual(d.change.months[0].byWorkload, { api: 0.1 });
    assert.deepEqual(d.change.sites.find((s) => s.name === 'cloud')!.cost, 0.1);
    // nothing in the user's tree moved: the edit is still there, uncommitted, on the same branch
    assert.match(git(dir, 'status', '--porcelain'), /^ M ws\/p\.yaml$/m);
    assert.equal(git(dir, 'rev-parse', '--abbrev-ref', 'HEAD').trim(), 'move');
  });

  it('compares two revisions, and gates on cost and regressions with located errors', async () => {
    const dir = repo();
    git(dir, 'checkout', '-q', '-b', 'change');
    fs.writeFileSync(path.join(dir, 'ws/p.yaml'), placement('api: { shares: { dc: 10, cloud: 90 } }'));
    git(dir, 'commit', '-q', '-am', 'move shares');
    // a quota of 2 vCPU on cloud: losing dc sends all 20 rps there, 2 instances × 2 vCPU = 4 > 2 → N-1 fails (it survived at the base)
    fs.writeFileSync(path.join(dir, 'ws/cloud.yaml'), publicSite('cloud', 'autoscaling: { scaleOutDelaySeconds: 0 }\nquota: { vcpus: 2 }'));
    git(dir, 'commit', '-q', '-am', 'quota');
    // the move alone: +0.1 on 0.5107 is 19.6 % > 5 %, a located error at the Placement's name
    const cost = await run(['diff', 'main', 'change~1', 'ws', '--fail-on', 'cost:+5%,n1-regression', '--format', 'text'], dir);
    assert.equal(cost.code, 1);
    assert.match(cost.err, /ws\/p\.yaml:3:\d+: error: policy cost:\+5%: the total cost rises by 0\.10 USD \(19\.\d+ %\), more than the 5 % allowed \[policy-cost\]/);
    assert.doesNotMatch(cost.err, /n1-regression/);
    // within the limits it passes (and cost:+1 is in reporting currency)
    assert.equal((await run(['diff', 'main', 'change~1', 'ws', '--fail-on', 'cost:+1'], dir)).code, 0);
    assert.equal((await run(['diff', 'main', 'change~1', 'ws', '--fail-on', 'cost:+25%'], dir)).code, 0);
    // with the quota: cloud runs 1 instance (2 vCPU) so the cost is back to the base's, but losing dc now fails
    const r = await run(['diff', 'main', 'change', 'ws', '--fail-on', 'cost:+5%,n1-regression', '--format', 'text'], dir);
    assert.equal(r.code, 1);
    assert.match(r.err, /p\.yaml:\d+:\d+: error: policy n1-regression: losing dc was survived at the base and is not any more \[policy-regression\]/);
    assert.doesNotMatch(r.err, /policy-cost/);
    assert.match(r.out, /lose dc +survives +fails +now FAILS/);
  });

  it('a scenario one side lacks is one line naming that side, exit 2, and nothing written (it crashed with a stack)', async () => {
    const dir = repo();
    git(dir, 'checkout', '-q', '-b', 'more');
    fs.writeFileSync(path.join(dir, 'ws/s2.yaml'), doc('Scenario', 'peak-week', 'horizon: { start: "2027-01-01T00:00:00Z", end: "2027-01-01T02:00:00Z", step: 5m }\nplacement: p'));
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'a scenario');
    const out = path.join(dir, 'diff.json');
    const base = await run(['diff', 'main', 'more', 'ws', '--scenario', 'peak-week', '--format', 'json', '--out', out], dir);
    assert.equal(base.code, 2);
    assert.equal(base.err, 'headroom: the base (main): no Scenario named "peak-week" (scenarios: default)\n');
    assert.equal(fs.existsSync(out), false);
    // the other way round, the head (here the older revision) lacks it
    const head = await run(['diff', 'more', 'main', 'ws', '--scenario', 'peak-week'], dir);
    assert.equal(head.code, 2);
    assert.equal(head.err, 'headroom: main: no Scenario named "peak-week" (scenarios: default)\n');
  });

  it('outside a git repository, says so and how to compare folders instead (it spoke of a missing default branch)', async () => {
    const dir = tempWorkspace({ 'p.yaml': placement('api: { shares: { dc: 100 } }') });
    const r = await run(['diff'], dir);
    assert.equal(r.code, 2);
    assert.equal(r.err, `headroom: ${dir} is not in a git repository: name a folder to compare with, as in headroom diff --base-dir ../before\n`);
    // a --base-dir that is not a folder is said before the head is read
    const missing = await run(['diff', '--base-dir', 'nope'], dir);
    assert.equal(missing.code, 2);
    assert.equal(missing.err, 'headroom: --base-dir nope: no such folder\n');
  });

  it('compares two folders; rejects policies that need two runs on simulate', async () => {
    const dir = repo();
    const other = tempWorkspace({});
    fs.cpSync(path.join(dir, 'ws'), other, { recursive: true });
    // the head's Placement also has a field the format does not define: a warning the diff adds
    fs.writeFileSync(path.join(other, 'p.yaml'), placement('api: { shares: { dc: 10, cloud: 90 } }', 'colour: red\n'));
    const r = await run(['diff', other, '--base-dir', path.join(dir, 'ws'), '--format', 'json'], dir);
    assert.equal(r.code, 0, r.err);
    const d = diffJson(r.out);
    assert.equal(d.change.totals.cost, 0.1);
    assert.deepEqual(d.change.diagnostics.added.map((x) => [x.rule, x.severity, x.range.start.line]), [['unknown-field', 'warning', 5]]);
    assert.deepEqual(d.change.diagnostics.removed, []);
    const bad = await run(['simulate', other, '--fail-on', 'cost:+5%'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /cost:\+5% compares two revisions: use it with headroom diff/);
  });

  it("a headroom verdict that flips says each side's spare, and the target where it is missed", async () => {
    // base: api 20 rps, dc 50 → 1 small on dc: memory 4,096 / 32,768 = 0.125, spare 87.5 % (vCPU 2 / 64).
    // head: api 70 rps, dc 100 → 7 small: 28,672 / 32,768 = 0.875, spare 12.5 %, under the 20 % target.
    const dir = repo();
    const other = tempWorkspace({});
    fs.cpSync(path.join(dir, 'ws'), other, { recursive: true });
    fs.writeFileSync(path.join(other, 'p.yaml'), placement('api: { shares: { dc: 100 } }'));
    fs.writeFileSync(path.join(other, 'api.yaml'), constWorkload('api', 70));
    const r = await run(['diff', other, '--base-dir', path.join(dir, 'ws')], dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /\n {2}headroom dc: met \(memory 87\.5 % spare\) → not met \(memory 12\.5 % spare, target 20 %\)\n/);
    const j = diffJson((await run(['diff', other, '--base-dir', path.join(dir, 'ws'), '--format', 'json'], dir)).out);
    // cloud leaves the placement, so its verdicts become —; and losing dc now fails, api having no other site
    assert.match(r.out, /\n {2}n1 dc: survives → fails \(short: api\)\n/);
    assert.deepEqual(j.change.verdicts.find((v) => v.check === 'headroom' && v.site === 'dc'), { check: 'headroom', site: 'dc', before: true, after: false, spares: { before: { resource: 'memoryMiB', spare: 0.875, target: 0.2 }, after: { resource: 'memoryMiB', spare: 0.125, target: 0.2 } } });
  });

  it('keeps the PR comment under 65,536 characters however large the change', () => {
    const n = 20000;
    const d: WorkspaceDiff = {
      base: { ref: 'main', scenario: 's', totals: { cost: 1, costPerMonth: 1, unservedRequests: 0, sloViolationSteps: 0, unservedByUnit: {} }, sites: [], failover: [] },
      head: { ref: 'pr', scenario: 's', totals: { cost: 2, costPerMonth: 2, unservedRequests: 0, sloViolationSteps: 0, unservedByUnit: {} }, sites: [], failover: [] },
      currency: 'KRW',
      change: {
        totals: { cost: 1, costPerMonth: 1, unservedRequests: 0, sloViolationSteps: 0, unservedByUnit: {} }, months: [], sites: [],
        workloads: Array.from({ length: n }, (_, i) => ({ name: `workload-${i}-with-a-long-name`, cost: i, sharesBefore: { a: 50, b: 50 }, sharesAfter: { a: 40, b: 60 } })),
        verdicts: [], diagnostics: { added: [], removed: [] },
      },
      policies: [],
    };
    const md = diffMarkdown(d);
    assert.ok(md.length <= COMMENT_LIMIT, String(md.length));
    assert.match(md, /^## Headroom: capacity change/);
    assert.match(md, /… and \d+ more \(in the JSON\)/);
    assert.match(md, /<details><summary>Workloads that changed \(20000\)<\/summary>/);
  });

  it("runs the README's CI step (the shell script of the GitHub Actions workflow) in a real repository", () => {
    const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const m = /# headroom-ci-step\n([\s\S]*?)\n\s*# end headroom-ci-step/.exec(readme);
    assert.ok(m, 'the README has the CI step between # headroom-ci-step markers');
    const script = m![1].split('\n').map((l) => l.replace(/^ {10}/, '')).join('\n');
    const dir = repo();
    git(dir, 'checkout', '-q', '-b', 'pr');
    fs.writeFileSync(path.join(dir, 'ws/p.yaml'), placement('api: { shares: { dc: 10, cloud: 90 } }'));
    git(dir, 'commit', '-q', '-am', 'move shares');
    // `npx headroom` in the workflow runs the project's own bin here
    const bin = tempWorkspace({ npx: `#!/bin/sh\n[ "$1" = headroom ] || exit 97\nshift\nexec node ${JSON.stringify(path.join(REPO, 'bin', 'headroom.js'))} "$@"\n` });
    fs.chmodSync(path.join(bin, 'npx'), 0o755);
    const r = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { cwd: dir, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, BASE_REF: 'main', HEADROOM_PATH: 'ws' } });
    // the policies pass (+0.1 USD is under cost:+25 %), the comment is written
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const comment = fs.readFileSync(path.join(dir, 'headroom-comment.md'), 'utf8');
    assert.match(comment, /^## Headroom: capacity change/);
    assert.match(comment, /\| cost \| 0\.51 USD \| 0\.61 USD \| \+0\.10 USD \|/);
  });

  it('--fail-on on simulate: one located error per breach, SARIF for code scanning, the report still written', async () => {
    const dir = repo();
    fs.writeFileSync(path.join(dir, 'ws/cloud.yaml'), publicSite('cloud', 'autoscaling: { scaleOutDelaySeconds: 0 }\nquota: { vcpus: 2 }'));
    // losing dc: api's 20 rps all go to cloud, 2 instances × 2 vCPU = 4 > quota 2 → short 1 instance (2 vCPU, 8 GiB of m.large)
    const r = await run(['simulate', 'ws', '--json', '--out', 'r.json', '--fail-on', 'n1', '--sarif', 'policy.sarif'], dir);
    assert.equal(r.code, 1);
    assert.match(r.err, /^ws\/p\.yaml:6:5: error: policy n1: losing dc leaves api short of 1 instance\(s\) \(2 vCPU, 8 GiB\) at its peak \[policy-n1\]$/m);
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'r.json'), 'utf8')).reportVersion, 1);
    const sarif = JSON.parse(fs.readFileSync(path.join(dir, 'policy.sarif'), 'utf8'));
    assert.deepEqual(sarif.runs[0].results.map((x: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }) => [x.ruleId, x.locations[0].physicalLocation.artifactLocation.uri, x.locations[0].physicalLocation.region.startLine]), [['policy-n1', 'ws/p.yaml', 6]]);
    assert.equal((await run(['simulate', 'ws', '--fail-on', 'unserved'], dir)).code, 0, 'no unserved demand: the policy holds');
  });

  it('policy messages write money and amounts as the report does, exactly where rounding would hide the breach', () => {
    // the fixture's default run: 102.35M KRW; a head 4,445,892.84 KRW dearer is 4.34 % more
    const a = analyzePaths([path.join(FIXTURES, 'toss-hybrid')]);
    const base = buildReport(a.model, simulate(a), { series: false });
    const head = structuredClone(base);
    head.totals.cost = base.totals.cost + 4445892.84;
    const msg = (spec: string) => checkRegressions(parsePolicies(spec, true), base, head, a.model).filter((d) => d.rule === 'policy-cost').map((d) => d.message);
    assert.deepEqual(msg('cost:+3%'), [`policy cost:+3%: the total cost rises by 4.45M KRW (${((4445892.84 / base.totals.cost) * 100).toFixed(2)} %), more than the 3 % allowed`]);
    assert.deepEqual(msg('cost:+4000000'), [`policy cost:+4000000: the total cost rises by 4.45M KRW (${((4445892.84 / base.totals.cost) * 100).toFixed(2)} %), more than the 4.00M KRW allowed`]);
    // 4,445,892.84 over 4,445,000 reads 4.45M against 4.45M when rounded: both to the cent then
    assert.deepEqual(msg('cost:+4445000'), [`policy cost:+4445000: the total cost rises by 4445892.84 KRW (${((4445892.84 / base.totals.cost) * 100).toFixed(2)} %), more than the 4445000.00 KRW allowed`]);
    // unserved demand in the workload's own unit, as the summary writes it: feature-lab's 16.27M requests
    const unserved = checkPolicies(parsePolicies('unserved', false), base, a.model).map((d) => d.message);
    assert.ok(unserved.includes('policy unserved: feature-lab leaves 16.27M requests unserved'), unserved.join('\n'));
  });

  it('prices a commit that adds hosts and one that changes a price, as computed by hand', async () => {
    const dir = repo();
    git(dir, 'checkout', '-q', '-b', 'grow');
    // a third host on dc: 150 USD per host-month × 3600 / 2,629,746 = +0.2054 USD; totals 0.5107 → 0.7161, rounded 0.51 → 0.72
    fs.writeFileSync(path.join(dir, 'ws/dc.yaml'), smallPrivate('dc', 3));
    git(dir, 'commit', '-q', '-am', 'add a host');
    // m.large from 0.1 to 0.2 USD/h: the one cloud instance costs 0.1 USD more for the hour
    fs.writeFileSync(path.join(dir, 'ws/cloud.yaml'), publicSite('cloud').replace('onDemandHourly: 0.1', 'onDemandHourly: 0.2'));
    git(dir, 'commit', '-q', '-am', 'price');
    const hosts = diffJson((await run(['diff', 'main', 'grow~1', 'ws', '--format', 'json'], dir)).out);
    assert.equal(hosts.change.totals.cost, 0.21);
    assert.equal(hosts.change.sites.find((s) => s.name === 'dc')!.cost, 0.21);
    // capacity grew by half: peak vCPU on dc falls from 2 / 64 to 2 / 96; the reports give 0.0313 and 0.0208 (4 places), −0.0105
    assert.equal(hosts.change.sites.find((s) => s.name === 'dc')!.peakUtilization.vcpus, -0.0105);
    const price = diffJson((await run(['diff', 'grow~1', 'grow', 'ws', '--format', 'json'], dir)).out);
    assert.equal(price.change.totals.cost, 0.1);
    assert.deepEqual(price.change.sites.map((s) => [s.name, s.cost]), [['cloud', 0.1], ['dc', 0]]);
  });
});
