/**
 * An on-disk cache of what a run makes of its trace files, so a second run over unchanged traces
 * neither parses nor resamples them: `$HEADROOM_TRACE_CACHE`, else
 * `$XDG_CACHE_HOME/headroom/traces` (`~/.cache/headroom/traces`); `HEADROOM_TRACE_CACHE=off` turns
 * it off. Safe to delete at any time; never inside a workspace.
 *
 * `r-<key>.bin` holds a trace resampled onto a run's steps (traffic.ts, resampleTrace), its
 * warnings and the statistics of the series (demand-statistics.ts), keyed by the SHA-256 of the
 * file's content hash (SHA-256 of its bytes), the time zone its naive times are read in, and the
 * horizon, step and extend mode; its header names the content hash and the trace's row count.
 * They are written by the thread that parses the trace, as it does (resample-ahead.ts), or by
 * the main thread while the replay runs: the main thread asynchronously, one file per entry; a
 * trace worker into one pack for all it stores in a run (trace-pack.ts: creating two files per
 * trace cost a cold run over 1,000 traces 0.7 s of kernel time on the development VM), which
 * holds its identity records too. Lookups read the packs' indexes first, then the single files.
 *
 * So that the CSV need not even be read again, an index entry `i-<identity>` maps the file's
 * identity — real path, size, modification and change times in nanoseconds, inode and device,
 * which any write changes — to its content hash, as git's index does: a hard link to one of the
 * trace's resampled entries (its header names the hash; on the main thread made once that
 * entry's asynchronous write is done), or, for a trace read but not resampled (lint, the editor),
 * an 80-byte file of just the hash and row count; a trace worker's are records in its pack. Only
 * clean parses get one, so a file known by identity is known to parse cleanly; its rows are parsed
 * from the CSV only if a run needs them (a horizon or step it has not been resampled for). A file
 * rewritten with the same bytes (a checkout) misses its identity, is read, hashed and parsed, and
 * still hits its resampled entries. (There is no entry of the parsed rows themselves: writing a
 * thousand of them cost a cold run about 0.3 s on the development VM, more than parsing again
 * the rare run that needs them.)
 *
 * The folder also holds `y-<key>.json`, the documents read from a workspace's YAML files
 * (model/document-cache.ts), so that a run over unchanged YAML does not parse it either.
 *
 * Every write is atomic (temporary file, rename); a damaged entry is treated as absent. Entries
 * are read into 8-byte-aligned memory and viewed in place, not copied. The store is kept within
 * a size by trace-store-sweep.ts (HEADROOM_TRACE_CACHE_MAX, default 2 GiB; oldest entries first).
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isMainThread } from 'worker_threads';
import { performance } from 'perf_hooks';
import type { ParsedTrace } from './trace-csv';
import type { TrafficWarning } from './traffic';
import type { DemandStats } from './demand-statistics';
import { PackIndex, PackWriter, readPackIndex, readPacked, readShared } from './trace-pack';
import { sweepIfDue } from './trace-store-sweep';
import { replaceVia, writeAtomic, writeAtomicLater } from '../model/cache-files';

/** How old the index of the packs may be before a miss reads it again. */
const PACK_INDEX_TTL_MS = 10_000;

/** Part of every identity key: a store written by another layout is not read. */
const FORMAT = 'HRT3';
/** An identity entry of its own: magic, row count, 8 bytes unused, the content hash in 64 hex digits. */
const IDENTITY = 'HRI1';
const I_SIZE = 80;
/** HRR3: a gap's warning may say where clocks spring forward (traffic.ts); an HRR2 entry's warnings do not. */
const RESAMPLED = 'HRR3';
/** The statistics of a resampled entry, in this order, from byte 16 of its header. */
const STAT_FIELDS = ['peak', 'p95', 'mean', 'median', 'coefficientOfVariation', 'peakToMedian'] as const;
/** Magic, steps, warnings' byte length, the trace's rows; the statistics; the content hash in 64 hex digits (from byte 64). */
const R_HEADER = 16 + 8 * STAT_FIELDS.length + 64;

/** Which trace a store entry is of: the content hash of its file, and its row count. */
export interface TraceOrigin {
  hash: string;
  rows: number;
}

/** A trace resampled onto a run's steps, with its warnings, the statistics of the series, and the trace it came from. */
export interface ResampledEntry {
  out: Float64Array;
  warnings: TrafficWarning[];
  stats: DemandStats;
  origin: TraceOrigin;
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

function isHash(h: string): boolean {
  return /^[0-9a-f]{64}$/.test(h);
}

/** An identity entry of its own (no resampled entry to link to): the hash and row count. */
function encodeIdentity(hash: string, rows: number): Buffer {
  const b = Buffer.alloc(I_SIZE);
  b.write(IDENTITY, 0, 'latin1');
  b.writeUInt32LE(rows, 4);
  b.write(hash, 16, 'latin1');
  return b;
}

/** What an identity entry (either form) says of the trace, when its header is well formed and its size fits it. */
function originOf(head: Buffer, size: number): TraceOrigin | undefined {
  const magic = head.toString('latin1', 0, 4);
  if (magic === IDENTITY && size === I_SIZE && head.length >= I_SIZE) {
    const hash = head.toString('latin1', 16, 80);
    return isHash(hash) ? { hash, rows: head.readUInt32LE(4) } : undefined;
  }
  if (magic === RESAMPLED && head.length >= R_HEADER && size === R_HEADER + 8 * head.readUInt32LE(4) + head.readUInt32LE(8)) {
    const hash = head.toString('latin1', 64, R_HEADER);
    return isHash(hash) ? { hash, rows: head.readUInt32LE(12) } : undefined;
  }
  return undefined;
}

/** A resampled entry as the pieces of its file (header, series, warnings): written as they are, not copied into one buffer. */
function encodeResampled(e: ResampledEntry): Uint8Array[] {
  const n = e.out.length;
  const warnings = Buffer.from(JSON.stringify(e.warnings), 'utf8');
  const head = Buffer.alloc(R_HEADER);
  head.write(RESAMPLED, 0, 'latin1');
  head.writeUInt32LE(n, 4);
  head.writeUInt32LE(warnings.length, 8);
  head.writeUInt32LE(e.origin.rows, 12);
  STAT_FIELDS.forEach((k, i) => head.writeDoubleLE(e.stats[k], 16 + 8 * i));
  head.write(e.origin.hash, 64, 'latin1');
  return [head, new Uint8Array(e.out.buffer, e.out.byteOffset, 8 * n), warnings];
}

function decodeResampled(ab: ArrayBuffer): ResampledEntry | undefined {
  if (ab.byteLength < R_HEADER) return undefined;
  const head = Buffer.from(ab, 0, R_HEADER);
  const origin = originOf(head, ab.byteLength);
  if (!origin || head.toString('latin1', 0, 4) !== RESAMPLED) return undefined;
  const n = head.readUInt32LE(4);
  const wlen = head.readUInt32LE(8);
  const stats = Object.fromEntries(STAT_FIELDS.map((k, i) => [k, head.readDoubleLE(16 + 8 * i)])) as unknown as DemandStats;
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
  return peak === stats.peak ? { out, warnings, stats, origin } : undefined;
}

/** The cache of one process: a folder, or nothing when turned off or not creatable. */
export class TraceStore {
  private readonly pending = new Set<Promise<unknown>>();
  /** Resampled entries being written on the main thread, by file: an identity links to one once it is there. */
  private readonly writing = new Map<string, Promise<boolean>>();
  private packIndex?: PackIndex;
  private packIndexAt = 0;
  /** A worker thread's pack of what it stores (trace-pack.ts). */
  private pack?: PackWriter;

  private constructor(readonly dir: string, private readonly packed: boolean) {}

  /**
   * The store in `dir`. `packed`: what this thread stores goes into one pack, written whole by
   * finishPack (a trace worker: trace-worker.ts); otherwise one file per entry, on the main
   * thread asynchronously, on any other thread at once.
   */
  static open(dir = traceStoreDir(), opts: { packed?: boolean } = {}): TraceStore | undefined {
    if (!dir) return undefined;
    try {
      fs.mkdirSync(dir, { recursive: true });
      return new TraceStore(dir, opts.packed === true);
    } catch {
      return undefined;
    }
  }

  /**
   * The parsed trace for a file whose identity was seen before, without reading the CSV: a clean
   * parse whose arrays are parsed from the CSV (`reparse`) when first used, which a run that
   * finds its resampled series here never does.
   */
  byIdentity(absPath: string, st: fs.BigIntStats, reparse: () => ParsedTrace): ParsedTrace | undefined {
    const id = identityOf(absPath, st);
    const packed = this.packs().identities.get(id) ?? this.packs(true).identities.get(id);
    if (packed) return new KnownTrace(packed.hash, packed.rows, reparse);
    const file = this.identityFile(id);
    if (!fs.existsSync(file)) return undefined; // a miss without the cost of a thrown ENOENT (see resampled)
    let fd: number | undefined;
    try {
      fd = fs.openSync(file, 'r');
      const head = Buffer.alloc(R_HEADER);
      const got = fs.readSync(fd, head, 0, R_HEADER, 0);
      const origin = originOf(head.subarray(0, got), fs.fstatSync(fd).size);
      return origin && new KnownTrace(origin.hash, origin.rows, reparse);
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }

  /** A resampled series stored under `key` (resampledKey), if any. */
  resampled(key: string): ResampledEntry | undefined {
    const packed = this.packs().resampled.get(key) ?? this.packs(true).resampled.get(key);
    if (packed) {
      try {
        const e = decodeResampled(readPacked(packed));
        if (e) return e;
      } catch {
        /* a pack removed or damaged since its index was read: the entry's own file, if any */
      }
    }
    const file = this.resampledFile(key);
    // the common miss of a cold run answered without a thrown ENOENT (tens of µs for the error
    // object, against 2 µs for the check); an entry removed in between is still caught below
    if (!fs.existsSync(file)) return undefined;
    try {
      return decodeResampled(readShared(file));
    } catch {
      return undefined;
    }
  }

  /**
   * Stores a resampled series under `key`: in a packed store into its pack (trace-pack.ts; seen
   * by readers once finishPack has run), else on the main thread asynchronously (flush, or the
   * process before it exits, waits for it), on another thread at once. Returns whether it was
   * written (false on the main thread, where it is not yet known).
   */
  putResampled(key: string, e: ResampledEntry): boolean {
    if (this.packed) return (this.pack ??= new PackWriter(this.dir)).resampled(key, encodeResampled(e));
    const file = this.resampledFile(key);
    if (!isMainThread) return writeAtomic(file, Buffer.concat(encodeResampled(e)));
    const written = writeAtomicLater(file, encodeResampled(e));
    this.writing.set(file, written);
    this.track(written.finally(() => this.writing.delete(file)));
    return false;
  }

  /**
   * Remembers that the file (at its identity) holds the clean trace with this hash: in a packed
   * store, a record in its pack; else a link to the resampled entry `linkTo` when there is one
   * (on the main thread made once its asynchronous write is done), else an identity entry of its
   * own. Never throws.
   */
  putIdentity(absPath: string, st: fs.BigIntStats, origin: TraceOrigin, linkTo?: string): void {
    if (this.packed) {
      (this.pack ??= new PackWriter(this.dir)).identity(identityOf(absPath, st), origin);
      return;
    }
    const identity = this.identityFile(identityOf(absPath, st));
    const link = () => linkTo !== undefined && replaceVia(identity, (tmp) => fs.linkSync(this.resampledFile(linkTo), tmp));
    if (!isMainThread) {
      if (!link()) writeAtomic(identity, encodeIdentity(origin.hash, origin.rows));
      return;
    }
    const before = linkTo === undefined ? undefined : this.writing.get(this.resampledFile(linkTo));
    this.track((async () => {
      await before;
      if (!link()) await writeAtomicLater(identity, [encodeIdentity(origin.hash, origin.rows)]);
    })());
  }

  /** On a worker thread, when it has stored all it will: its pack is written whole and given its name. */
  finishPack(): void {
    this.pack?.finish();
    this.pack = undefined;
  }

  /** Resolves when every write started so far, and a sweep, has finished. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private identityFile(identity: string): string {
    return path.join(this.dir, `i-${identity}`);
  }

  /**
   * The index of the store's packs, read when first needed, and again after a miss once it is
   * PACK_INDEX_TTL old (a long-lived process, the editor's, sees packs that runs wrote since).
   */
  private packs(afterMiss = false): PackIndex {
    const now = performance.now();
    // the first read of a process keeps the store within its size (at most hourly, on the thread
    // pool; not on a trace worker, part of a run that has a main thread): flush waits for it
    if (!this.packIndex && !this.packed) {
      const sweep = sweepIfDue(this.dir);
      if (sweep) this.track(sweep);
    }
    if (!this.packIndex || (afterMiss && now - this.packIndexAt > PACK_INDEX_TTL_MS)) {
      this.packIndex = readPackIndex(this.dir);
      this.packIndexAt = now;
    }
    return this.packIndex;
  }

  private resampledFile(key: string): string {
    return path.join(this.dir, `r-${key}.bin`);
  }

  private track(done: Promise<unknown>): void {
    this.pending.add(done);
    void done.then(() => this.pending.delete(done));
  }
}

/**
 * A trace known to parse cleanly, by its content hash and row count, whose rows are parsed from
 * the CSV on first use of its arrays: a file known to the store by identity (TraceStore.byIdentity),
 * or one a trace worker has parsed and resampled for the run (trace-prefetch.ts).
 */
export class KnownTrace implements ParsedTrace {
  readonly problems = [];
  private data?: ParsedTrace;

  constructor(readonly hash: string, readonly rows: number, private readonly reparse: () => ParsedTrace) {}

  private get loaded(): ParsedTrace {
    return (this.data ??= this.reparse());
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
