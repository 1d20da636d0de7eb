/**
 * Where a worker thread's script is: beside the module that starts it, as the bundle's
 * `<name>.cjs` (dist/, extension/dist/) or tsc's `<name>.js` (dist/engine/<stage>/). Shared by
 * every module that starts workers (trace prefetch, split replay, Monte Carlo, diff).
 */
import * as fs from 'fs';
import * as path from 'path';

/** The script `name` beside `dir` (the caller's __dirname), or undefined when neither form is built. */
export function workerScript(dir: string, name: string): string | undefined {
  for (const file of [`${name}.cjs`, `${name}.js`]) {
    const p = path.join(dir, file);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}
