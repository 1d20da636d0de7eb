/** Each kind's schema: what passes, and what a person is told when it does not. */
import { strict as assert } from 'assert';
import { byRule, lintFiles, loc, OPENSTACK, PLACEMENT, PUBLIC, SETTINGS, where, WORKLOAD } from './helpers';

const base = { 'settings.yaml': SETTINGS, 'pangyo.yaml': OPENSTACK, 'aws.yaml': PUBLIC, 'api.yaml': WORKLOAD, 'placement.yaml': PLACEMENT };
const one = (file: string, text: string) => lintFiles({ ...base, [file]: text });

describe('schemas', () => {
  it('Site openstack: a host count that is not a whole number', () => {
    const t = OPENSTACK.replace('hosts: 10', 'hosts: ten');
    const a = one('pangyo.yaml', t);
    const d = byRule(a.diagnostics, 'invalid-value');
    assert.deepEqual(d.map((x) => `${where(x)} ${x.message}`), [`${loc('pangyo.yaml', t, 12, 'ten')} spec.aggregates[0].hosts must be a whole number between 0 and 1,000,000, got "ten"`]);
  });
  it('Site openstack: unit strings convert, bad units are invalid-unit', () => {
    const ok = one('pangyo.yaml', OPENSTACK.replace('memoryMiB: 131072', 'memoryMiB: "128 GiB"'));
    assert.deepEqual(ok.diagnostics, []);
    // 128 GiB = 131072 MiB: the same capacity as the number
    const g = (ok.model.sites.get('pangyo') as import('../engine/model/model').OpenStackSite).aggregates[0];
    assert.equal(g.host.memoryMiB, 131072);
    const t = OPENSTACK.replace('memoryMiB: 131072', 'memoryMiB: "128 GB/s"');
    const bad = one('pangyo.yaml', t);
    assert.deepEqual(byRule(bad.diagnostics, 'invalid-unit').map(where), [loc('pangyo.yaml', t, 13, '"128')]);
  });
  it('the validated document is a copy with units converted: the parsed value stays as read, and a __proto__ key stays data', () => {
    const t = OPENSTACK.replace('memoryMiB: 131072', 'memoryMiB: "128 GiB"').replace('metadata: { name: pangyo }', 'metadata: { name: pangyo, labels: { __proto__: { polluted: yes }, team: infra } }');
    assert.notEqual(t, OPENSTACK.replace('memoryMiB: 131072', 'memoryMiB: "128 GiB"'), 'the labels went in');
    const a = one('pangyo.yaml', t);
    const doc = a.documents.find((d) => d.name === 'pangyo')!;
    const spec = doc.value.spec as { aggregates: { host: { memoryMiB: unknown } }[] };
    assert.equal(spec.aggregates[0].host.memoryMiB, 131072);
    const read = doc.source.value as { spec: { aggregates: { host: { memoryMiB: unknown } }[] } };
    assert.equal(read.spec.aggregates[0].host.memoryMiB, '128 GiB', 'the document as read is not converted');
    const labels = (doc.value.metadata as { labels: Record<string, unknown> }).labels;
    assert.equal(Object.getPrototypeOf(labels), Object.prototype, 'the key did not become the prototype');
    assert.ok(Object.hasOwn(labels, '__proto__'));
    assert.equal((labels as { polluted?: unknown }).polluted, undefined);
  });
  it('Site public: a missing required field names the field and offers to add it', () => {
    const t = PUBLIC.replace('      vcpus: 2\n', '');
    const a = one('aws.yaml', t);
    const d = byRule(a.diagnostics, 'missing-field');
    assert.equal(d.length, 1);
    assert.equal(d[0].message, 'spec.instanceTypes[0] is missing the required field "vcpus"');
    assert.equal(d[0].fixes![0].edits[0].newText, 'vcpus: 1\n      ');
  });
  it('Site: an unknown type gets a did-you-mean', () => {
    const a = one('aws.yaml', PUBLIC.replace('type: public', 'type: pubic'));
    const d = a.diagnostics.filter((x) => x.file === 'aws.yaml');
    assert.equal(d.length, 1);
    assert.match(d[0].message, /must be "openstack" or "public", got "pubic"; did you mean "public"\?/);
  });
  it('Workload: traffic needs trace or synthetic, not both', () => {
    const a = one('api.yaml', WORKLOAD.replace('{ synthetic: { baseline: 100 } }', '{ scale: 2 }'));
    assert.match(a.diagnostics[0].message, /spec.traffic needs either "trace" \(a CSV file\) or "synthetic"/);
    const b = one('api.yaml', WORKLOAD.replace('{ synthetic: { baseline: 100 } }', '{ trace: x.csv, synthetic: { baseline: 1 } }'));
    assert.ok(b.diagnostics.some((d) => /has both "trace" and "synthetic"/.test(d.message)));
  });
  it('Workload: NaN and infinity are refused', () => {
    const t = WORKLOAD.replace('capacityPerInstance: 10', 'capacityPerInstance: .nan');
    const a = one('api.yaml', t);
    assert.deepEqual(a.diagnostics.map((d) => `${where(d)} ${d.message}`), [`${loc('api.yaml', t, 6, '.nan')} spec.capacityPerInstance must be a number between 1e-9 and 1,000,000,000,000, got .nan`]);
    const b = one('api.yaml', WORKLOAD.replace('capacityPerInstance: 10', 'capacityPerInstance: .inf'));
    assert.match(b.diagnostics[0].message, /got \.inf/);
  });
  it('Workload: an enum value with a suggestion', () => {
    const a = one('api.yaml', WORKLOAD + '  dataClass: soverign\n');
    assert.match(a.diagnostics[0].message, /spec.dataClass must be "sovereign" or "internal" or "public", got "soverign"; did you mean "sovereign"\?/);
    assert.equal(a.diagnostics[0].fixes![0].edits[0].newText, 'sovereign');
  });
  it('Placement: an unknown field is a warning with a rename fix', () => {
    const t = PLACEMENT.replace('spec:\n', 'spec:\n  headroomTraget: 0.2\n');
    const a = one('placement.yaml', t);
    const d = byRule(a.diagnostics, 'unknown-field');
    assert.deepEqual(d.map((x) => `${where(x)} ${x.severity}`), [`${loc('placement.yaml', t, 5, 'headroomTraget')} warning`]);
    assert.equal(d[0].fixes![0].edits[0].newText, 'headroomTarget');
  });
  it('Placement: a share above 100', () => {
    const a = one('placement.yaml', PLACEMENT.replace('aws: 40', 'aws: 140'));
    assert.ok(a.diagnostics.some((d) => d.message === 'spec.workloads.api.shares.aws must be a number between 0 and 100, got 140'));
  });
  it('Scenario: event fields depend on the event type; times must carry an offset', () => {
    const t = `apiVersion: headroom.dev/v1
kind: Scenario
metadata: { name: s }
spec:
  horizon: { start: "2027-01-01 00:00", end: "2027-02-01T00:00:00Z", step: 5m }
  events:
    - { type: addHosts, site: pangyo, hosts: 2, at: "2027-01-05T00:00:00Z" }
`;
    const a = one('s.yaml', t);
    const msgs = a.diagnostics.filter((d) => d.file === 's.yaml').map((d) => `${where(d)} ${d.message}`);
    assert.deepEqual(msgs, [
      `${loc('s.yaml', t, 5, '"2027-01-01 00:00"')} spec.horizon.start must be an ISO 8601 time with offset, such as "2027-01-01T00:00:00Z", got "2027-01-01 00:00"`,
      `${loc('s.yaml', t, 7, '{')} spec.events[0] is missing the required field "aggregate"`,
    ]);
  });
  it('Settings: currency codes', () => {
    const a = one('settings.yaml', SETTINGS.replace('reportingCurrency: KRW', 'reportingCurrency: won'));
    assert.equal(a.diagnostics.length, 1);
    assert.match(a.diagnostics[0].message, /reportingCurrency must be a three-letter ISO 4217 currency code such as KRW or USD, got "won"/);
  });
  it('metadata.name must be a DNS-like name', () => {
    const a = one('api.yaml', WORKLOAD.replace('name: api', 'name: API_Server'));
    assert.ok(a.diagnostics.some((d) => d.rule === 'invalid-value' && /metadata.name must be a name of lower-case letters/.test(d.message)));
  });
  it('apiVersion and kind', () => {
    const a = one('api.yaml', WORKLOAD.replace('headroom.dev/v1', 'headroom.dev/v2'));
    assert.deepEqual(a.diagnostics.filter((d) => d.file === 'api.yaml').map((d) => d.rule), ['api-version']);
    const b = one('api.yaml', WORKLOAD.replace('kind: Workload', 'kind: Workloads'));
    assert.match(b.diagnostics.find((d) => d.rule === 'unknown-kind')!.message, /did you mean "Workload"/);
  });
});
