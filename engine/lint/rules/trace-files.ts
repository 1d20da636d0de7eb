/**
 * trace-missing, trace-unreadable, trace-malformed, trace-outside-workspace: a trace path is
 * relative to the file that names it and must stay inside the workspace, after symlinks.
 * Malformed rows are reported at their CSV line and column, with the YAML reference related.
 */
import * as fs from 'fs';
import * as path from 'path';
import { displayPath } from '../../model/workspace-loader';
import { checkTimeZone, passReader } from '../../traffic/trace-file';
import { Workload } from '../../model/model';
import { Rule, RuleContext, at, relatedDoc } from './rule';

export type ResolvedTrace = { ok: true; abs: string } | { ok: false; message: string };

/** Each root as path.resolve gives it, with a separator after it (a thousand workloads ask about the same few roots). */
const rootPrefixes = new Map<string, { root: string; prefix: string }>();

/**
 * Whether the absolute, normalized path p (path.resolve's or realpath's) is root or inside it: a
 * prefix test on the resolved root, where path.relative cost about 2 µs per call. Where paths
 * compare without regard to case (Windows), path.relative decides.
 */
function inside(root: string, p: string): boolean {
  if (path.sep !== '/') {
    const rel = path.relative(root, p);
    return rel === '' || (rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel));
  }
  let r = rootPrefixes.get(root);
  if (!r) {
    const resolved = path.resolve(root);
    rootPrefixes.set(root, (r = { root: resolved, prefix: resolved.endsWith('/') ? resolved : resolved + '/' }));
  }
  return p === r.root || p.startsWith(r.prefix);
}

/**
 * fs.realpathSync remembered for one pass over the workloads (a thousand workloads in one file
 * resolve their folder once; workloads sharing a trace resolve it once). Undefined: no such path.
 */
export class RealPaths {
  private readonly known = new Map<string, string | undefined>();

  of(p: string): string | undefined {
    if (this.known.has(p)) return this.known.get(p);
    let real: string | undefined;
    try {
      real = fs.realpathSync.native(p); // realpath(3): a third of the JavaScript walk's time
    } catch {
      real = undefined;
    }
    this.known.set(p, real);
    return real;
  }
}

/** Resolves a workload's trace path, refusing anything outside the workspace roots. */
export function resolveTracePath(w: Workload, roots: readonly string[], realPaths = new RealPaths()): ResolvedTrace {
  if (w.traffic.kind !== 'trace') return { ok: false, message: 'synthetic traffic' };
  const t = w.traffic.trace;
  if (path.isAbsolute(t) || /^[A-Za-z]:[\\/]/.test(t)) return { ok: false, message: `trace path "${t}" is absolute; use a path relative to ${path.basename(w.src.absFile)} inside the workspace` };
  const dir = path.dirname(w.src.absFile);
  const realDir = realPaths.of(dir) ?? dir; // else the lexical path
  const lexical = path.resolve(realDir, t);
  if (!roots.some((r) => inside(r, lexical))) return { ok: false, message: `trace path "${t}" leaves the workspace` };
  const real = realPaths.of(lexical);
  if (real === undefined) return { ok: true, abs: lexical }; // missing: reported by the reader
  if (!roots.some((r) => inside(r, real))) return { ok: false, message: `trace path "${t}" is a symlink to ${real}, outside the workspace` };
  return { ok: true, abs: real };
}

export function checkTraces(ctx: RuleContext): void {
  const realPaths = new RealPaths();
  const readTrace = passReader(ctx.traces);
  for (const w of ctx.model.workloads.values()) {
    if (w.traffic.kind !== 'trace') continue;
    const p = ['spec', 'traffic', 'trace'];
    try {
      checkTimeZone(w.traffic.timezone);
    } catch {
      ctx.report(at(w.src, ['spec', 'traffic', 'timezone'], 'invalid-value', 'error', `timezone "${w.traffic.timezone}" is not an IANA time zone name such as UTC or Asia/Seoul`));
    }
    const r = resolveTracePath(w, ctx.model.roots, realPaths);
    if (!r.ok) {
      ctx.report(at(w.src, p, 'trace-outside-workspace', 'error', r.message));
      continue;
    }
    const read = readTrace(r.abs);
    if (!read.ok) {
      ctx.report(at(w.src, p, read.kind === 'missing' ? 'trace-missing' : 'trace-unreadable', 'error', `trace "${w.traffic.trace}" ${read.kind === 'missing' ? 'does not exist' : 'cannot be read'} (${read.message})`));
      continue;
    }
    if (!read.parsed.problems.length) continue;
    const csv = displayPath(r.abs, ctx.model.cwd);
    for (const pr of read.parsed.problems) {
      ctx.report({
        file: csv, severity: 'error', rule: 'trace-malformed',
        range: { start: { line: pr.line, column: pr.column }, end: { line: pr.line, column: pr.endColumn } },
        message: `${pr.message} (trace of workload ${w.name})`,
        related: [relatedDoc(w.src, `trace of workload ${w.name}`, p)],
      });
    }
  }
}

export const traceFiles: Rule = { ids: ['trace-missing', 'trace-unreadable', 'trace-malformed', 'trace-outside-workspace'], check: checkTraces };
