/**
 * `headroom import openstack`: a Site document from the OpenStack inventory — the openstack
 * client's `hypervisor list --long -f json` (keys "Hypervisor Hostname", "State", "vCPUs",
 * "Memory MB", below microversion 2.88) or Nova's API JSON (`{"hypervisors": [...]}` with
 * vcpus, memory_mb, local_gb), and `flavor list --long -f json` ("Name", "VCPUs", "RAM", "Disk")
 * or `{"flavors": [...]}`. Hosts that are not up are left out; hosts of one shape (vCPU, memory,
 * disk) become one aggregate. Reserved resources and allocation ratios are Nova's defaults, to be
 * set from the operator's nova.conf; errors name the file and the entry.
 */
import { isMap, isSeq, LineCounter, parseDocument, stringify } from 'yaml';
import { hostSchedulable, instancesPerHost } from './nova-capacity';
import { Aggregate, Flavor, NOVA_DEFAULT_ALLOCATION_RATIO, NOVA_DEFAULT_RESERVED } from '../model/model';
import { describeFlavor, ZERO_RESOURCES } from '../model/resource-classes';
import type { Diagnostic } from '../lint/diagnostics';

/** A problem with the input; the message is `file:line:col: error: … [rule]` when the entry is located. */
export class ImportError extends Error {}

type Obj = Record<string, unknown>;

/** The most distinct host shapes (so aggregates) one import writes. */
export const MAX_IMPORT_SHAPES = 1000;

/** Where entry i (and its field) is in the JSON text, for located errors; 1-based. */
export interface JsonLocator {
  at(i: number, key?: string): string;
}

/** Positions from the `yaml` parser (JSON is YAML 1.2), read only when an error needs one. */
export function jsonLocator(text: string | undefined, file: string, listKey: string): JsonLocator {
  let doc: ReturnType<typeof parseDocument> | undefined;
  const lc = new LineCounter();
  return {
    at(i, key) {
      if (text === undefined) return `${file}: entry ${i + 1}`;
      doc ??= parseDocument(text, { lineCounter: lc, uniqueKeys: false });
      let seq: unknown = doc.contents;
      if (isMap(seq)) seq = seq.get(listKey, true);
      let node: unknown = isSeq(seq) ? seq.items[i] : undefined;
      if (key && isMap(node)) node = node.get(key, true) ?? node;
      const off = (node as { range?: [number, number] } | undefined)?.range?.[0];
      if (off === undefined) return `${file}: entry ${i + 1}`;
      const pos = lc.linePos(off);
      return `${file}:${pos.line}:${pos.col}`;
    },
  };
}

function list(v: unknown, key: string, file: string): Obj[] {
  const arr = Array.isArray(v) ? v : v && typeof v === 'object' && Array.isArray((v as Obj)[key]) ? ((v as Obj)[key] as unknown[]) : undefined;
  if (!arr) throw new ImportError(`${file}:1:1: error: expected a JSON list (openstack … -f json) or an object with "${key}" [invalid-value]`);
  return arr.map((x, i) => {
    if (!x || typeof x !== 'object') throw new ImportError(`${file}: entry ${i + 1} is not an object`);
    return x as Obj;
  });
}

/** A number an entry must give: its keys (CLI and API spellings), range, and where to get a file that has it when it is missing. */
interface Field { keys: string[]; what: string; integer: boolean; min: number; max: number; optional?: boolean; missing?: string }

function num(o: Obj, f: Field, loc: JsonLocator, i: number): number {
  for (const k of f.keys) {
    const raw = o[k];
    const v = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : undefined;
    if (v === undefined) continue;
    const ok = Number.isFinite(v) && v >= f.min && v <= f.max && (!f.integer || Number.isInteger(v));
    if (!ok) throw new ImportError(`${loc.at(i, k)}: error: ${f.what} "${k}" must be ${f.integer ? 'a whole number' : 'a number'} from ${f.min} to ${f.max}, got ${JSON.stringify(raw)} [invalid-value]`);
    return v;
  }
  if (f.optional) return 0;
  throw new ImportError(`${loc.at(i)}: error: entry ${i + 1} has no ${f.what} (${f.keys.map((k) => `"${k}"`).join(' or ')})${f.missing ? `; ${f.missing}` : ''} [missing-field]`);
}

function str(o: Obj, keys: string[]): string | undefined {
  for (const k of keys) if (typeof o[k] === 'string') return o[k] as string;
  return undefined;
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const HOSTS_88 = 'from microversion 2.88 hypervisors carry no capacity — use `openstack --os-compute-api-version 2.87 hypervisor list --long -f json` or `headroom import placement`';
const FLAVORS_BRIEF = 'a flavor list without details has no sizes — use `openstack flavor list --long -f json` (or Nova\'s GET /flavors/detail)';
const HOST_VCPUS: Field = { keys: ['vCPUs', 'vcpus'], what: 'vCPU count', integer: true, min: 1, max: 100000, missing: HOSTS_88 };
const HOST_MEMORY: Field = { keys: ['Memory MB', 'memory_mb'], what: 'memory (MiB)', integer: true, min: 1, max: 1e9, missing: HOSTS_88 };
const HOST_DISK: Field = { keys: ['Local GB', 'local_gb'], what: 'disk (GiB)', integer: false, min: 0, max: 1e9, optional: true };
const FLAVOR_VCPUS: Field = { keys: ['VCPUs', 'vcpus'], what: 'vCPU count', integer: true, min: 1, max: 100000, missing: FLAVORS_BRIEF };
const FLAVOR_RAM: Field = { keys: ['RAM', 'ram'], what: 'RAM (MiB)', integer: true, min: 1, max: 1e9, missing: FLAVORS_BRIEF };
const FLAVOR_DISK: Field = { keys: ['Disk', 'disk'], what: 'disk (GiB)', integer: false, min: 0, max: 1e9, optional: true };

/** A Site name given to an import (--name): the schema's name (common.schema.json). */
export function checkSiteName(name: string): void {
  if (!NAME.test(name) || name.length > 63) throw new ImportError(`--name "${name}" is not a valid name (lower-case letters, digits, "-" and ".")`);
}

/** A flavor as imported: its size, and what its extra specs ask beyond VCPU, memory and disk. */
export interface ImportedFlavor { name: string; vcpus: number; memoryMiB: number; diskGiB: number; cpuPolicy?: 'dedicated'; vgpus?: number; pciDevices?: number; requiredTraits?: string[]; forbiddenTraits?: string[] }

/**
 * A flavor's extra specs: Nova's "extra_specs" object (microversion 2.61+), or the openstack
 * client's "Properties", an object or (older clients) the text "hw:cpu_policy='dedicated', …".
 */
export function extraSpecs(f: Obj): Record<string, string> {
  const raw = f.extra_specs ?? f.Properties ?? f.properties;
  const out: Record<string, string> = {};
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) for (const [k, v] of Object.entries(raw as Obj)) out[k] = String(v);
  else if (typeof raw === 'string') for (const m of raw.matchAll(/([\w:.-]+)\s*=\s*'([^']*)'/g)) out[m[1]] = m[2];
  return out;
}

/**
 * What the extra specs ask of Placement beyond the flavor's size, as Nova reads them
 * (nova/scheduler/utils.py, resources_from_flavor): hw:cpu_policy=dedicated or resources:PCPU
 * takes the vCPUs as PCPU; resources:VGPU and resources:PCI_DEVICE ask devices. A spec this
 * model cannot count (hw:cpu_policy=mixed, a CUSTOM_ or other resource class) is returned as
 * `unmodelled`, and the flavor is left out with a note.
 */
export function flavorDevices(specs: Record<string, string>): Omit<ImportedFlavor, 'name' | 'vcpus' | 'memoryMiB' | 'diskGiB'> & { unmodelled?: string } {
  const out: Omit<ImportedFlavor, 'name' | 'vcpus' | 'memoryMiB' | 'diskGiB'> & { unmodelled?: string } = {};
  const policy = specs['hw:cpu_policy'];
  if (policy === 'mixed') return { unmodelled: 'hw:cpu_policy=mixed' };
  if (policy === 'dedicated') out.cpuPolicy = 'dedicated';
  for (const [k, v] of Object.entries(specs)) {
    // trait:NAME=required|forbidden (unnumbered group): where Placement may put the flavor
    const tr = /^trait:([A-Z0-9_]+)$/.exec(k);
    if (tr && (v === 'required' || v === 'forbidden')) {
      (v === 'required' ? (out.requiredTraits ??= []) : (out.forbiddenTraits ??= [])).push(tr[1]);
      continue;
    }
    const m = /^resources\d*(?:_[\w-]+)?:([A-Z0-9_]+)$/.exec(k);
    if (!m) continue;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 100000) return { unmodelled: `${k}=${v}` };
    if (m[1] === 'VGPU') out.vgpus = (out.vgpus ?? 0) + n;
    else if (m[1] === 'PCI_DEVICE') out.pciDevices = (out.pciDevices ?? 0) + n;
    else if (m[1] === 'PCPU') { if (n > 0) out.cpuPolicy = 'dedicated'; }
    else if (!['VCPU', 'MEMORY_MB', 'DISK_GB'].includes(m[1]) && n > 0) return { unmodelled: `${k}=${v}` };
  }
  return out;
}

/**
 * The flavor list of `openstack flavor list --long -f json` (or Nova's {"flavors": [...]}), each
 * entry checked with file:line:col; disk kept only when the hosts have local disk to count it in;
 * devices from the extra specs (flavorDevices). Flavors asking what the model cannot count are
 * returned in `unmodelled`.
 */
export function readFlavors(flavorsJson: unknown, file: string, text: string | undefined, diskKnown: boolean): { flavors: ImportedFlavor[]; unmodelled: string[] } {
  const floc = jsonLocator(text, file, 'flavors');
  const seen = new Set<string>();
  const unmodelled: string[] = [];
  const flavors: ImportedFlavor[] = [];
  list(flavorsJson, 'flavors', file).forEach((f, i) => {
    const fname = str(f, ['Name', 'name']);
    if (!fname) throw new ImportError(`${floc.at(i)}: error: entry ${i + 1} has no "Name" [missing-field]`);
    if (seen.has(fname)) throw new ImportError(`${floc.at(i, str(f, ['Name']) !== undefined ? 'Name' : 'name')}: error: flavor "${fname}" is listed twice [duplicate-name]`);
    seen.add(fname);
    const diskGiB = num(f, FLAVOR_DISK, floc, i);
    const size = { name: fname, vcpus: num(f, FLAVOR_VCPUS, floc, i), memoryMiB: num(f, FLAVOR_RAM, floc, i), diskGiB: diskKnown ? diskGiB : 0 };
    const { unmodelled: why, ...devices } = flavorDevices(extraSpecs(f));
    if (why) unmodelled.push(`${fname} (${why})`);
    else flavors.push({ ...size, ...devices });
  });
  if (flavors.length === 0 && unmodelled.length === 0) throw new ImportError(`${file}: no flavors`);
  return { flavors, unmodelled };
}

/** The note for flavors left out because their extra specs ask what the model cannot count (none: no note). */
export function unmodelledFlavorsNote(unmodelled: readonly string[]): string[] {
  return unmodelled.length ? [`left out ${unmodelled.length} flavor(s) whose extra specs ask what Headroom does not model: ${unmodelled.slice(0, 10).join(', ')}${unmodelled.length > 10 ? ', …' : ''}`] : [];
}

/** The flavor as the model reads it (defaults for what the import leaves out). */
export function modelFlavor(f: ImportedFlavor, index = 0): Flavor {
  return { name: f.name, vcpus: f.vcpus, memoryMiB: f.memoryMiB, diskGiB: f.diskGiB, cpuPolicy: f.cpuPolicy ?? 'shared', vgpus: f.vgpus ?? 0, pciDevices: f.pciDevices ?? 0, requiredTraits: f.requiredTraits ?? [], forbiddenTraits: f.forbiddenTraits ?? [], index };
}

/** An imported Site document as YAML, refused when it would not lint (`check`): nothing half-right is written. */
export function siteYaml(doc: object, check?: (yaml: string) => Diagnostic[]): string {
  const yaml = stringify(doc, { lineWidth: 0 });
  const errors = (check?.(yaml) ?? []).filter((d) => d.severity === 'error');
  if (errors.length) throw new ImportError(`the imported Site would not lint, so nothing was written: ${errors.slice(0, 5).map((d) => `${d.message} [${d.rule}]`).join('; ')}`);
  return yaml;
}

export interface ImportResult { yaml: string; hosts: number; skipped: number; aggregates: number; notes: string[] }

/**
 * Builds the Site and checks it as `headroom lint` would (`check`, given by the caller so this
 * module stays free of the linter): a Site that does not lint is never returned.
 */
export function importOpenStack(hypervisorsJson: unknown, flavorsJson: unknown, opts: { name?: string; hypervisorsFile?: string; flavorsFile?: string; hypervisorsText?: string; flavorsText?: string; check?: (yaml: string) => Diagnostic[] } = {}): ImportResult {
  const hf = opts.hypervisorsFile ?? 'hypervisors';
  const ff = opts.flavorsFile ?? 'flavors';
  const name = opts.name ?? 'openstack';
  checkSiteName(name);
  const hloc = jsonLocator(opts.hypervisorsText, hf, 'hypervisors');
  const hyps = list(hypervisorsJson, 'hypervisors', hf);
  const shapes = new Map<string, { vcpus: number; memoryMiB: number; diskGiB: number; hosts: number }>();
  let skipped = 0;
  let diskKnown = false;
  const notes: string[] = [];
  hyps.forEach((h, i) => {
    const state = str(h, ['State', 'state']);
    if (state !== undefined && state.toLowerCase() !== 'up') {
      skipped++;
      return;
    }
    const vcpus = num(h, HOST_VCPUS, hloc, i);
    const memoryMiB = num(h, HOST_MEMORY, hloc, i);
    const diskGiB = num(h, HOST_DISK, hloc, i);
    if (HOST_DISK.keys.some((k) => h[k] !== undefined)) diskKnown = true;
    const key = `${vcpus}/${memoryMiB}/${diskGiB}`;
    const s = shapes.get(key) ?? { vcpus, memoryMiB, diskGiB, hosts: 0 };
    s.hosts++;
    shapes.set(key, s);
  });
  if (shapes.size === 0) throw new ImportError(`${hf}: no hypervisor is up`);
  if (shapes.size > MAX_IMPORT_SHAPES) throw new ImportError(`${hf}: ${shapes.size} distinct host shapes (vCPU, memory, disk); Headroom imports at most ${MAX_IMPORT_SHAPES} aggregates from one file — group the hosts by shape first, or import them with \`headroom import placement\``);
  const aggregates = uniqueNames([...shapes.values()].sort((a, b) => b.hosts - a.hosts || b.vcpus - a.vcpus || b.memoryMiB - a.memoryMiB || b.diskGiB - a.diskGiB).map((s) => ({
    name: `${name}-${s.vcpus}c-${Math.round(s.memoryMiB / 1024)}g`,
    hosts: s.hosts,
    host: { vcpus: s.vcpus, memoryMiB: s.memoryMiB, diskGiB: s.diskGiB },
  })));
  const { flavors: allFlavors, unmodelled } = readFlavors(flavorsJson, ff, opts.flavorsText, diskKnown);
  notes.push(...unmodelledFlavorsNote(unmodelled));
  if (!diskKnown) notes.push(`${hf} gives no local disk per host, so disk is not modelled (flavor disks left at 0, as for root disks on shared storage); set host and flavor diskGiB to count it`);
  // a flavor no host can schedule (Nova's default reserved and ratios) would not lint: leave it out, and say so
  const modelled: Aggregate[] = aggregates.map((a, index) => ({ ...a, host: { ...ZERO_RESOURCES, ...a.host }, reserved: NOVA_DEFAULT_RESERVED, allocationRatio: NOVA_DEFAULT_ALLOCATION_RATIO, traits: [], index }));
  const schedulable = modelled.map(hostSchedulable);
  const fits = (f: ImportedFlavor) => modelled.some((g) => instancesPerHost(g, modelFlavor(f)) > 0);
  const flavors = allFlavors.filter(fits);
  const dropped = allFlavors.filter((f) => !fits(f));
  if (dropped.length) notes.push(`left out ${dropped.length} flavor(s) that fit no host: ${dropped.slice(0, 10).map((f) => `${f.name} (${describeFlavor(f)})`).join(', ')}${dropped.length > 10 ? ', …' : ''}`);
  if (flavors.length === 0) throw new ImportError(`${ff}: no flavor fits any host in ${hf} (largest host schedules ${Math.max(...schedulable.map((h) => h.vcpus))} vCPU, ${Math.max(...schedulable.map((h) => h.memoryMiB))} MiB with Nova's default reserved memory)`);
  const doc = {
    apiVersion: 'headroom.dev/v1',
    kind: 'Site',
    metadata: { name, description: `Imported by headroom from ${hf} and ${ff}: ${[...shapes.values()].reduce((n, s) => n + s.hosts, 0)} host(s) up${skipped ? `, ${skipped} not up and left out` : ''}${dropped.length ? `, ${dropped.length} flavor(s) that fit no host left out` : ''}. Reserved resources and allocation ratios are Nova's defaults; set them from nova.conf.` },
    spec: { type: 'openstack', aggregates, flavors },
  };
  const yaml = siteYaml(doc, opts.check);
  return { yaml, hosts: aggregates.reduce((n, a) => n + a.hosts, 0), skipped, aggregates: aggregates.length, notes };
}

/** Aggregate names made unique: a shape that rounds to another's name gets its disk, then a number. */
function uniqueNames<T extends { name: string; host: { diskGiB: number } }>(aggs: T[]): T[] {
  const used = new Set<string>();
  for (const a of aggs) {
    let n = a.name;
    if (used.has(n)) n = `${a.name}-${Math.round(a.host.diskGiB)}d`;
    for (let k = 2; used.has(n); k++) n = `${a.name}-${k}`;
    a.name = n;
    used.add(n);
  }
  return aggs;
}

/** Parses an inventory file's JSON; a syntax error is `file:line:col: error: not JSON (…) [invalid-value]`. */
export function parseInventoryJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const pos = m ? Number(m[1]) : 0;
    const line = text.slice(0, pos).split('\n').length;
    const col = pos - text.lastIndexOf('\n', pos - 1);
    throw new ImportError(`${file}:${line}:${col}: error: not JSON (${(e as Error).message}) [invalid-value]`);
  }
}

/** importOpenStack over the two files' texts (what the CLI and the editor command read). */
export function importOpenStackTexts(hypervisors: { file: string; text: string }, flavors: { file: string; text: string }, opts: { name?: string; check?: (yaml: string) => Diagnostic[] } = {}): ImportResult {
  return importOpenStack(parseInventoryJson(hypervisors.text, hypervisors.file), parseInventoryJson(flavors.text, flavors.file), {
    ...opts, hypervisorsFile: hypervisors.file, flavorsFile: flavors.file, hypervisorsText: hypervisors.text, flavorsText: flavors.text,
  });
}
