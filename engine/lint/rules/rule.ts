/**
 * The tiny interface every semantic rule implements (after yaml-language-server's
 * validators: one rule per file, editor-free, plain functions over the model).
 */
import { Diagnostic, Fix, RuleId, Severity } from '../diagnostics';
import { Model } from '../../model/model';
import { ValidatedDocument } from '../../model/schema-validation';
import { Path, SourceDocument } from '../../model/source-document';
import { TraceCache } from '../../traffic/trace-file';

export interface RuleContext {
  readonly model: Model;
  readonly docs: readonly ValidatedDocument[];
  readonly traces: TraceCache;
  report(d: Diagnostic): void;
}

export interface Rule {
  readonly ids: readonly RuleId[];
  check(ctx: RuleContext): void;
}

export function at(src: SourceDocument, path: Path, rule: RuleId, severity: Severity, message: string, extra: { fixes?: Fix[]; related?: Diagnostic['related']; key?: boolean } = {}): Diagnostic {
  const d: Diagnostic = { file: src.file, range: extra.key ? src.keyRange(path) : src.rangeOf(path), severity, rule, message };
  if (extra.fixes && extra.fixes.length) d.fixes = extra.fixes;
  if (extra.related && extra.related.length) d.related = extra.related;
  return d;
}

export function replaceFix(src: SourceDocument, path: Path, title: string, newText: string, key = false): Fix {
  return { title, edits: [{ file: src.file, range: key ? src.keyRange(path) : src.rangeOf(path), newText }] };
}

export function relatedDoc(src: SourceDocument, message: string, path: Path = ['metadata', 'name']) {
  return { file: src.file, range: src.rangeOf(path), message };
}
