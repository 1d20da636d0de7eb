// Removes what `tsc` emitted into dist/ last time (engine, test, bench, extension-test), so that a
// source file deleted or renamed since (or left by another branch) leaves no compiled copy that
// mocha would still load as a test. tsc writes outputs but never deletes stale ones.
// Usage: node scripts/clean-tsc-output.mjs (the first step of `npm run build`)
import { rmSync } from 'fs';

for (const dir of ['engine', 'test', 'bench', 'extension-test']) rmSync(new URL(`../dist/${dir}`, import.meta.url), { recursive: true, force: true });
