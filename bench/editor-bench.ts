/**
 * Edit-to-diagnostics latency in the editor's path (IncrementalAnalyzer, as the extension uses
 * it) on a generated 20,000-line workspace, against yaml-language-server (the engine of Red
 * Hat's YAML extension) validating the same edited file against the same JSON Schemas
 * (extension/schemas/document.schema.json and the per-kind schemas it references), in the same
 * process and run. 50 edits per case; every other edit plants an error that both must report.
 * Targets: Headroom's p95 under 100 ms, and no slower than yaml-language-server.
 *
 * Headroom does more per edit than yaml-language-server (schema validation plus every
 * cross-document rule over the whole workspace); yaml-language-server only sees the one file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { pathToFileURL } from 'url';
import { IncrementalAnalyzer } from '../engine/lint/lint';
import { workloadsForLines, writeWorkspace } from './generate';

const EDITS = 50;
const SCHEMA_BASE = 'https://headroom.dev/schemas/v1/';

interface Case {
  file: string;
  /** The i-th edit of the text; odd edits must produce an error. */
  edit(text: string, i: number): string;
  rule: string;
}

const CASES: Case[] = [
  // a keystroke in a share: 10 -> 11 leaves the workload's shares at 101
  { file: 'placement.yaml', edit: (t, i) => t.replace(/aws-tokyo: \d+/, `aws-tokyo: ${10 + (i % 2)}`), rule: 'shares-sum' },
  // a keystroke in the first workload: 0.6 -> 1.6 is above the schema's maximum of 1
  { file: 'workloads.yaml', edit: (t, i) => t.replace(/targetUtilization: \d\.6/, `targetUtilization: ${i % 2 ? '1.6' : '0.6'}`), rule: 'invalid-value' },
];

function pct(times: number[], q: number): number {
  const s = [...times].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/** Minimal typing of the parts of yaml-language-server (an ES module) that the bench uses. */
interface Yls {
  getLanguageService(p: { schemaRequestService: (uri: string) => Promise<string>; workspaceContext: { resolveRelativePath(r: string, res: string): string } }): {
    configure(s: { validate: boolean; hover: boolean; completion: boolean; schemas: { uri: string; fileMatch: string[] }[] }): void;
    doValidation(doc: unknown, isKubernetes: boolean): Promise<{ message: string }[]>;
  };
}
interface TextDocuments {
  TextDocument: { create(uri: string, lang: string, version: number, text: string): unknown };
}

// tsc compiles `import()` to `require()` under CommonJS; these two packages are ES modules.
const importEsm = new Function('m', 'return import(m)') as <T>(m: string) => Promise<T>;

async function yamlLanguageServer(schemasDir: string) {
  const yls = await importEsm<Yls>('yaml-language-server');
  const { TextDocument } = await importEsm<TextDocuments>('vscode-languageserver-textdocument');
  const ls = yls.getLanguageService({
    schemaRequestService: async (uri) => {
      if (!uri.startsWith(SCHEMA_BASE)) throw new Error(`unexpected schema ${uri}`);
      return fs.readFileSync(path.join(schemasDir, uri.slice(SCHEMA_BASE.length)), 'utf8');
    },
    workspaceContext: { resolveRelativePath: (r, res) => new URL(r, res).toString() },
  });
  ls.configure({ validate: true, hover: false, completion: false, schemas: [{ uri: `${SCHEMA_BASE}document.schema.json`, fileMatch: ['*.yaml'] }] });
  return { ls, TextDocument };
}

export async function benchEditor(): Promise<void> {
  const schemasDir = path.resolve(__dirname, '..', '..', 'extension', 'schemas');
  if (!fs.existsSync(path.join(schemasDir, 'document.schema.json'))) throw new Error('extension/schemas is missing: run npm run build first');
  const { dir, lines } = writeWorkspace({ workloads: workloadsForLines(20_000), horizonDays: 7, step: '5m' });
  try {
    const { ls, TextDocument } = await yamlLanguageServer(schemasDir);
    for (const c of CASES) {
      const texts = fs.readdirSync(dir).map((f) => ({ file: path.join(dir, f), absFile: path.join(dir, f), text: fs.readFileSync(path.join(dir, f), 'utf8') }));
      const target = texts.find((t) => t.file.endsWith(c.file))!;
      const original = target.text;
      const fileLines = original.split('\n').length - 1;

      const an = new IncrementalAnalyzer();
      an.analyze(texts, [dir]); // the workspace as opened
      const ours: number[] = [];
      for (let i = 0; i < EDITS; i++) {
        target.text = c.edit(target.text, i);
        const t = performance.now();
        const a = an.analyze(texts, [dir]);
        ours.push(performance.now() - t);
        const hit = a.diagnostics.some((d) => d.rule === c.rule);
        if (hit !== (i % 2 === 1)) throw new Error(`edit ${i} to ${c.file}: Headroom ${hit ? 'reported' : 'missed'} ${c.rule}`);
      }

      const uri = pathToFileURL(path.join(dir, c.file)).toString();
      let text = original;
      await ls.doValidation(TextDocument.create(uri, 'yaml', 0, text), false); // schemas loaded, as in a running server
      const theirs: number[] = [];
      for (let i = 0; i < EDITS; i++) {
        text = c.edit(text, i);
        const t = performance.now();
        const ds = await ls.doValidation(TextDocument.create(uri, 'yaml', i + 1, text), false);
        theirs.push(performance.now() - t);
        if (i % 2 === 1 && ds.length === 0 && c.rule === 'invalid-value') throw new Error(`edit ${i} to ${c.file}: yaml-language-server missed the schema error`);
      }

      const p95 = pct(ours, 0.95);
      const y95 = pct(theirs, 0.95);
      console.log(
        `edit ${c.file} (${fileLines.toLocaleString('en-US')} of ${lines.toLocaleString('en-US')} lines), ${EDITS} edits: ` +
          `Headroom p50 ${pct(ours, 0.5).toFixed(0)} ms, p95 ${p95.toFixed(0)} ms · yaml-language-server p50 ${pct(theirs, 0.5).toFixed(0)} ms, p95 ${y95.toFixed(0)} ms · ` +
          `p95 ratio ${(p95 / y95).toFixed(2)} · target p95 < 100 ms and ≤ yaml-language-server: ${p95 < 100 && p95 <= y95 ? 'met' : 'MISSED'}`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
