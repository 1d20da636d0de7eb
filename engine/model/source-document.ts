/**
 * One YAML document of the workspace with its source positions, so that rules can ask for the
 * range of any key or value by its path (`['spec', 'workloads', 'payments-api', 'shares']`):
 * from the js-yaml position index (yaml-positions.ts) when the document has one, else from the
 * `yaml` package's CST-backed Document.
 */
import { Document, isMap, isPair, isScalar, isSeq, Node, Pair, parseAllDocuments } from 'yaml';
import { Range } from '../lint/diagnostics';
import { CORE_SCHEMA, load } from 'js-yaml';
import { childOf, indexPositions, LineIndex, locateIn, PosNode } from './yaml-positions';

export type Path = readonly (string | number)[];

/**
 * One YAML file. Its CST-backed documents (the `yaml` package) are built on first use: a clean
 * file whose values came from the fast loader (workspace-loader.ts) is never parsed twice
 * unless a diagnostic or an editor feature asks for a position in it.
 */
export class SourceFile {
  private parsed?: { docs: Document.Parsed[] };
  private chunks?: Map<number, PosNode | null | undefined>;
  private lines?: LineIndex;

  constructor(
    /** Path of the file, as the user named it (relative to the current directory when possible). */
    readonly file: string,
    /** Absolute path of the file. */
    readonly absFile: string,
    readonly text: string,
  ) {}

  /**
   * Position index of the one document in text[start, end) (offsets relative to `start`),
   * built from js-yaml's parse events (yaml-positions.ts); undefined when that text is outside
   * the index's subset, and positions then come from the `yaml` CST of the whole file.
   */
  chunkRoot(start: number, end: number): PosNode | null | undefined {
    if (!this.chunks) this.chunks = new Map();
    if (!this.chunks.has(start)) {
      const roots = indexPositions(this.text.slice(start, end));
      this.chunks.set(start, roots && roots.length <= 1 ? roots[0] ?? null : undefined);
    }
    return this.chunks.get(start);
  }

  /** 1-based line and column of an offset. */
  linePos(offset: number): { line: number; col: number } {
    return this.lineIndex().linePos(offset);
  }

  /** Offset of a 1-based line and column. */
  offsetAt(line: number, col: number): number {
    return this.lineIndex().offsetAt(line, col);
  }

  private lineIndex(): LineIndex {
    if (!this.lines) this.lines = new LineIndex(this.text);
    return this.lines;
  }

  get documents(): { docs: Document.Parsed[] } {
    if (!this.parsed) {
      const docs = parseAllDocuments(this.text, { prettyErrors: false, uniqueKeys: true, merge: false });
      this.parsed = { docs: Array.isArray(docs) ? docs : [] };
    }
    return this.parsed;
  }
}

export class SourceDocument {
  constructor(
    readonly source: SourceFile,
    /** 0-based index of the document within its file. */
    readonly index: number,
    /** The document's data (as the fast loader or `yaml` produced it). */
    readonly value: unknown,
    /** Where the document's own text is, when the fast loader split the file at `---` lines. */
    readonly chunk?: { readonly start: number; readonly end: number; readonly text: string },
  ) {}

  get file(): string {
    return this.source.file;
  }
  get absFile(): string {
    return this.source.absFile;
  }
  get text(): string {
    return this.source.text;
  }
  get doc(): Document.Parsed {
    return this.source.documents.docs[this.index];
  }
  rangeOfOffsets(start: number, end: number): Range {
    const s = this.source.linePos(start);
    const e = this.source.linePos(Math.max(start, end));
    return { start: { line: s.line, column: s.col }, end: { line: e.line, column: e.col } };
  }

  /** Whether the loaded value has something (not null) at path; needs no positions. */
  has(path: Path): boolean {
    let cur: unknown = this.value;
    for (const seg of path) {
      if (cur === null || typeof cur !== 'object') return false;
      cur = (cur as Record<string | number, unknown>)[seg];
    }
    return cur !== undefined && cur !== null;
  }

  /**
   * The path under a file offset from the position index, with the scalar's text as YAML reads
   * it; undefined when the offset is outside this document's text or it has no index.
   */
  locateIndexed(offset: number): { path: (string | number)[]; onKey: boolean; text?: string; range?: { start: number; end: number } } | undefined {
    const root = this.indexRoot();
    if (root === undefined || !this.chunk || offset < this.chunk.start || offset > this.chunk.end) return undefined;
    const base = this.chunk.start;
    const at = locateIn(this.chunk.text, root, offset - base);
    if (!at.scalar) return { path: at.path, onKey: at.onKey };
    const raw = this.chunk.text.slice(at.scalar.start, at.scalar.end);
    let text = raw;
    try {
      const v = load(raw, { schema: CORE_SCHEMA });
      if (v !== null && typeof v !== 'object') text = String(v);
    } catch {
      // a scalar that does not stand alone as YAML: its raw text
    }
    return { path: at.path, onKey: at.onKey, text, range: { start: base + at.scalar.start, end: base + at.scalar.end } };
  }

  /** The position index of this document, or undefined when positions come from the CST. */
  private indexRoot(): PosNode | null | undefined {
    return this.chunk ? this.source.chunkRoot(this.chunk.start, this.chunk.end) : undefined;
  }

  /**
   * The key (offsets relative to the chunk) and value node at path in the position index;
   * undefined when the path is not there, `indexed: false` when the document has no index.
   */
  private indexed(path: Path): { indexed: false } | { indexed: true; hit?: { key?: { start: number; end: number }; value: PosNode | null } } {
    const root = this.indexRoot();
    if (root === undefined) return { indexed: false };
    let hit: { key?: { start: number; end: number }; value: PosNode | null } | undefined = { value: root };
    for (const seg of path) hit = hit?.value ? childOf(hit.value, seg) : undefined;
    return { indexed: true, hit };
  }

  /**
   * The key and value spans at path, from the position index when the file has one, else
   * from the `yaml` CST. A missing or empty value has no span.
   */
  private spans(path: Path): { key?: Span; value?: Span } {
    const ix = this.indexed(path);
    if (ix.indexed) {
      const base = this.chunk!.start;
      const { key, value } = ix.hit ?? {};
      return { key: key && { start: base + key.start, end: base + key.end, collection: false, flow: false }, value: value ? span(value, base) : undefined };
    }
    const key = this.keyNode(path);
    let value = this.node(path);
    // an empty value (`key:` and nothing) is a zero-width null scalar in the CST: no span
    if (isScalar(value) && value.value === null && value.range && value.range[0] === value.range[1]) value = undefined;
    return {
      key: key?.range ? { start: key.range[0], end: key.range[1], collection: false, flow: false } : undefined,
      value: value?.range ? { start: value.range[0], end: value.range[1], collection: isMap(value) || isSeq(value), flow: (isMap(value) || isSeq(value)) && value.flow === true } : undefined,
    };
  }

  /** The node at path, or undefined. */
  node(path: Path): Node | undefined {
    let cur: unknown = this.doc.contents;
    for (const seg of path) {
      if (isMap(cur)) {
        const pair = findPair(cur.items, seg);
        cur = pair?.value;
      } else if (isSeq(cur) && typeof seg === 'number') {
        cur = cur.items[seg];
      } else return undefined;
      if (cur === undefined || cur === null) return undefined;
    }
    return cur as Node;
  }

  /** The key node of the last path segment, when the parent is a map. */
  keyNode(path: Path): Node | undefined {
    if (path.length === 0) return undefined;
    const parent = path.length === 1 ? this.doc.contents : this.node(path.slice(0, -1));
    if (!isMap(parent)) return undefined;
    const pair = findPair(parent.items, path[path.length - 1]);
    return pair && isScalar(pair.key) ? (pair.key as Node) : undefined;
  }

  /**
   * Range of the value at path; when the value is missing, the key; failing that, the
   * nearest ancestor that exists (so a diagnostic always has a place).
   */
  rangeOf(path: Path, prefer: 'value' | 'key' = 'value'): Range {
    for (let len = path.length; len >= 0; len--) {
      const { key, value } = this.spans(len === path.length ? path : path.slice(0, len));
      const chosen = prefer === 'key' && len === path.length ? key ?? value : value ?? key;
      // A whole map or list as value: point at its key, which is shorter and more useful.
      const target = chosen === value && value?.collection && key && len === path.length && prefer === 'value' ? key : chosen;
      if (target) return this.rangeOfOffsets(target.start, target.end);
    }
    const at = this.chunk?.start ?? 0;
    return this.rangeOfOffsets(at, at);
  }

  /** Range of the whole value node, maps and lists included (for edits). */
  valueRange(path: Path): Range | undefined {
    const v = this.spans(path).value;
    return v ? this.rangeOfOffsets(v.start, v.end) : undefined;
  }

  /** Range of the mapping key at path (for "did you mean" on unknown fields). */
  keyRange(path: Path): Range {
    const k = this.spans(path).key;
    return k ? this.rangeOfOffsets(k.start, k.end) : this.rangeOf(path);
  }

  /** Column (0-based) of the first key of the map at path, for inserting a sibling key. */
  mapIndent(path: Path): { offset: number; indent: number; flow: boolean } | undefined {
    const ix = this.indexed(path);
    if (ix.indexed) {
      const cur = ix.hit?.value;
      if (!cur || cur.kind !== 'map' || cur.keys!.length === 0) return undefined;
      const offset = this.chunk!.start + cur.keyStarts![0];
      return { offset, indent: this.source.linePos(offset).col - 1, flow: cur.flow };
    }
    const n = this.node(path) ?? (path.length === 0 ? (this.doc.contents as Node) : undefined);
    if (!isMap(n) || n.items.length === 0) return undefined;
    const first = n.items[0] as Pair;
    if (!isScalar(first.key) || !first.key.range) return undefined;
    const pos = this.source.linePos(first.key.range[0]);
    return { offset: first.key.range[0], indent: pos.col - 1, flow: n.flow === true };
  }
}

interface Span {
  start: number;
  end: number;
  collection: boolean;
  flow: boolean;
}

function span(n: PosNode, base: number): Span {
  return { start: base + n.start, end: base + n.end, collection: n.kind !== 'scalar', flow: n.flow };
}

function findPair(items: readonly unknown[], key: string | number): Pair | undefined {
  for (const item of items) {
    if (isPair(item) && isScalar(item.key) && String(item.key.value) === String(key)) return item as Pair;
  }
  return undefined;
}
