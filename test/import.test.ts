/** `headroom import openstack` from the Nova API samples (shared/data) and openstack-client shaped JSON. */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { ImportError, importOpenStack } from '../engine/openstack-import';
import { run } from './cli-lint.test';
import { REPO, tempWorkspace } from './helpers';
import { analyzeTexts } from '../engine/lint';

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
    // schema-valid; the big sample flavors honestly fit no host of this fake hardware
    const a = analyzeTexts([{ file: 'lab.yaml', absFile: '/x/lab.yaml', text: r.yaml }], ['/x']);
    assert.deepEqual([...new Set(a.diagnostics.map((d) => d.rule))], ['flavor-fits-no-host']);
  });

  (hasShared ? it : it.skip)('explains that hypervisors from microversion 2.88 carry no capacity', () => {
    assert.throws(() => importOpenStack(json('os-hypervisors/v2.88/hypervisors-detail-resp.json'), json('flavors/v2.75/flavors-detail-resp.json')), (e: Error) => e instanceof ImportError && /2\.87/.test(e.message));
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
    assert.match(bad.err, /bad\.json:2:\d+: not JSON/);
    assert.equal((await run(['import', 'openstack', '--hypervisors', 'h.json'], dir)).code, 2);
    assert.equal((await run(['import', 'openstack', '--hypervisors', 'none.json', '--flavors', 'f.json'], dir)).code, 2);
  });
});
