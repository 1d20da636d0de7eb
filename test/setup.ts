/**
 * Loaded before every test file (.mocharc.json "require"): the on-disk trace cache and the
 * executable's code cache (bin/headroom.js) go to temporary folders of this run, removed at the
 * end, so tests neither read a stale cache left on the machine nor leave one behind.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

if (!process.env.HEADROOM_TRACE_CACHE) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-test-traces-'));
  process.env.HEADROOM_TRACE_CACHE = dir;
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
}

if (!process.env.HEADROOM_CODE_CACHE) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-test-code-'));
  process.env.HEADROOM_CODE_CACHE = dir;
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
}
