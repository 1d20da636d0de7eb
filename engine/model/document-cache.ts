/**
 * An on-disk cache of what the fast YAML path reads from a workspace file (workspace-loader.ts,
 * fastChunks): the bounds and the value of each `---` document, keyed by the SHA-256 of the
 * file's text, so that a run over YAML it has read before does not parse it again. A file of
 * 1,000 Workload documents and its Placement (430 KB) took 131–154 ms to parse in a fresh CLI
 * process on the development VM, most of it js-yaml's code warming up; its entry is read with
 * JSON.parse.
 *
 * Entries are `y-<key>.json` in the trace store's folder (trace-store.ts: HEADROOM_TRACE_CACHE,
 * `off` turns both off), kept within its size by the same sweep (trace-store-sweep.ts) and as
 * safe to delete. Keyed by content, an entry is never stale. One that does not read back as
 * bounds within the text, in order, and one mapping or null per document is treated as absent.
 * JSON cannot carry every value js-yaml makes (.inf, .nan, −0), so a file with one of those is
 * not stored. Writes are atomic (cache-files.ts: a temporary file renamed over the entry) and run
 * on the thread pool; a failure to read or write costs the parse, nothing else.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { writeAtomicLater } from './cache-files';
import type { Chunk, DocumentStore } from './workspace-loader';

/** Part of every key: entries of another layout are not read. */
const FORMAT = 'HRY1';

interface Entry {
  bounds: [number, number][];
  values: (Record<string, unknown> | null)[];
}

export class DocumentCache implements DocumentStore {
  /** Writes under way (flush waits for them; a process does before it exits). */
  private readonly pending = new Set<Promise<boolean>>();

  private constructor(private readonly dir: string) {}

  /** The cache in `dir` (created when missing), or undefined when there is no folder or it cannot be made. */
  static open(dir: string | undefined): DocumentCache | undefined {
    if (!dir) return undefined;
    try {
      fs.mkdirSync(dir, { recursive: true });
      return new DocumentCache(dir);
    } catch {
      return undefined;
    }
  }

  /** The chunks stored for this exact text, or undefined. */
  get(text: string): Chunk[] | undefined {
    let entry: unknown;
    try {
      entry = JSON.parse(fs.readFileSync(this.fileOf(text), 'utf8'));
    } catch {
      return undefined; // none, unreadable, or damaged
    }
    return chunksOf(entry, text);
  }

  /** Stores the chunks read from `text`, unless JSON cannot carry a value exactly. */
  put(text: string, chunks: readonly Chunk[]): void {
    let exact = true;
    const json = JSON.stringify({ bounds: chunks.map((c) => [c.start, c.end]), values: chunks.map((c) => c.value) } satisfies Entry, (_k, v: unknown) => {
      if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) exact = false;
      return v;
    });
    if (!exact) return;
    const written = writeAtomicLater(this.fileOf(text), [Buffer.from(json, 'utf8')]);
    this.pending.add(written);
    void written.then(() => this.pending.delete(written));
  }

  /** Resolves when every write started so far has finished (or failed, leaving nothing behind). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private fileOf(text: string): string {
    return path.join(this.dir, `y-${createHash('sha256').update(`${FORMAT}\0`).update(text).digest('hex')}.json`);
  }
}

/** The entry's chunks over `text`, or undefined when it is not bounds in order within the text and a mapping or null each. */
function chunksOf(entry: unknown, text: string): Chunk[] | undefined {
  if (!entry || typeof entry !== 'object') return undefined;
  const { bounds, values } = entry as Partial<Entry>;
  if (!Array.isArray(bounds) || !Array.isArray(values) || bounds.length !== values.length) return undefined;
  const out: Chunk[] = [];
  let last = 0;
  for (let i = 0; i < bounds.length; i++) {
    const b = bounds[i];
    const v = values[i];
    if (!Array.isArray(b) || b.length !== 2 || !Number.isInteger(b[0]) || !Number.isInteger(b[1])) return undefined;
    const [start, end] = b;
    if (start < last || end < start || end > text.length) return undefined;
    if (v !== null && (typeof v !== 'object' || Array.isArray(v))) return undefined;
    out.push({ start, end, text: text.slice(start, end), value: v });
    last = end;
  }
  return out;
}
