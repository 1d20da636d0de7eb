/**
 * A real OpenStack Placement API for the tests and the bench: Debian's placement-api (SQLite in a
 * temporary folder), started on a free loopback port and stopped by PID, as in
 * shared/notes/real-placement-and-prometheus-offline.md. Auth is noauth2 (the token `admin`), or
 * with `keystone` the real keystonemiddleware against that Keystone, as a cloud runs it. The
 * server is pbr's single-threaded wsgiref one, or with `processes` uWSGI with that many worker
 * processes, forked after the app is loaded once (as devstack and Debian's placement-api
 * package serve it; Debian's uwsgi-core and uwsgi-plugin-python3). `call`
 * speaks its REST API at microversion 1.36 as an admin; `provider` makes one resource provider
 * with inventory, aggregates and traits.
 */
import { execFileSync, spawn } from 'child_process';
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freePort, serveUntilReady } from './loopback-server';

export type Inventory = Record<string, { total: number; reserved: number; allocation_ratio: number }>;

export interface PlacementServer {
  url: string;
  call(method: string, route: string, body?: unknown): Promise<Record<string, unknown> | undefined>;
  provider(name: string, inv: Inventory, aggs: string[], traits: string[], parent?: string): Promise<string>;
  /** Its SQLite file: a second server may serve the same cloud (`database`). */
  database: string;
  stop(): void;
}

const H = { 'x-auth-token': 'admin', 'openstack-api-version': 'placement 1.36', 'content-type': 'application/json', accept: 'application/json' };

export interface PlacementKeystone { url: string; adminPassword: string; token(): Promise<string> }

export async function startPlacement(opts: { keystone?: PlacementKeystone; processes?: number; database?: string } = {}): Promise<PlacementServer> {
  if (opts.processes && !fs.existsSync('/usr/bin/uwsgi')) throw new Error('uwsgi not found: apt-get install uwsgi-core uwsgi-plugin-python3');
  if (!fs.existsSync('/usr/bin/placement-api')) throw new Error('placement-api not found: npm test provisions Debian\'s python3-placement (scripts/ensure-placement.sh)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-placement-'));
  const conf = path.join(dir, 'placement.conf');
  const ks = opts.keystone;
  const auth = ks
    ? `[api]\nauth_strategy = keystone\n[keystone_authtoken]\nwww_authenticate_uri = ${ks.url}\nauth_url = ${ks.url}\nauth_type = password\nusername = admin\npassword = ${ks.adminPassword}\nproject_name = admin\nuser_domain_name = Default\nproject_domain_name = Default\n`
    : '[api]\nauth_strategy = noauth2\n';
  const database = opts.database ?? path.join(dir, 'placement.db');
  fs.writeFileSync(conf, `${auth}[placement_database]\nconnection = sqlite:///${database}\n`);
  const env = { ...process.env, OS_PLACEMENT_CONFIG_DIR: dir };
  if (!opts.database) execFileSync('placement-manage', ['--config-file', conf, 'db', 'sync'], { env, stdio: 'ignore' });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = opts.processes
    ? spawn('uwsgi', ['--plugin', 'python3', '--http-socket', `127.0.0.1:${port}`, '--add-header', 'Connection: close', '--wsgi-file', '/usr/bin/placement-api', '--processes', String(opts.processes), '--threads', '1', '--master', '--die-on-term', '--disable-logging'], { env, stdio: 'ignore' })
    : spawn('placement-api', ['--port', String(port), '--', '--config-file', conf], { env, stdio: 'ignore' });
  const stop = await serveUntilReady('Placement', server, `${url}/`, H, dir);
  const headers = ks ? { ...H, 'x-auth-token': await ks.token() } : H;
  const call = async (method: string, route: string, body?: unknown) => {
    const r = await fetch(`${url}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (r.status >= 300) throw new Error(`${method} ${route}: ${r.status} ${await r.text()}`);
    const text = await r.text(); // several 2xx answers (201 on PUT /traits, 204) carry no body
    return text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  };
  const provider = async (name: string, inv: Inventory, aggs: string[], traits: string[], parent?: string) => {
    const uuid = randomUUID();
    await call('POST', '/resource_providers', { name, uuid, ...(parent ? { parent_provider_uuid: parent } : {}) });
    const gen0 = (await call('PUT', `/resource_providers/${uuid}/inventories`, { resource_provider_generation: 0, inventories: inv })) as { resource_provider_generation: number };
    let gen = gen0.resource_provider_generation;
    if (aggs.length) gen = ((await call('PUT', `/resource_providers/${uuid}/aggregates`, { aggregates: aggs, resource_provider_generation: gen })) as { resource_provider_generation: number }).resource_provider_generation;
    if (traits.length) await call('PUT', `/resource_providers/${uuid}/traits`, { traits, resource_provider_generation: gen });
    return uuid;
  };
  return { url, call, provider, database, stop };
}
