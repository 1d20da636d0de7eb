/**
 * Hostile and careless file arguments (issue: nothing lost, nothing hangs): --out never replaces
 * a device, FIFO or folder, follows a symlink to its target, keeps the mode, leaves no temporary
 * file, and fails before the run; inputs that are FIFOs, devices or symlinks out of the
 * workspace are refused by type, never opened for a blocking or endless read; non-UTF-8 YAML is
 * a located error, not skipped.
 */
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ReadScratch, readRegularBytes } from '../engine/model/file-access';
import { run } from './cli-lint.test';
import { tempWorkspace } from './helpers';
import { constWorkload, placement, scenario, smallPrivate } from './sim-helpers';

const isRoot = process.getuid?.() === 0;
const ws = () => tempWorkspace({ 's.yaml': smallPrivate('dc', 2), 'w.yaml': constWorkload('api', 10), 'p.yaml': placement('api: { shares: { dc: 100 } }'), 'sc.yaml': scenario() });
const leftovers = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));

describe('--out safety', () => {
  it('writes through a symlink to its target and keeps the link', async () => {
    const dir = ws();
    fs.writeFileSync(path.join(dir, 'real.json'), 'old');
    fs.symlinkSync('real.json', path.join(dir, 'link.json'));
    const r = await run(['simulate', '.', '--json', '--out', 'link.json'], dir);
    assert.equal(r.code, 0, r.err);
    assert.ok(fs.lstatSync(path.join(dir, 'link.json')).isSymbolicLink());
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'real.json'), 'utf8')).reportVersion, 1);
    assert.deepEqual(leftovers(dir), []);
  });

  it('keeps the mode of the file it replaces (0600 stays 0600)', async () => {
    const dir = ws();
    const f = path.join(dir, 'r.json');
    fs.writeFileSync(f, 'old', { mode: 0o600 });
    fs.chmodSync(f, 0o600);
    assert.equal((await run(['simulate', '.', '--json', '--out', 'r.json'], dir)).code, 0);
    assert.equal(fs.statSync(f).mode & 0o777, 0o600);
  });

  it('refuses a FIFO, a folder, a missing folder and /proc before the run, with one line and exit 2', async () => {
    const dir = ws();
    execFileSync('mkfifo', [path.join(dir, 'pipe')]);
    fs.mkdirSync(path.join(dir, 'folder'));
    const cases: [string, RegExp][] = [
      ['pipe', /--out pipe: is a FIFO \(named pipe\); --out writes only regular files/],
      ['folder', /--out folder: is a folder; --out writes only regular files/],
      ['nowhere/r.json', /folder .*nowhere does not exist/],
      ['/proc/self/headroom.json', /cannot write in \/proc/],
    ];
    for (const [out, message] of cases) {
      const r = await run(['simulate', '.', '--json', '--out', out], dir);
      assert.equal(r.code, 2, `${out}: ${r.err}`);
      assert.match(r.err, message);
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
      assert.equal(r.out, '');
    }
    assert.ok(fs.statSync(path.join(dir, 'pipe')).isFIFO());
    assert.ok(fs.statSync(path.join(dir, 'folder')).isDirectory());
    assert.deepEqual(leftovers(dir), []);
  });

  it('never turns a device node into a regular file', async function () {
    if (!isRoot) this.skip(); // mknod needs root; CI runs as root
    const dir = ws();
    const dev = path.join(dir, 'null');
    execFileSync('mknod', [dev, 'c', '1', '3']); // a private copy of /dev/null
    const r = await run(['simulate', '.', '--json', '--out', dev], dir);
    assert.equal(r.code, 2);
    assert.match(r.err, /is a character device; --out writes only regular files/);
    assert.ok(fs.statSync(dev).isCharacterDevice());
    assert.deepEqual(leftovers(dir), []);
  });

  it('writes nothing and leaves no temporary file when the run fails', async () => {
    const dir = ws();
    fs.writeFileSync(path.join(dir, 'p.yaml'), placement('api: { shares: { dc: 90 } }'));
    fs.writeFileSync(path.join(dir, 'r.json'), 'before');
    const r = await run(['simulate', '.', '--json', '--out', 'r.json'], dir);
    assert.equal(r.code, 1);
    assert.equal(fs.readFileSync(path.join(dir, 'r.json'), 'utf8'), 'before');
    assert.deepEqual(leftovers(dir), []);
  });
});

describe('special input files', () => {
  it('a FIFO as PATH, a YAML symlink to a FIFO and a trace that is a FIFO are refused without blocking', async () => {
    const dir = ws();
    execFileSync('mkfifo', [path.join(dir, 'fifo.yaml')]);
    const asPath = await run(['lint', 'fifo.yaml'], dir);
    assert.equal(asPath.code, 2);
    assert.match(asPath.err, /fifo\.yaml: is a FIFO \(named pipe\), not a regular file/);
    const folder = await run(['lint', '.'], dir); // found by the folder walk through a symlink
    fs.unlinkSync(path.join(dir, 'fifo.yaml'));
    execFileSync('mkfifo', [path.join(dir, 'pipe')]);
    fs.symlinkSync('pipe', path.join(dir, 'link.yaml'));
    const viaLink = await run(['lint', '.'], dir);
    assert.equal(viaLink.code, 2, viaLink.err);
    assert.match(viaLink.err, /link\.yaml: is a FIFO/);
    assert.ok(folder.code === 0 || folder.code === 2); // a FIFO in a folder is not a YAML file the walk reads
    fs.unlinkSync(path.join(dir, 'link.yaml'));
    fs.writeFileSync(path.join(dir, 'w.yaml'), constWorkload('api', 10).replace('traffic: { synthetic: { baseline: 10 } }', 'traffic: { trace: pipe }'));
    const trace = await run(['lint', '.'], dir);
    assert.equal(trace.code, 1);
    assert.match(trace.out, /w\.yaml:\d+:\d+: error: trace "pipe" cannot be read \(is a FIFO \(named pipe\), not a CSV file\) \[trace-unreadable\]/);
  });

  it('a YAML symlink out of the workspace (to /dev/zero) is not read', async () => {
    const dir = ws();
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.yaml'));
    const r = await run(['lint', '.'], dir);
    assert.equal(r.code, 1);
    assert.match(r.out, /zero\.yaml:1:1: error: zero\.yaml is a symlink to \/dev\/zero, outside the workspace; it was not read \[file-outside-workspace\]/);
  });

  it('import refuses a device as input with exit 2', async () => {
    const dir = tempWorkspace({ 'f.json': '[]' });
    const r = await run(['import', 'openstack', '--hypervisors', '/dev/zero', '--flavors', 'f.json'], dir);
    assert.equal(r.code, 2);
    assert.match(r.err, /\/dev\/zero: is a character device, not a regular file/);
  });

  it('a UTF-16 YAML file is a located error, not skipped', async () => {
    const dir = ws();
    const text = '\ufeff' + scenario().replace('name: default', 'name: other');
    fs.writeFileSync(path.join(dir, 'utf16.yaml'), Buffer.from(text, 'utf16le'));
    const r = await run(['lint', '.'], dir);
    assert.equal(r.code, 1);
    assert.match(r.out, /utf16\.yaml:1:1: error: utf16\.yaml is not UTF-8 text .* \[file-encoding\]/);
  });
});

describe('reading many files through one scratch buffer', () => {
  it('each read gives that file\'s bytes whole, the buffer grows as needed, and a file over its limit gets a buffer of its own', () => {
    const dir = tempWorkspace({ 'a.csv': 'x'.repeat(10), 'b.csv': 'y'.repeat(3000), 'c.csv': 'z'.repeat(5000), 'd.csv': 'w'.repeat(20) });
    const scratch = new ReadScratch(4096);
    const read = (f: string) => {
      const r = readRegularBytes(path.join(dir, f), 1 << 20, scratch);
      assert.ok(r.ok);
      return r.data;
    };
    assert.equal(read('a.csv').toString(), 'x'.repeat(10));
    // 3,000 bytes + the one more the first read asks for: the scratch grows to 3,001 (twice 11 is less)
    assert.equal(read('b.csv').toString(), 'y'.repeat(3000));
    assert.equal(scratch.buf.length, 3001);
    // 5,001 is over the 4,096 kept: a buffer of its own, and the scratch stays as it was
    const c = read('c.csv');
    assert.equal(c.toString(), 'z'.repeat(5000));
    assert.notEqual(c.buffer, scratch.buf.buffer);
    assert.equal(scratch.buf.length, 3001);
    // a smaller file after a larger one: its own length, not the scratch's
    assert.equal(read('d.csv').toString(), 'w'.repeat(20));
  });
});
