/**
 * Keystone v3 authentication for `import placement`, as the OpenStack clients do it (identity
 * api-ref, "Password authentication with scoped authorization" and "Authenticating with an
 * Application Credential"; openstacksdk's config loader for clouds.yaml and OS_* variables):
 *
 *   credentials  --token / OS_AUTH_TOKEN, else the cloud named by --os-cloud / OS_CLOUD in
 *                clouds.yaml (OS_CLIENT_CONFIG_FILE, ./clouds.yaml, ~/.config/openstack/,
 *                /etc/openstack/; secure.yaml beside it merged in), else OS_AUTH_URL with
 *                OS_USERNAME/OS_PASSWORD/OS_PROJECT_NAME or OS_APPLICATION_CREDENTIAL_ID/_SECRET
 *   token        POST {auth_url}/v3/auth/tokens → X-Subject-Token, with the service catalog
 *   endpoints    the catalog's `placement` and `compute` entries, interface public (or
 *                OS_INTERFACE / `interface`), in OS_REGION_NAME / `region_name` when given
 *
 * A password is never written anywhere; errors are one line naming what to fix.
 */
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { PlacementError, PlacementSource } from './placement-import';
import { readRegularFile } from '../model/file-access';
import { MAX_YAML_BYTES } from '../model/workspace-loader';
import { fetchCause, requestSignal, unreachable } from '../model/http-request';

/** How to get a token: Keystone credentials, or a token given as is. */
export interface KeystoneCredentials {
  authUrl: string;
  kind: 'password' | 'application_credential' | 'token';
  username?: string; userId?: string; password?: string; userDomainName?: string; userDomainId?: string;
  projectName?: string; projectId?: string; projectDomainName?: string; projectDomainId?: string;
  applicationCredentialId?: string; applicationCredentialName?: string; applicationCredentialSecret?: string;
  token?: string;
  regionName?: string;
  interface?: string;
  /** Where the credentials came from, for messages: "clouds.yaml cloud pangyo" or "OS_* variables". */
  source: string;
}

export interface KeystoneSession { token: string; placementUrl?: string; computeUrl?: string; expiresAt?: string }

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const s = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);

/** clouds.yaml candidates in openstacksdk's order. */
export function cloudsYamlPaths(env: NodeJS.ProcessEnv, cwd: string): string[] {
  const home = env.HOME ?? os.homedir();
  return [env.OS_CLIENT_CONFIG_FILE, path.join(cwd, 'clouds.yaml'), path.join(home, '.config', 'openstack', 'clouds.yaml'), '/etc/openstack/clouds.yaml'].filter((p): p is string => !!p);
}

function deepMerge(a: Obj, b: Obj): Obj {
  const out: Obj = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object' ? deepMerge(o(out[k]), o(v)) : v;
  return out;
}

/** A clouds.yaml or secure.yaml, read as every input is (file-access.ts); undefined where there is none. */
function readYaml(file: string): Obj | undefined {
  const r = readRegularFile(file, MAX_YAML_BYTES);
  if (!r.ok) {
    if (r.kind === 'too-large' || r.kind === 'not-utf8') throw new PlacementError(`${file} ${r.message}`);
    return undefined;
  }
  try {
    return o(parse(r.text, { maxAliasCount: 100 }));
  } catch (e) {
    const pos = (e as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    throw new PlacementError(`${file}${pos ? `:${pos.line}:${pos.col}` : ''}: not valid YAML (${(e as Error).message.split('\n')[0]})`);
  }
}

/** The named cloud of the first clouds.yaml that has it, with its secure.yaml merged in. */
export function cloudFromYaml(name: string, env: NodeJS.ProcessEnv, cwd: string): KeystoneCredentials {
  const tried: string[] = [];
  for (const file of cloudsYamlPaths(env, cwd)) {
    const doc = readYaml(file);
    if (!doc) continue;
    tried.push(file);
    let cloud = o(o(doc.clouds)[name]);
    if (!Object.keys(cloud).length) continue;
    const secure = readYaml(path.join(path.dirname(file), 'secure.yaml'));
    if (secure) cloud = deepMerge(cloud, o(o(secure.clouds)[name]));
    return credentialsOf(cloud, `clouds.yaml cloud ${name} (${file})`);
  }
  throw new PlacementError(`no cloud "${name}" in ${tried.length ? tried.join(', ') : `any clouds.yaml (looked in ${cloudsYamlPaths(env, cwd).join(', ')})`}`);
}

function credentialsOf(cloud: Obj, source: string): KeystoneCredentials {
  const a = o(cloud.auth);
  const authUrl = s(a.auth_url);
  if (!authUrl) throw new PlacementError(`${source} has no auth.auth_url`);
  const type = s(cloud.auth_type) ?? (a.application_credential_id || a.application_credential_name ? 'v3applicationcredential' : a.token ? 'token' : 'password');
  const kind = type === 'v3applicationcredential' || type === 'application_credential' ? 'application_credential' : type === 'token' || type === 'v3token' ? 'token' : type === 'password' || type === 'v3password' ? 'password' : undefined;
  if (!kind) throw new PlacementError(`${source}: auth_type ${type} is not supported (password, v3applicationcredential or token)`);
  if (cloud.verify === false) throw new PlacementError(`${source}: verify: false is not honoured, TLS is always verified; give the cloud's CA in NODE_EXTRA_CA_CERTS`);
  return {
    authUrl, kind, source,
    username: s(a.username), userId: s(a.user_id), password: s(a.password), userDomainName: s(a.user_domain_name) ?? s(a.domain_name), userDomainId: s(a.user_domain_id) ?? s(a.domain_id),
    projectName: s(a.project_name) ?? s(a.tenant_name), projectId: s(a.project_id) ?? s(a.tenant_id), projectDomainName: s(a.project_domain_name) ?? s(a.domain_name), projectDomainId: s(a.project_domain_id) ?? s(a.domain_id),
    applicationCredentialId: s(a.application_credential_id), applicationCredentialName: s(a.application_credential_name), applicationCredentialSecret: s(a.application_credential_secret),
    token: s(a.token), regionName: s(cloud.region_name), interface: s(cloud.interface),
  };
}

/** Credentials from OS_* variables (an openrc file), when OS_AUTH_URL is set. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): KeystoneCredentials | undefined {
  if (!env.OS_AUTH_URL) return undefined;
  const auth: Obj = {};
  for (const [k, v] of Object.entries(env)) if (k.startsWith('OS_') && v) auth[k.slice(3).toLowerCase()] = v;
  auth.token ??= env.OS_AUTH_TOKEN;
  return credentialsOf({ auth, auth_type: env.OS_AUTH_TYPE, region_name: env.OS_REGION_NAME, interface: env.OS_INTERFACE }, 'the OS_* variables');
}

/** The identity request body for the credentials (api-ref identity v3). */
export function authBody(c: KeystoneCredentials): Obj {
  const domain = (name?: string, id?: string) => (id ? { id } : { name: name ?? 'Default' });
  if (c.kind === 'application_credential') {
    if (!c.applicationCredentialSecret || (!c.applicationCredentialId && !c.applicationCredentialName)) throw new PlacementError(`${c.source}: an application credential needs its id (or name and user) and its secret`);
    const cred: Obj = c.applicationCredentialId ? { id: c.applicationCredentialId } : { name: c.applicationCredentialName, user: c.userId ? { id: c.userId } : { name: c.username, domain: domain(c.userDomainName, c.userDomainId) } };
    return { auth: { identity: { methods: ['application_credential'], application_credential: { ...cred, secret: c.applicationCredentialSecret } } } };
  }
  const scope = c.projectId ? { project: { id: c.projectId } } : c.projectName ? { project: { name: c.projectName, domain: domain(c.projectDomainName, c.projectDomainId) } } : undefined;
  if (!scope) throw new PlacementError(`${c.source}: a project (project_name or project_id, OS_PROJECT_NAME) is needed, Placement reads need a project-scoped token`);
  if (c.kind === 'token') {
    if (!c.token) throw new PlacementError(`${c.source}: auth_type token needs auth.token`);
    return { auth: { identity: { methods: ['token'], token: { id: c.token } }, scope } };
  }
  if (!c.password || (!c.username && !c.userId)) throw new PlacementError(`${c.source}: password authentication needs a username (or user_id) and a password (OS_USERNAME, OS_PASSWORD)`);
  const user = c.userId ? { id: c.userId, password: c.password } : { name: c.username, domain: domain(c.userDomainName, c.userDomainId), password: c.password };
  return { auth: { identity: { methods: ['password'], password: { user } }, scope } };
}

/** {auth_url}/v3/auth/tokens, whether or not the auth URL names the version. */
export function tokensUrl(authUrl: string): string {
  const base = authUrl.replace(/\/+$/, '');
  return `${/\/v3$/.test(base) ? base : `${base}/v3`}/auth/tokens`;
}

interface CatalogEntry { type: string; endpoints: { interface: string; region?: string; region_id?: string; url: string }[] }

/** The catalog's endpoint of a service type, for an interface and (when given) a region. */
export function endpointOf(catalog: CatalogEntry[], type: string, iface = 'public', region?: string): string | undefined {
  const want = iface.replace(/URL$/, '');
  for (const entry of catalog) {
    if (entry.type !== type) continue;
    const ep = entry.endpoints.find((e) => e.interface === want && (!region || e.region_id === region || e.region === region));
    if (ep) return ep.url;
  }
  return undefined;
}

/** Asks Keystone for a project-scoped token and reads the Placement and Nova endpoints from its catalog. */
export async function authenticate(c: KeystoneCredentials, signal?: AbortSignal): Promise<KeystoneSession> {
  const url = tokensUrl(c.authUrl);
  const base = c.authUrl.replace(/\/+$/, '');
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(authBody(c)), signal: requestSignal(signal) });
  } catch (e) {
    if (signal?.aborted) throw new PlacementError('cancelled');
    throw new PlacementError(unreachable(`Keystone at ${base}`, fetchCause(e)));
  }
  if (res.status === 401) throw new PlacementError(`Keystone at ${base} refused the credentials from ${c.source} (HTTP 401: wrong user, password or application credential, or expired)`);
  if (res.status === 403) throw new PlacementError(`Keystone at ${base} refused the scope from ${c.source} (HTTP 403): the user has no role on that project`);
  if (res.status === 404) throw new PlacementError(`${url}: HTTP 404, not a Keystone v3 endpoint (auth_url is usually https://keystone.example:5000/v3)`);
  if (!res.ok) throw new PlacementError(`Keystone at ${base}: HTTP ${res.status}`);
  const token = res.headers.get('x-subject-token');
  if (!token) throw new PlacementError(`Keystone at ${base} answered without an X-Subject-Token`);
  let body: { token?: { catalog?: CatalogEntry[]; expires_at?: string } };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new PlacementError(`Keystone at ${base} answered with something that is not JSON`);
  }
  const catalog = body.token?.catalog ?? [];
  return {
    token, expiresAt: body.token?.expires_at,
    placementUrl: endpointOf(catalog, 'placement', c.interface, c.regionName),
    computeUrl: endpointOf(catalog, 'compute', c.interface, c.regionName),
  };
}

/**
 * Where Placement answers and with which token: a URL with a token (or OS_PLACEMENT_URL,
 * OS_AUTH_TOKEN) as given; otherwise a token from Keystone for the named cloud (or OS_CLOUD) in
 * clouds.yaml, or for the OS_* variables, with the endpoints from its catalog unless a URL is
 * given. Undefined when there are no credentials at all (the caller says which to give).
 */
export async function placementSource(o: { url?: string; token?: string; cloud?: string; computeUrl?: string }, env: NodeJS.ProcessEnv, cwd: string, signal?: AbortSignal): Promise<PlacementSource | undefined> {
  const url = o.url ?? env.OS_PLACEMENT_URL;
  const token = o.token ?? env.OS_AUTH_TOKEN;
  const cloud = o.cloud ?? env.OS_CLOUD;
  if (url && token && !o.cloud) return { url, token, computeUrl: o.computeUrl, signal };
  const creds = cloud ? cloudFromYaml(cloud, env, cwd) : credentialsFromEnv(env);
  if (!creds) return undefined;
  const session = await authenticate(o.token ? { ...creds, kind: 'token', token: o.token } : creds, signal);
  const placementUrl = url ?? session.placementUrl;
  if (!placementUrl) throw new PlacementError(`the service catalog for ${creds.source} has no placement endpoint (interface ${creds.interface ?? 'public'}${creds.regionName ? `, region ${creds.regionName}` : ''}); give --url`);
  return { url: placementUrl, token: session.token, computeUrl: o.computeUrl ?? session.computeUrl, signal };
}

/** The cloud names of every clouds.yaml Keystone credentials may come from (for a picker). */
export function cloudNames(env: NodeJS.ProcessEnv, cwd: string): string[] {
  const names = new Set<string>();
  for (const file of cloudsYamlPaths(env, cwd)) {
    try {
      for (const n of Object.keys(o(o(readYaml(file)).clouds))) names.add(n);
    } catch { /* a broken file is reported when its cloud is used */ }
  }
  return [...names].sort();
}
