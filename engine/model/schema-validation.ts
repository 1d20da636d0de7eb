/**
 * Validates each document against the JSON Schema of its kind (schemas/*.schema.json,
 * compiled once with ajv) and maps ajv's errors onto the YAML node they concern, with
 * messages a person understands. Unit strings ("512 GiB", "5m") are converted to the field's
 * unit first (units.ts), so the schema checks plain numbers.
 */
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import * as fs from 'fs';
import * as path from 'path';
import { Diagnostic, Fix } from '../lint/diagnostics';
import { SourceDocument, Path } from './source-document';
import { editDistance, nearest } from './suggest';
import { convertQuantity, fieldUnit } from './units';

export const KINDS = ['Site', 'Workload', 'Placement', 'Scenario', 'Settings'] as const;
export type Kind = (typeof KINDS)[number];
export const API_VERSION = 'headroom.dev/v1';

export const SCHEMA_DIR = findSchemaDir();

function findSchemaDir(): string {
  // Works from engine/ (ts sources), dist/engine/ (tsc output) and dist/ (bundles).
  for (const rel of ['../schemas', '../../schemas', 'schemas', '../../../schemas']) {
    const dir = path.resolve(__dirname, rel);
    if (fs.existsSync(path.join(dir, 'common.schema.json'))) return dir;
  }
  throw new Error(`Headroom schemas not found near ${__dirname}`);
}

const SCHEMA_FILES = {
  common: 'common.schema.json',
  Settings: 'settings.schema.json',
  'Site/openstack': 'site-openstack.schema.json',
  'Site/public': 'site-public.schema.json',
  Workload: 'workload.schema.json',
  Placement: 'placement.schema.json',
  Scenario: 'scenario.schema.json',
} as const;

type SchemaKey = Exclude<keyof typeof SCHEMA_FILES, 'common'>;

export function readSchema(name: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, name), 'utf8')) as Record<string, unknown>;
}

let validators: Map<SchemaKey, ValidateFunction> | undefined;

export const AJV_OPTIONS = { allErrors: true, verbose: true, strict: true, strictRequired: false, strictNumbers: true, allowUnionTypes: true } as const;

/** Compiles every kind's schema (used at run time, and by the build to emit standalone code). */
export function compileValidators(ajv: Ajv): Map<SchemaKey, ValidateFunction> {
  ajv.addSchema(readSchema(SCHEMA_FILES.common));
  const out = new Map<SchemaKey, ValidateFunction>();
  for (const key of Object.keys(SCHEMA_FILES) as (keyof typeof SCHEMA_FILES)[]) {
    if (key === 'common') continue;
    out.set(key, ajv.compile(readSchema(SCHEMA_FILES[key])));
  }
  return out;
}

function getValidators(): Map<SchemaKey, ValidateFunction> {
  if (validators) return validators;
  // The bundles ship validators precompiled by scripts/build.mjs (ajv standalone): no
  // compilation at start-up and no eval. Elsewhere (tests) the schemas are compiled here.
  const precompiled = path.join(__dirname, 'validators.cjs');
  if (fs.existsSync(precompiled)) {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const mod = require(precompiled) as Record<string, ValidateFunction>;
    validators = new Map((Object.keys(SCHEMA_FILES) as (keyof typeof SCHEMA_FILES)[]).filter((k) => k !== 'common').map((k) => [k as SchemaKey, mod[k]]));
  } else validators = compileValidators(new Ajv({ ...AJV_OPTIONS }));
  return validators;
}

export { SCHEMA_FILES };

export interface ValidatedDocument {
  source: SourceDocument;
  kind: Kind;
  name: string;
  /** The document as plain data with unit strings converted to numbers. */
  value: Record<string, unknown>;
  /** Whether the document passed its schema (rules skip documents that did not). */
  valid: boolean;
}

/**
 * The document's value copied with its unit strings converted to numbers (the document's own
 * value stays as read); a string that does not convert is kept, with a diagnostic, and its path
 * added to `failed`. `p` is the path walked so far (pushed and popped, copied only for a diagnostic).
 */
function convertUnits(src: SourceDocument, value: unknown, p: (string | number)[], out: Diagnostic[], failed: Set<string>): unknown {
  if (Array.isArray(value)) {
    const copy: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      p.push(i);
      copy[i] = convertUnits(src, value[i], p, out, failed);
      p.pop();
    }
    return copy;
  }
  if (!value || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value); // a YAML timestamp's Date, say
  const obj = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const k of Object.keys(obj)) {
    const unit = fieldUnit(k);
    const v = obj[k];
    p.push(k);
    let c: unknown;
    if (unit && typeof v === 'string') {
      const r = convertQuantity(v, unit);
      if (r.ok) c = r.value;
      else {
        c = v;
        failed.add(pointer(p));
        out.push({ file: src.file, range: src.rangeOf([...p]), severity: 'error', rule: 'invalid-unit', message: `${k}: ${r.message}` });
      }
    } else c = convertUnits(src, v, p, out, failed);
    p.pop();
    // a key named __proto__ is data here, an own property (as the parser made it), never the prototype
    if (k === '__proto__') Object.defineProperty(copy, k, { value: c, writable: true, enumerable: true, configurable: true });
    else copy[k] = c;
  }
  return copy;
}

function pointer(p: readonly (string | number)[]): string {
  return p.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

function parsePointer(ptr: string, root: unknown): (string | number)[] {
  if (!ptr) return [];
  const out: (string | number)[] = [];
  let cur: unknown = root;
  for (const raw of ptr.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      const i = Number(seg);
      out.push(i);
      cur = cur[i];
    } else {
      out.push(seg);
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

/** A bound as people read it: 1,000,000,000,000 rather than 1000000000000; small and fractional ones as written (1e-9). */
function bound(x: number): string {
  return Number.isInteger(x) && Math.abs(x) >= 10000 ? x.toLocaleString('en-US') : String(x);
}

/** A short English description of what a schema accepts: "a whole number ≥ 0". */
export function describeSchema(s: Record<string, unknown> | undefined): string {
  if (!s) return 'a valid value';
  if (typeof s.description === 'string' && /^(a|an) /.test(s.description)) return s.description;
  if (Array.isArray(s.enum)) return 'one of ' + (s.enum as unknown[]).map((e) => JSON.stringify(e)).join(', ');
  if ('const' in s) return JSON.stringify(s.const);
  const t = s.type;
  const bounds: string[] = [];
  if (typeof s.minimum === 'number' && typeof s.maximum === 'number') bounds.push(`between ${bound(s.minimum)} and ${bound(s.maximum)}`);
  else {
    if (typeof s.minimum === 'number') bounds.push(`≥ ${bound(s.minimum)}`);
    if (typeof s.exclusiveMinimum === 'number') bounds.push(`> ${bound(s.exclusiveMinimum)}`);
    if (typeof s.maximum === 'number') bounds.push(`≤ ${bound(s.maximum)}`);
  }
  if (typeof s.exclusiveMaximum === 'number') bounds.push(`< ${bound(s.exclusiveMaximum)}`);
  const b = bounds.length ? ' ' + bounds.join(' and ') : '';
  if (t === 'integer') return 'a whole number' + b;
  if (t === 'number') return 'a number' + b;
  if (t === 'string') return s.pattern ? 'a string of the documented form' : 'a non-empty string';
  if (t === 'boolean') return 'true or false';
  if (t === 'array') return 'a list';
  if (t === 'object') return 'a mapping of keys to values';
  return 'a valid value';
}

function show(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? '.nan' : !Number.isFinite(v) ? (v > 0 ? '.inf' : '-.inf') : String(v);
  if (v === null) return 'nothing (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  const s = JSON.stringify(v);
  return s.length > 40 ? s.slice(0, 37) + '…"' : s;
}

function label(p: readonly (string | number)[]): string {
  let s = '';
  for (const seg of p) s += typeof seg === 'number' ? `[${seg}]` : s ? `.${seg}` : seg;
  return s || 'document';
}

function placeholderFor(schema: Record<string, unknown> | undefined, key: string): string {
  const s = schema ?? {};
  if (s.type === 'object') return '{}';
  if (s.type === 'array') return '[]';
  if (s.type === 'boolean') return 'false';
  if (s.type === 'integer' || s.type === 'number') return typeof s.minimum === 'number' && s.minimum > 0 ? String(s.minimum) : typeof s.exclusiveMinimum === 'number' ? '1' : '0';
  if (s.$ref === 'common.schema.json#/definitions/apiVersion') return API_VERSION;
  if (key === 'name') return 'changeme';
  return '""';
}

function addFieldFix(src: SourceDocument, parent: (string | number)[], key: string, schema: Record<string, unknown> | undefined): Fix | undefined {
  const at = src.mapIndent(parent);
  if (!at || at.flow) return undefined;
  const pos = src.rangeOfOffsets(at.offset, at.offset).start;
  const text = `${key}: ${placeholderFor(schema, key)}\n${' '.repeat(at.indent)}`;
  return { title: `Add missing field "${key}"`, edits: [{ file: src.file, range: { start: pos, end: pos }, newText: text }] };
}

function mapError(src: SourceDocument, e: ErrorObject, value: unknown): Diagnostic | undefined {
  const p = parsePointer(e.instancePath, value);
  const where = label(p);
  const base = { file: src.file, severity: 'error' as const };
  const parentSchema = e.parentSchema as Record<string, unknown> | undefined;
  switch (e.keyword) {
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      const props = (parentSchema?.properties ?? {}) as Record<string, Record<string, unknown>>;
      const fix = addFieldFix(src, p, missing, props[missing]);
      return { ...base, rule: 'missing-field', range: src.rangeOf(p, 'key'), message: `${where} is missing the required field "${missing}"`, fixes: fix ? [fix] : undefined };
    }
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys((parentSchema?.properties ?? {}) as object);
      const guess = nearest(extra, allowed);
      const keyPath = [...p, extra];
      const fixes: Fix[] | undefined = guess ? [{ title: `Rename to "${guess}"`, edits: [{ file: src.file, range: src.keyRange(keyPath), newText: guess }] }] : undefined;
      const msg = `unknown field "${extra}" in ${where}` + (guess ? `; did you mean "${guess}"?` : allowed.length ? ` (known: ${allowed.join(', ')})` : '');
      return { ...base, severity: 'warning', rule: 'unknown-field', range: src.keyRange(keyPath), message: msg, fixes };
    }
    case 'propertyNames':
      return undefined; // reported through the nested pattern error
    case 'oneOf':
      if (p[p.length - 1] === 'traffic') {
        const t = e.data as Record<string, unknown>;
        const both = t && typeof t === 'object' && 'trace' in t && 'synthetic' in t;
        return { ...base, rule: both ? 'invalid-value' : 'missing-field', range: src.rangeOf(p, 'key'), message: both ? `${where} has both "trace" and "synthetic"; keep one` : `${where} needs either "trace" (a CSV file) or "synthetic"` };
      }
      return { ...base, rule: 'invalid-value', range: src.rangeOf(p), message: `${where} does not match any allowed form` };
    case 'if':
      return undefined;
    case 'enum':
    case 'const': {
      const allowed = e.keyword === 'enum' ? ((e.params as { allowedValues: unknown[] }).allowedValues) : [(e.params as { allowedValue: unknown }).allowedValue];
      const guess = typeof e.data === 'string' ? nearest(e.data, allowed.map(String)) : undefined;
      const fixes: Fix[] | undefined = guess ? [{ title: `Change to "${guess}"`, edits: [{ file: src.file, range: src.rangeOf(p), newText: guess }] }] : undefined;
      return { ...base, rule: 'invalid-value', range: src.rangeOf(p), message: `${where} must be ${allowed.map((a) => JSON.stringify(a)).join(' or ')}, got ${show(e.data)}` + (guess ? `; did you mean "${guess}"?` : ''), fixes };
    }
    default: {
      // type, minimum, maximum, pattern, minLength, minItems, ...: describe what the field accepts.
      let schema = parentSchema;
      if (e.keyword === 'minProperties') return { ...base, rule: 'invalid-value', range: src.rangeOf(p), message: `${where} must not be empty` };
      if (e.keyword === 'minItems') return { ...base, rule: 'invalid-value', range: src.rangeOf(p), message: `${where} must list at least ${(e.params as { limit: number }).limit} item` };
      if (e.keyword === 'pattern' && e.schemaPath.includes('propertyNames')) return { ...base, rule: 'invalid-value', range: src.rangeOf(p), message: `${where}: keys must be three-letter currency codes such as USD` };
      if (schema && schema.$ref === undefined && schema.allOf && Array.isArray(schema.allOf)) schema = schema.allOf[0] as Record<string, unknown>;
      return { ...base, rule: 'invalid-value', range: src.rangeOf(p), message: `${where} must be ${describeSchema(schema)}, got ${show(e.data)}` };
    }
  }
}

/** An apiVersion that is meant to be ours: "headroom.io/v1", "headroom/v1", "headrom.dev/v1". */
export function looksLikeOurs(api: string): boolean {
  const group = api.split('/')[0].toLowerCase();
  return group.startsWith('headroom') || editDistance(group, 'headroom.dev') <= 3;
}

/** Validates one document. Documents that are not headroom.dev at all return undefined. */
export function validateDocument(src: SourceDocument, out: Diagnostic[]): ValidatedDocument | undefined {
  const value = src.value;
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    out.push({ file: src.file, range: src.rangeOf([]), severity: 'error', rule: 'invalid-value', message: 'a Headroom document must be a mapping with apiVersion, kind, metadata and spec' });
    return undefined;
  }
  const obj = value as Record<string, unknown>;
  const api = obj.apiVersion;
  if (typeof api !== 'string' || !api.startsWith('headroom.dev/')) {
    if (typeof api === 'string' && looksLikeOurs(api)) {
      out.push({ file: src.file, range: src.rangeOf(['apiVersion']), severity: 'error', rule: 'api-version', message: `apiVersion "${api}" is not a Headroom API version; did you mean ${API_VERSION}?`, fixes: [{ title: `Change to ${API_VERSION}`, edits: [{ file: src.file, range: src.rangeOf(['apiVersion']), newText: API_VERSION }] }] });
      return undefined;
    }
    if (api === undefined && typeof obj.kind === 'string' && (KINDS as readonly string[]).includes(obj.kind)) {
      out.push({ file: src.file, range: src.rangeOf(['kind'], 'key'), severity: 'error', rule: 'missing-field', message: `document is missing the required field "apiVersion" (${API_VERSION})`, fixes: [addFieldFix(src, [], 'apiVersion', { $ref: 'common.schema.json#/definitions/apiVersion' })!].filter(Boolean) });
    }
    return undefined;
  }
  if (api !== API_VERSION) {
    out.push({ file: src.file, range: src.rangeOf(['apiVersion']), severity: 'error', rule: 'api-version', message: `apiVersion "${api}" is not supported; this Headroom reads ${API_VERSION}`, fixes: [{ title: `Change to ${API_VERSION}`, edits: [{ file: src.file, range: src.rangeOf(['apiVersion']), newText: API_VERSION }] }] });
    return undefined;
  }
  const kind = obj.kind;
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) {
    const guess = typeof kind === 'string' ? nearest(kind, KINDS) : undefined;
    out.push({
      file: src.file, range: src.rangeOf(['kind']), severity: 'error', rule: 'unknown-kind',
      message: kind === undefined ? 'document is missing "kind" (one of ' + KINDS.join(', ') + ')' : `kind ${show(kind)} is not one of ${KINDS.join(', ')}` + (guess ? `; did you mean "${guess}"?` : ''),
      fixes: guess ? [{ title: `Change to ${guess}`, edits: [{ file: src.file, range: src.rangeOf(['kind']), newText: guess }] }] : undefined,
    });
    return undefined;
  }
  let key: SchemaKey = kind as SchemaKey;
  if (kind === 'Site') {
    const spec = obj.spec as Record<string, unknown> | undefined;
    const type = spec && typeof spec === 'object' ? spec.type : undefined;
    if (type === 'openstack' || type === 'public') key = `Site/${type}`;
    else {
      const guess = typeof type === 'string' ? nearest(type, ['openstack', 'public']) : undefined;
      out.push({
        file: src.file, range: src.rangeOf(['spec', 'type'], 'value'), severity: 'error', rule: type === undefined ? 'missing-field' : 'invalid-value',
        message: type === undefined ? 'Site spec is missing "type" (openstack or public)' : `Site spec.type must be "openstack" or "public", got ${show(type)}` + (guess ? `; did you mean "${guess}"?` : ''),
        fixes: guess ? [{ title: `Change to ${guess}`, edits: [{ file: src.file, range: src.rangeOf(['spec', 'type']), newText: guess }] }] : undefined,
      });
      return { source: src, kind, name: metaName(obj), value: structuredClone(obj), valid: false };
    }
  }
  const diags: Diagnostic[] = [];
  const failed = new Set<string>();
  const converted = convertUnits(src, obj, [], diags, failed) as Record<string, unknown>;
  const validate = getValidators().get(key)!;
  const ok = validate(converted) as boolean;
  if (!ok) {
    for (const e of validate.errors ?? []) {
      if (failed.has(e.instancePath)) continue;
      if (e.schemaPath.includes('/oneOf/')) continue; // the branches' own errors; the oneOf error says it better
      const d = mapError(src, e, converted);
      if (d) diags.push(d);
    }
  }
  // One message per place: ajv may report several keywords for one value.
  const seen = new Set<string>();
  for (const d of diags) {
    const k = `${d.range.start.line}:${d.range.start.column}:${d.rule}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(d);
  }
  return { source: src, kind: kind as Kind, name: metaName(converted), value: converted, valid: !diags.some((d) => d.severity === 'error') };
}

function metaName(obj: Record<string, unknown>): string {
  const m = obj.metadata as Record<string, unknown> | undefined;
  return m && typeof m.name === 'string' ? m.name : '';
}

export type { Path };
