/**
 * A real OpenStack Keystone (Debian's python3-keystone 22, SQLite, Fernet tokens in a temporary
 * folder) for the tests, started on a free loopback port and stopped by PID: `keystone-manage
 * db_sync`, `fernet_setup`, `credential_setup` and `bootstrap` (user admin, project admin, region
 * RegionOne, its own identity endpoints), then `keystone-wsgi-public`. `token` asks it for a
 * project-scoped admin token; `call` speaks its REST API with one (to add services, endpoints,
 * users, application credentials).
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freePort, serveUntilReady } from './loopback-server';

export interface KeystoneServer {
  /** The identity endpoint, http://127.0.0.1:PORT/v3. */
  url: string;
  adminPassword: string;
  token(): Promise<string>;
  call(method: string, route: string, body?: unknown): Promise<Record<string, unknown> | undefined>;
  stop(): void;
}

export async function startKeystone(): Promise<KeystoneServer> {
  if (!fs.existsSync('/usr/bin/keystone-wsgi-public')) throw new Error('keystone-wsgi-public not found: npm test provisions Debian\'s python3-keystone (scripts/ensure-placement.sh)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-keystone-'));
  const conf = path.join(dir, 'keystone.conf');
  fs.writeFileSync(conf, `[database]\nconnection = sqlite:///${path.join(dir, 'keystone.db')}\n[token]\nprovider = fernet\n[fernet_tokens]\nkey_repository = ${path.join(dir, 'fernet-keys')}\n[credential]\nkey_repository = ${path.join(dir, 'credential-keys')}\n`);
  const env = { ...process.env, OS_KEYSTONE_CONFIG_DIR: dir };
  const user = os.userInfo().username;
  const group = execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/v3`;
  const adminPassword = 'keystone-admin-secret';
  const manage = (...args: string[]) => execFileSync('keystone-manage', ['--config-file', conf, ...args], { env, stdio: 'ignore' });
  manage('db_sync');
  manage('fernet_setup', '--keystone-user', user, '--keystone-group', group);
  manage('credential_setup', '--keystone-user', user, '--keystone-group', group);
  manage('bootstrap', '--bootstrap-password', adminPassword, '--bootstrap-admin-url', url, '--bootstrap-public-url', url, '--bootstrap-internal-url', url, '--bootstrap-region-id', 'RegionOne');
  const stop = await serveUntilReady('Keystone', spawn('keystone-wsgi-public', ['--port', String(port), '--', '--config-file', conf], { env, stdio: 'ignore' }), url, {}, dir);
  const token = async () => {
    const r = await fetch(`${url}/auth/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' }, password: adminPassword } } }, scope: { project: { name: 'admin', domain: { name: 'Default' } } } } }) });
    if (r.status !== 201) throw new Error(`keystone token: ${r.status} ${await r.text()}`);
    return r.headers.get('x-subject-token')!;
  };
  const call = async (method: string, route: string, body?: unknown) => {
    const r = await fetch(`${url}${route}`, { method, headers: { 'x-auth-token': await token(), 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (r.status >= 300) throw new Error(`${method} ${route}: ${r.status} ${await r.text()}`);
    const text = await r.text();
    return text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  };
  return { url, adminPassword, token, call, stop };
}
