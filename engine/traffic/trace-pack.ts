/**
 * Packs of trace store entries (trace-store.ts): what one trace worker stores in a run, in one
 * file instead of two per trace. Creating a file cost about 230 µs of kernel time on the
 * development VM, and a cold run over 1,000 traces spent 0.7 s of it on two thousand store
 * files (1.75 s against 1.26 s with no store writes at all); a pack is one file per worker.
 *
 * Layout: "HRP1" and 4 bytes unused; the entries, each a resampled entry's bytes as a single
 * `r-` file holds them (trace-store.ts, encodeResampled); the index, INDEX_RECORD bytes per
 * entry; and the trailer: the index's offset (float64), its record count (uint32), "HRPE".
 * An index record is "R" (a resampled entry: its byte length, its offset as a float64, its key)
 * or "I" (a file identity: the trace's row count, its identity, its content hash), keys and
 * hashes as 32 raw bytes. A pack is written under a temporary name and renamed when whole, so
 * a reader sees all of it or none (a temporary left by a killed worker goes in the store's sweep:
 * trace-store-sweep.ts); one whose trailer or index does not fit its size is skipped.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { TraceOrigin } from './trace-store';

const MAGIC = 'HRP1';
const END = 'HRPE';
const INDEX_RECORD = 80;
const TRAILER = 16;
/** Packs kept in a store: past this, the oldest are deleted when the store is first read (the store is a cache). */
export const MAX_PACKS = 64;

/** Where a resampled entry is: its pack, byte offset and length. */
export interface PackedEntry { file: string; offset: number; length: number }

/** What the packs of a store hold: resampled entries by key, file identities by identity key. */
export interface PackIndex {
  resampled: Map<string, PackedEntry>;
  identities: Map<string, TraceOrigin>;
}

export function isPackName(name: string): boolean {
  return name.startsWith('pack-') && name.endsWith('.hrp');
}

/** Appends entries to a temporary file as they come; `finish` writes the index and gives the pack its name. */
export class PackWriter {
  private fd: number | undefined;
  /** Set when a write failed: the pack is given up, and what comes after is not stored. */
  private failed = false;
  private offset = 8;
  private readonly index: Buffer[] = [];
  private readonly tmp: string;
  private readonly file: string;

  constructor(dir: string) {
    const id = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    this.file = path.join(dir, `pack-${id}.hrp`);
    this.tmp = `${this.file}.tmp`;
  }

  /** Appends a resampled entry (its pieces, as encodeResampled gives them); false if the pack cannot be written. */
  resampled(key: string, pieces: Uint8Array[]): boolean {
    const fd = this.open();
    if (fd === undefined) return false;
    let length = 0;
    try {
      for (const p of pieces) {
        fs.writeSync(fd, p, 0, p.length, this.offset + length);
        length += p.length;
      }
    } catch {
      this.abandon();
      return false;
    }
    const r = Buffer.alloc(INDEX_RECORD);
    r.write('R', 0, 'latin1');
    r.writeUInt32LE(length, 4);
    r.writeDoubleLE(this.offset, 8);
    r.write(key, 16, 'hex');
    this.index.push(r);
    this.offset += length;
    return true;
  }

  /** Records that the file with this identity key holds the clean trace `origin`. */
  identity(identity: string, origin: TraceOrigin): void {
    if (this.open() === undefined) return;
    const r = Buffer.alloc(INDEX_RECORD);
    r.write('I', 0, 'latin1');
    r.writeUInt32LE(origin.rows, 4);
    r.write(identity, 16, 'hex');
    r.write(origin.hash, 48, 'hex');
    this.index.push(r);
  }

  /** Writes the index and the trailer and renames the pack into place; nothing is left on failure. */
  finish(): void {
    const fd = this.fd;
    if (fd === undefined) return;
    this.fd = undefined;
    try {
      const trailer = Buffer.alloc(TRAILER);
      trailer.writeDoubleLE(this.offset, 0);
      trailer.writeUInt32LE(this.index.length, 8);
      trailer.write(END, 12, 'latin1');
      fs.writeSync(fd, Buffer.concat([...this.index, trailer]), 0, undefined, this.offset);
      fs.closeSync(fd);
      fs.renameSync(this.tmp, this.file);
    } catch {
      try { fs.closeSync(fd); } catch { /* closed */ }
      try { fs.unlinkSync(this.tmp); } catch { /* not there */ }
    }
  }

  private open(): number | undefined {
    if (this.fd !== undefined) return this.fd;
    if (this.failed) return undefined;
    try {
      this.fd = fs.openSync(this.tmp, 'wx');
      const head = Buffer.alloc(8);
      head.write(MAGIC, 0, 'latin1');
      fs.writeSync(this.fd, head, 0, 8, 0);
      return this.fd;
    } catch {
      this.abandon();
      return undefined;
    }
  }

  private abandon(): void {
    if (this.fd !== undefined) {
      try { fs.closeSync(this.fd); } catch { /* closed */ }
      try { fs.unlinkSync(this.tmp); } catch { /* not there */ }
    }
    this.fd = undefined;
    this.failed = true;
  }
}

/**
 * The index of every pack in the folder; past MAX_PACKS, the oldest packs are deleted first. A
 * pack that cannot be read, or whose trailer or index does not fit its size, is skipped.
 */
export function readPackIndex(dir: string): PackIndex {
  const index: PackIndex = { resampled: new Map(), identities: new Map() };
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return index;
  }
  let packs = names.filter(isPackName).map((n) => path.join(dir, n));
  if (packs.length > MAX_PACKS) packs = evictOldest(packs);
  for (const file of packs) readOne(file, index);
  return index;
}

function evictOldest(packs: string[]): string[] {
  const aged = packs.map((file) => {
    try {
      return { file, at: fs.statSync(file).mtimeMs };
    } catch {
      return { file, at: -Infinity };
    }
  }).sort((a, b) => b.at - a.at || (a.file < b.file ? -1 : 1));
  for (const { file } of aged.slice(MAX_PACKS)) {
    try { fs.unlinkSync(file); } catch { /* gone already */ }
  }
  return aged.slice(0, MAX_PACKS).map((a) => a.file);
}

function readOne(file: string, index: PackIndex): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    if (size < 8 + TRAILER) return;
    const trailer = Buffer.alloc(TRAILER);
    fs.readSync(fd, trailer, 0, TRAILER, size - TRAILER);
    const at = trailer.readDoubleLE(0);
    const count = trailer.readUInt32LE(8);
    if (trailer.toString('latin1', 12, 16) !== END || !Number.isInteger(at) || at < 8 || at + count * INDEX_RECORD + TRAILER !== size) return;
    const records = Buffer.alloc(count * INDEX_RECORD);
    if (fs.readSync(fd, records, 0, records.length, at) !== records.length) return;
    for (let k = 0; k < count; k++) {
      const r = records.subarray(k * INDEX_RECORD, (k + 1) * INDEX_RECORD);
      const kind = r.toString('latin1', 0, 1);
      const key = r.toString('hex', 16, 48);
      if (kind === 'R') {
        const length = r.readUInt32LE(4);
        const offset = r.readDoubleLE(8);
        if (Number.isInteger(offset) && offset >= 8 && offset + length <= at) index.resampled.set(key, { file, offset, length });
      } else if (kind === 'I') index.identities.set(key, { hash: r.toString('hex', 48, 80), rows: r.readUInt32LE(4) });
    }
  } catch {
    /* unreadable: skipped */
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The bytes of a packed entry in fresh, 8-byte-aligned shared memory (as the store reads an entry of its own). */
export function readPacked(e: PackedEntry): ArrayBuffer {
  return readShared(e.file, e.offset, e.length);
}

/**
 * `length` bytes of a file from `offset` (to its end when no length is given) in fresh,
 * 8-byte-aligned shared memory: a Buffer from readFileSync may sit at any offset of a shared pool,
 * and a split replay's worker reads a resampled series in place (split-replay.ts). Empty when the
 * file holds fewer bytes.
 */
export function readShared(file: string, offset = 0, length?: number): ArrayBuffer {
  const fd = fs.openSync(file, 'r');
  try {
    const size = length ?? fs.fstatSync(fd).size - offset;
    const ab = new SharedArrayBuffer(size) as unknown as ArrayBuffer;
    const view = new Uint8Array(ab);
    let at = 0;
    while (at < size) {
      const n = fs.readSync(fd, view, at, size - at, offset + at);
      if (n === 0) break;
      at += n;
    }
    return at === size ? ab : new ArrayBuffer(0);
  } finally {
    fs.closeSync(fd);
  }
}
