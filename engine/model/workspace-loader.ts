/**
 * Reads a workspace: files and folders, every `*.yaml`/`*.yml` below a folder that holds
 * `apiVersion: headroom.dev/v1` documents, each file split into its `---` documents and parsed
 * with the `yaml` package keeping source ranges (LineCounter) for every node. Syntax errors
 * become `yaml-syntax` diagnostics; the loader never throws on user input.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { Diagnostic } from '../lint/diagnostics';
import { readRegularFile } from './file-access';
import { SourceDocument, SourceFile } from './source-document';

export const MAX_YAML_BYTES = 32 * 1024 * 1024;

export interface SourceText {
  /** Path as shown to the user. */
  file: string;
  /** Absolute path. */
  absFile: string;
  text: string;
}

export interface LoadedWorkspace {
  /** Absolute real paths of the workspace roots: traces must stay inside one of them. */
  roots: string[];
  documents: SourceDocument[];
  diagnostics: Diagnostic[];
  files: string[];
}

export class UsageError extends Error {}

/** Shows absolute paths relative to the current directory when they are below it. */
export function displayPath(abs: string, cwd = process.cwd()): string {
  if (!cwd) return abs; // the editor wants absolute paths
  const rel = path.relative(cwd, abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : abs;
}

function isYamlName(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml');
}

function walk(dir: string, out: string[]): void {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) walk(full, out);
    else if ((e.isFile() || e.isSymbolicLink()) && isYamlName(e.name)) out.push(full);
  }
}

/**
 * Lists the YAML files named by PATH arguments. Throws UsageError for a path that does not
 * exist or cannot be read (the CLI's exit code 2).
 */
export function collectFiles(paths: readonly string[], cwd = process.cwd()): { roots: string[]; files: { abs: string; explicit: boolean }[] } {
  if (paths.length === 0) throw new UsageError('no PATH given: name a workspace folder or YAML files');
  const roots: string[] = [];
  const files: { abs: string; explicit: boolean }[] = [];
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      throw new UsageError(`${p}: no such file or folder`);
    }
    if (st.isDirectory()) {
      roots.push(fs.realpathSync(abs));
      const found: string[] = [];
      try {
        walk(abs, found);
      } catch (e) {
        throw new UsageError(`${p}: cannot read folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      for (const f of found) files.push({ abs: f, explicit: false });
    } else {
      roots.push(fs.realpathSync(path.dirname(abs)));
      files.push({ abs, explicit: true });
    }
  }
  const seen = new Set<string>();
  return { roots: [...new Set(roots)], files: files.filter((f) => (seen.has(f.abs) ? false : (seen.add(f.abs), true))) };
}

const NEAR_OURS = /apiVersion\s*:\s*["']?h[a-z]{0,3}d?r[a-z]{0,3}m/i;

function fileDiagnostic(file: string, rule: Diagnostic['rule'], message: string): Diagnostic {
  return { file, severity: 'error', rule, range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, message };
}

function realOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

function insideRoots(p: string, roots: readonly string[]): boolean {
  const real = realOrSelf(p);
  return roots.some((r) => real === r || real.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
}

/**
 * Reads files from disk; `overrides` supplies unsaved editor buffers by absolute path, `documents`
 * what the fast path read from files of the same text before (the CLI's: document-cache.ts).
 */
export function loadWorkspace(paths: readonly string[], opts: { cwd?: string; overrides?: ReadonlyMap<string, string>; documents?: DocumentStore } = {}): LoadedWorkspace {
  const cwd = opts.cwd ?? process.cwd();
  const { roots, files } = collectFiles(paths, cwd);
  const texts: SourceText[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const f of files) {
    const file = displayPath(f.abs, cwd);
    let text = opts.overrides?.get(f.abs);
    if (text === undefined) {
      // a YAML file found in a folder that is a symlink must stay inside the workspace, as trace paths do
      if (!f.explicit && !insideRoots(f.abs, roots)) {
        diagnostics.push(fileDiagnostic(file, 'file-outside-workspace', `${file} is a symlink to ${realOrSelf(f.abs)}, outside the workspace; it was not read`));
        continue;
      }
      const r = readRegularFile(f.abs, MAX_YAML_BYTES);
      if (!r.ok) {
        if (r.kind === 'too-large') diagnostics.push(fileDiagnostic(file, 'file-too-large', `${file} ${r.message} (YAML files are read up to ${MAX_YAML_BYTES / 1048576} MiB)`));
        else if (r.kind === 'not-utf8') diagnostics.push(fileDiagnostic(file, 'file-encoding', `${file} ${r.message}`));
        else if (f.explicit || r.kind === 'not-regular') throw new UsageError(`${file}: ${r.kind === 'missing' ? 'no such file' : r.message}`);
        continue;
      }
      text = r.text;
    }
    // In folders, only files that hold headroom documents are read.
    // (and files whose apiVersion is a near miss, such as headroom.io/v1, so it is reported, not skipped)
    if (!f.explicit && !text.includes('headroom.dev/') && !NEAR_OURS.test(text)) continue;
    texts.push({ file, absFile: f.abs, text });
  }
  const parsed = parseTexts(texts, undefined, opts.documents);
  return { roots, documents: parsed.documents, diagnostics: [...diagnostics, ...parsed.diagnostics], files: texts.map((t) => t.file) };
}

/** The deepest nesting of flow collections ([ and {) a file may have; parsers recurse per level. */
export const MAX_NESTING = 256;

/** Offset of the bracket that opens level MAX_NESTING + 1 (outside quotes and comments), or 0. */
function tooDeep(text: string): number {
  // fewer openers in all than the limit (every real file): no level can pass it
  let openers = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 || c === 123) openers++;
  }
  if (openers <= MAX_NESTING) return 0;
  let depth = 0;
  let quote = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote) {
      if (c === 92 && quote === 34) i++; // backslash escape
      else if (c === quote) quote = 0;
      continue;
    }
    if (c === 91 || c === 123) { // [ {
      if (++depth > MAX_NESTING) return i;
    } else if (c === 93 || c === 125) { // ] }
      if (depth > 0) depth--;
    } else if (c === 34 || c === 39) { // " '
      // a quote opens a scalar only at its start (after a space, bracket, comma or colon)
      const prev = i > 0 ? text[i - 1] : ' ';
      if (/[\s[{,:]/.test(prev)) quote = c;
    } else if (c === 35 && (i === 0 || /\s/.test(text[i - 1]))) { // # comment to the end of the line
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    }
  }
  return 0;
}

/** Offset of the innermost `{` or `[` still open at `before` (outside quotes and comments), or −1. */
function unclosedOpener(text: string, before: number, kind: '{' | '['): number {
  const stack: number[] = [];
  let quote = '';
  for (let i = 0; i < before && i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '{' || c === '[') stack.push(i);
    else if (c === '}' || c === ']') stack.pop();
    else if ((c === '"' || c === "'") && (i === 0 || /[\s[{,:]/.test(text[i - 1]))) quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    }
  }
  for (let k = stack.length - 1; k >= 0; k--) if (text[stack[k]] === kind) return stack[k];
  return -1;
}

/**
 * Parses in-memory texts. Fast path: js-yaml (YAML 1.2 core schema, the same data model as the
 * `yaml` package's default) reads the values, and the position-keeping `yaml` parse is left to
 * SourceFile until a position is needed — about 4× faster on a clean workspace. Any file the
 * fast path is not sure about (a syntax error, a duplicate key, anchors and aliases, a document
 * that is not a mapping) is parsed by `yaml` at once, which reports errors with positions.
 */
export function parseTexts(texts: readonly SourceText[], cache?: ChunkCache, store?: DocumentStore): { documents: SourceDocument[]; diagnostics: Diagnostic[] } {
  const documents: SourceDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const t of texts) {
    const deep = tooDeep(t.text);
    if (deep) {
      const line = t.text.slice(0, deep).split('\n').length;
      const column = deep - t.text.lastIndexOf('\n', deep - 1);
      diagnostics.push({ file: t.file, range: { start: { line, column }, end: { line, column: column + 1 } }, severity: 'error', rule: 'yaml-syntax', message: `collections are nested deeper than ${MAX_NESTING} levels here; Headroom documents need a handful` });
      continue;
    }
    let fast = store?.get(t.text);
    if (!fast) {
      fast = fastChunks(t.text, cache);
      if (fast) store?.put(t.text, fast);
    }
    const file = new SourceFile(t.file, t.absFile, t.text);
    if (fast) {
      fast.forEach((c, index) => c.value !== null && documents.push(new SourceDocument(file, index, c.value, c)));
      continue;
    }
    const { docs } = file.documents;
    docs.forEach((doc, index) => {
      const sd = new SourceDocument(file, index, undefined);
      let broken = false;
      for (const err of doc.errors) {
        broken = true;
        const [a, b] = err.pos;
        const d: Diagnostic = { file: t.file, range: sd.rangeOfOffsets(a, Math.max(b, a + 1)), severity: 'error', rule: 'yaml-syntax', message: cleanYamlMessage(err.message) };
        // an unclosed flow collection is reported where the parser gave up; point at where it opened too
        const close = /end with an? ([}\]])/.exec(err.message)?.[1];
        const open = close ? unclosedOpener(t.text, a, close === '}' ? '{' : '[') : -1;
        if (open >= 0) {
          const at = sd.rangeOfOffsets(open, open + 1);
          d.message += `; the ${close === '}' ? '{' : '['} on line ${at.start.line}, column ${at.start.column} is never closed`;
          d.related = [{ file: t.file, range: at, message: `the flow ${close === '}' ? 'mapping' : 'sequence'} that is not closed opens here` }];
        }
        diagnostics.push(d);
      }
      for (const w of doc.warnings) {
        const [a, b] = w.pos;
        diagnostics.push({ file: t.file, range: sd.rangeOfOffsets(a, b), severity: 'warning', rule: 'yaml-syntax', message: cleanYamlMessage(w.message) });
      }
      if (doc.contents === null || broken) return;
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: 100 });
      } catch (e) {
        // e.g. "Excessive alias count": a billion-laughs document
        diagnostics.push({ file: t.file, range: sd.rangeOf([]), severity: 'error', rule: 'yaml-syntax', message: (e as Error).message });
        return;
      }
      documents.push(new SourceDocument(file, index, value));
    });
  }
  return { documents, diagnostics };
}

const ANCHOR_OR_ALIAS = /(^|[\s[{,:-])[&*][^\s,\]}]/m;

/** A document's own text within its file, and its value as the fast loader read it. */
export interface Chunk {
  start: number;
  end: number;
  text: string;
  value: Record<string, unknown> | null;
}

/**
 * Values of chunks already read, by chunk text: the editor's analyzer passes the chunks of a
 * file's previous version, so a keystroke re-reads one document, not the whole file.
 */
export interface ChunkCache {
  /** The value read earlier for this exact chunk text, at most once per entry; else undefined. */
  take(chunkText: string): Record<string, unknown> | null | undefined;
}

/**
 * Chunks the fast path read from a file's text before, by the text (document-cache.ts): a file
 * whose chunks are found is not parsed. Only texts the fast path read whole are stored.
 */
export interface DocumentStore {
  get(text: string): Chunk[] | undefined;
  put(text: string, chunks: readonly Chunk[]): void;
}

/** Lines that would make a split at `---` lines differ from the YAML parser: directives, `...`, `--- content`. */
const UNSPLITTABLE = /^(?:%|\.\.\.(?:\s|$)|---(?![ \t]*\r?$))/m;
const SEPARATOR = /^---[ \t]*\r?$/gm;
const BLANK_OR_COMMENTS = /^(?:[ \t]*(?:#.*)?\r?(?:\n|$))*$/;

/**
 * The file's documents, read one `---`-separated chunk at a time with js-yaml, with the same
 * documents (and document indices) as reading the whole file; undefined when any chunk needs
 * the `yaml` parser (see fastLoad) or the split could differ from the parser's.
 */
export function fastChunks(text: string, cache?: ChunkCache): Chunk[] | undefined {
  if (UNSPLITTABLE.test(text)) return undefined;
  const bounds: [number, number][] = [];
  let start = 0;
  SEPARATOR.lastIndex = 0;
  for (let m = SEPARATOR.exec(text); m; m = SEPARATOR.exec(text)) {
    bounds.push([start, m.index]);
    start = m.index + m[0].length + (text.charCodeAt(m.index + m[0].length) === 10 ? 1 : 0);
  }
  bounds.push([start, text.length]);
  const out: Chunk[] = [];
  for (let k = 0; k < bounds.length; k++) {
    const [a, b] = bounds[k];
    const chunkText = text.slice(a, b);
    // what precedes the first `---` is a document only when it has content
    if (k === 0 && bounds.length > 1 && BLANK_OR_COMMENTS.test(chunkText)) continue;
    let value = cache?.take(chunkText);
    if (value === undefined) {
      const docs = fastLoad(chunkText);
      if (!docs || docs.length > 1) return undefined;
      value = docs.length ? docs[0] : null;
      // an explicit null document before the first `---` would shift indices; leave it to `yaml`
      if (k === 0 && bounds.length > 1 && value === null) return undefined;
      if (k === 0 && bounds.length === 1 && docs.length === 0) return [];
    }
    out.push({ start: a, end: b, text: chunkText, value });
  }
  return out;
}

/** js-yaml's documents when every one is a plain mapping or empty, else undefined (use `yaml`). */
function fastLoad(text: string): (Record<string, unknown> | null)[] | undefined {
  if (ANCHOR_OR_ALIAS.test(text)) return undefined;
  let out: unknown[];
  try {
    out = loadAll(text, undefined, { schema: CORE_SCHEMA, json: false });
  } catch {
    return undefined;
  }
  for (const v of out) if (v !== null && v !== undefined && (typeof v !== 'object' || Array.isArray(v))) return undefined;
  return out.map((v) => (v === undefined ? null : v)) as (Record<string, unknown> | null)[];
}

function cleanYamlMessage(m: string): string {
  return m.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
}
