/**
 * `headroom import placement`: a Site from a live OpenStack Placement API (api-ref: resource
 * providers, inventories, usages, aggregates, traits). Compute nodes are the root providers
 * with VCPU or MEMORY_MB inventory; their real `reserved` and `allocation_ratio` are kept, so
 * the Site's capacity is Placement's own, int((total − reserved) × allocation_ratio) per host.
 * Hosts with the same aggregate membership, inventory and traits become one aggregate, named
 * from Nova's os-aggregates when a compute endpoint is given, else stably from the aggregate
 * UUIDs. PCPU, VGPU and PCI_DEVICE inventories, the root's and its nested providers' (a GPU,
 * a PF, at any depth), become the host's `pcpus`, `vgpus` and `pciDevices`: one pool per host
 * (deviceInventory); other classes (CUSTOM_*, bandwidth, VFs) are named in a note. Current
 * usage is kept with the Site as `observedUsage`. Requests
 * run concurrently, at most 8 at a time. Flavors come from `openstack flavor list` JSON, as
 * Placement does not know them.
 */
import { placementCapacity } from './nova-capacity';
import { checkSiteName, ImportError, parseInventoryJson, readFlavors, siteYaml, unmodelledFlavorsNote } from './openstack-import';
import type { Diagnostic } from '../lint/diagnostics';
import { DEVICE_RESOURCES, PLACEMENT_CLASS, RATIO_FIELD, RESOURCES } from '../model/resource-classes';
import { fetchCause, requestSignal, unreachable } from '../model/http-request';

/** A failure to talk to Placement (exit 2): unreachable, refused credentials. */
export class PlacementError extends Error {}

/** Where Placement (and optionally Nova) answer; TLS certificates are always verified (Node's fetch). */
export interface PlacementSource { url: string; token: string; computeUrl?: string; signal?: AbortSignal }

interface Inventory { total: number; reserved: number; allocation_ratio: number }
interface Provider { uuid: string; name: string; parent_provider_uuid?: string | null; root_provider_uuid?: string }
interface Node { rp: Provider; inv: Record<string, Inventory>; usages: Record<string, number>; aggregates: string[]; traits: string[]; children: { inv: Record<string, Inventory>; usages: Record<string, number>; traits: string[] }[] }

const VERSION = 'placement 1.36';
const CONCURRENCY = 8;

/** A kept-alive connection the server (or a proxy) closed under us: a GET is safe to send again, once. */
const RESET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

async function get<T>(src: PlacementSource, base: string, route: string, headers: Record<string, string>): Promise<T> {
  const u = `${base.replace(/\/$/, '')}${route}`;
  let res: Response | undefined;
  for (let attempt = 0; !res; attempt++) {
    try {
      res = await fetch(u, { headers: { accept: 'application/json', 'x-auth-token': src.token, ...headers }, signal: requestSignal(src.signal) });
    } catch (e) {
      if (src.signal?.aborted) throw new PlacementError('cancelled');
      const cause = fetchCause(e);
      if (attempt === 0 && RESET.has(cause)) continue;
      throw new PlacementError(unreachable(base, cause));
    }
  }
  if (res.status === 401) throw new PlacementError(`${base} refused the token (HTTP 401: missing, wrong or expired); give --token or OS_AUTH_TOKEN`);
  if (res.status === 403) throw new PlacementError(`${base} refused the request (HTTP 403): the token's user may not read resource providers (it needs the admin or reader role)`);
  if (!res.ok) throw new PlacementError(`${base}${route}: HTTP ${res.status}`);
  try {
    return (await res.json()) as T;
  } catch {
    throw new PlacementError(`${base}${route} answered with something that is not JSON`);
  }
}

/** Runs fn over items with at most `limit` at a time, results in order. */
async function pool<T, R>(items: T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }));
  return out;
}

/**
 * Each provider's traits, one request per trait in use rather than one per provider: a cloud has
 * thousands of providers but a few dozen traits (GET /traits?associated=true, then
 * GET /resource_providers?required=T, microversion 1.18).
 */
async function traitsByProvider(src: PlacementSource, h: Record<string, string>): Promise<{ traits: Map<string, string[]>; requests: number }> {
  const names = [...(await get<{ traits: string[] }>(src, src.url, '/traits?associated=true', h)).traits].sort();
  const out = new Map<string, string[]>(); // each list in the sorted order of names
  const members = await pool(names, CONCURRENCY, async (t) =>
    (await get<{ resource_providers: Provider[] }>(src, src.url, `/resource_providers?required=${encodeURIComponent(t)}`, h)).resource_providers);
  members.forEach((rps, i) => {
    for (const rp of rps) (out.get(rp.uuid) ?? out.set(rp.uuid, []).get(rp.uuid)!).push(names[i]);
  });
  return { traits: out, requests: 1 + names.length };
}

/** Every provider of the cloud with its inventories, usages, aggregates and traits. */
export async function readPlacement(src: PlacementSource): Promise<{ nodes: Node[]; others: string[]; requests: number }> {
  const h = { 'openstack-api-version': VERSION };
  const { resource_providers: rps } = await get<{ resource_providers: Provider[] }>(src, src.url, '/resource_providers', h);
  const tr = await traitsByProvider(src, h);
  const detail = await pool(rps, CONCURRENCY, async (rp) => {
    const [inv, use, agg] = await Promise.all([
      get<{ inventories: Record<string, Inventory> }>(src, src.url, `/resource_providers/${rp.uuid}/inventories`, h),
      get<{ usages: Record<string, number> }>(src, src.url, `/resource_providers/${rp.uuid}/usages`, h),
      get<{ aggregates: string[] }>(src, src.url, `/resource_providers/${rp.uuid}/aggregates`, h),
    ]);
    return { rp, inv: inv.inventories ?? {}, usages: use.usages ?? {}, aggregates: [...(agg.aggregates ?? [])].sort(), traits: tr.traits.get(rp.uuid) ?? [], children: [] as Node['children'] };
  });
  const byUuid = new Map(detail.map((d) => [d.rp.uuid, d]));
  const nodes: Node[] = [];
  const others: string[] = [];
  for (const d of detail) {
    // a nested provider (a GPU, a NUMA cell, a PF, at any depth) belongs to its tree's root
    const rootUuid = d.rp.root_provider_uuid && d.rp.root_provider_uuid !== d.rp.uuid ? d.rp.root_provider_uuid : d.rp.parent_provider_uuid;
    const root = rootUuid ? byUuid.get(rootUuid) : undefined;
    if (root) root.children.push({ inv: d.inv, usages: d.usages, traits: d.traits });
    else if (d.inv.VCPU || d.inv.MEMORY_MB) nodes.push(d);
    else others.push(d.rp.name);
  }
  return { nodes, others, requests: 1 + tr.requests + 3 * rps.length };
}

/** Nova's aggregate names by UUID (os-aggregates, microversion 2.41 for uuids), when a compute endpoint is given. */
async function novaAggregateNames(src: PlacementSource): Promise<Map<string, string>> {
  if (!src.computeUrl) return new Map();
  const { aggregates } = await get<{ aggregates: { uuid: string; name: string }[] }>(src, src.computeUrl, '/os-aggregates', { 'x-openstack-nova-api-version': '2.41' });
  return new Map(aggregates.map((a) => [a.uuid, a.name]));
}

const MODELLED = new Set(Object.values(PLACEMENT_CLASS));

/**
 * A host's PCPU, VGPU and PCI_DEVICE, over its own and its nested providers' inventories, as one
 * pool per class (an instance's devices are not tied to one GPU here). Where every provider of
 * a class has allocation_ratio 1 the totals and reserved amounts are summed, which keeps
 * Σ int(total − reserved) exact; otherwise each provider's capacity int((total − reserved) ×
 * ratio) is summed, with reserved 0 and ratio 1, and a note says so.
 */
function deviceInventory(n: Node, notes: string[]): { host: Record<string, number>; reserved: Record<string, number>; ratio: Record<string, number> } {
  const out = { host: {} as Record<string, number>, reserved: {} as Record<string, number>, ratio: {} as Record<string, number> };
  for (const r of DEVICE_RESOURCES) {
    const invs = [n, ...n.children].map((p) => p.inv[PLACEMENT_CLASS[r]]).filter((i): i is Inventory => !!i && i.total > 0);
    if (!invs.length) continue;
    if (invs.every((i) => i.allocation_ratio === 1)) {
      out.host[r] = invs.reduce((m, i) => m + i.total, 0);
      const reserved = invs.reduce((m, i) => m + Math.min(i.reserved, i.total), 0);
      if (reserved) out.reserved[r] = reserved;
    } else {
      out.host[r] = invs.reduce((m, i) => m + placementCapacity(i.total, i.reserved, i.allocation_ratio), 0);
      out.ratio[RATIO_FIELD[r]] = 1;
      const note = `${PLACEMENT_CLASS[r]} providers with allocation ratios other than 1 are counted at their capacity, int((total − reserved) × ratio) each`;
      if (!notes.includes(note)) notes.push(note);
    }
  }
  return out;
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '') || 'x';

export interface PlacementImport { yaml: string; hosts: number; aggregates: number; notes: string[]; requests: number }

export async function importPlacement(src: PlacementSource, flavors: { file: string; text: string }, opts: { name?: string; check?: (yaml: string) => Diagnostic[] } = {}): Promise<PlacementImport> {
  const name = opts.name ?? 'openstack';
  checkSiteName(name);
  // the flavor file first, so a bad one fails before any request; its trait specs say which host traits matter
  const read = readFlavors(parseInventoryJson(flavors.text, flavors.file), flavors.file, flavors.text, true);
  const { nodes, others, requests } = await readPlacement(src);
  if (!nodes.length) throw new ImportError(`${src.url} has no compute nodes (resource providers with VCPU or MEMORY_MB inventory)`);
  const aggNames = await novaAggregateNames(src);
  const notes: string[] = [];
  const r = (n: Node, rc: string) => n.inv[rc] ?? { total: 0, reserved: 0, allocation_ratio: 1 };
  const specTraits = new Set(read.flavors.flatMap((f) => [...(f.requiredTraits ?? []), ...(f.forbiddenTraits ?? [])]));
  const groups = new Map<string, Node[]>();
  for (const n of nodes) {
    const shape = Object.entries(n.inv).sort(([a], [b]) => (a < b ? -1 : 1)).map(([rc, i]) => `${rc}:${i.total}/${i.reserved}/${i.allocation_ratio}`).join('|');
    // nested providers too: hosts with a GPU child and hosts without are not one aggregate
    const kids = n.children.map((c) => `${Object.entries(c.inv).sort(([a], [b]) => (a < b ? -1 : 1)).map(([rc, i]) => `${rc}:${i.total}/${i.reserved}/${i.allocation_ratio}`).join(',')}@${c.traits.join(',')}`).sort().join(';');
    const key = `${n.aggregates.join(',')}#${shape}#${n.traits.join(',')}#${kids}`;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(n);
  }
  const used = new Set<string>();
  const aggregates = [...groups.values()].sort((a, b) => b.length - a.length || (a[0].rp.name < b[0].rp.name ? -1 : 1)).map((g) => {
    const n = g[0];
    const v = r(n, 'VCPU'), m = r(n, 'MEMORY_MB'), d = r(n, 'DISK_GB');
    const named = n.aggregates.map((u) => aggNames.get(u)).filter((x): x is string => !!x);
    let base = named.length ? slug(named.join('-')) : n.aggregates.length ? `${name}-agg-${n.aggregates.map((u) => u.slice(0, 8)).join('-')}` : `${name}-${v.total}c-${Math.round(m.total / 1024)}g`;
    if (used.has(base)) base = `${base}-${v.total}c-${Math.round(m.total / 1024)}g`;
    for (let k = 2; used.has(base); k++) base = `${base.replace(/-\d+$/, '')}-${k}`;
    used.add(base);
    const dev = deviceInventory(n, notes);
    // the traits a flavor's trait specs can match: the CUSTOM_ ones and any a flavor names, on the host or its children
    const traits = [...new Set([...n.traits, ...n.children.flatMap((c) => c.traits)])].filter((t) => t.startsWith('CUSTOM_') || specTraits.has(t)).sort();
    return {
      name: base, hosts: g.length,
      ...(traits.length ? { traits } : {}),
      host: { vcpus: v.total, memoryMiB: m.total, diskGiB: d.total, ...dev.host },
      reserved: { vcpus: v.reserved, memoryMiB: m.reserved, diskGiB: d.reserved, ...dev.reserved },
      allocationRatio: { cpu: v.allocation_ratio, ram: m.allocation_ratio, disk: d.allocation_ratio, ...dev.ratio },
    };
  });
  // resource classes the model does not count: said, not dropped silently
  const other = new Map<string, number>();
  const count = (rc: string, inv: Inventory) => other.set(rc, (other.get(rc) ?? 0) + placementCapacity(inv.total, inv.reserved, inv.allocation_ratio));
  for (const n of nodes) for (const p of [n, ...n.children]) for (const [rc, inv] of Object.entries(p.inv)) if (!MODELLED.has(rc)) count(rc, inv);
  if (others.length) notes.push(`${others.length} resource provider(s) without VCPU or MEMORY_MB left out (shared storage or network providers): ${others.slice(0, 5).join(', ')}${others.length > 5 ? ', …' : ''}`);
  if (other.size) notes.push(`also in Placement, not modelled: ${[...other].map(([rc, n]) => `${n} ${rc}`).join(', ')}`);
  const usage: Record<string, number> = { vcpus: 0, memoryMiB: 0, diskGiB: 0, pcpus: 0, vgpus: 0, pciDevices: 0 };
  for (const n of nodes) for (const p of [n, ...n.children]) for (const r of RESOURCES) usage[r] += p.usages[PLACEMENT_CLASS[r]] ?? 0;
  for (const r of DEVICE_RESOURCES) if (usage[r] === 0) delete usage[r];
  // flavor disks kept as given: Placement's DISK_GB (or its absence) is the hosts' own
  notes.push(...unmodelledFlavorsNote(read.unmodelled));
  const flavorsOut = read.flavors;
  const doc = {
    apiVersion: 'headroom.dev/v1',
    kind: 'Site',
    metadata: { name, description: `Imported by headroom from the Placement API at ${src.url}: ${nodes.length} compute node(s); reserved resources and allocation ratios are Placement's own.` },
    spec: {
      type: 'openstack',
      aggregates,
      flavors: flavorsOut,
      observedUsage: { ...usage, at: new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
    },
  };
  const yaml = siteYaml(doc, opts.check);
  return { yaml, hosts: nodes.length, aggregates: aggregates.length, notes, requests };
}
