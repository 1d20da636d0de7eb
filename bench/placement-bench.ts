/**
 * `headroom import placement` of 2,000 resource providers from a real Placement API (Debian's
 * placement-api on loopback, SQLite), end to end through the bundled CLI as a user runs it.
 * Baseline, in the same run: the straightforward client — the provider list, then inventories,
 * usages, aggregates and traits of each provider (4 GETs per provider), with the same bound on
 * concurrency and nothing done with the answers. The importer asks for traits once per trait in
 * use instead of once per provider. Two servers over the same database: pbr's single-threaded
 * wsgiref server (what `placement-api` starts; its time per request bounds both clients), and
 * uWSGI with one worker process per core, the way Placement is deployed. Target (issue 14):
 * under 10 s, against the deployed form.
 */
import { execFile } from 'child_process';
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { promisify } from 'util';
import { startPlacement } from '../test/placement-server';

const REPO = path.resolve(__dirname, '..', '..');
const PROVIDERS = 2000;
const CONCURRENCY = 8;

async function floorRequests(url: string): Promise<number> {
  const h = { 'x-auth-token': 'admin', 'openstack-api-version': 'placement 1.36', accept: 'application/json' };
  const get = async (route: string) => (await fetch(`${url}${route}`, { headers: h })).json() as Promise<Record<string, unknown>>;
  const t = performance.now();
  const rps = (await get('/resource_providers')).resource_providers as { uuid: string }[];
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < rps.length) {
      const u = rps[next++].uuid;
      await Promise.all(['inventories', 'usages', 'aggregates', 'traits'].map((s) => get(`/resource_providers/${u}/${s}`)));
    }
  }));
  return performance.now() - t;
}

export async function benchPlacement(): Promise<void> {
  const server = await startPlacement();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-placement-bench-'));
  try {
    const t0 = performance.now();
    await server.call('PUT', '/traits/CUSTOM_NVME');
    const aggs = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const shapes = [
      { VCPU: { total: 64, reserved: 2, allocation_ratio: 4.0 }, MEMORY_MB: { total: 262144, reserved: 4096, allocation_ratio: 1.0 }, DISK_GB: { total: 1000, reserved: 0, allocation_ratio: 1.0 } },
      { VCPU: { total: 128, reserved: 4, allocation_ratio: 2.0 }, MEMORY_MB: { total: 1048576, reserved: 8192, allocation_ratio: 1.0 }, DISK_GB: { total: 2000, reserved: 100, allocation_ratio: 1.0 } },
    ];
    let made = 0;
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (made < PROVIDERS) {
        const i = made++;
        await server.provider(`cn-${i}`, shapes[i % 2], [aggs[i % 4]], i % 2 ? ['CUSTOM_NVME', 'HW_CPU_X86_AVX2'] : ['HW_CPU_X86_AVX2']);
      }
    }));
    console.log(`built ${PROVIDERS} compute nodes through the REST API in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    fs.writeFileSync(path.join(dir, 'flavors.json'), JSON.stringify([{ Name: 'm1.large', VCPUs: 4, RAM: 8192, Disk: 80 }]));
    const cli = path.join(REPO, 'bin', 'headroom.js');
    const med = (a: number[]) => [...a].sort((x, y) => x - y)[1];
    const measure = async (url: string, label: string): Promise<number> => {
      const imports: number[] = [];
      const floors: number[] = [];
      for (let r = 0; r < 3; r++) {
        const t = performance.now();
        const { stderr } = await promisify(execFile)(process.execPath, [cli, 'import', 'placement', '--url', url, '--token', 'admin', '--flavors', 'flavors.json', '--out', 'site.yaml'], { cwd: dir });
        imports.push(performance.now() - t);
        if (r === 0 && label.startsWith('wsgiref')) console.log(stderr.trim());
        floors.push(await floorRequests(url));
      }
      console.log(`${label}: headroom import placement (process, median of 3) ${(med(imports) / 1000).toFixed(2)} s · baseline ${1 + 4 * PROVIDERS} GETs, 4 per provider, ${CONCURRENCY} at a time, answers unused ${(med(floors) / 1000).toFixed(2)} s · ratio ${(med(imports) / med(floors)).toFixed(2)}×`);
      return med(imports);
    };
    await measure(server.url, 'wsgiref, 1 thread');
    const site = fs.readFileSync(path.join(dir, 'site.yaml'), 'utf8');
    console.log(`imported: ${(site.match(/hosts: (\d+)/g) ?? []).map((m) => m.slice(7)).join(' + ')} hosts`);
    if (!fs.existsSync('/usr/bin/uwsgi')) {
      console.log('uwsgi not installed (apt-get install uwsgi-core uwsgi-plugin-python3): no run against the deployed form; target not checked');
      return;
    }
    const workers = os.cpus().length;
    const deployed = await startPlacement({ processes: workers, database: server.database });
    try {
      const t = await measure(deployed.url, `uWSGI, ${workers} worker processes`);
      console.log(`target: < 10 s against the deployed form → ${t < 10000 ? 'met' : 'MISSED'}`);
    } finally {
      deployed.stop();
    }
  } finally {
    server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
