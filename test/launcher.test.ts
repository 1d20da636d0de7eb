/**
 * The `headroom` executable (bin/headroom.js): it runs the bundle with V8's code cache kept per
 * command in HEADROOM_CODE_CACHE, checksummed, and behaves the same with it, without it, with a
 * damaged one, or with none allowed.
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIXTURES, REPO } from './helpers';

const BIN = path.join(REPO, 'bin', 'headroom.js');
const FIX = path.join(FIXTURES, 'toss-hybrid');

function headroom(args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
}

describe('the headroom executable', function () {
  this.timeout(60000);

  it('keeps one code cache file per command, whose first 32 bytes are the SHA-256 of the rest; runs give the same output', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-code-'));
    const first = headroom(['lint', FIX, '--format', 'json'], { HEADROOM_CODE_CACHE: dir });
    assert.equal(first.status, 0, first.stderr);
    const files = fs.readdirSync(dir);
    assert.equal(files.length, 1);
    assert.match(files[0], /^cli-[0-9a-f]{40}-lint\.bin$/);
    const bytes = fs.readFileSync(path.join(dir, files[0]));
    assert.ok(bytes.length > 1000);
    assert.deepEqual(bytes.subarray(0, 32), createHash('sha256').update(bytes.subarray(32)).digest());
    const second = headroom(['lint', FIX, '--format', 'json'], { HEADROOM_CODE_CACHE: dir });
    assert.equal(second.stdout, first.stdout);
    assert.equal(second.status, 0);
    // the file was used, not written again
    assert.deepEqual(fs.readFileSync(path.join(dir, files[0])), bytes);
    const other = headroom(['--version'], { HEADROOM_CODE_CACHE: dir });
    assert.equal(other.status, 0);
    assert.deepEqual(fs.readdirSync(dir).sort(), [files[0], files[0].replace('-lint.bin', '-other.bin')].sort());
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a damaged or truncated cache file is not given to V8: the run is the same, and the file is written again', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-code-'));
    const clean = headroom(['lint', FIX, '--format', 'json'], { HEADROOM_CODE_CACHE: dir });
    const file = path.join(dir, fs.readdirSync(dir)[0]);
    const good = fs.readFileSync(file);
    for (const bad of [Buffer.concat([good.subarray(0, 5000), Buffer.from('XXXX'), good.subarray(5004)]), good.subarray(0, good.length >> 1), Buffer.alloc(10)]) {
      fs.writeFileSync(file, bad);
      const r = headroom(['lint', FIX, '--format', 'json'], { HEADROOM_CODE_CACHE: dir });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, clean.stdout);
      const again = fs.readFileSync(file);
      assert.deepEqual(again.subarray(0, 32), createHash('sha256').update(again.subarray(32)).digest(), 'written again whole');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writing a new file drops other bundles\' files a week old and temporary files an hour old; nothing else', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-code-'));
    const aged = (name: string, seconds: number) => {
      fs.writeFileSync(path.join(dir, name), 'x');
      const at = Date.now() / 1000 - seconds;
      fs.utimesSync(path.join(dir, name), at, at);
    };
    const other = (c: string) => `cli-${c.repeat(40)}-lint.bin`;
    aged(other('a'), 8 * 86400); // another bundle's, 8 days old: dropped
    aged(other('b'), 6 * 86400); // 6 days old: kept (that version may still be in use)
    aged(`${other('c')}.123.tmp`, 2 * 3600); // a killed run's temporary file: dropped
    aged(`${other('d')}.124.tmp`, 60); // one being written: kept
    aged('notes.txt', 30 * 86400); // not the launcher's: kept
    const r = headroom(['lint', FIX], { HEADROOM_CODE_CACHE: dir });
    assert.equal(r.status, 0, r.stderr);
    const names = fs.readdirSync(dir);
    const mine = names.filter((n) => /^cli-[0-9a-f]{40}-lint\.bin$/.test(n) && n !== other('b'));
    assert.equal(mine.length, 1, names.join(', '));
    assert.deepEqual(names.sort(), [mine[0], other('b'), `${other('d')}.124.tmp`, 'notes.txt'].sort());
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('HEADROOM_CODE_CACHE=off writes nothing, and the default folder is under XDG_CACHE_HOME', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-xdg-'));
    const off = headroom(['lint', FIX], { HEADROOM_CODE_CACHE: 'off', XDG_CACHE_HOME: home });
    assert.equal(off.status, 0, off.stderr);
    assert.deepEqual(fs.readdirSync(home), []);
    const env: Record<string, string> = { XDG_CACHE_HOME: home, HEADROOM_CODE_CACHE: '' };
    const on = headroom(['lint', FIX], env);
    assert.equal(on.status, 0, on.stderr);
    assert.equal(fs.readdirSync(path.join(home, 'headroom', 'code')).length, 1);
    fs.rmSync(home, { recursive: true, force: true });
  });
});
