/**
 * One YAML document of the workspace with its source positions. Wraps the `yaml` package's
 * CST-backed Document and LineCounter so that rules can ask for the range of any key or value
 * by its path (`['spec', 'workloads', 'payments-api', 'shares']`).
 */
import { Document, isMap, isPair, isScalar, isSeq, LineCounter, Node, Pair, parseAllDocuments } from 'yaml';
import { Range } from './diagnostics';

export type Path = readonly (string | number)[];

/**
 * One YAML file. Its CST-backed documents (the `yaml` package) are built on first use: a clean
 * file whose values came from the fast loader (workspace-loader.ts) is never parsed twice
 * unless a diagnostic or an editor feature asks for a position in it.
 */
export class SourceFile {
  private parsed?: { docs: Document.Parsed[]; lineCounter: LineCounter };

  constructor(
    /** Path of the file, as the user named it (relative to the current directory when possible). */
    readonly file: string,
    /** Absolute path of the file. */
    readonly absFile: string,
    readonly text: string,
  ) {}

  get documents(): { docs: Document.Parsed[]; lineCounter: LineCounter } {
    if (!this.parsed) {
      const lineCounter = new LineCounter();
      const docs = parseAllDocuments(this.text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: false });
      this.parsed = { docs: Array.isArray(docs) ? docs : [], lineCounter };
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
  get lineCounter(): LineCounter {
    return this.source.documents.lineCounter;
  }

  rangeOfOffsets(start: number, end: number): Range {
    const s = this.lineCounter.linePos(start);
    const e = this.lineCounter.linePos(Math.max(start, end));
    return { start: { line: s.line, column: s.col }, end: { line: e.line, column: e.col } };
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
      const p = path.slice(0, len);
      const key = this.keyNode(p);
      const value = this.node(p);
      const chosen = prefer === 'key' && len === path.length ? key ?? value : value ?? key;
      // A whole map or list as value: point at its key, which is shorter and more useful.
      const target = chosen && !isScalar(chosen) && key && len === path.length && prefer === 'value' && (isMap(chosen) || isSeq(chosen)) ? key : chosen;
      if (target?.range) return this.rangeOfOffsets(target.range[0], target.range[1]);
    }
    return this.rangeOfOffsets(0, 0);
  }

  /** Range of the whole value node, maps and lists included (for edits). */
  valueRange(path: Path): Range | undefined {
    const n = this.node(path);
    return n?.range ? this.rangeOfOffsets(n.range[0], n.range[1]) : undefined;
  }

  /** Range of the mapping key at path (for "did you mean" on unknown fields). */
  keyRange(path: Path): Range {
    const k = this.keyNode(path);
    return k?.range ? this.rangeOfOffsets(k.range[0], k.range[1]) : this.rangeOf(path);
  }

  /** Column (0-based) of the first key of the map at path, for inserting a sibling key. */
  mapIndent(path: Path): { offset: number; indent: number; flow: boolean } | undefined {
    const n = this.node(path) ?? (path.length === 0 ? (this.doc.contents as Node) : undefined);
    if (!isMap(n) || n.items.length === 0) return undefined;
    const first = n.items[0] as Pair;
    if (!isScalar(first.key) || !first.key.range) return undefined;
    const pos = this.lineCounter.linePos(first.key.range[0]);
    return { offset: first.key.range[0], indent: pos.col - 1, flow: n.flow === true };
  }
}

function findPair(items: readonly unknown[], key: string | number): Pair | undefined {
  for (const item of items) {
    if (isPair(item) && isScalar(item.key) && String(item.key.value) === String(key)) return item as Pair;
  }
  return undefined;
}
