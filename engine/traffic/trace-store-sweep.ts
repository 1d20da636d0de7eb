/**
 * Keeps the trace store (trace-store.ts), a cache, within a size. Entries are keyed by content,
 * so nothing ever replaces them: a trace edited every day, or a horizon moved, leaves its old
 * entries behind. At most once an hour (the modification time of the store's `.swept` marker),
 * the first process to read the store sweeps it, on the thread pool while its run goes on, as
 * ccache and pip bound theirs:
 *
 * - files of an earlier layout (a letter, a dash and 64 hex digits other than the `r-`, `i-` and
 *   `y-` entries read now) are removed, and so are temporary files an hour old: an entry's or a
 *   pack's whose process was killed while writing it (a newer one may still be being written);
 * - when what is left passes the limit, `HEADROOM_TRACE_CACHE_MAX` (bytes, or a number with KiB,
 *   MiB, GiB or TiB; default 2 GiB), the entries written longest ago are removed until it is
 *   within three quarters of it. Names linked to one file (an identity and the resampled entry
 *   it links to) count once and go together;
 * - so do entries past MAX_ENTRIES names, down to three quarters of that: identity entries are
 *   80 bytes, so size alone would let them pile up, and every run lists the folder (trace-pack.ts
 *   finds the packs so): 7,700 names took 5–18 ms to list on the development VM.
 *
 * Only names the store makes are ever touched, so a mistaken HEADROOM_TRACE_CACHE (a home folder,
 * say) loses no file of its own. A process reading an entry another removes meanwhile treats it
 * as absent, as it does a damaged one.
 */
import * as fs from 'fs';
import * as path from 'path';
import { sizeFromEnv } from '../model/limits';

export const SWEEP_EVERY_MS = 3600_000;
export const DEFAULT_STORE_BYTES = 2 * 1024 ** 3;
export const MAX_ENTRIES = 10_000;
const MARKER = '.swept';

/** An entry read now: a resampled series (`r-<key>.bin`), a file identity (`i-<identity>`), a pack, or a YAML file's documents (`y-<key>.json`: model/document-cache.ts). */
const CURRENT = /^(?:r-[0-9a-f]{64}\.bin|i-[0-9a-f]{64}|pack-[0-9a-z-]+\.hrp|y-[0-9a-f]{64}\.json)$/;
/** An entry of an earlier layout of the store. */
const EARLIER = /^[a-z]-[0-9a-f]{64}(?:\.bin)?$/;
/** A temporary file: an entry's (model/cache-files.ts, tempFor: its name, pid, a random part) or a pack's (trace-pack.ts). */
const TEMPORARY = /^(?:[a-z]-[0-9a-f]{64}(?:\.bin|\.json)?\.\d+\.[0-9a-z]+|pack-[0-9a-z-]+\.hrp)\.tmp$/;

/** What the store makes of a name: an entry read now, an earlier layout's, a temporary file, or none of its own. */
function kindOf(name: string): 'current' | 'earlier' | 'temporary' | undefined {
  return CURRENT.test(name) ? 'current' : EARLIER.test(name) ? 'earlier' : TEMPORARY.test(name) ? 'temporary' : undefined;
}

export interface SweepResult {
  /** Names removed. */
  removed: number;
  /** Bytes those removals gave back. */
  freedBytes: number;
  /** Bytes the store's entries take after the sweep. */
  keptBytes: number;
}

/** HEADROOM_TRACE_CACHE_MAX, else DEFAULT_STORE_BYTES. A malformed value is an error that names it. */
export function storeLimit(env: NodeJS.ProcessEnv = process.env): number {
  return sizeFromEnv('HEADROOM_TRACE_CACHE_MAX', env) ?? DEFAULT_STORE_BYTES;
}

/**
 * Sweeps the store when its last sweep is SWEEP_EVERY_MS old or there was none: the marker is
 * claimed at once, so processes started together rarely both sweep, and the sweep itself runs on
 * the thread pool (fs.promises), so no thread waits for it, the editor's included; it never
 * rejects. Undefined when not due, or when the limit is malformed (the CLI reports that before
 * any run) or the folder not writable.
 */
export function sweepIfDue(dir: string, now = Date.now(), env: NodeJS.ProcessEnv = process.env): Promise<SweepResult> | undefined {
  const marker = path.join(dir, MARKER);
  try {
    if (now - fs.statSync(marker).mtimeMs < SWEEP_EVERY_MS) return undefined;
  } catch {
    /* never swept */
  }
  let limit: number;
  try {
    limit = storeLimit(env);
    fs.writeFileSync(marker, '');
  } catch {
    return undefined;
  }
  return sweepStore(dir, limit, now);
}

interface Held { names: string[]; bytes: number; writtenAt: number }

/** Files looked at a batch at a time, not one promise per name at once. */
const BATCH = 64;

/** One sweep (see the header): earlier layouts and old temporaries out, then the oldest entries past the limits. */
export async function sweepStore(dir: string, limitBytes: number, now = Date.now(), maxEntries = MAX_ENTRIES): Promise<SweepResult> {
  const out: SweepResult = { removed: 0, freedBytes: 0, keptBytes: 0 };
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch {
    return out;
  }
  const remove = async (list: readonly string[]): Promise<boolean> => {
    let all = true;
    for (const n of list) {
      try {
        await fs.promises.unlink(path.join(dir, n));
        out.removed++;
      } catch {
        all = false; // gone already, or not ours to remove
      }
    }
    return all;
  };
  // only names the store makes
  const ours = names.flatMap((name) => {
    const kind = kindOf(name);
    return kind ? [{ name, kind }] : [];
  });
  const files = new Map<string, Held>(); // by device and inode: linked names are one file
  for (let i = 0; i < ours.length; i += BATCH) {
    const batch = ours.slice(i, i + BATCH);
    const stats = await Promise.all(batch.map((o) => fs.promises.lstat(path.join(dir, o.name)).catch(() => undefined)));
    for (let k = 0; k < batch.length; k++) {
      const { name, kind } = batch[k];
      const st = stats[k];
      if (!st?.isFile()) continue;
      if (kind !== 'current') {
        if ((kind === 'earlier' || now - st.mtimeMs > SWEEP_EVERY_MS) && (await remove([name])) && st.nlink <= 1) out.freedBytes += st.size;
        continue;
      }
      const id = `${st.dev}:${st.ino}`;
      const held = files.get(id);
      if (held) held.names.push(name);
      else files.set(id, { names: [name], bytes: st.size, writtenAt: st.mtimeMs });
    }
  }
  let keptNames = 0;
  for (const f of files.values()) {
    out.keptBytes += f.bytes;
    keptNames += f.names.length;
  }
  const overSize = out.keptBytes > limitBytes;
  const overCount = keptNames > maxEntries;
  if (!overSize && !overCount) return out;
  // oldest first; ties by name, so the order is the same on every machine
  const oldest = [...files.values()].sort((a, b) => a.writtenAt - b.writtenAt || (a.names[0] < b.names[0] ? -1 : 1));
  for (const f of oldest) {
    if ((!overSize || out.keptBytes <= 0.75 * limitBytes) && (!overCount || keptNames <= 0.75 * maxEntries)) break;
    if (!(await remove(f.names))) continue;
    out.keptBytes -= f.bytes;
    out.freedBytes += f.bytes;
    keptNames -= f.names.length;
  }
  return out;
}
