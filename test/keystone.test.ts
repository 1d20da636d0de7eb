/**
 * `headroom import placement` authenticating with Keystone, as against a production cloud: a
 * real Keystone (Debian's 22, Fernet, SQLite) and a real Placement behind keystonemiddleware,
 * both started here on loopback and stopped by PID. The CLI runs as its own process, with the
 * credentials only in its environment or in a clouds.yaml, and finds Placement in the catalog.
 */
import { strict as assert } from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { tempWorkspace } from './helpers';
import { cloudFromYaml } from '../engine/capacity/keystone-auth';
import { PlacementError } from '../engine/capacity/placement-import';
import { KeystoneServer, startKeystone } from './keystone-server';
import { PlacementServer, startPlacement } from './placement-server';

const BIN = path.join(__dirname, '..', '..', 'bin', 'headroom.js');
const FLAVORS = JSON.stringify([{ Name: 'm1.large', VCPUs: 4, RAM: 8192, Disk: 0 }]);

/** The CLI as a process, with an environment that holds no OS_* but the ones given, and an empty HOME. */
function cli(args: string[], cwd: string, vars: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OS_')));
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { ...env, HOME: tempWorkspace({}), ...vars } }, (e, out, err) => resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, out, err }));
  });
}

describe('import placement with Keystone (a real Keystone and Placement on loopback)', function () {
  this.timeout(240000);
  let ks: KeystoneServer | undefined;
  let pl: PlacementServer | undefined;
  let appCred = { id: '', secret: '' };
  let openrc: Record<string, string> = {};

  before(async () => {
    ks = await startKeystone();
    pl = await startPlacement({ keystone: ks });
    // the catalog names Placement, as a deployment registers it
    const svc = (await ks.call('POST', '/services', { service: { type: 'placement', name: 'placement' } }))!.service as { id: string };
    await ks.call('POST', '/endpoints', { endpoint: { service_id: svc.id, interface: 'public', url: pl.url, region_id: 'RegionOne' } });
    // 3 compute nodes: 64 vCPU (×4.0, 2 reserved) and 256 GiB each
    for (let i = 0; i < 3; i++) await pl.provider(`cn-${i}`, { VCPU: { total: 64, reserved: 2, allocation_ratio: 4.0 }, MEMORY_MB: { total: 262144, reserved: 4096, allocation_ratio: 1.0 } }, [], []);
    openrc = { OS_AUTH_URL: ks.url, OS_USERNAME: 'admin', OS_PASSWORD: ks.adminPassword, OS_PROJECT_NAME: 'admin', OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_DOMAIN_NAME: 'Default' };
    // an application credential of the admin user, as a CI job would hold one
    const me = await fetch(`${ks.url}/auth/tokens`, { headers: { 'x-auth-token': await ks.token(), 'x-subject-token': await ks.token() } });
    const userId = ((await me.json()) as { token: { user: { id: string } } }).token.user.id;
    const cred = (await ks.call('POST', `/users/${userId}/application_credentials`, { application_credential: { name: 'headroom-ci' } }))!.application_credential as { id: string; secret: string };
    appCred = { id: cred.id, secret: cred.secret };
    // a user with only the member role: Keystone accepts it, Placement's policy does not
    const project = ((await ks.call('GET', '/projects?name=admin'))!.projects as { id: string }[])[0];
    const viewer = (await ks.call('POST', '/users', { user: { name: 'viewer', password: 'viewer-secret', domain_id: 'default' } }))!.user as { id: string };
    const member = ((await ks.call('GET', '/roles?name=member'))!.roles as { id: string }[])[0];
    await ks.call('PUT', `/projects/${project.id}/users/${viewer.id}/roles/${member.id}`);
  });

  after(() => {
    pl?.stop();
    ks?.stop();
  });

  it('an openrc (OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME): a token from Keystone, Placement from its catalog', async () => {
    const dir = tempWorkspace({ 'flavors.json': FLAVORS });
    const r = await cli(['import', 'placement', '--flavors', 'flavors.json', '--name', 'pangyo', '--out', 'pangyo.yaml'], dir, openrc);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /3 compute node\(s\) in 1 aggregate\(s\)/);
    const site = parse(fs.readFileSync(path.join(dir, 'pangyo.yaml'), 'utf8'));
    assert.equal(site.spec.aggregates[0].hosts, 3);
    assert.deepEqual(site.spec.aggregates[0].allocationRatio, { cpu: 4, ram: 1, disk: 1 });
    // the password is in no file the import wrote
    assert.ok(!fs.readFileSync(path.join(dir, 'pangyo.yaml'), 'utf8').includes(ks!.adminPassword));
  });

  it('an application credential from clouds.yaml (--os-cloud), with secure.yaml holding the secret', async () => {
    const dir = tempWorkspace({
      'flavors.json': FLAVORS,
      'clouds.yaml': `clouds:\n  pangyo:\n    auth:\n      auth_url: ${ks!.url.replace(/\/v3$/, '')}\n      application_credential_id: ${appCred.id}\n    auth_type: v3applicationcredential\n    region_name: RegionOne\n    interface: public\n`,
      'secure.yaml': `clouds:\n  pangyo:\n    auth:\n      application_credential_secret: ${appCred.secret}\n`,
    });
    const r = await cli(['import', 'placement', '--os-cloud', 'pangyo', '--flavors', 'flavors.json', '--out', 'site.yaml'], dir, {});
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /3 compute node\(s\)/);
    // OS_CLOUD works as --os-cloud does
    const viaEnv = await cli(['import', 'placement', '--flavors', 'flavors.json'], dir, { OS_CLOUD: 'pangyo' });
    assert.equal(viaEnv.code, 0, viaEnv.err);
    assert.match(viaEnv.out, /kind: Site/);
  });

  it('refused or missing credentials, a missing cloud, a catalog without Placement, a role Placement refuses: one line each, exit 2', async () => {
    const dir = tempWorkspace({ 'flavors.json': FLAVORS, 'clouds.yaml': 'clouds: {}\n' });
    const wrong = await cli(['import', 'placement', '--flavors', 'flavors.json'], dir, { ...openrc, OS_PASSWORD: 'not-the-password' });
    assert.equal(wrong.code, 2);
    assert.match(wrong.err, /^headroom: Keystone at http:\/\/127\.0\.0\.1:\d+\/v3 refused the credentials from the OS_\* variables \(HTTP 401: wrong user, password or application credential, or expired\)\n$/);
    const noCloud = await cli(['import', 'placement', '--os-cloud', 'nope', '--flavors', 'flavors.json'], dir, {});
    assert.equal(noCloud.code, 2);
    assert.match(noCloud.err, /^headroom: no cloud "nope" in .*clouds\.yaml\n$/);
    const region = await cli(['import', 'placement', '--flavors', 'flavors.json'], dir, { ...openrc, OS_REGION_NAME: 'Elsewhere' });
    assert.equal(region.code, 2);
    assert.equal(region.err, 'headroom: the service catalog for the OS_* variables has no placement endpoint (interface public, region Elsewhere); give --url\n');
    const noProject = await cli(['import', 'placement', '--flavors', 'flavors.json'], dir, { ...openrc, OS_PROJECT_NAME: '' });
    assert.equal(noProject.code, 2);
    assert.match(noProject.err, /a project \(project_name or project_id, OS_PROJECT_NAME\) is needed/);
    const member = await cli(['import', 'placement', '--flavors', 'flavors.json'], dir, { ...openrc, OS_USERNAME: 'viewer', OS_PASSWORD: 'viewer-secret' });
    assert.equal(member.code, 2);
    assert.match(member.err, /^headroom: http:\/\/127\.0\.0\.1:\d+ refused the request \(HTTP 403\)/);
    // nothing was written by any of them
    assert.deepEqual(fs.readdirSync(dir).sort(), ['clouds.yaml', 'flavors.json']);
  });
});

describe('clouds.yaml reading (no server)', () => {
  it('a clouds.yaml that is not UTF-8 is one clear error naming the file; a folder named clouds.yaml is passed over', () => {
    const dir = tempWorkspace({});
    // UTF-16 with its byte-order mark, as some editors save it
    fs.writeFileSync(path.join(dir, 'clouds.yaml'), Buffer.from('\ufeffclouds: {}\n', 'utf16le'));
    assert.throws(() => cloudFromYaml('lab', { HOME: tempWorkspace({}) }, dir), (e: Error) => e instanceof PlacementError && /clouds\.yaml is not UTF-8 text/.test(e.message));
    const other = tempWorkspace({});
    fs.mkdirSync(path.join(other, 'clouds.yaml'));
    assert.throws(() => cloudFromYaml('lab', { HOME: tempWorkspace({}) }, other), /^Error: no cloud "lab" in any clouds\.yaml/);
  });
});
