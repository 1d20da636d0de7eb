/**
 * `headroom import placement` against a real OpenStack Placement API (Debian's 8.0, noauth2,
 * SQLite), started here on loopback and stopped by PID. The test builds a cloud through the REST
 * API: 40 compute nodes of two shapes in 3 aggregates (one trait splits one of them), per-host allocation ratios other than
 * Nova's defaults, PCPU on the big hosts, nested VGPU children with a trait and nested SR-IOV
 * children, allocations for some consumers (two of them across a host and its GPU). The
 * imported Site's capacity is checked against int((total − reserved) × allocation_ratio) summed
 * by hand, its usage against the allocations, and a simulation with a GPU workload runs on it.
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
    // and 32 PCPU (dedicated cores) each
    const big = { VCPU: { total: 128, reserved: 4, allocation_ratio: 1.5 }, PCPU: { total: 32, reserved: 0, allocation_ratio: 1.0 }, MEMORY_MB: { total: 1048576, reserved: 8192, allocation_ratio: 1.5 }, DISK_GB: { total: 2000, reserved: 100, allocation_ratio: 1.0 } };
    const smalls: string[] = [];
    for (let i = 0; i < 24; i++) smalls.push(await provider(`cn-s${i}`, small, [i < 12 ? aggA : aggB], i < 4 ? ['CUSTOM_NVME'] : []));
    const gpus: { host: string; gpu: string }[] = [];
    for (let i = 0; i < 16; i++) {
      const u = await provider(`cn-b${i}`, big, [aggC], []);
      gpus.push({ host: u, gpu: await provider(`cn-b${i}-gpu`, { VGPU: { total: 4, reserved: 0, allocation_ratio: 1.0 } }, [], ['CUSTOM_GPU_A100'], u) });
      // a NIC's virtual functions: a class the model does not count, named in a note
      await provider(`cn-b${i}-nic`, { SRIOV_NET_VF: { total: 8, reserved: 0, allocation_ratio: 1.0 } }, [], [], u);
    }
    // a sharing provider (shared storage for aggregate C): not a compute node, left out with a note
    await provider('ceph-pool', { DISK_GB: { total: 100000, reserved: 0, allocation_ratio: 1.0 } }, [aggC], ['MISC_SHARES_VIA_AGGREGATE']);
    // five consumers of 8 vCPU and 16 GiB on the first small hosts
    for (let i = 0; i < 5; i++) {
      await call('PUT', `/allocations/${randomUUID()}`, { allocations: { [smalls[i]]: { resources: { VCPU: 8, MEMORY_MB: 16384 } } }, project_id: randomUUID(), user_id: randomUUID(), consumer_generation: null });
    }
    // two GPU consumers on cn-b0 (g1.a100): 4 PCPU and 32 GiB from the host and 1 VGPU from its GPU each
    for (let i = 0; i < 2; i++) {
      await call('PUT', `/allocations/${randomUUID()}`, { allocations: { [gpus[0].host]: { resources: { PCPU: 4, MEMORY_MB: 32768 } }, [gpus[0].gpu]: { resources: { VGPU: 1 } } }, project_id: randomUUID(), user_id: randomUUID(), consumer_generation: null });
    }
  });

  after(() => server?.stop());

  it('imports the cloud with Placement\'s own capacity, grouped by aggregate, with its usage; a simulation runs on it', async () => {
    // flavors as `openstack flavor list --long -f json` gives them: Properties an object (new clients) or
    // text (old clients); a GPU flavor with dedicated CPUs, and one asking a class the model does not count
    const dir = tempWorkspace({ 'flavors.json': JSON.stringify([
      { Name: 'm1.large', VCPUs: 4, RAM: 8192, Disk: 80, Properties: {} },
      { Name: 'g1.a100', VCPUs: 4, RAM: 32768, Disk: 40, Properties: { 'hw:cpu_policy': 'dedicated', 'resources:VGPU': '1', 'trait:CUSTOM_GPU_A100': 'required' } },
      { Name: 'g2.a100', VCPUs: 8, RAM: 65536, Disk: 40, Properties: "hw:cpu_policy='dedicated', resources:VGPU='2'" },
      { Name: 'bm.gold', VCPUs: 32, RAM: 131072, Disk: 400, Properties: { 'resources:CUSTOM_BAREMETAL_GOLD': '1', 'resources:VCPU': '0' } },
    ]) });
    const r = await run(['import', 'placement', '--url', url, '--token', 'admin', '--flavors', 'flavors.json', '--name', 'pangyo', '--out', 'pangyo.yaml'], dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /40 compute node\(s\) in 4 aggregate\(s\)/);
    // the 16 NICs of 8 VFs: 128 SRIOV_NET_VF, said, not silently dropped; so is the bare-metal flavor
    assert.match(r.err, /also in Placement, not modelled: 128 SRIOV_NET_VF/);
    assert.match(r.err, /left out 1 flavor\(s\) whose extra specs ask what Headroom does not model: bm\.gold \(resources:CUSTOM_BAREMETAL_GOLD=1\)/);
    assert.match(r.err, /1 resource provider\(s\) without VCPU or MEMORY_MB left out \(shared storage or network providers\): ceph-pool/);
    const site = parse(fs.readFileSync(path.join(dir, 'pangyo.yaml'), 'utf8'));
    assert.deepEqual(site.spec.aggregates.map((g: { hosts: number }) => g.hosts).sort((a: number, b: number) => a - b), [4, 8, 12, 16]);
    const c = site.spec.aggregates.find((g: { hosts: number }) => g.hosts === 16);
    assert.deepEqual(c.reserved, { vcpus: 4, memoryMiB: 8192, diskGiB: 100 });
    assert.deepEqual(c.allocationRatio, { cpu: 1.5, ram: 1.5, disk: 1.0 });
    // the host's PCPU, and its GPU child's 4 VGPU, are the host's own
    assert.deepEqual(c.host, { vcpus: 128, memoryMiB: 1048576, diskGiB: 2000, pcpus: 32, vgpus: 4 });
    assert.deepEqual(site.spec.flavors.map((f: { name: string }) => f.name), ['m1.large', 'g1.a100', 'g2.a100']);
    assert.deepEqual(site.spec.flavors[1], { name: 'g1.a100', vcpus: 4, memoryMiB: 32768, diskGiB: 40, cpuPolicy: 'dedicated', vgpus: 1, requiredTraits: ['CUSTOM_GPU_A100'] });
    // the GPU child's trait is the aggregate's, as is the NVMe trait of the 4 small hosts that have it
    assert.deepEqual(c.traits, ['CUSTOM_GPU_A100']);
    assert.deepEqual(site.spec.aggregates.find((g: { hosts: number }) => g.hosts === 4).traits, ['CUSTOM_NVME']);
    assert.equal(site.spec.flavors[2].vgpus, 2);
    // usage: 5 × 8 vCPU and 5 × 16384 + 2 × 32768 = 147456 MiB; 2 × 4 PCPU and 2 × 1 VGPU, the VGPU from a nested provider
    assert.equal(site.spec.observedUsage.vcpus, 40);
    assert.equal(site.spec.observedUsage.memoryMiB, 147456);
    assert.equal(site.spec.observedUsage.pcpus, 8);
    assert.equal(site.spec.observedUsage.vgpus, 2);
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
    // no workload asks for PCPU or vGPU, but the hosts have them: counted, 16 × 32 PCPU and 16 × 4 VGPU
    assert.deepEqual([cap.pcpus, cap.vgpus], [512, 64]);
    // a GPU workload on the same Site: 700 rps at 10 per instance = 70 × g1.a100 = 70 vGPU of 64, 280 PCPU of 512:
    // only 64 fit (4 per host: the vGPU binds), the rest is unserved, and the binding resource is the vGPU at
    // 70 / 64 = 1.09375, spare 1 − 1.09375 = −0.09375 (not rounded: the figure the headroom verdicts compare)
    fs.writeFileSync(path.join(dir, 'gpu.yaml'), constWorkload('inference', 700).replace('flavor: small', 'flavor: g1.a100').replace('instanceType: m.large\n', ''));
    fs.writeFileSync(path.join(dir, 'p.yaml'), placement('api: { shares: { pangyo: 100 } }\ninference: { shares: { pangyo: 100 } }'));
    const gpu = await run(['simulate', '.', '--json', '--no-series'], dir);
    assert.equal(gpu.code, 0, gpu.err + gpu.out);
    const gs = JSON.parse(gpu.out).sites[0];
    assert.deepEqual(gs.binding, { resource: 'vgpus', peakNeed: 1.09375, spare: -0.09375 });
    assert.equal(gs.peakAllocated.vgpus, 64);
    assert.equal(gs.peakAllocated.pcpus, 256);
    assert.equal(JSON.parse(gpu.out).workloads.find((x: { name: string }) => x.name === 'inference').sites.pangyo.peakInstances, 64);
    // the two GPU consumers in Placement are 20 rps of it: 2 instances, 8 PCPU and 2 vGPU, as observed
    fs.writeFileSync(path.join(dir, 'gpu.yaml'), constWorkload('inference', 20).replace('flavor: small', 'flavor: g1.a100').replace('instanceType: m.large\n', ''));
    // usage the model does not explain: 100 rps / 10 per instance = 10 × m1.large model 40 vCPU and 80 GiB, and
    // 2 × g1.a100 8 PCPU, 2 vGPU and 64 GiB: exactly what Placement has in use, so no warning; with 50 rps of
    // api, 5 instances, the model allocates 20 vCPU and 40 + 64 = 104 GiB, and the 40 vCPU and 144 GiB in use
    // are more than 10 % above it
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
    assert.match(w.message, /40 vCPU in use, the model at most 20; 144 GiB in use, the model at most 104 GiB\)/);
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
