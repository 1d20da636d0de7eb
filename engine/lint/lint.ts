/**
 * The editor-free language service: load → schema-validate → build the model → run every
 * semantic rule. Used by `headroom lint`, `simulate` (lint errors first) and the extension.
 */
import * as path from 'path';
import { compareDiagnostics, Diagnostic } from './diagnostics';
import { buildModel, Model } from '../model/model';
import { RULE_SET } from './rules';
import { RealPaths, resolveTracePath } from './rules/trace-files';
import { prefetchTraces } from '../traffic/trace-prefetch';
import type { ResamplePlan } from '../traffic/resample-ahead';
import { validateDocument, ValidatedDocument } from '../model/schema-validation';
import { SourceDocument } from '../model/source-document';
import { TraceCache } from '../traffic/trace-file';
import { ChunkCache, DocumentStore, loadWorkspace, parseTexts, SourceText } from '../model/workspace-loader';

export interface Analysis {
  model: Model;
  documents: ValidatedDocument[];
  diagnostics: Diagnostic[];
  files: string[];
  /** The traces the rules read, parsed: a simulation of this analysis reuses them. */
  traces: TraceCache;
}

const sharedTraceCache = new TraceCache();

export function analyzeDocuments(sources: readonly SourceDocument[], parseDiagnostics: readonly Diagnostic[], roots: string[], files: string[], traces: TraceCache = sharedTraceCache, cwd = process.cwd()): Analysis {
  return checkModel(modelOf(sources, parseDiagnostics, roots, cwd), files, traces);
}

interface Modelled { model: Model; documents: ValidatedDocument[]; diagnostics: Diagnostic[] }

/** Schema validation and the model (the first half of an analysis). */
function modelOf(sources: readonly SourceDocument[], parseDiagnostics: readonly Diagnostic[], roots: string[], cwd: string): Modelled {
  const diagnostics: Diagnostic[] = [...parseDiagnostics];
  const documents: ValidatedDocument[] = [];
  for (const src of sources) {
    const v = validateDocument(src, diagnostics);
    if (v) documents.push(v);
  }
  return { model: buildModel(documents, roots, cwd), documents, diagnostics };
}

/** The semantic rules over a model (the second half). */
function checkModel({ model, documents, diagnostics }: Modelled, files: string[], traces: TraceCache): Analysis {
  const report = (d: Diagnostic) => diagnostics.push(d);
  for (const rule of RULE_SET) rule.check({ model, docs: documents, traces, report });
  diagnostics.sort(compareDiagnostics);
  return { model, documents, diagnostics: dedupe(diagnostics), files, traces };
}

function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  let prev = '';
  for (const d of ds) {
    const k = `${d.file}:${d.range.start.line}:${d.range.start.column}:${d.rule}:${d.message}`;
    if (k !== prev) out.push(d);
    prev = k;
  }
  return out;
}

/**
 * analyzePaths for the CLI's long runs: the workloads' trace files are read on worker threads
 * (trace-prefetch.ts) between building the model and running the rules, which then find them parsed;
 * with `resample`, the workers also resample them for the run that follows (resample-ahead.ts).
 */
export async function analyzePathsPrefetched(paths: readonly string[], opts: { cwd?: string; traces?: TraceCache; documents?: DocumentStore; onModel?: (model: Model) => void; resample?: (model: Model) => ResamplePlan | undefined } = {}): Promise<Analysis> {
  const ws = loadWorkspace(paths, opts);
  const traces = opts.traces ?? sharedTraceCache;
  const modelled = modelOf(ws.documents, ws.diagnostics, ws.roots, opts.cwd ?? process.cwd());
  opts.onModel?.(modelled.model); // before the traces are read (the CLI starts a replay worker: split-replay.ts)
  const files: string[] = [];
  const realPaths = new RealPaths();
  for (const w of modelled.model.workloads.values()) {
    if (w.traffic.kind !== 'trace') continue;
    const r = resolveTracePath(w, modelled.model.roots, realPaths);
    if (r.ok) files.push(r.abs);
  }
  await prefetchTraces(traces, files, { resample: opts.resample?.(modelled.model) });
  return checkModel(modelled, ws.files, traces);
}

/** Lints files and folders on disk (throws UsageError for unreadable PATH arguments). */
export function analyzePaths(paths: readonly string[], opts: { cwd?: string; overrides?: ReadonlyMap<string, string>; traces?: TraceCache; documents?: DocumentStore } = {}): Analysis {
  const ws = loadWorkspace(paths, opts);
  return analyzeDocuments(ws.documents, ws.diagnostics, ws.roots, ws.files, opts.traces, opts.cwd);
}

/**
 * Re-analysis for an editor: each file's parse and schema validation are kept while its text is
 * unchanged, and within a changed file every `---` document whose text is unchanged and that
 * validated cleanly is reused, so a keystroke re-reads one document. The model and the
 * cross-document rules are rebuilt every time (they are cheap and must see every document).
 */
export class IncrementalAnalyzer {
  private readonly files = new Map<string, { text: string; diagnostics: Diagnostic[]; validated: ValidatedDocument[]; clean: Map<string, ValidatedDocument> }>();
  constructor(private readonly traces: TraceCache = new TraceCache()) {}

  analyze(texts: readonly SourceText[], roots: string[], cwd = ''): Analysis {
    const seen = new Set<string>();
    const parseDiagnostics: Diagnostic[] = [];
    const validated: ValidatedDocument[] = [];
    for (const t of texts) {
      seen.add(t.absFile);
      let entry = this.files.get(t.absFile);
      if (!entry || entry.text !== t.text) {
        const prev = entry?.clean;
        const taken = new Map<string, ValidatedDocument>();
        const cache: ChunkCache = {
          take(chunkText) {
            const v = prev?.get(chunkText);
            if (!v) return undefined;
            prev!.delete(chunkText); // a second identical document is read afresh
            taken.set(chunkText, v);
            return v.source.value as Record<string, unknown>;
          },
        };
        const parsed = parseTexts([t], cache);
        const diagnostics = [...parsed.diagnostics];
        const docs: ValidatedDocument[] = [];
        const clean = new Map<string, ValidatedDocument>();
        for (const src of parsed.documents) {
          const reused = src.chunk && taken.get(src.chunk.text);
          if (reused && reused.source.value === src.value) {
            const v = { ...reused, source: src };
            clean.set(src.chunk!.text, v);
            docs.push(v);
            continue;
          }
          const before = diagnostics.length;
          const v = validateDocument(src, diagnostics);
          if (!v) continue;
          // only a document that validated without a word is reused (its value was converted in place)
          if (src.chunk && v.valid && diagnostics.length === before) clean.set(src.chunk.text, v);
          docs.push(v);
        }
        entry = { text: t.text, diagnostics, validated: docs, clean };
        this.files.set(t.absFile, entry);
      }
      parseDiagnostics.push(...entry.diagnostics);
      validated.push(...entry.validated);
    }
    for (const k of [...this.files.keys()]) if (!seen.has(k)) this.files.delete(k);
    const diagnostics = [...parseDiagnostics];
    const model = buildModel(validated, roots, cwd);
    const report = (d: Diagnostic) => diagnostics.push(d);
    for (const rule of RULE_SET) rule.check({ model, docs: validated, traces: this.traces, report });
    diagnostics.sort(compareDiagnostics);
    return { model, documents: validated, diagnostics: dedupe(diagnostics), files: texts.map((t) => t.file), traces: this.traces };
  }
}

/** Lints in-memory texts (tests, editor buffers) with the given workspace roots. */
export function analyzeTexts(texts: readonly SourceText[], roots: string[], traces?: TraceCache, cwd?: string): Analysis {
  const parsed = parseTexts(texts);
  return analyzeDocuments(parsed.documents, parsed.diagnostics, roots, texts.map((t) => t.file), traces, cwd);
}

/** Lints one generated document (an imported Site) on its own, in memory, as `headroom lint` would. */
export function lintSiteText(yaml: string): Diagnostic[] {
  const file = 'imported-site.yaml';
  return analyzeTexts([{ file, absFile: path.resolve(file), text: yaml }], [process.cwd()]).diagnostics;
}
