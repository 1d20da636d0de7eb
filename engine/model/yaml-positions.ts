/**
 * Source positions of every mapping key and value without the `yaml` package's CST: js-yaml's
 * parse events (the `listener` option: one `open` and one `close` per composed node, with the
 * reader's offset) are folded into a tree of ranges. About 15× faster than `parseAllDocuments`
 * on flow-heavy files (6 ms against 128 ms for a 914-line Placement), which is what keeps an
 * editor keystroke that raises a diagnostic under the latency target.
 *
 * Only the plain subset is indexed: no anchors, aliases, tags or explicit `?` keys, every
 * document a mapping, a sequence of mappings or empty. The index is checked against the values
 * js-yaml produced (same keys in the same order, same list lengths); any mismatch returns
 * undefined and the caller falls back to the `yaml` CST, so positions are never guessed.
 */
import { CORE_SCHEMA, loadAll } from 'js-yaml';

export interface PosNode {
  kind: 'map' | 'seq' | 'scalar';
  /** Offset of the first character of the node (a quote, `{`, `[` or the first key). */
  start: number;
  /** Offset just after the last character of the node's content. */
  end: number;
  flow: boolean;
  /** For maps: keys in source order, their ranges and their values (null for an empty value). */
  keys?: string[];
  keyStarts?: number[];
  keyEnds?: number[];
  values?: (PosNode | null)[];
  /** For sequences. */
  items?: (PosNode | null)[];
}

interface Frame {
  open: number;
  close: number;
  kind: string | null;
  result: unknown;
  children: Frame[];
}

/** Documents that need the `yaml` CST for positions (tags, explicit keys, anchors, aliases). */
const UNSUPPORTED = /(^|[\s[{,:-])[&*!][^\s,\]}]|(^|\s)\?(\s|$)/m;

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** First offset at or after `pos` that is neither whitespace nor inside a comment. */
function skipSpaceAndComments(text: string, pos: number): number {
  const n = text.length;
  while (pos < n) {
    const c = text.charCodeAt(pos);
    if (isBlank(c) || c === 0xfeff) pos++;
    else if (c === 35 /* # */ && (pos === 0 || isBlank(text.charCodeAt(pos - 1)))) {
      while (pos < n && text.charCodeAt(pos) !== 10) pos++;
    } else break;
  }
  return pos;
}

/** Last offset (exclusive) before `pos`, not before `min`, that is not whitespace. */
function trimEnd(text: string, min: number, pos: number): number {
  while (pos > min && isBlank(text.charCodeAt(pos - 1))) pos--;
  return pos;
}

/** Only spaces and tabs, then `:` right at `pos`? Returns the colon's offset or -1. */
function colonAfter(text: string, pos: number): number {
  while (pos < text.length && (text.charCodeAt(pos) === 32 || text.charCodeAt(pos) === 9)) pos++;
  return text.charCodeAt(pos) === 58 ? pos : -1;
}

/**
 * Positions of each document's root node, or undefined when the text is outside the indexed
 * subset or the events do not match the documents js-yaml built from them (`values`, when
 * given, must also match).
 *
 * Complexity: O(n) in the text length plus one small object per node.
 */
export function indexPositions(text: string, values?: readonly unknown[]): (PosNode | null)[] | undefined {
  if (UNSUPPORTED.test(text)) return undefined;
  const roots: Frame[] = [];
  const stack: Frame[] = [];
  let loaded: unknown[];
  try {
    loaded = loadAll(text, undefined, {
      schema: CORE_SCHEMA,
      listener(event, state) {
        if (event === 'open') {
          stack.push({ open: state.position, close: -1, kind: null, result: null, children: [] });
          return;
        }
        const f = stack.pop()!;
        f.close = state.position;
        f.kind = state.kind;
        // keep scalar results (keys are read from them); collections are checked against `values`
        f.result = state.kind === 'scalar' ? state.result : null;
        (stack.length ? stack[stack.length - 1].children : roots).push(f);
      },
    });
  } catch {
    return undefined;
  }
  if (!values) values = loaded;
  else if (values.length !== loaded.length) return undefined;
  if (roots.length !== values.length) return undefined;
  const out: (PosNode | null)[] = [];
  for (let i = 0; i < roots.length; i++) {
    const node = roots[i].kind === null ? null : build(text, roots[i]);
    if (values[i] === null || values[i] === undefined) {
      if (node !== null) return undefined;
      out.push(null);
      continue;
    }
    if (!node || !matches(node, values[i]) || (values !== loaded && !matches(node, loaded[i]))) return undefined;
    out.push(node);
  }
  return out;
}

function build(text: string, f: Frame): PosNode | undefined {
  const start = skipSpaceAndComments(text, f.open);
  if (f.kind === 'scalar') {
    const end = Math.max(start, trimEnd(text, start, f.close));
    const c = text.charCodeAt(start);
    // a block scalar (`|`, `>`) ends after its last line's newline, as in the yaml CST
    return { kind: 'scalar', start, end: c === 124 || c === 62 ? endOfLine(text, end) : end, flow: false };
  }
  // In a compact spot (a list item, a document root) js-yaml first tries the content as a
  // block-mapping key; a flow collection that is not followed by `:` is kept as the node itself.
  if (f.children.length === 1 && f.children[0].kind === f.kind) return build(text, f.children[0]);
  const flow = text.charCodeAt(start) === (f.kind === 'mapping' ? 123 : 91);
  if (f.kind === 'sequence') {
    const items: (PosNode | null)[] = [];
    for (const c of f.children) {
      if (c.kind === null) items.push(null);
      else {
        const n = build(text, c);
        if (!n) return undefined;
        items.push(n);
      }
    }
    const last = items.length ? items[items.length - 1] : null;
    const end = flow ? f.close : last ? blockEnd(text, last) : start;
    return { kind: 'seq', start, end, flow, items };
  }
  if (f.kind !== 'mapping') return undefined;
  const keys: string[] = [];
  const keyStarts: number[] = [];
  const keyEnds: number[] = [];
  const vals: (PosNode | null)[] = [];
  const ch = f.children;
  let lastColon = start - 1;
  for (let i = 0; i < ch.length; i++) {
    const k = ch[i];
    if (k.kind === null) continue; // the failed key attempt that ends a block mapping
    if (k.kind !== 'scalar') return undefined; // a collection as a key
    const ks = skipSpaceAndComments(text, k.open);
    const ke = trimEnd(text, ks, k.close);
    const colon = colonAfter(text, k.close);
    lastColon = colon;
    keys.push(String(k.result));
    keyStarts.push(ks);
    keyEnds.push(ke);
    if (colon < 0) {
      if (!flow) return undefined;
      vals.push(null); // `{ a, b: 1 }`
      continue;
    }
    // js-yaml composes a value after every `:` (an empty one when nothing follows), so the
    // next event is this key's value; anything else is outside the subset.
    const v = ch[i + 1];
    if (v === undefined || v.open <= colon || !onlyBlank(text, colon + 1, Math.min(v.open, text.length))) return undefined;
    i++;
    if (v.kind === null) vals.push(null);
    else {
      const n = build(text, v);
      if (!n) return undefined;
      vals.push(n);
    }
  }
  let end: number;
  if (flow) end = f.close;
  else {
    const last = vals.length ? vals[vals.length - 1] : null;
    end = last ? blockEnd(text, last) : lastColon + 1; // an empty last value ends right after its `:`
  }
  return { kind: 'map', start, end, flow, keys, keyStarts, keyEnds, values: vals };
}

function onlyBlank(text: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) if (!isBlank(text.charCodeAt(i))) return false;
  return true;
}

/** After the newline that ends the line holding `pos` (or the text's end). */
function endOfLine(text: string, pos: number): number {
  if (pos > 0 && text.charCodeAt(pos - 1) === 10) return pos;
  const nl = text.indexOf('\n', pos);
  return nl < 0 ? text.length : nl + 1;
}

/**
 * Where a block collection ends, given its last child: the yaml CST ends it with the line of
 * its last scalar or flow collection, trailing comment and newline included.
 */
function blockEnd(text: string, last: PosNode): number {
  return last.kind !== 'scalar' && !last.flow ? last.end : endOfLine(text, last.end);
}

/** The index has the same shape as the loaded value: same keys in order, same lengths. */
function matches(node: PosNode | null, value: unknown): boolean {
  if (value === null || value === undefined) return node === null || node.kind === 'scalar';
  if (Array.isArray(value)) {
    if (!node || node.kind !== 'seq' || node.items!.length !== value.length) return false;
    for (let i = 0; i < value.length; i++) if (!matches(node.items![i], value[i])) return false;
    return true;
  }
  if (typeof value === 'object' && !(value instanceof Date)) {
    if (!node || node.kind !== 'map') return false;
    const keys = Object.keys(value);
    if (keys.length !== node.keys!.length) return false;
    for (let i = 0; i < keys.length; i++) {
      if (!Object.prototype.hasOwnProperty.call(value, node.keys![i])) return false;
      if (!matches(node.values![i], (value as Record<string, unknown>)[node.keys![i]])) return false;
    }
    return true;
  }
  return node !== null && node.kind === 'scalar';
}

/** Child of a map by key (the last one wins, as in the loaded value) or of a sequence by index. */
export function childOf(node: PosNode, seg: string | number): { key?: { start: number; end: number }; value: PosNode | null } | undefined {
  if (node.kind === 'map') {
    const s = String(seg);
    for (let i = node.keys!.length - 1; i >= 0; i--) {
      if (node.keys![i] === s) return { key: { start: node.keyStarts![i], end: node.keyEnds![i] }, value: node.values![i] };
    }
    return undefined;
  }
  if (node.kind === 'seq' && typeof seg === 'number' && seg >= 0 && seg < node.items!.length) return { value: node.items![seg] };
  return undefined;
}

export interface IndexLocation {
  path: (string | number)[];
  onKey: boolean;
  /** Offsets of the scalar (key or value) under the offset, when there is one. */
  scalar?: { start: number; end: number };
}

/**
 * The path at `offset` in an indexed document (offsets relative to the document's text): the
 * key under it, the scalar value under it, or the innermost collection around it. An empty value
 * (`flavor: ` and the cursor after it) gives the key's path with no scalar.
 */
export function locateIn(text: string, root: PosNode | null, offset: number): IndexLocation {
  const path: (string | number)[] = [];
  let node = root;
  while (node) {
    if (node.kind === 'scalar') return { path, onKey: false, scalar: { start: node.start, end: node.end } };
    if (node.kind === 'seq') {
      const i = node.items!.findIndex((it) => it !== null && it.start <= offset && offset <= it.end);
      if (i < 0) return { path, onKey: false };
      path.push(i);
      node = node.items![i];
      continue;
    }
    let next: PosNode | null | undefined;
    for (let i = 0; i < node.keys!.length; i++) {
      const ks = node.keyStarts![i];
      const ke = node.keyEnds![i];
      if (ks <= offset && offset <= ke) {
        path.push(node.keys![i]);
        return { path, onKey: true, scalar: { start: ks, end: ke } };
      }
      const v = node.values![i];
      if (v && v.start <= offset && offset <= v.end) {
        path.push(node.keys![i]);
        next = v;
        break;
      }
      // an empty value: the rest of the key's line after its colon
      if (!v && offset > ke) {
        const nl = text.indexOf('\n', ke);
        if (offset <= (nl < 0 ? text.length : nl) && colonAfter(text, ke) >= 0 && colonAfter(text, ke) < offset) {
          path.push(node.keys![i]);
          return { path, onKey: false };
        }
      }
    }
    if (!next) return { path, onKey: false };
    node = next;
  }
  return { path, onKey: false };
}

/** 1-based line and column of offsets, by binary search over line starts. */
export class LineIndex {
  private readonly starts: Int32Array;
  constructor(text: string) {
    let n = 1;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
    this.starts = new Int32Array(n);
    let k = 1;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts[k++] = i + 1;
  }
  /** Offset of a 1-based line and column (clamped to the text's lines). */
  offsetAt(line: number, col: number): number {
    const l = Math.min(Math.max(1, line), this.starts.length);
    return this.starts[l - 1] + col - 1;
  }

  linePos(offset: number): { line: number; col: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - this.starts[lo] + 1 };
  }
}
