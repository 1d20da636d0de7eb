#!/usr/bin/env node
'use strict';
// The `headroom` executable: a thin launcher for the compiled CLI (npm's `prepare` builds dist/).
let cli;
try {
  cli = require('../dist/headroom.cjs');
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND') {
    process.stderr.write('headroom: not built yet; run `npm ci` (or `npm run build`) in the repository first\n');
    process.exit(2);
  }
  throw e;
}
cli.main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
