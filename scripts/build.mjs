// Bundles the CLI with esbuild (tree-shaken mathjs, one file to load); `tsc` type-checks and
// emits dist/ for the tests. Usage: node scripts/build.mjs
import { build } from 'esbuild';

await build({
  entryPoints: { headroom: 'engine/cli/cli.ts', 'monte-carlo-worker': 'engine/replay/monte-carlo-worker.ts', 'trace-worker': 'engine/traffic/trace-worker.ts', 'diff-worker': 'engine/report/diff-worker.ts', 'split-replay-worker': 'engine/replay/split-replay-worker.ts' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  sourcemap: true,
  minify: true,
  keepNames: true,
  // HiGHS loads its .wasm next to its own script: keep it a runtime dependency.
  external: ['highs'],
  logLevel: 'warning',
});

// Precompiled schema validators for the bundles (ajv standalone code: no compile, no eval at run time).
const { createRequire } = await import('module');
const require = createRequire(import.meta.url);
const Ajv = require('ajv').default;
const standaloneCode = require('ajv/dist/standalone').default;
const { compileValidators, AJV_OPTIONS } = require('../dist/engine/model/schema-validation.js');
const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
const compiled = compileValidators(ajv);
const refs = Object.fromEntries([...compiled.keys()].map((k) => [k, ajv.getSchema(compiled.get(k).schema.$id).schema.$id]));
const fs = await import('fs');
fs.writeFileSync('dist/validators.raw.cjs', standaloneCode(ajv, refs));
// The standalone code requires a few ajv runtime helpers: bundle them in, so the validators
// load where there is no node_modules (the VS Code extension).
await build({ entryPoints: ['dist/validators.raw.cjs'], bundle: true, platform: 'node', format: 'cjs', outfile: 'dist/validators.cjs', minify: true, logLevel: 'warning' });

// The report renderer for the webview and the standalone export: one browser bundle.
await build({
  entryPoints: ['webview/report-app.ts'],
  bundle: true,
  platform: 'browser',
  target: 'es2020',
  format: 'iife',
  outfile: 'dist/webview/report.js',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
});
fs.copyFileSync('webview/style.css', 'dist/webview/style.css');

// The VS Code extension: engine + glue in one file, simulations in a worker bundle, the report
// webview, the schemas (ajv at run time and yamlValidation) and HiGHS's WebAssembly beside them.
const ext = 'extension/dist';
await build({
  entryPoints: { extension: 'extension/src/extension.ts', worker: 'extension/src/worker.ts', 'split-replay-worker': 'engine/replay/split-replay-worker.ts' },
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  outdir: ext,
  external: ['vscode'],
  sourcemap: true,
  minify: true,
  keepNames: true,
  logLevel: 'warning',
});
fs.mkdirSync(`${ext}/webview`, { recursive: true });
for (const f of ['report.js', 'style.css']) fs.copyFileSync(`dist/webview/${f}`, `${ext}/webview/${f}`);
fs.copyFileSync('dist/validators.cjs', `${ext}/validators.cjs`);
fs.copyFileSync('node_modules/highs/build/highs.wasm', `${ext}/highs.wasm`);
fs.mkdirSync('extension/schemas', { recursive: true });
const kinds = { Settings: 'settings', Workload: 'workload', Placement: 'placement', Scenario: 'scenario' };
for (const f of fs.readdirSync('schemas')) fs.copyFileSync(`schemas/${f}`, `extension/schemas/${f}`);
fs.writeFileSync('extension/schemas/document.schema.json', JSON.stringify({
  $id: 'https://headroom.dev/schemas/v1/document.schema.json',
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Headroom document (any kind)',
  type: 'object',
  required: ['apiVersion', 'kind'],
  allOf: [
    ...Object.entries(kinds).map(([k, f]) => ({ if: { properties: { kind: { const: k } } }, then: { $ref: `${f}.schema.json` } })),
    { if: { properties: { kind: { const: 'Site' }, spec: { properties: { type: { const: 'openstack' } } } } }, then: { $ref: 'site-openstack.schema.json' } },
    { if: { properties: { kind: { const: 'Site' }, spec: { properties: { type: { const: 'public' } } } } }, then: { $ref: 'site-public.schema.json' } },
  ],
}, null, 2) + '\n');
