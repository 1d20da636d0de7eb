/**
 * Atomic writes of a cache folder's entries (the trace store, trace-store.ts; the document
 * cache, document-cache.ts): each entry is made under a temporary name beside it, unique to the
 * process and the write (`<entry>.<pid>.<random>.tmp`, the name trace-store-sweep.ts removes
 * once an hour old), then renamed over it, so a reader sees a whole entry or none. A failure
 * leaves nothing behind and is reported as false, never thrown: a cache that cannot be written
 * costs the work again, nothing else.
 */
import * as fs from 'fs';

/** A temporary name beside `file`, unique to this process and write, renamed over it when written whole. */
function tempFor(file: string): string {
  return `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
}

/** Makes `file` under a temporary name with `make`, then renames it over `file`; false (and nothing left) on any failure. */
export function replaceVia(file: string, make: (tmp: string) => void): boolean {
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

export function writeAtomic(file: string, data: Uint8Array | string): boolean {
  return replaceVia(file, (tmp) => fs.writeFileSync(tmp, data));
}

/**
 * An async atomic write of the pieces in order: the caller goes on (the replay) while the thread
 * pool writes. The pieces must not change until it is done (the caches' writes are awaited by
 * their flush, and by the process before it exits).
 */
export async function writeAtomicLater(file: string, pieces: Uint8Array[]): Promise<boolean> {
  return replaceLater(file, async (tmp) => {
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
