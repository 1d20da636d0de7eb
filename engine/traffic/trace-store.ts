/**
 * An on-disk cache of parsed trace files, so a second run over unchanged traces skips parsing:
 * `$HEADROOM_TRACE_CACHE`, else `$XDG_CACHE_HOME/headroom/traces` (`~/.cache/headroom/traces`);
 * `HEADROOM_TRACE_CACHE=off` turns it off. Safe to delete at any time; never inside a workspace.
 *
 * Entries are keyed by the file's content (SHA-256 of its bytes): `c-<hash>.bin` holds the parsed
 * rows (wall times, values, offset flags) of a trace that parsed without problems, after a header
 * that names the hash. So the CSV need not even be read again, an index entry `i-<identity>`
 * maps the file's identity — real path, size, modification and change times in nanoseconds,
 * inode and device, which any write changes — to that entry, as git's index does: a hard link to
 * the content entry (its header gives the hash), or where links cannot be made a copy of it.
 * (Creating a file costs about 270 µs on the development VM's ext4, a link 5 µs: a link saves a
 * thousand file creations on a thousand traces.) A file rewritten with the same bytes (a checkout)
 * misses the identity, is read and hashed, and still hits its content entry.
 *
 * `r-<key>.bin` holds a trace resampled onto a run's steps (traffic.ts, resampleTrace), its
 * warnings and the statistics of the series (demand-statistics.ts), keyed by the SHA-256 of the
 * content hash, the time zone its naive times are read in, and the horizon, step and extend mode:
 * a second run over the same traces and horizon neither resamples nor measures them again. These
 * are written by the trace workers as they parse (resample-ahead.ts), or on the main thread
 * asynchronously, while the replay runs.
 *
 * Every write is atomic (temporary file, rename); a damaged entry is treated as absent. Entries
 * are read into 8-byte-aligned memory and viewed in place, not copied.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isMainThread } from 'worker_threads';
import type { ParsedTrace } from './trace-csv';
import type { TrafficWarning } from './traffic';
import type { DemandStats } from './demand-statistics';

const FORMAT = 'HRT2';
/** Magic, row count, 8 bytes unused, the content hash in 64 hex digits: 80 bytes, so the arrays after it stay 8-byte aligned. */
const HEADER = 80;
const RESAMPLED = 'HRR1';
/** The statistics of a resampled entry, in this order, after its 16-byte header. */
const STAT_FIELDS = ['peak', 'p95', 'mean', 'median', 'coefficientOfVariation', 'peakToMedian'] as const;
const R_HEADER = 16 + 8 * STAT_FIELDS.length;

/** A trace resampled onto a run's steps, with its warnings and the statistics of the series. */
export interface ResampledEntry {
  out: Float64Array;
  warnings: TrafficWarning[];
  stats: DemandStats;
}

export function traceStoreDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const v = env.HEADROOM_TRACE_CACHE;
  if (v === 'off' || v === '0') return undefined;
  if (v) return v;
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'headroom', 'traces');
}

function identityOf(absPath: string, st: fs.BigIntStats): string {
  return createHash('sha256').update(`${FORMAT}\0${absPath}\0${st.size}\0${st.mtimeNs}\0${st.ctimeNs}\0${st.ino}\0${st.dev}`).digest('hex');
}

export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The store key of a series resampled from `source` (content hash and time zone) with `spec` (horizon, extend, steps). */
export function resampledKey(source: string, spec: string): string {
  return createHash('sha256').update(`${RESAMPLED}\0${source}\0${spec}`).digest('hex');
}

/**
 * A whole file in fresh, 8-byte-aligned memory (a Buffer from readFileSync may sit at any offset
 * of a shared pool); in a SharedArrayBuffer when `shared` (a resampled series, which a split
 * replay's worker reads in place: split-replay.ts).
 */
function readAligned(file: string, shared = false): ArrayBuffer {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const ab = (shared ? new SharedArrayBuffer(size) : new ArrayBuffer(size)) as ArrayBuffer;
    const view = new Uint8Array(ab);
    let at = 0;
    while (at < size) {
      const n = fs.readSync(fd, view, at, size - at, at);
      if (n === 0) break;
      at += n;
    }
    return at === size ? ab : new ArrayBuffer(0);
  } finally {
    fs.closeSync(fd);
  }
}

/** A temporary name beside `file`, unique to this process and write, renamed over it when written whole. */
function tempFor(file: string): string {
  return `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
}

/** Makes `file` under a temporary name with `make`, then renames it over `file`; false (and nothing left) on any failure. */
function replaceVia(file: string, make: (tmp: string) => void): boolean {
  const tmp = tempFor(file);
  try {
    make(tmp);
    fs.renameSync(tmp, file);
    return true;
  } catch {
    try { fs.unlinkSync(tmp); } catch { /* not created */ }
    return false;
  }
}

function writeAtomic(file: string, data: Uint8Array | string): void {
  replaceVia(file, (tmp) => fs.writeFileSync(tmp, data));
}

/** A parsed trace as the pieces of its file (header, times, values, offset flags): views on its arrays, not a copy. */
function encode(p: ParsedTrace, hash: string): Uint8Array[] {
  const n = p.wall.length;
  const head = Buffer.alloc(HEADER);
  head.write(FORMAT, 0, 'latin1');
  head.writeUInt32LE(n, 4);
  head.write(hash, 16, 'latin1');
  return [head, new Uint8Array(p.wall.buffer, p.wall.byteOffset, 8 * n), new Uint8Array(p.values.buffer, p.values.byteOffset, 8 * n), new Uint8Array(p.hasOffset.buffer, p.hasOffset.byteOffset, n)];
}

/**
 * An async atomic write of the pieces in order: the caller goes on (the replay) while the thread
 * pool writes. The pieces must not change until it is done (the store's writes are awaited by
 * TraceStore.flush, and by the process before it exits).
 */
async function writeAtomicLater(file: string, pieces: Uint8Array[]): Promise<void> {
  await replaceLater(file, async (tmp) => {
    const fh = await fs.promises.open(tmp, 'w');
    try {
      await fh.writev(pieces);
    } finally {
      await fh.close();
    }
  });
}

/** replaceVia on the thread pool: resolves to false (and nothing left) on any failure, never rejects. */
async function replaceLater(file: string, make: (tmp: string) => Promise<void>): Promise<boolean> {
  const tmp = tempFor(file);
  try {
    await make(tmp);
    await fs.promises.rename(tmp, file);
    return true;
  } catch {
    await fs.promises.unlink(tmp).catch(() => undefined);
    return false;
  }
}

/**
 * The index entry `identity` as a hard link to the content entry (made under a temporary name and
 * renamed over any entry there, a damaged one included), or a copy of it where the file system
 * has no links. Never throws: without a content entry to point at, the next run reads the CSV.
 */
function linkIdentitySync(content: string, identity: string): void {
  if (replaceVia(identity, (tmp) => fs.linkSync(content, tmp))) return;
  try {
    writeAtomic(identity, fs.readFileSync(content));
  } catch {
    // no content entry
  }
}

async function linkIdentity(content: string, identity: string): Promise<void> {
  if (await replaceLater(identity, (tmp) => fs.promises.link(content, tmp))) return;
  try {
    await writeAtomicLater(identity, [await fs.promises.readFile(content)]);
  } catch {
    // no content entry
  }
}

function magic(ab: ArrayBuffer, format: string): boolean {
  return ab.byteLength >= 16 && Buffer.from(ab, 0, 4).toString('latin1') === format;
}

/** A content entry's header: its row count and hash, when the magic and hash are well formed. */
function headerOf(head: Buffer): { n: number; hash: string } | undefined {
  if (head.length < HEADER || head.toString('latin1', 0, 4) !== FORMAT) return undefined;
  const hash = head.toString('latin1', 16, 80);
  return /^[0-9a-f]{64}$/.test(hash) ? { n: head.readUInt32LE(4), hash } : undefined;
}

/** A content entry's parse, its arrays viewed in place, when the header names `hash` and the size fits. */
function decode(ab: ArrayBuffer, hash: string): ParsedTrace | undefined {
  const h = headerOf(Buffer.from(ab, 0, Math.min(HEADER, ab.byteLength)));
  if (!h || h.hash !== hash || ab.byteLength !== HEADER + 17 * h.n) return undefined;
  const n = h.n;
  return { wall: new Float64Array(ab, HEADER, n), values: new Float64Array(ab, HEADER + 8 * n, n), hasOffset: new Uint8Array(ab, HEADER + 16 * n, n), problems: [], hash };
}

/** A resampled entry as the pieces of its file (header and statistics, series, warnings): written as they are, not copied into one buffer. */
function encodeResampled(e: ResampledEntry): Uint8Array[] {
  const n = e.out.length;
  const warnings = Buffer.from(JSON.stringify(e.warnings), 'utf8');
  const head = new ArrayBuffer(R_HEADER);
  const dv = new DataView(head);
  Buffer.from(head).write(RESAMPLED, 0, 'latin1');
  dv.setUint32(4, n, true);
  dv.setUint32(8, warnings.length, true);
  STAT_FIELDS.forEach((k, i) => dv.setFloat64(16 + 8 * i, e.stats[k], true));
  return [new Uint8Array(head), new Uint8Array(e.out.buffer, e.out.byteOffset, 8 * n), warnings];
}

function decodeResampled(ab: ArrayBuffer): ResampledEntry | undefined {
  if (!magic(ab, RESAMPLED)) return undefined;
  const dv = new DataView(ab);
  const n = dv.getUint32(4, true);
  const wlen = dv.getUint32(8, true);
  if (ab.byteLength !== R_HEADER + 8 * n + wlen) return undefined;
  const stats = Object.fromEntries(STAT_FIELDS.map((k, i) => [k, dv.getFloat64(16 + 8 * i, true)])) as unknown as DemandStats;
  const warnings = JSON.parse(Buffer.from(ab, R_HEADER + 8 * n, wlen).toString('utf8')) as TrafficWarning[];
  if (!Array.isArray(warnings)) return undefined;
  const out = new Float64Array(ab, R_HEADER, n);
  // a cheap check of the bytes (a block zeroed by a crash, say): every value finite and not
  // negative, and the largest the stored peak
  let peak = 0;
  for (let i = 0; i < n; i++) {
    const v = out[i];
    if (!(v >= 0 && v < Infinity)) return undefined;
    if (v > peak) peak = v;
  }
  return peak === stats.peak ? { out, warnings, stats } : undefined;
}

/** The cache of one process: a folder, or nothing when turned off or not creatable. */
export class TraceStore {
  private readonly pending = new Set<Promise<void>>();

  private constructor(readonly dir: string) {}

  static open(dir = traceStoreDir()): TraceStore | undefined {
    if (!dir) return undefined;
    try {
      fs.mkdirSync(dir, { recursive: true });
      return new TraceStore(dir);
    } catch {
      return undefined;
    }
  }

  /**
   * The parsed trace for a file whose identity was seen before, without reading the CSV: a clean
   * parse whose arrays are read from the store when first used (a run that finds its resampled
   * series here never reads them). `reparse` reads the CSV again should the entry vanish first.
   */
  byIdentity(absPath: string, st: fs.BigIntStats, reparse: () => ParsedTrace): ParsedTrace | undefined {
    let fd: number | undefined;
    try {
      // the index entry is the content entry (a link) or a copy: its header names the hash
      fd = fs.openSync(path.join(this.dir, `i-${identityOf(absPath, st)}`), 'r');
      const head = Buffer.alloc(HEADER);
      const h = fs.readSync(fd, head, 0, HEADER, 0) === HEADER ? headerOf(head) : undefined;
      if (!h || fs.fstatSync(fd).size !== HEADER + 17 * h.n) return undefined;
      return new StoredTrace(this, h.hash, h.n, reparse);
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }

  byContent(hash: string): ParsedTrace | undefined {
    try {
      return decode(readAligned(path.join(this.dir, `c-${hash}.bin`)), hash);
    } catch {
      return undefined;
    }
  }

  /** A resampled series stored under `key` (resampledKey), if any. */
  resampled(key: string): ResampledEntry | undefined {
    try {
      return decodeResampled(readAligned(path.join(this.dir, `r-${key}.bin`), true));
    } catch {
      return undefined;
    }
  }

  /**
   * Stores a resampled series under `key`: on the main thread asynchronously (flush, or the
   * process before it exits, waits for it), on a worker thread (resample-ahead.ts) at once.
   */
  putResampled(key: string, e: ResampledEntry): void {
    const file = path.join(this.dir, `r-${key}.bin`);
    if (isMainThread) this.later(file, encodeResampled(e));
    else writeAtomic(file, Buffer.concat(encodeResampled(e)));
  }

  /** Resolves when every write started so far has finished. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  /**
   * Remembers a clean parse under its content hash (unless `parsed` is undefined: the entry is
   * there already), and the file's identity as a link to it (asynchronously on the main thread:
   * flush waits).
   */
  put(absPath: string, st: fs.BigIntStats, hash: string, parsed: ParsedTrace | undefined): void {
    const identity = path.join(this.dir, `i-${identityOf(absPath, st)}`);
    const content = path.join(this.dir, `c-${hash}.bin`);
    if (parsed?.problems.length) return;
    if (isMainThread) {
      // on the main thread the thread pool writes while lint and the replay go on; an identity
      // read before its entry lands finds none, and the CSV is read (byIdentity)
      const written = parsed ? writeAtomicLater(content, encode(parsed, hash)) : Promise.resolve();
      this.track(written.then(() => linkIdentity(content, identity)));
      return;
    }
    if (parsed) writeAtomic(content, Buffer.concat(encode(parsed, hash)));
    linkIdentitySync(content, identity);
  }

  private later(file: string, pieces: Uint8Array[]): void {
    this.track(writeAtomicLater(file, pieces));
  }

  private track(done: Promise<void>): void {
    this.pending.add(done);
    void done.then(() => this.pending.delete(done));
  }
}

/** A clean parse kept in the store, read from it on first use of its arrays (TraceStore.byIdentity). */
class StoredTrace implements ParsedTrace {
  readonly problems = [];
  private data?: ParsedTrace;

  constructor(private readonly store: TraceStore, readonly hash: string, readonly rows: number, private readonly reparse: () => ParsedTrace) {}

  private get loaded(): ParsedTrace {
    return (this.data ??= this.store.byContent(this.hash) ?? this.reparse());
  }

  get wall(): Float64Array {
    return this.loaded.wall;
  }

  get values(): Float64Array {
    return this.loaded.values;
  }

  get hasOffset(): Uint8Array {
    return this.loaded.hasOffset;
  }
}
