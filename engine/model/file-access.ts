/**
 * Reading input files and writing output files safely, for every command.
 *
 * Reading: only regular files are read (a FIFO would block forever, /dev/zero would fill memory,
 * a folder is not a file); the type is checked before opening, the file is opened non-blocking
 * and checked again on its descriptor (so a file swapped for a FIFO in between cannot hang the
 * read), and at most `maxBytes` are read whatever the file claims its size is. Text must be
 * UTF-8: a UTF-16 or otherwise undecodable file is an error, never silently skipped.
 *
 * Writing (`--out`): the destination is checked before the run starts (its folder exists, it is
 * not a folder, a device, a FIFO or a socket, the folder is writable) by creating the temporary
 * file next to it; at the end the content goes to that temporary file, which takes the mode of
 * the file it replaces and is renamed over it. A symlink is followed, as a shell's `>` does: its
 * target is replaced and the link is kept. The temporary file is removed on every path out
 * (failure, exception, SIGINT/SIGTERM), so nothing is half-written or left behind.
 */
import * as fs from 'fs';
import * as path from 'path';

export type ReadFailure = { ok: false; kind: 'missing' | 'not-regular' | 'too-large' | 'unreadable' | 'not-utf8'; message: string };
export type ReadResult = { ok: true; text: string } | ReadFailure;

/** What a file that is not a regular file is, in words. */
export function fileKind(st: fs.Stats | fs.BigIntStats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8 (a BOM is dropped); undefined for bytes that are not UTF-8, or UTF-16 with a BOM. */
export function decodeUtf8(buf: Uint8Array): string | undefined {
  if (buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) return undefined;
  try {
    const s = decoder.decode(buf);
    return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
  } catch {
    return undefined;
  }
}

/** Reads a regular file of at most maxBytes bytes as UTF-8 text. */
export function readRegularFile(file: string, maxBytes: number): ReadResult {
  const bytes = readRegularBytes(file, maxBytes);
  if (!bytes.ok) return bytes;
  const text = decodeUtf8(bytes.data);
  if (text === undefined) return { ok: false, kind: 'not-utf8', message: 'is not UTF-8 text (save it as UTF-8; UTF-16 and other encodings are not read)' };
  return { ok: true, text };
}

/**
 * A buffer one caller reads file after file into (readRegularBytes), so that reading many files
 * does not leave a buffer per file for the collector; what is read is valid until the next read.
 */
export class ReadScratch {
  buf = Buffer.alloc(0);
  constructor(readonly keepUpTo: number) {}
}

export function readRegularBytes(file: string, maxBytes: number, scratch?: ReadScratch): { ok: true; data: Buffer } | ReadFailure {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? { ok: false, kind: 'missing', message: 'no such file' } : { ok: false, kind: 'unreadable', message: code ?? String(e) };
  }
  if (!st.isFile()) return { ok: false, kind: 'not-regular', message: `is ${fileKind(st)}, not a regular file` };
  const tooLarge = (): ReadFailure => ({ ok: false, kind: 'too-large', message: `is larger than ${formatBytes(maxBytes)}, the most Headroom reads from one file` });
  if (st.size > maxBytes) return tooLarge();
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    return { ok: false, kind: 'unreadable', message: (e as NodeJS.ErrnoException).code ?? String(e) };
  }
  try {
    const fst = fs.fstatSync(fd);
    if (!fst.isFile()) return { ok: false, kind: 'not-regular', message: `is ${fileKind(fst)}, not a regular file` };
    // read to the cap, not to the size stat reported: a file can grow while it is read. The first
    // read asks for one byte more than the size, so a file that did not grow is read whole in one
    // buffer, kept as it is (a short read of a regular file is its end); past that, 1 MiB pieces.
    const chunks: Buffer[] = [];
    let total = 0;
    let want = fst.size + 1;
    for (;;) {
      const size = Math.max(1, Math.min(want, maxBytes + 1 - total));
      let buf: Buffer;
      if (scratch && total === 0 && size <= scratch.keepUpTo) {
        if (scratch.buf.length < size) scratch.buf = Buffer.allocUnsafe(Math.min(scratch.keepUpTo, Math.max(size, 2 * scratch.buf.length)));
        buf = scratch.buf.subarray(0, size);
      } else buf = Buffer.allocUnsafe(size);
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n > 0) chunks.push(n === buf.length ? buf : buf.subarray(0, n));
      total += n;
      if (total > maxBytes) return tooLarge();
      if (n < buf.length) break;
      want = 1 << 20;
    }
    return { ok: true, data: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total) };
  } catch (e) {
    return { ok: false, kind: 'unreadable', message: (e as NodeJS.ErrnoException).code ?? String(e) };
  } finally {
    fs.closeSync(fd);
  }
}

export function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GiB`;
  return n >= 1048576 ? `${(n / 1048576).toFixed(0)} MiB` : `${n} bytes`;
}

/** The destination of --out could not be used; the message says why (exit code 2). */
export class OutputError extends Error {}

const pending = new Set<string>();
let hooked = false;
function cleanupOnExit(): void {
  if (hooked) return;
  hooked = true;
  const clean = () => {
    for (const t of pending) {
      try { fs.unlinkSync(t); } catch { /* already gone */ }
    }
    pending.clear();
  };
  process.on('exit', clean);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      clean();
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
    });
  }
}

/** An --out destination, checked and reserved before the run; write() or discard() ends it. */
export class OutputFile {
  private done = false;

  private constructor(readonly target: string, private readonly tmp: string, private readonly mode: number | undefined, private readonly fd: number) {}

  /** Checks the destination and creates the temporary file beside it; throws OutputError. */
  static open(file: string, shown = file): OutputFile {
    let target = file;
    let mode: number | undefined;
    try {
      target = fs.realpathSync(file); // a symlink: its target (the link itself is kept)
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new OutputError(`--out ${shown}: ${code ?? String(e)}`);
      try {
        // a dangling symlink: write where it points, as `>` does
        const link = fs.readlinkSync(file);
        target = path.resolve(path.dirname(file), link);
      } catch { /* not a link: a new file */ }
    }
    try {
      const st = fs.statSync(target);
      if (!st.isFile()) throw new OutputError(`--out ${shown}: is ${fileKind(st)}; --out writes only regular files`);
      mode = st.mode & 0o7777;
    } catch (e) {
      if (e instanceof OutputError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new OutputError(`--out ${shown}: ${code ?? String(e)}`);
    }
    const dir = path.dirname(target);
    let dst: fs.Stats;
    try {
      dst = fs.statSync(dir);
    } catch {
      throw new OutputError(`--out ${shown}: folder ${dir} does not exist`);
    }
    if (!dst.isDirectory()) throw new OutputError(`--out ${shown}: ${dir} is not a folder`);
    const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Date.now().toString(36)}.tmp`);
    let fd: number;
    try {
      fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, mode ?? 0o666);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'EROFS' ? 'the file system is read-only' : code === 'EACCES' || code === 'EPERM' ? 'no permission to write there' : code ?? String(e);
      throw new OutputError(`--out ${shown}: cannot write in ${dir} (${why})`);
    }
    cleanupOnExit();
    pending.add(tmp);
    return new OutputFile(target, tmp, mode, fd);
  }

  /** Writes the content and renames it over the destination; throws OutputError (temporary file removed). */
  write(content: string): void {
    if (this.done) throw new Error('output already written');
    try {
      fs.writeFileSync(this.fd, content);
      if (this.mode !== undefined) fs.fchmodSync(this.fd, this.mode);
      fs.fsyncSync(this.fd);
      fs.closeSync(this.fd);
      this.done = true;
      fs.renameSync(this.tmp, this.target);
      pending.delete(this.tmp);
    } catch (e) {
      this.discard();
      throw new OutputError(`--out ${this.target}: writing failed (${(e as NodeJS.ErrnoException).code ?? String(e)}); the file was left as it was`);
    }
  }

  /** Removes the temporary file; the destination is untouched. */
  discard(): void {
    if (!this.done) {
      try { fs.closeSync(this.fd); } catch { /* closed */ }
      this.done = true;
    }
    if (!pending.has(this.tmp)) return; // written and renamed
    try { fs.unlinkSync(this.tmp); } catch { /* gone */ }
    pending.delete(this.tmp);
  }
}
