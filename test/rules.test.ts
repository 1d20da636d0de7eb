/**
 * Every semantic rule, with the exact line and column of its diagnostic. Positions are
 * 1-based; each expectation names the line of the YAML text it points at.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { byRule, lintFiles, loc, OPENSTACK, PLACEMENT, PUBLIC, REPO, SETTINGS, where, WORKLOAD } from './helpers';
import { RULES } from '../engine/lint/diagnostics';

const base = { 'settings.yaml': SETTINGS, 'pangyo.yaml': OPENSTACK, 'aws.yaml': PUBLIC, 'api.yaml': WORKLOAD, 'placement.yaml': PLACEMENT };

describe('rules', () => {
  it('every rule id is in the README\'s tables, as the CLI, SARIF and the editor name it', () => {
    const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
    assert.deepEqual(Object.keys(RULES).filter((id) => !readme.includes(`\`${id}\``)), []);
  });

  it('a valid workspace has no diagnostics', () => {
    const a = lintFiles(base);
    assert.deepEqual(a.diagnostics, []);
    assert.equal(a.model.sites.size, 2);
  });

  it('duplicate-name: a second Site with the same name, pointing back at the first', () => {
    const a = lintFiles({ ...base, 'dup.yaml': PUBLIC });
    const d = byRule(a.diagnostics, 'duplicate-name');
    assert.equal(d.length, 1);
    // dup.yaml line 3 `metadata: { name: aws }`: the name value
    assert.equal(where(d[0]), loc('dup.yaml', PUBLIC, 3, 'aws'));
    assert.match(d[0].message, /Site "aws" is already defined in aws.yaml:3/);
    assert.equal(d[0].related![0].file, 'aws.yaml');
  });

  it('duplicate-name: two flavors of one name in a site', () => {
    const a = lintFiles({ ...base, 'pangyo.yaml': OPENSTACK.replace('  cost:', '    - { name: m1.small, vcpus: 4, memoryMiB: 4096 }\n  cost:') });
    const d = byRule(a.diagnostics, 'duplicate-name');
    // line 16 `    - { name: m1.small, ...`: the value m1.small at column 15
    assert.deepEqual(d.map(where), [loc('pangyo.yaml', a.texts['pangyo.yaml'], 16, 'm1.small')]);
  });

  it('multiple-settings', () => {
    const a = lintFiles({ ...base, 'more.yaml': SETTINGS });
    assert.deepEqual(byRule(a.diagnostics, 'multiple-settings').map(where), [loc('settings.yaml', SETTINGS, 2, 'Settings')]);
  });

  it('unknown-reference: a share site, with a did-you-mean fix', () => {
    const a = lintFiles({ ...base, 'placement.yaml': PLACEMENT.replace('pangyo: 60', 'pangyoo: 60') });
    const d = byRule(a.diagnostics, 'unknown-reference');
    assert.equal(d.length, 1);
    // line 6 `    api: { shares: { pangyoo: 60, aws: 40 } }`: the key pangyoo, columns 22–29
    assert.equal(where(d[0]), 'placement.yaml:6:22');
    assert.match(d[0].message, /unknown site "pangyoo"; did you mean "pangyo"\?/);
    assert.equal(d[0].fixes![0].edits[0].newText, 'pangyo');
    assert.deepEqual(d[0].fixes![0].edits[0].range, { start: { line: 6, column: 22 }, end: { line: 6, column: 29 } });
  });

  it('unknown-reference: workload, flavor, instance type, placement, aggregate, zone', () => {
    const scenario = `apiVersion: headroom.dev/v1
kind: Scenario
metadata: { name: s1 }
spec:
  placement: curent
  events:
    - { type: addHosts, site: pangyo, aggregate: agg2, hosts: 2, at: "2027-01-02T00:00:00Z" }
    - { type: zoneOutage, site: pangyo, zone: az3, start: "2027-01-02T00:00:00Z", duration: 1h }
`;
    const a = lintFiles({
      ...base,
      'api.yaml': WORKLOAD.replace('flavor: m1.small', 'flavor: m1.smal').replace('instanceType: m6i.large', 'instanceType: m5.large'),
      'placement.yaml': PLACEMENT + '    web: { shares: { aws: 100 } }\n',
      's.yaml': scenario,
    });
    const got = byRule(a.diagnostics, 'unknown-reference').map((d) => `${where(d)} ${d.message}`);
    assert.deepEqual(got, [
      'api.yaml:7:11 unknown flavor "m1.smal" on site pangyo; did you mean "m1.small"?',
      'api.yaml:8:17 unknown instance type "m5.large" on site aws; did you mean "m6i.large"?',
      'placement.yaml:7:5 unknown workload "web" (known: api)',
      's.yaml:5:14 unknown placement "curent"; did you mean "current"?',
      's.yaml:7:50 unknown aggregate "agg2" in site pangyo; did you mean "agg1"?',
      's.yaml:8:47 unknown availability zone "az3" in site pangyo; did you mean "az1"?',
    ]);
  });

  it('hosts-removed-below-zero: removing more hosts than an aggregate has by then, in time order', () => {
    // agg1 has 10; the events are written out of time order, and are counted in it (the replay sums every
    // addition so far and counts none below zero).
    const scenario = `apiVersion: headroom.dev/v1
kind: Scenario
metadata: { name: s1 }
spec:
  placement: current
  events:
    - { type: addHosts, site: pangyo, aggregate: agg1, hosts: 4, at: "2027-01-03T00:00:00Z" }
    - { type: addHosts, site: pangyo, aggregate: agg1, hosts: -12, at: "2027-01-02T00:00:00Z" }
    - { type: addHosts, site: pangyo, aggregate: agg1, hosts: -20, at: "2027-01-04T00:00:00Z" }
    - { type: addHosts, site: pangyo, aggregate: agg1, hosts: -1, at: "2027-01-01T00:00:00Z" }
`;
    const a = lintFiles({ ...base, 's.yaml': scenario });
    const got = byRule(a.diagnostics, 'hosts-removed-below-zero').map((d) => `${where(d)} ${d.severity} ${d.message}`);
    // in time order: −1 (10 → 9, fine), −12 (9 → −3), +4 (→ 1), −20 (1 → −19); the count's value starts at column
    // 63 of `    - { type: addHosts, site: pangyo, aggregate: agg1, hosts: ` (62 characters)
    assert.deepEqual(got, [
      's.yaml:8:63 warning addHosts takes 12 host(s) from agg1 of pangyo, which has 9 then: it has none until the scenario adds 3 back',
      's.yaml:9:63 warning addHosts takes 20 host(s) from agg1 of pangyo, which has 1 then: it has none until the scenario adds 19 back',
    ]);
  });

  it('missing-field: a workload on an openstack site without a flavor', () => {
    const a = lintFiles({ ...base, 'api.yaml': WORKLOAD.replace('  flavor: m1.small\n', '') });
    const d = byRule(a.diagnostics, 'missing-field');
    assert.deepEqual(d.map((x) => `${where(x)} ${x.message}`), ['placement.yaml:6:22 workload api runs on openstack site pangyo but has no "flavor"']);
  });

  it('shares-sum: reported on the shares key, with a fix that scales to exactly 100', () => {
    const a = lintFiles({ ...base, 'placement.yaml': PLACEMENT.replace('pangyo: 60, aws: 40', 'pangyo: 50, aws: 40') });
    const d = byRule(a.diagnostics, 'shares-sum');
    assert.equal(d.length, 1);
    assert.equal(where(d[0]), loc('placement.yaml', PLACEMENT, 6, 'shares'));
    assert.equal(d[0].message, 'shares of api sum to 90, not 100');
    // 50/90 × 100 = 55.56, 40/90 × 100 = 44.44 → floors 55 + 44 = 99; the larger remainder (.56) gets the 1 → 56, 44
    assert.deepEqual(d[0].fixes![0].edits.map((e) => e.newText), ['56', '44']);
  });

  it('sovereign-placement: a sovereign workload on a non-sovereign site, fix moves it', () => {
    const a = lintFiles({ ...base, 'api.yaml': WORKLOAD + '  dataClass: sovereign\n' });
    const d = byRule(a.diagnostics, 'sovereign-placement');
    assert.equal(d.length, 1);
    assert.equal(where(d[0]), loc('placement.yaml', PLACEMENT, 6, 'aws'));
    assert.equal(d[0].fixes![0].edits[0].newText, '{ pangyo: 100 }');
  });

  it('flavor-fits-no-host', () => {
    const a = lintFiles({ ...base, 'pangyo.yaml': OPENSTACK.replace('  cost:', '    - { name: x1.huge, vcpus: 256, memoryMiB: 4096 }\n  cost:') });
    const d = byRule(a.diagnostics, 'flavor-fits-no-host');
    // 32 vCPU × 4.0 = 128 schedulable per host < 256
    assert.deepEqual(d.map(where), [loc('pangyo.yaml', a.texts['pangyo.yaml'], 16, 'x1.huge')]);
    assert.match(d[0].message, /fits no host of pangyo; the largest host schedules 128 vCPU, 130560 MiB, 1000 GiB/);
  });

  it('reserved-exceeds-host: explicit and through the 512 MiB Nova default', () => {
    const a = lintFiles({ ...base, 'pangyo.yaml': OPENSTACK.replace('      host: { vcpus: 32, memoryMiB: 131072, diskGiB: 1000 }', '      host: { vcpus: 32, memoryMiB: 512, diskGiB: 1000 }\n      reserved: { vcpus: 32 }') });
    const d = byRule(a.diagnostics, 'reserved-exceeds-host').map(where);
    // memory: the default 512 MiB reserve, reported at host.memoryMiB (line 13); vcpus: reserved.vcpus (line 14)
    const t = a.texts['pangyo.yaml'];
    assert.deepEqual(d, [loc('pangyo.yaml', t, 13, '512'), loc('pangyo.yaml', t, 14, '32')]);
  });

  it('allocation-ratio-range: warning outside the usual band', () => {
    const a = lintFiles({ ...base, 'pangyo.yaml': OPENSTACK.replace('      host: { vcpus: 32', '      allocationRatio: { cpu: 32, ram: 1.0 }\n      host: { vcpus: 32') });
    const d = byRule(a.diagnostics, 'allocation-ratio-range');
    assert.deepEqual(d.map((x) => `${where(x)} ${x.severity}`), [`${loc('pangyo.yaml', a.texts['pangyo.yaml'], 13, '32')} warning`]);
    // an overcommitted vGPU: devices are not shared
    const g = lintFiles({ ...base, 'pangyo.yaml': OPENSTACK.replace('      host: { vcpus: 32', '      allocationRatio: { vgpu: 2 }\n      host: { vcpus: 32') });
    const v = byRule(g.diagnostics, 'allocation-ratio-range');
    assert.deepEqual(v.map(where), [loc('pangyo.yaml', g.texts['pangyo.yaml'], 13, '2')]);
    assert.match(v[0].message, /vgpu allocation ratio 2 is not 1; dedicated cores and devices are not shared/);
  });

  it('missing-exchange-rate', () => {
    const a = lintFiles({ ...base, 'settings.yaml': SETTINGS.replace('  exchangeRates: { USD: 1400 }\n', '') });
    const d = byRule(a.diagnostics, 'missing-exchange-rate');
    assert.deepEqual(d.map(where), [loc('aws.yaml', PUBLIC, 6, 'USD')]);
    assert.match(d[0].message, /priced in USD but there is no USD rate to KRW/);
  });

  it('horizon-order and horizon-too-large', () => {
    const sc = (name: string, start: string, end: string, step: string) => `apiVersion: headroom.dev/v1
kind: Scenario
metadata: { name: ${name} }
spec:
  horizon: { start: "${start}", end: "${end}", step: ${step} }
`;
    const a = lintFiles({ ...base, 'a.yaml': sc('backwards', '2027-02-01T00:00:00Z', '2027-01-01T00:00:00Z', '5m'), 'b.yaml': sc('huge', '2027-01-01T00:00:00Z', '2037-01-01T00:00:00Z', '1s') });
    assert.deepEqual(byRule(a.diagnostics, 'horizon-order').map(where), [loc('a.yaml', a.texts['a.yaml'], 5, '"2027-01-01')]);
    assert.equal(byRule(a.diagnostics, 'horizon-order')[0].message, 'horizon ends (2027-01-01T00:00:00Z) at or before it starts (2027-02-01T00:00:00Z)');
    const big = byRule(a.diagnostics, 'horizon-too-large');
    assert.deepEqual(big.map(where), ['b.yaml:5:3']);
    // 10 years incl. 3 leap days = 3653 days × 86400 = 315,619,200 steps of 1 s
    assert.match(big[0].message, /horizon has 315,619,200 steps; Headroom simulates at most 1,100,000/);
  });

  it('overflow-cycle and overflow-self', () => {
    const pl = `apiVersion: headroom.dev/v1
kind: Placement
metadata: { name: current }
spec:
  workloads:
    api: { shares: { pangyo: 60, aws: 40 }, overflowTo: aws }
    web: { shares: { aws: 100 }, overflowTo: pangyo }
    db: { shares: { pangyo: 100 }, overflowTo: pangyo }
`;
    const web = WORKLOAD.replace('name: api', 'name: web');
    const db = WORKLOAD.replace('name: api', 'name: db');
    const a = lintFiles({ ...base, 'placement.yaml': pl, 'web.yaml': web, 'db.yaml': db });
    assert.deepEqual(byRule(a.diagnostics, 'overflow-cycle').map((d) => `${where(d)} ${d.message}`), [`${loc('placement.yaml', pl, 6, 'aws', 2)} overflow forms a cycle aws → pangyo → aws; one site must settle before the other`]);
    assert.deepEqual(byRule(a.diagnostics, 'overflow-self').map(where), [loc('placement.yaml', pl, 8, 'pangyo', 2)]);
  });

  it('unit-not-countable and unplaced-workload', () => {
    const other = WORKLOAD.replace('name: api', 'name: lonely').replace('spec:\n', 'spec:\n  unit: jobs\n  egressGiBPerMillionRequests: 1\n');
    const a = lintFiles({ ...base, 'lonely.yaml': other });
    assert.deepEqual(byRule(a.diagnostics, 'unit-not-countable').map(where), [loc('lonely.yaml', other, 6, '1')]);
    const u = byRule(a.diagnostics, 'unplaced-workload');
    assert.deepEqual(u.map((d) => `${where(d)} ${d.severity}`), [`${loc('lonely.yaml', other, 3, 'lonely')} info`]);
  });

  it('event-outside-horizon', () => {
    const sc = `apiVersion: headroom.dev/v1
kind: Scenario
metadata: { name: s }
spec:
  horizon: { start: "2027-01-01T00:00:00Z", end: "2027-01-08T00:00:00Z" }
  events:
    - { type: siteOutage, site: aws, start: "2027-03-01T00:00:00Z", duration: 1h }
`;
    const a = lintFiles({ ...base, 's.yaml': sc });
    assert.deepEqual(byRule(a.diagnostics, 'event-outside-horizon').map(where), [loc('s.yaml', sc, 7, '"2027-03')]);
    // times as the rest of the tool writes them (no milliseconds)
    assert.equal(byRule(a.diagnostics, 'event-outside-horizon')[0].message, 'siteOutage at 2027-03-01T00:00:00Z is outside the horizon 2027-01-01T00:00:00Z – 2027-01-08T00:00:00Z, so it never happens');
  });

  it('results do not depend on file order', () => {
    const a = lintFiles({ ...base, 'placement.yaml': PLACEMENT.replace('60', '70') });
    const b = lintFiles({ 'z-placement.yaml': PLACEMENT.replace('60', '70'), 'a.yaml': WORKLOAD, 'b.yaml': PUBLIC, 'c.yaml': OPENSTACK, 'd.yaml': SETTINGS });
    assert.deepEqual(a.diagnostics.map((d) => d.message), b.diagnostics.map((d) => d.message));
    assert.deepEqual([...a.model.sites.keys()], [...b.model.sites.keys()]);
  });

  it('trace rules: missing, outside the workspace, symlink out, malformed with CSV line', () => {
    const w = (name: string, trace: string) => WORKLOAD.replace('name: api', `name: ${name}`).replace('{ synthetic: { baseline: 100 } }', `{ trace: ${trace} }`);
    const a = lintFiles({
      'ws/settings.yaml': SETTINGS, 'ws/pangyo.yaml': OPENSTACK,
      'ws/w1.yaml': w('w1', 'traces/none.csv'),
      'ws/w2.yaml': w('w2', '../secret.csv'),
      'ws/w3.yaml': w('w3', '/etc/passwd'),
      'ws/w4.yaml': w('w4', 'traces/bad.csv'),
      'ws/w5.yaml': w('w5', 'traces/link.csv'),
      'ws/w6.yaml': w('w6', 'traces'),
      // a folder whose name starts with two dots is inside the workspace (not `..`)
      'ws/w7.yaml': w('w7', '..dots/ok.csv'),
      'ws/..dots/ok.csv': 'timestamp,value\n2027-01-01T00:00:00Z,5\n2027-01-01T00:05:00Z,6\n',
      // and a sibling folder whose name starts with the workspace's is not
      'ws/w8.yaml': w('w8', '../ws-sibling/x.csv'),
      'ws-sibling/x.csv': 'timestamp,value\n2027-01-01T00:00:00Z,5\n',
      'ws/traces/bad.csv': 'timestamp,value\n2027-01-01T00:00:00Z,5\n2027-01-01T00:05:00Z,abc\n',
      'secret.csv': 'timestamp,value\n',
    });
    // Re-lint with the folder ws/ as the workspace root, after adding a symlink that leaves it.
    fs.symlinkSync(path.join(a.dir, 'secret.csv'), path.join(a.dir, 'ws/traces/link.csv'));
    const { analyzePaths } = require('../engine/lint/lint') as typeof import('../engine/lint/lint');
    const r = analyzePaths([path.join(a.dir, 'ws')], { cwd: path.join(a.dir, 'ws') });
    const got = r.diagnostics.filter((d) => d.rule.startsWith('trace-')).map((d) => `${d.rule} ${where(d)}`);
    assert.deepEqual(got, [
      // bad.csv line 3 `2027-01-01T00:05:00Z,abc`: the value after the comma at column 22
      'trace-malformed traces/bad.csv:3:22',
      // `  traffic: { trace: traces/none.csv }`: the path value starts at column 21
      'trace-missing w1.yaml:5:21',
      'trace-outside-workspace w2.yaml:5:21',
      'trace-outside-workspace w3.yaml:5:21',
      'trace-outside-workspace w5.yaml:5:21',
      'trace-unreadable w6.yaml:5:21',
      'trace-outside-workspace w8.yaml:5:21',
    ]);
    const bad = r.diagnostics.find((d) => d.rule === 'trace-malformed')!;
    assert.match(bad.message, /value "abc" is not a finite number/);
    assert.equal(bad.related![0].file, 'w4.yaml');
  });
});

describe('lint sees everything at once', () => {
  it('a schema error in a Site (hosts: ten) does not hide an unknown flavor in a Workload placed there', () => {
    const { smallPrivate, constWorkload, placement } = require('./sim-helpers') as typeof import('./sim-helpers');
    const a = lintFiles({
      's.yaml': smallPrivate('dc', 2).replace('hosts: 2', 'hosts: ten'),
      'w.yaml': constWorkload('api', 10).replace('flavor: small', 'flavor: smal'),
      'p.yaml': placement('api: { shares: { dc: 100 } }'),
    });
    // two errors, each where it is: the host count in the Site, the flavor name in the Workload (with the nearest name)
    assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file} ${d.rule} ${d.message}`), [
      's.yaml invalid-value spec.aggregates[0].hosts must be a whole number between 0 and 1,000,000, got "ten"',
      'w.yaml unknown-reference unknown flavor "smal" on site dc; did you mean "small"?',
    ]);
  });
});
