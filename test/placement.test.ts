/**
 * `headroom import placement` against a real OpenStack Placement API (Debian's 8.0, noauth2,
 * SQLite), started here on loopback and stopped by PID. The test builds a cloud through the REST
 * API: 40 compute nodes of two shapes in 3 aggregates (one trait splits one of them), per-host allocation ratios other than
 * Nova's defaults, nested VGPU children with a trait, allocations for some consumers. The
 * imported Site's capacity is checked against int((total − reserved) × allocation_ratio) summed
 * by hand, its usage against the allocations, and a simulation runs on it.
 */
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as https from 'https';
import * as path from 'path';
import { parse } from 'yaml';
import { analyzePaths } from '../engine/lint/lint';
import { buildReport } from '../engine/report/report';
import { simulationDiagnostics } from '../engine/report/simulation-diagnostics';
import { simulate } from '../engine/replay/simulate';
import { run } from './cli-lint.test';
import { tempWorkspace } from './helpers';
import { freePort } from './loopback-server';
import { PlacementServer, startPlacement } from './placement-server';
import { constWorkload, placement, scenario } from './sim-helpers';

describe('import placement (a real Placement API on loopback)', function () {
  this.timeout(180000);
  let server: PlacementServer | undefined;
  let url = '';

  before(async () => {
    server = await startPlacement();
    url = server.url;
    const { call, provider } = server;
    await call('PUT', '/traits/CUSTOM_GPU_A100');
    await call('PUT', '/traits/CUSTOM_NVME');
    const [aggA, aggB, aggC] = [randomUUID(), randomUUID(), randomUUID()];
    // shape 1 (4 of the hosts in A also have the trait CUSTOM_NVME, so they are a group of their own): 24 hosts, 64 vCPU (2 reserved, ×4.0), 256 GiB (4 GiB reserved, ×1.0), 1000 GB; 12 in A, 12 in B
    const small = { VCPU: { total: 64, reserved: 2, allocation_ratio: 4.0 }, MEMORY_MB: { total: 262144, reserved: 4096, allocation_ratio: 1.0 }, DISK_GB: { total: 1000, reserved: 0, allocation_ratio: 1.0 } };
    // shape 2: 16 hosts, 128 vCPU (4 reserved, ×1.5), 1 TiB (8 GiB reserved, ×1.5), 2000 GB (100 reserved); in C, each with a VGPU child of 4
    const big = { VCPU: { total: 128, reserved: 4, allocation_ratio: 1.5 }, MEMORY_MB: { total: 1048576, reserved: 8192, allocation_ratio: 1.5 }, DISK_GB: { total: 2000, reserved: 100, allocation_ratio: 1.0 } };
    const smalls: string[] = [];
    for (let i = 0; i < 24; i++) smalls.push(await provider(`cn-s${i}`, small, [i < 12 ? aggA : aggB], i < 4 ? ['CUSTOM_NVME'] : []));
    for (let i = 0; i < 16; i++) {
      const u = await provider(`cn-b${i}`, big, [aggC], []);
      await provider(`cn-b${i}-gpu`, { VGPU: { total: 4, reserved: 0, allocation_ratio: 1.0 } }, [], ['CUSTOM_GPU_A100'], u);
    }
    // a sharing provider (shared storage for aggregate C): not a compute node, left out with a note
    await provider('ceph-pool', { DISK_GB: { total: 100000, reserved: 0, allocation_ratio: 1.0 } }, [aggC], ['MISC_SHARES_VIA_AGGREGATE']);
    // five consumers of 8 vCPU and 16 GiB on the first small hosts
    for (let i = 0; i < 5; i++) {
      await call('PUT', `/allocations/${randomUUID()}`, { allocations: { [smalls[i]]: { resources: { VCPU: 8, MEMORY_MB: 16384 } } }, project_id: randomUUID(), user_id: randomUUID(), consumer_generation: null });
    }
  });

  after(() => server?.stop());

  it('imports the cloud with Placement\'s own capacity, grouped by aggregate, with its usage; a simulation runs on it', async () => {
    const dir = tempWorkspace({ 'flavors.json': JSON.stringify([{ Name: 'm1.large', VCPUs: 4, RAM: 8192, Disk: 80 }]) });
    const r = await run(['import', 'placement', '--url', url, '--token', 'admin', '--flavors', 'flavors.json', '--name', 'pangyo', '--out', 'pangyo.yaml'], dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /40 compute node\(s\) in 4 aggregate\(s\)/);
    // the 16 VGPU children of 4: 64 VGPU, said, not silently dropped
    assert.match(r.err, /also in Placement, not placed by the model yet: 64 VGPU/);
    assert.match(r.err, /1 resource provider\(s\) without VCPU or MEMORY_MB left out \(shared storage or network providers\): ceph-pool/);
    const site = parse(fs.readFileSync(path.join(dir, 'pangyo.yaml'), 'utf8'));
    assert.deepEqual(site.spec.aggregates.map((g: { hosts: number }) => g.hosts).sort((a: number, b: number) => a - b), [4, 8, 12, 16]);
    const c = site.spec.aggregates.find((g: { hosts: number }) => g.hosts === 16);
    assert.deepEqual(c.reserved, { vcpus: 4, memoryMiB: 8192, diskGiB: 100 });
    assert.deepEqual(c.allocationRatio, { cpu: 1.5, ram: 1.5, disk: 1.0 });
    // usage: 5 × 8 vCPU and 5 × 16384 MiB
    assert.equal(site.spec.observedUsage.vcpus, 40);
    assert.equal(site.spec.observedUsage.memoryMiB, 81920);
    // simulate on it: capacity as Placement computes it, int((total − reserved) × ratio) summed by hand
    // vCPU: 24 × int(62 × 4.0) + 16 × int(124 × 1.5) = 24 × 248 + 16 × 186 = 8928
    // memory: 24 × 258048 + 16 × int(1040384 × 1.5) = 6193152 + 16 × 1560576 = 31162368 MiB
    // disk: 24 × 1000 + 16 × 1900 = 54400 GiB
    fs.writeFileSync(path.join(dir, 'w.yaml'), constWorkload('api', 100).replace('flavor: small', 'flavor: m1.large').replace('instanceType: m.large\n', ''));
    fs.writeFileSync(path.join(dir, 'p.yaml'), placement('api: { shares: { pangyo: 100 } }'));
    fs.writeFileSync(path.join(dir, 'sc.yaml'), scenario());
    const sim = await run(['simulate', '.', '--json', '--no-series'], dir);
    assert.equal(sim.code, 0, sim.err + sim.out);
    const cap = JSON.parse(sim.out).sites[0].capacity;
    assert.deepEqual([cap.vcpus, cap.memoryMiB, cap.diskGiB], [8928, 31162368, 54400]);
    // usage the model does not explain: 100 rps / 10 per instance = 10 × m1.large model 40 vCPU and 80 GiB, exactly what
    // Placement has in use (5 × 8 vCPU, 5 × 16 GiB), so no warning; with 50 rps, 5 instances, the model
    // allocates 20 vCPU and 40 GiB, and the 40 / 80 in use are more than 10 % above it
    const usageWarnings = () => {
      const a = analyzePaths([dir], { cwd: dir });
      const report = buildReport(a.model, simulate(a), { series: false });
      return simulationDiagnostics(a, report).filter((d) => d.rule === 'observed-usage-unmodelled');
    };
    assert.deepEqual(usageWarnings(), []);
    fs.writeFileSync(path.join(dir, 'w.yaml'), constWorkload('api', 50).replace('flavor: small', 'flavor: m1.large').replace('instanceType: m.large\n', ''));
    const [w] = usageWarnings();
    assert.ok(w, 'an observed-usage-unmodelled warning');
    assert.equal(w.file, 'pangyo.yaml');
    assert.equal(w.range.start.line, fs.readFileSync(path.join(dir, 'pangyo.yaml'), 'utf8').split('\n').findIndex((l) => /^ {2}observedUsage:/.test(l)) + 1);
    assert.match(w.message, /40 vCPU in use, the model at most 20; 80 GiB in use, the model at most 40 GiB/);
    // the CLI says it too, located as lint writes it
    const warned = await run(['simulate', '.', '--no-series', '--json'], dir);
    assert.equal(warned.code, 0, warned.err);
    assert.match(warned.err, new RegExp(`^pangyo\\.yaml:${w.range.start.line}:${w.range.start.column}: warning: pangyo: Placement reported more in use .* \\[observed-usage-unmodelled\\]$`, 'm'));
  });

  it('a missing token, a refused one, an unreachable URL and an untrusted certificate are one clear line each, exit 2', async () => {
    const dir = tempWorkspace({ 'flavors.json': '[{ "Name": "a", "VCPUs": 1, "RAM": 512 }]' });
    const base = ['import', 'placement', '--flavors', 'flavors.json'];
    const forbidden = await run([...base, '--url', url, '--token', 'demo:demo'], dir);
    assert.equal(forbidden.code, 2);
    assert.match(forbidden.err, /^headroom: .*refused the request \(HTTP 403\)/);
    const port = await freePort();
    const down = await run([...base, '--url', `http://127.0.0.1:${port}`, '--token', 'admin'], dir);
    assert.equal(down.code, 2);
    assert.match(down.err, /^headroom: cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)\n$/);
    // TLS is verified: a self-signed server is refused, with where a private CA goes
    const certDir = tempWorkspace({});
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', path.join(certDir, 'key.pem'), '-out', path.join(certDir, 'cert.pem')], { stdio: 'ignore' });
    const tls = https.createServer({ key: fs.readFileSync(path.join(certDir, 'key.pem')), cert: fs.readFileSync(path.join(certDir, 'cert.pem')) }, (_q, res) => res.end('{}'));
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    try {
      const untrusted = await run([...base, '--url', `https://127.0.0.1:${(tls.address() as { port: number }).port}`, '--token', 'admin'], dir);
      assert.equal(untrusted.code, 2);
      assert.match(untrusted.err, /^headroom: cannot reach https:\/\/127\.0\.0\.1:\d+ \(DEPTH_ZERO_SELF_SIGNED_CERT\); the certificate is not trusted: a private CA goes in NODE_EXTRA_CA_CERTS\n$/);
    } finally {
      tls.close();
    }
    const saved = process.env.OS_AUTH_TOKEN;
    delete process.env.OS_AUTH_TOKEN;
    try {
      const none = await run([...base, '--url', url], dir);
      assert.equal(none.code, 2);
      assert.match(none.err, /--token \(or OS_AUTH_TOKEN\) is required/);
    } finally {
      if (saved !== undefined) process.env.OS_AUTH_TOKEN = saved;
    }
  });
});
