#!/usr/bin/env node
'use strict';
// The `headroom` executable: a thin launcher for the compiled CLI (npm's `prepare` builds dist/).
//
// It keeps V8's code cache of the bundle, as Node 22's module compile cache does (this runs on
// Node 20): the first run compiles dist/headroom.cjs and, after it, writes what V8 compiled to
// $XDG_CACHE_HOME/headroom/code (or ~/.cache/headroom/code; HEADROOM_CODE_CACHE names another
// folder, or `off`); later runs start from it, about 30 ms sooner. One file per command (what a
// run compiled depends on the command), named by a hash of Node's version, the architecture and
// the bundle's text, so a rebuilt bundle or another Node never reads a stale one; V8 also
// refuses data that does not fit (then it compiles as usual, and the file is written again).
// The folder is safe to delete; failing to read or write it changes nothing but the time.
const fs = require('fs');
const path = require('path');
const os = require('os');
const vm = require('vm');
const Module = require('module');
const crypto = require('crypto');

const bundle = path.join(__dirname, '..', 'dist', 'headroom.cjs');
let source;
try {
  source = fs.readFileSync(bundle, 'utf8');
} catch (e) {
  if (e && e.code === 'ENOENT') {
    process.stderr.write('headroom: not built yet; run `npm ci` (or `npm run build`) in the repository first\n');
    process.exit(2);
  }
  throw e;
}

function cacheFolder() {
  const v = process.env.HEADROOM_CODE_CACHE;
  if (v === 'off' || v === '0') return undefined;
  if (v) return v;
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'headroom', 'code');
}

const folder = cacheFolder();
const key = crypto.createHash('sha256').update(`${process.version}\0${process.arch}\0`).update(source).digest('hex').slice(0, 40);
const command = /^[a-z][a-z-]{0,30}$/.test(process.argv[2] || '') ? process.argv[2] : 'other';
const cacheFile = folder && path.join(folder, `cli-${key}-${command}.bin`);
/** The file holds the SHA-256 of V8's data, then the data: bytes changed on disk are never handed to V8. */
function readCodeCache() {
  let bytes;
  try {
    bytes = fs.readFileSync(cacheFile);
  } catch {
    return undefined; // none yet
  }
  const data = bytes.subarray(32);
  const sum = crypto.createHash('sha256').update(data).digest();
  return bytes.length > 32 && sum.equals(bytes.subarray(0, 32)) ? data : undefined;
}
const cachedData = cacheFile ? readCodeCache() : undefined;

const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
const cliModule = new Module(bundle, module);
cliModule.filename = bundle;
cliModule.paths = Module._nodeModulePaths(path.dirname(bundle));
script.runInThisContext().call(cliModule.exports, cliModule.exports, Module.createRequire(bundle), cliModule, bundle, path.dirname(bundle));
cliModule.loaded = true;

/** After the run, so that the functions it compiled are in the cache too; written whole under a temporary name, then renamed. */
function keepCodeCache() {
  if (!cacheFile || (cachedData && !script.cachedDataRejected)) return;
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(folder, { recursive: true });
    const data = script.createCachedData();
    fs.writeFileSync(tmp, Buffer.concat([crypto.createHash('sha256').update(data).digest(), data]));
    fs.renameSync(tmp, cacheFile);
  } catch {
    fs.rmSync(tmp, { force: true });
    return;
  }
  dropStaleCodeCaches();
}

/**
 * A new file is written once per bundle, Node version and command, so the folder would grow with
 * every upgrade: when one is written, the files of other bundles a week old go (a version still
 * in use writes its own again, once), and temporary files an hour old (a run killed while
 * writing). Only names this launcher makes are touched.
 */
function dropStaleCodeCaches() {
  const now = Date.now();
  let names;
  try {
    names = fs.readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^cli-([0-9a-f]{40})-[a-z][a-z-]{0,30}\.bin(\.\d+\.tmp)?$/.exec(name);
    if (!m || (m[1] === key && !m[2])) continue;
    const file = path.join(folder, name);
    try {
      if (now - fs.statSync(file).mtimeMs > (m[2] ? 3600e3 : 7 * 86400e3)) fs.unlinkSync(file);
    } catch {
      /* gone already */
    }
  }
}

cliModule.exports.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  keepCodeCache();
});
