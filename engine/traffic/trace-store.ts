/**
 * An on-disk cache of parsed trace files, so a second run over unchanged traces skips parsing:
 * `$HEADROOM_TRACE_CACHE`, else `$XDG_CACHE_HOME/headroom/traces` (`~/.cache/headroom/traces`);
 * `HEADROOM_TRACE_CACHE=off` turns it off. Safe to delete at any time; never inside a workspace.
 *
 * Entries are keyed by the file's content (SHA-256 of its bytes): `c-<hash>.bin` holds the parsed
 * rows (wall times, values, offset flags) of a trace that parsed without problems. So the CSV
 * need not even be read again, a small index entry maps the file's identity — real path, size,
 * modification and change times in nanoseconds, inode and device, which any write changes — to
 * that hash, as git's index does. A file rewritten with the same bytes (a checkout) misses the
 * identity, is read and hashed, and still hits its content entry. Every write is atomic
 * (temporary file, rename); a damaged entry is treated as absent.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ParsedTrace } from './trace-csv';

const FORMAT = 'HRT1';
const HEADER = 16;

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

function writeAtomic(file: string, data: Uint8Array | string): void {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch {
    try { fs.unlinkSync(tmp); } catch { /* not created */ }
  }
}

function encode(p: ParsedTrace): Buffer {
  const n = p.wall.length;
  const buf = Buffer.alloc(HEADER + 17 * n);
  buf.write(FORMAT, 0, 'latin1');
  buf.writeUInt32LE(n, 4);
  Buffer.from(p.wall.buffer, p.wall.byteOffset, 8 * n).copy(buf, HEADER);
  Buffer.from(p.values.buffer, p.values.byteOffset, 8 * n).copy(buf, HEADER + 8 * n);
  Buffer.from(p.hasOffset.buffer, p.hasOffset.byteOffset, n).copy(buf, HEADER + 16 * n);
  return buf;
}

function decode(buf: Buffer): ParsedTrace | undefined {
  if (buf.length < HEADER || buf.toString('latin1', 0, 4) !== FORMAT) return undefined;
  const n = buf.readUInt32LE(4);
  if (buf.length !== HEADER + 17 * n) return undefined;
  // one aligned copy of the bytes; the three arrays are views on it
  const ab = new ArrayBuffer(buf.length - HEADER);
  new Uint8Array(ab).set(buf.subarray(HEADER));
  return { wall: new Float64Array(ab, 0, n), values: new Float64Array(ab, 8 * n, n), hasOffset: new Uint8Array(ab, 16 * n, n), problems: [] };
}

/** The cache of one process: a folder, or nothing when turned off or not creatable. */
export class TraceStore {
  private constructor(private readonly dir: string) {}

  static open(dir = traceStoreDir()): TraceStore | undefined {
    if (!dir) return undefined;
    try {
      fs.mkdirSync(dir, { recursive: true });
      return new TraceStore(dir);
    } catch {
      return undefined;
    }
  }

  /** The parsed trace for a file whose identity was seen before, without reading the CSV. */
  byIdentity(absPath: string, st: fs.BigIntStats): ParsedTrace | undefined {
    try {
      const hash = fs.readFileSync(path.join(this.dir, `i-${identityOf(absPath, st)}`), 'latin1');
      return /^[0-9a-f]{64}$/.test(hash) ? this.byContent(hash) : undefined;
    } catch {
      return undefined;
    }
  }

  byContent(hash: string): ParsedTrace | undefined {
    try {
      return decode(fs.readFileSync(path.join(this.dir, `c-${hash}.bin`)));
    } catch {
      return undefined;
    }
  }

  /** Remembers a clean parse under its content hash, and the file's identity under that hash. */
  put(absPath: string, st: fs.BigIntStats, hash: string, parsed: ParsedTrace | undefined): void {
    if (parsed) {
      if (parsed.problems.length) return;
      writeAtomic(path.join(this.dir, `c-${hash}.bin`), encode(parsed));
    }
    writeAtomic(path.join(this.dir, `i-${identityOf(absPath, st)}`), hash);
  }
}
