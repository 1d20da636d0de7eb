/**
 * `headroom import openstack`: a Site document from the OpenStack inventory — the openstack
 * client's `hypervisor list --long -f json` (keys "Hypervisor Hostname", "State", "vCPUs",
 * "Memory MB", below microversion 2.88) or Nova's API JSON (`{"hypervisors": [...]}` with
 * vcpus, memory_mb, local_gb), and `flavor list --long -f json` ("Name", "VCPUs", "RAM", "Disk")
 * or `{"flavors": [...]}`. Hosts that are not up are left out; hosts of one shape (vCPU, memory,
 * disk) become one aggregate. Reserved resources and allocation ratios are Nova's defaults, to be
 * set from the operator's nova.conf; errors name the file and the entry.
 */
import { stringify } from 'yaml';

export class ImportError extends Error {}

type Obj = Record<string, unknown>;

function list(v: unknown, key: string, file: string): Obj[] {
  const arr = Array.isArray(v) ? v : v && typeof v === 'object' && Array.isArray((v as Obj)[key]) ? ((v as Obj)[key] as unknown[]) : undefined;
  if (!arr) throw new ImportError(`${file}: expected a JSON list (openstack … -f json) or an object with "${key}"`);
  return arr.map((x, i) => {
    if (!x || typeof x !== 'object') throw new ImportError(`${file}: entry ${i + 1} is not an object`);
    return x as Obj;
  });
}

function num(o: Obj, keys: string[], file: string, i: number, what: string, optional = false): number {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  }
  if (optional) return 0;
  throw new ImportError(`${file}: entry ${i + 1} has no ${what} (${keys.map((k) => `"${k}"`).join(' or ')}); from microversion 2.88 hypervisors carry no capacity — use \`openstack --os-compute-api-version 2.87 hypervisor list --long -f json\``);
}

function str(o: Obj, keys: string[]): string | undefined {
  for (const k of keys) if (typeof o[k] === 'string') return o[k] as string;
  return undefined;
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export function importOpenStack(hypervisorsJson: unknown, flavorsJson: unknown, opts: { name?: string; hypervisorsFile?: string; flavorsFile?: string } = {}): { yaml: string; hosts: number; skipped: number; aggregates: number } {
  const hf = opts.hypervisorsFile ?? 'hypervisors';
  const ff = opts.flavorsFile ?? 'flavors';
  const name = opts.name ?? 'openstack';
  if (!NAME.test(name) || name.length > 63) throw new ImportError(`--name "${name}" is not a valid name (lower-case letters, digits, "-" and ".")`);
  const hyps = list(hypervisorsJson, 'hypervisors', hf);
  const shapes = new Map<string, { vcpus: number; memoryMiB: number; diskGiB: number; hosts: number }>();
  let skipped = 0;
  hyps.forEach((h, i) => {
    const state = str(h, ['State', 'state']);
    if (state !== undefined && state.toLowerCase() !== 'up') {
      skipped++;
      return;
    }
    const vcpus = num(h, ['vCPUs', 'vcpus'], hf, i, 'vCPU count');
    const memoryMiB = num(h, ['Memory MB', 'memory_mb'], hf, i, 'memory');
    const diskGiB = num(h, ['Local GB', 'local_gb'], hf, i, 'disk', true);
    const key = `${vcpus}/${memoryMiB}/${diskGiB}`;
    const s = shapes.get(key) ?? { vcpus, memoryMiB, diskGiB, hosts: 0 };
    s.hosts++;
    shapes.set(key, s);
  });
  if (shapes.size === 0) throw new ImportError(`${hf}: no hypervisor is up`);
  const flavors = list(flavorsJson, 'flavors', ff).map((f, i) => {
    const fname = str(f, ['Name', 'name']);
    if (!fname) throw new ImportError(`${ff}: entry ${i + 1} has no "Name"`);
    return { name: fname, vcpus: num(f, ['VCPUs', 'vcpus'], ff, i, 'vCPU count'), memoryMiB: num(f, ['RAM', 'ram'], ff, i, 'RAM'), diskGiB: num(f, ['Disk', 'disk'], ff, i, 'disk', true) };
  });
  if (flavors.length === 0) throw new ImportError(`${ff}: no flavors`);
  const aggregates = [...shapes.values()].sort((a, b) => b.hosts - a.hosts || b.vcpus - a.vcpus || b.memoryMiB - a.memoryMiB).map((s) => ({
    name: `${name}-${s.vcpus}c-${Math.round(s.memoryMiB / 1024)}g`,
    hosts: s.hosts,
    host: { vcpus: s.vcpus, memoryMiB: s.memoryMiB, diskGiB: s.diskGiB },
  }));
  const doc = {
    apiVersion: 'headroom.dev/v1',
    kind: 'Site',
    metadata: { name, description: `Imported by headroom from ${hf} and ${ff}: ${[...shapes.values()].reduce((n, s) => n + s.hosts, 0)} hosts up${skipped ? `, ${skipped} not up and left out` : ''}. Reserved resources and allocation ratios are Nova's defaults; set them from nova.conf.` },
    spec: { type: 'openstack', aggregates, flavors },
  };
  return { yaml: stringify(doc, { lineWidth: 0 }), hosts: aggregates.reduce((n, a) => n + a.hosts, 0), skipped, aggregates: aggregates.length };
}
