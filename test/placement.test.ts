/**
 * `headroom import placement` against a real OpenStack Placement API (Debian's 8.0, noauth2,
 * SQLite), started here on loopback and stopped by PID. The test builds a cloud through the REST
 * API: 40 compute nodes of two shapes in 3 aggregates, per-host allocation ratios other than
 * Nova's defaults, nested VGPU children with a trait, allocations for some consumers. The
 * imported Site's capacity is checked against int((total − reserved) × allocation_ratio) summed
 * by hand, its usage against the allocations, and a simulation runs on it.
 */
import { strict as assert } from 'assert';
import { ChildProcess, execFileSync, spawn } from 'child_process';
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { parse } from 'yaml';
import { run } from './cli-lint.test';
import { tempWorkspace } from './helpers';
import { constWorkload, placement, scenario } from './sim-helpers';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

describe('import placement (a real Placement API on loopback)', function () {
  this.timeout(180000);
  let server: ChildProcess | undefined;
  let url = '';
  const H = { 'x-auth-token': 'admin', 'openstack-api-version': 'placement 1.36', 'content-type': 'application/json', accept: 'application/json' };
  const call = async (method: string, route: string, body?: unknown) => {
    const r = await fetch(`${url}${route}`, { method, headers: H, body: body === undefined ? undefined : JSON.stringify(body) });
    if (r.status >= 300) throw new Error(`${method} ${route}: ${r.status} ${await r.text()}`);
    const text = await r.text(); // several 2xx answers (201 on PUT /traits, 204) carry no body
    return text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  };
  /** A provider with inventory, aggregates and traits; returns its uuid. */
  const provider = async (name: string, inv: Record<string, { total: number; reserved: number; allocation_ratio: number }>, aggs: string[], traits: string[], parent?: string) => {
    const uuid = randomUUID();
    await call('POST', '/resource_providers', { name, uuid, ...(parent ? { parent_provider_uuid: parent } : {}) });
    let gen = ((await call('PUT', `/resource_providers/${uuid}/inventories`, { resource_provider_generation: 0, inventories: inv })) as { resource_provider_generation: number }).resource_provider_generation;
    if (aggs.length) gen = ((await call('PUT', `/resource_providers/${uuid}/aggregates`, { aggregates: aggs, resource_provider_generation: gen })) as { resource_provider_generation: number }).resource_provider_generation;
    if (traits.length) await call('PUT', `/resource_providers/${uuid}/traits`, { traits, resource_provider_generation: gen });
    return uuid;
  };

  before(async () => {
    if (!fs.existsSync('/usr/bin/placement-api')) throw new Error('placement-api not found: npm test provisions Debian\'s python3-placement (scripts/ensure-placement.sh)');
    const dir = tempWorkspace({});
    fs.writeFileSync(path.join(dir, 'placement.conf'), `[api]\nauth_strategy = noauth2\n[placement_database]\nconnection = sqlite:///${path.join(dir, 'placement.db')}\n`);
    const env = { ...process.env, OS_PLACEMENT_CONFIG_DIR: dir };
    execFileSync('placement-manage', ['--config-file', path.join(dir, 'placement.conf'), 'db', 'sync'], { env, stdio: 'ignore' });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    server = spawn('placement-api', ['--port', String(port), '--', '--config-file', path.join(dir, 'placement.conf')], { env, stdio: 'ignore' });
    const end = Date.now() + 60000;
    for (;;) {
      try {
        if ((await fetch(`${url}/`, { headers: H })).status === 200) break;
      } catch { /* starting */ }
      if (Date.now() > end) throw new Error('Placement did not answer in 60 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    await call('PUT', '/traits/CUSTOM_GPU_A100');
    const [aggA, aggB, aggC] = [randomUUID(), randomUUID(), randomUUID()];
    // shape 1: 24 hosts, 64 vCPU (2 reserved, ×4.0), 256 GiB (4 GiB reserved, ×1.0), 1000 GB; 12 in A, 12 in B
    const small = { VCPU: { total: 64, reserved: 2, allocation_ratio: 4.0 }, MEMORY_MB: { total: 262144, reserved: 4096, allocation_ratio: 1.0 }, DISK_GB: { total: 1000, reserved: 0, allocation_ratio: 1.0 } };
    // shape 2: 16 hosts, 128 vCPU (4 reserved, ×1.5), 1 TiB (8 GiB reserved, ×1.5), 2000 GB (100 reserved); in C, each with a VGPU child of 4
    const big = { VCPU: { total: 128, reserved: 4, allocation_ratio: 1.5 }, MEMORY_MB: { total: 1048576, reserved: 8192, allocation_ratio: 1.5 }, DISK_GB: { total: 2000, reserved: 100, allocation_ratio: 1.0 } };
    const smalls: string[] = [];
    for (let i = 0; i < 24; i++) smalls.push(await provider(`cn-s${i}`, small, [i < 12 ? aggA : aggB], []));
    for (let i = 0; i < 16; i++) {
      const u = await provider(`cn-b${i}`, big, [aggC], []);
      await provider(`cn-b${i}-gpu`, { VGPU: { total: 4, reserved: 0, allocation_ratio: 1.0 } }, [], ['CUSTOM_GPU_A100'], u);
    }
    // five consumers of 8 vCPU and 16 GiB on the first small hosts
    for (let i = 0; i < 5; i++) {
      await call('PUT', `/allocations/${randomUUID()}`, { allocations: { [smalls[i]]: { resources: { VCPU: 8, MEMORY_MB: 16384 } } }, project_id: randomUUID(), user_id: randomUUID(), consumer_generation: null });
    }
  });

  after(() => {
    if (server?.pid) process.kill(server.pid, 'SIGTERM');
  });

  it('imports the cloud with Placement\'s own capacity, grouped by aggregate, with its usage; a simulation runs on it', async () => {
    const dir = tempWorkspace({ 'flavors.json': JSON.stringify([{ Name: 'm1.large', VCPUs: 4, RAM: 8192, Disk: 80 }]) });
    const r = await run(['import', 'placement', '--url', url, '--token', 'admin', '--flavors', 'flavors.json', '--name', 'pangyo', '--out', 'pangyo.yaml'], dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /40 compute node\(s\) in 3 aggregate\(s\)/);
    // the 16 VGPU children of 4: 64 VGPU, said, not silently dropped
    assert.match(r.err, /also in Placement, not placed by the model yet: 64 VGPU/);
    const site = parse(fs.readFileSync(path.join(dir, 'pangyo.yaml'), 'utf8'));
    assert.deepEqual(site.spec.aggregates.map((g: { hosts: number }) => g.hosts).sort((a: number, b: number) => a - b), [12, 12, 16]);
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
    fs.writeFileSync(path.join(dir, 'w.yaml'), constWorkload('api', 10).replace('flavor: small', 'flavor: m1.large').replace('instanceType: m.large\n', ''));
    fs.writeFileSync(path.join(dir, 'p.yaml'), placement('api: { shares: { pangyo: 100 } }'));
    fs.writeFileSync(path.join(dir, 'sc.yaml'), scenario());
    const sim = await run(['simulate', '.', '--json', '--no-series'], dir);
    assert.equal(sim.code, 0, sim.err + sim.out);
    const cap = JSON.parse(sim.out).sites[0].capacity;
    assert.deepEqual([cap.vcpus, cap.memoryMiB, cap.diskGiB], [8928, 31162368, 54400]);
  });

  it('a missing token, a refused one and an unreachable URL are one clear line each, exit 2', async () => {
    const dir = tempWorkspace({ 'flavors.json': '[{ "Name": "a", "VCPUs": 1, "RAM": 512 }]' });
    const base = ['import', 'placement', '--flavors', 'flavors.json'];
    const forbidden = await run([...base, '--url', url, '--token', 'demo:demo'], dir);
    assert.equal(forbidden.code, 2);
    assert.match(forbidden.err, /^headroom: .*refused the request \(HTTP 403\)/);
    const port = await freePort();
    const down = await run([...base, '--url', `http://127.0.0.1:${port}`, '--token', 'admin'], dir);
    assert.equal(down.code, 2);
    assert.match(down.err, /^headroom: cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)\n$/);
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
