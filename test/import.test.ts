/** `headroom import openstack` from the Nova API samples (shared/data) and openstack-client shaped JSON. */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { ImportError, importOpenStack, MAX_IMPORT_SHAPES } from '../engine/capacity/openstack-import';
import { run } from './cli-lint.test';
import { REPO, tempWorkspace } from './helpers';
import { analyzeTexts, lintSiteText } from '../engine/lint/lint';

const NOVA = path.resolve(REPO, '..', 'shared', 'data', 'openstack', 'nova');
const json = (p: string) => JSON.parse(fs.readFileSync(path.join(NOVA, p), 'utf8')) as unknown;
const hasShared = fs.existsSync(NOVA);

describe('headroom import openstack', () => {
  (hasShared ? it : it.skip)('reads Nova API JSON (os-hypervisors 2.53, flavors 2.75)', () => {
    const r = importOpenStack(json('os-hypervisors/v2.53/hypervisors-detail-resp.json'), json('flavors/v2.75/flavors-detail-resp.json'), { name: 'lab' });
    const doc = parse(r.yaml);
    // the sample has one hypervisor: 2 vCPU, 8192 MiB, 1028 GiB local disk
    assert.deepEqual(doc.spec.aggregates, [{ name: 'lab-2c-8g', hosts: 1, host: { vcpus: 2, memoryMiB: 8192, diskGiB: 1028 } }]);
    assert.deepEqual(doc.spec.flavors[0], { name: 'm1.tiny', vcpus: 1, memoryMiB: 512, diskGiB: 1 });
    // the sample's big flavors fit no host of this fake hardware (2 vCPU × 4.0 = 8 schedulable,
    // 8192 − 512 = 7680 MiB): they are left out and named, so the Site lints clean
    const a = analyzeTexts([{ file: 'lab.yaml', absFile: '/x/lab.yaml', text: r.yaml }], ['/x']);
    assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.ok(doc.spec.flavors.every((f: { vcpus: number; memoryMiB: number }) => f.vcpus <= 8 && f.memoryMiB <= 7680));
    assert.match(r.notes.join('\n'), /left out \d+ flavor\(s\) that fit no host/);
  });

  (hasShared ? it : it.skip)('explains that hypervisors from microversion 2.88 carry no capacity', () => {
    assert.throws(() => importOpenStack(json('os-hypervisors/v2.88/hypervisors-detail-resp.json'), json('flavors/v2.75/flavors-detail-resp.json')), (e: Error) => e instanceof ImportError && /2\.87/.test(e.message));
  });

  (hasShared ? it : it.skip)('a flavor list without details is told to use the detailed list, not hypervisors\' microversions', () => {
    // flavors-list-resp.json is GET /flavors: ids, names and links, no sizes
    assert.throws(() => importOpenStack(json('os-hypervisors/v2.53/hypervisors-detail-resp.json'), json('flavors/flavors-list-resp.json')), (e: Error) =>
      e instanceof ImportError && /has no vCPU count \("VCPUs" or "vcpus"\); a flavor list without details has no sizes — use `openstack flavor list --long -f json`/.test(e.message) && !/2\.8[78]/.test(e.message));
  });

  it('groups openstack-client rows by host shape and leaves hosts that are down out', () => {
    const hyps = [
      { ID: 1, 'Hypervisor Hostname': 'c1', 'Hypervisor Type': 'QEMU', 'Host IP': '10.0.0.1', State: 'up', 'vCPUs Used': 10, vCPUs: 64, 'Memory MB Used': 1000, 'Memory MB': 524288 },
      { ID: 2, 'Hypervisor Hostname': 'c2', 'Hypervisor Type': 'QEMU', 'Host IP': '10.0.0.2', State: 'up', 'vCPUs Used': 0, vCPUs: 64, 'Memory MB Used': 0, 'Memory MB': 524288 },
      { ID: 3, 'Hypervisor Hostname': 'g1', 'Hypervisor Type': 'QEMU', 'Host IP': '10.0.0.3', State: 'up', 'vCPUs Used': 0, vCPUs: 32, 'Memory MB Used': 0, 'Memory MB': 262144 },
      { ID: 4, 'Hypervisor Hostname': 'c3', 'Hypervisor Type': 'QEMU', 'Host IP': '10.0.0.4', State: 'down', 'vCPUs Used': 0, vCPUs: 64, 'Memory MB Used': 0, 'Memory MB': 524288 },
    ];
    const flavors = [{ ID: 'a', Name: 'm1.large', RAM: 8192, Disk: 80, Ephemeral: 0, VCPUs: 4, 'Is Public': true }];
    const r = importOpenStack(hyps, flavors, { name: 'pangyo' });
    assert.equal(r.hosts, 3);
    assert.equal(r.skipped, 1);
    assert.deepEqual(parse(r.yaml).spec.aggregates.map((g: { name: string; hosts: number }) => `${g.name}×${g.hosts}`), ['pangyo-64c-512g×2', 'pangyo-32c-256g×1']);
  });

  it('CLI: writes the Site, and reports broken JSON with file, line and column (exit 1)', async () => {
    const dir = tempWorkspace({
      'h.json': JSON.stringify([{ 'Hypervisor Hostname': 'c1', State: 'up', vCPUs: 16, 'Memory MB': 65536 }]),
      'f.json': JSON.stringify([{ Name: 'm1.small', VCPUs: 2, RAM: 4096, Disk: 20 }]),
      'bad.json': '[\n  { "Name": "x", }\n]\n',
    });
    const ok = await run(['import', 'openstack', '--hypervisors', 'h.json', '--flavors', 'f.json', '--name', 'dc', '--out', 'dc.yaml'], dir);
    assert.equal(ok.code, 0, ok.err);
    assert.equal(parse(fs.readFileSync(path.join(dir, 'dc.yaml'), 'utf8')).metadata.name, 'dc');
    const bad = await run(['import', 'openstack', '--hypervisors', 'h.json', '--flavors', 'bad.json'], dir);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /bad\.json:2:\d+: error: not JSON .*\[invalid-value\]/);
    assert.equal((await run(['import', 'openstack', '--hypervisors', 'h.json'], dir)).code, 2);
    assert.equal((await run(['import', 'openstack', '--hypervisors', 'none.json', '--flavors', 'f.json'], dir)).code, 2);
  });

  it('refuses 0, negative and fractional vCPUs with the entry located, and never writes such a Site', async () => {
    for (const v of [0, -4, 3.5, '1e400']) {
      const text = `[\n  { "Hypervisor Hostname": "c1", "State": "up", "vCPUs": 16, "Memory MB": 65536 },\n  { "Hypervisor Hostname": "c2", "State": "up", "vCPUs": ${JSON.stringify(v)}, "Memory MB": 65536 }\n]\n`;
      const dir = tempWorkspace({ 'h.json': text, 'f.json': '[{ "Name": "m1.small", "VCPUs": 2, "RAM": 4096 }]' });
      const r = await run(['import', 'openstack', '--hypervisors', 'h.json', '--flavors', 'f.json', '--out', 'site.yaml'], dir);
      assert.equal(r.code, 1, String(v));
      // line 3 is the second entry; its "vCPUs" value starts at column 58 (2 + 2 + 23 + 6 + 9 + 6 + 9 characters before it)
      assert.match(r.err, /h\.json:3:58: error: vCPU count "vCPUs" must be a whole number from 1 to 100000, got .* \[invalid-value\]/, r.err);
      assert.ok(!fs.existsSync(path.join(dir, 'site.yaml')));
    }
  });

  it('names aggregates uniquely when two shapes round to the same name', () => {
    // 64 vCPU with 524288 MiB and with 524000 MiB both round to 512 GiB: the second gets its disk, a third a number
    const hyps = [
      { vCPUs: 64, 'Memory MB': 524288, 'Local GB': 100, State: 'up' },
      { vCPUs: 64, 'Memory MB': 524288, 'Local GB': 100, State: 'up' },
      { vCPUs: 64, 'Memory MB': 524000, 'Local GB': 200, State: 'up' },
      { vCPUs: 64, 'Memory MB': 524100, 'Local GB': 200, State: 'up' },
    ];
    const r = importOpenStack(hyps, [{ Name: 'm1.large', VCPUs: 4, RAM: 8192, Disk: 80 }], { name: 'dc', check: lintSiteText });
    assert.deepEqual(parse(r.yaml).spec.aggregates.map((g: { name: string }) => g.name), ['dc-64c-512g', 'dc-64c-512g-200d', 'dc-64c-512g-2']);
  });

  it('refuses more distinct host shapes than it imports, and says how to proceed', () => {
    const hyps = Array.from({ length: MAX_IMPORT_SHAPES + 1 }, (_, i) => ({ vCPUs: 8, 'Memory MB': 16384 + i, State: 'up' }));
    assert.throws(() => importOpenStack(hyps, [{ Name: 'a', VCPUs: 1, RAM: 512 }]), (e: Error) => e instanceof ImportError && /1001 distinct host shapes/.test(e.message));
  });

  it('without local disk per host, leaves disk unmodelled so the flavors still fit, and says so', () => {
    const r = importOpenStack([{ vCPUs: 16, 'Memory MB': 65536, State: 'up' }], [{ Name: 'm1.small', VCPUs: 2, RAM: 4096, Disk: 20 }], { check: lintSiteText });
    assert.deepEqual(parse(r.yaml).spec.flavors, [{ name: 'm1.small', vcpus: 2, memoryMiB: 4096, diskGiB: 0 }]);
    assert.match(r.notes.join(' '), /no local disk per host, so disk is not modelled/);
  });
});
