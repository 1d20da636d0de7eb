/**
 * `headroom diff`: the change between two revisions of a workspace (cli-and-report.md, "Diff
 * JSON"), as a pull-request review reads it. Each side is linted and simulated on the same
 * scenario; every change is head − base: total and per-calendar-month cost by site and
 * workload, peak utilization per resource per site, unserved demand per unit and SLO steps,
 * N-1 and headroom verdicts that flipped, workloads whose shares moved, lint diagnostics added
 * and removed. A git revision is read with git itself (`git archive` into a temporary folder):
 * the user's working tree and index are never touched.
 */
import { workerScript } from '../model/worker-scripts';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Diagnostic } from '../lint/diagnostics';
import { analyzePathsPrefetched, Analysis } from '../lint/lint';
import { buildReport, monthlyCostOf } from './report';
import type { MonthlyCost, Report, ReportSite } from './report-types';
import { meetsHeadroom } from './binding-text';
import { simulate, SimulationLimitError } from '../replay/simulate';
import { pickScenario, PlanError } from '../replay/scenario-plan';
import { Worker } from 'worker_threads';
import { UsageError } from '../model/workspace-loader';
import { DocumentCache } from '../model/document-cache';
import { traceStoreDir } from '../traffic/trace-store';
import { RESOURCES, shortWorkloads } from '../model/resource-classes';

export interface DiffSide { ref: string; scenario: string; totals: Report['totals']; sites: Report['sites']; failover: Report['failover'] }

export interface WorkspaceDiff {
  base: DiffSide;
  head: DiffSide;
  currency: string;
  change: {
    totals: { cost: number; costPerMonth: number; unservedRequests: number; sloViolationSteps: number; unservedByUnit: Record<string, number> };
    months: { month: string; cost: number; bySite: Record<string, number>; byWorkload: Record<string, number> }[];
    sites: { name: string; cost: number; peakUtilization: Record<string, number | null> }[];
    workloads: { name: string; cost: number; sharesBefore: Record<string, number> | null; sharesAfter: Record<string, number> | null }[];
    /**
     * Headroom verdicts carry each side's binding resource, its unrounded spare and that side's
     * target (null where the site is absent or unbounded); N-1 verdicts the workloads each side
     * leaves short when that site is lost.
     */
    verdicts: { check: 'n1' | 'headroom'; site: string; before: boolean | null; after: boolean | null; spares?: { before: VerdictSpare | null; after: VerdictSpare | null }; short?: { before: string[]; after: string[] } }[];
    diagnostics: { added: Diagnostic[]; removed: Diagnostic[] };
  };
  policies: { policy: string; ok: boolean; message: string }[];
}

function git(cwd: string, args: string[], input?: Buffer): Buffer {
  const r = spawnSync('git', args, { cwd, input, maxBuffer: 1 << 30 });
  if (r.error) throw new UsageError(`git ${args[0]}: ${r.error.message}`);
  if (r.status !== 0) throw new UsageError(`git ${args.join(' ')}: ${r.stderr.toString().trim().split('\n')[0]}`);
  return r.stdout;
}

export function isRevision(cwd: string, name: string): boolean {
  const r = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${name}^{commit}`], { cwd });
  return r.status === 0;
}

/** The merge base of HEAD with the default branch (origin's HEAD, else main, else master). */
export function defaultBase(cwd: string): string {
  // outside a repository no branch can be found: say that, and how to compare without one
  const inside = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd });
  if (inside.error) throw new UsageError('git is not installed, and a diff of revisions needs it: give --base-dir DIR to compare two folders');
  if (inside.status !== 0) throw new UsageError(`${cwd} is not in a git repository: name a folder to compare with, as in headroom diff --base-dir ../before`);
  const candidates: string[] = [];
  const sym = spawnSync('git', ['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD'], { cwd });
  if (sym.status === 0) candidates.push(sym.stdout.toString().trim());
  candidates.push('origin/main', 'origin/master', 'main', 'master');
  for (const c of candidates) {
    if (!isRevision(cwd, c)) continue;
    const mb = spawnSync('git', ['merge-base', 'HEAD', c], { cwd });
    if (mb.status === 0) return mb.stdout.toString().trim();
  }
  throw new UsageError('no default branch to compare with (origin/HEAD, main or master): name the base revision, as in headroom diff main');
}

/** The workspace PATHs as they are at a revision, in a new temporary folder (removed by the caller). */
export function materialize(cwd: string, rev: string, paths: readonly string[]): { dir: string; paths: string[] } {
  const top = git(cwd, ['rev-parse', '--show-toplevel']).toString().trim();
  const rel = paths.map((p) => path.relative(top, path.resolve(cwd, p)) || '.');
  if (rel.some((r) => r.startsWith('..'))) throw new UsageError(`a PATH is outside the git repository ${top}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-diff-'));
  const tar = git(top, ['archive', '--format=tar', rev, '--', ...rel]);
  const x = spawnSync('tar', ['-x', '-C', dir], { input: tar });
  if (x.status !== 0) throw new UsageError(`cannot unpack ${rev}: ${x.stderr.toString().trim()}`);
  return { dir, paths: rel.map((r) => path.join(dir, r)) };
}

/** One side, as plain data (it may come back from a worker thread): its report and cost per month only when it has no errors. */
export interface VerdictSpare { resource: string; spare: number; target: number }

export interface SideResult { diagnostics: Diagnostic[]; report?: Report; monthly?: MonthlyCost; headroomTarget: number }

/**
 * Simulates a side that lints clean. The diff reads totals, sites, failover and the cost per
 * month, so chart series (480 buckets: half the work of a report, and bucket sums in the replay)
 * are made only when asked for (the editor shows the head's report); the cost per month is the
 * series' own then.
 */
function simulateSide(a: Analysis, scenario: string | undefined, series: boolean): SideResult {
  const sim = simulate(a, { scenario, buckets: series ? 480 : 0 });
  const report = buildReport(a.model, sim, { series });
  return { diagnostics: a.diagnostics, report, monthly: report.series?.monthlyCost ?? monthlyCostOf(sim), headroomTarget: sim.plan.placement.headroomTarget };
}

/** Lints and simulates one side (the base: no chart series); the report only when it has no errors. */
export async function runSide(paths: string[], cwd: string, scenario: string | undefined): Promise<SideResult> {
  const a = await analyzePathsPrefetched(paths, { cwd, documents: DocumentCache.open(traceStoreDir()) });
  if (a.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: a.diagnostics, headroomTarget: 0.2 };
  return simulateSide(a, scenario, false);
}

/** An error of a side as data that crosses to another thread: its message, and whether it is a plan's or a run's limit. */
export interface SideFailure { message: string; kind: 'plan' | 'limit' | 'other' }

export function sideFailure(e: unknown): SideFailure {
  const message = e instanceof Error ? e.message : String(e);
  return { message, kind: e instanceof PlanError ? 'plan' : e instanceof SimulationLimitError ? 'limit' : 'other' };
}

/**
 * The error of a side again, of the same kind (so that the CLI reports it in one line as it
 * reports its own, never as a crash), its message led by `prefix` (the side's name) when given.
 */
function sideError(f: SideFailure, prefix = ''): Error {
  const message = prefix + f.message;
  return f.kind === 'plan' ? new PlanError(message) : f.kind === 'limit' ? new SimulationLimitError(message) : new Error(message);
}

/** The base side on a worker thread (the head replays meanwhile on this one); in this thread where no worker script is built. */
function runSideElsewhere(paths: string[], cwd: string, scenario: string | undefined): Promise<SideResult> {
  const script = workerScript(__dirname, 'diff-worker');
  if (!script) return runSide(paths, cwd, scenario);
  return new Promise((resolve, reject) => {
    const w = new Worker(script, { workerData: { paths, cwd, scenario } });
    w.once('message', (m: SideResult | { error: SideFailure }) => ('error' in m ? reject(sideError(m.error)) : resolve(m)));
    w.once('error', reject);
  });
}

const sideOf = (ref: string, r: Report): DiffSide => ({ ref, scenario: r.scenario, totals: r.totals, sites: r.sites, failover: r.failover });
const key = (d: Diagnostic) => `${d.rule}\u0000${d.message}\u0000${d.file}`;

export interface DiffInput {
  base: { ref: string; paths: string[]; cwd: string };
  head: { ref: string; paths: string[]; cwd: string };
  scenario?: string;
  /** The head report with its chart series (the editor shows it); the CLI's diff needs none. */
  headSeries?: boolean;
}


const r2 = (x: number) => Math.round(x * 100) / 100;
export async function diffWorkspaces(input: DiffInput): Promise<{ diff?: WorkspaceDiff; baseReport?: Report; headReport?: Report; head: Analysis; errors: Diagnostic[]; baseErrors?: Diagnostic[] }> {
  // the head is linted first, so that the base runs the scenario the head runs; then the two
  // replays go on at once, the base on a worker thread
  const ha = await analyzePathsPrefetched(input.head.paths, { cwd: input.head.cwd, documents: DocumentCache.open(traceStoreDir()) });
  const errors = ha.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) return { head: ha, errors };
  const scenario = input.scenario ?? pickScenario(ha.model)?.name;
  // a failure of either side is reported with the side's name (and the base's is awaited even when the head fails)
  const basePromise = runSideElsewhere(input.base.paths, input.base.cwd, scenario).catch((e: unknown) => {
    throw sideError(sideFailure(e), `the base (${input.base.ref}): `);
  });
  let h: SideResult;
  try {
    h = simulateSide(ha, scenario, input.headSeries === true);
  } catch (e) {
    await basePromise.catch(() => undefined);
    throw sideError(sideFailure(e), `${input.head.ref}: `);
  }
  const b = await basePromise;
  const base = b.report;
  const head = h.report!;
  const bd = new Map(b.diagnostics.map((d) => [key(d), d]));
  const hd = new Map(ha.diagnostics.map((d) => [key(d), d]));
  const added = ha.diagnostics.filter((d) => !bd.has(key(d)));
  const removed = b.diagnostics.filter((d) => !hd.has(key(d)));
  if (!base) return { head: ha, errors: [], headReport: head, baseErrors: b.diagnostics.filter((d) => d.severity === 'error') };
  const siteNames = [...new Set([...base.sites.map((s) => s.name), ...head.sites.map((s) => s.name)])].sort();
  const wlNames = [...new Set([...base.workloads.map((w) => w.name), ...head.workloads.map((w) => w.name)])].sort();
  const sharesOf = (r: Report, w: string) => {
    const x = r.workloads.find((y) => y.name === w);
    return x ? Object.fromEntries(Object.entries(x.sites).filter(([, v]) => v.role !== 'overflow').map(([s, v]) => [s, v.share])) : null;
  };
  const units = [...new Set([...Object.keys(base.totals.unservedByUnit), ...Object.keys(head.totals.unservedByUnit)])].sort();
  const verdicts = verdictsOf(base, b.headroomTarget, head, h.headroomTarget, siteNames);
  const diff: WorkspaceDiff = {
    base: sideOf(input.base.ref, base),
    head: sideOf(input.head.ref, head),
    currency: head.currency,
    change: {
      totals: {
        cost: r2(head.totals.cost - base.totals.cost), costPerMonth: r2(head.totals.costPerMonth - base.totals.costPerMonth),
        unservedRequests: r2(head.totals.unservedRequests - base.totals.unservedRequests), sloViolationSteps: head.totals.sloViolationSteps - base.totals.sloViolationSteps,
        unservedByUnit: Object.fromEntries(units.map((u) => [u, r2((head.totals.unservedByUnit[u] ?? 0) - (base.totals.unservedByUnit[u] ?? 0))])),
      },
      months: monthsChange(b.monthly, h.monthly, siteNames, wlNames),
      sites: siteNames.map((name) => siteChange(base.sites.find((x) => x.name === name), head.sites.find((x) => x.name === name), name)),
      workloads: wlNames.map((name) => ({
        name, cost: r2((head.workloads.find((w) => w.name === name)?.cost ?? 0) - (base.workloads.find((w) => w.name === name)?.cost ?? 0)),
        sharesBefore: sharesOf(base, name), sharesAfter: sharesOf(head, name),
      })).filter((w) => w.cost !== 0 || JSON.stringify(w.sharesBefore) !== JSON.stringify(w.sharesAfter)),
      verdicts,
      diagnostics: { added, removed },
    },
    policies: [],
  };
  return { diff, baseReport: base, headReport: head, head: ha, errors: [] };
}


/** Sites whose N-1 or headroom verdict differs between the base and the head (each against its own headroom target). */
function verdictsOf(base: Report, baseTarget: number, head: Report, headTarget: number, siteNames: readonly string[]): WorkspaceDiff['change']['verdicts'] {
  const meets = (r: Report, target: number, site: string) => {
    const s = r.sites.find((x) => x.name === site);
    return s ? meetsHeadroom(s, target) : null;
  };
  const survives = (r: Report, site: string) => r.failover.find((f) => f.lostSite === site)?.survives ?? null;
  const short = (r: Report, site: string) => shortWorkloads(r.failover.find((f) => f.lostSite === site)?.shortfall ?? {}).map(([w]) => w);
  const out: WorkspaceDiff['change']['verdicts'] = [];
  for (const s of siteNames) {
    const n1 = [survives(base, s), survives(head, s)] as const;
    if (n1[0] !== n1[1]) out.push({ check: 'n1', site: s, before: n1[0], after: n1[1], short: { before: short(base, s), after: short(head, s) } });
    const hr = [meets(base, baseTarget, s), meets(head, headTarget, s)] as const;
    const spare = (r: Report, target: number): VerdictSpare | null => {
      const b = r.sites.find((x) => x.name === s)?.binding;
      return b ? { resource: b.resource, spare: b.spare, target } : null;
    };
    if (hr[0] !== hr[1]) out.push({ check: 'headroom', site: s, before: hr[0], after: hr[1], spares: { before: spare(base, baseTarget), after: spare(head, headTarget) } });
  }
  return out;
}

/** The cost change per calendar month, in all and per site and workload (a month one side lacks counts 0 there). */
function monthsChange(bm: MonthlyCost | undefined, hm: MonthlyCost | undefined, siteNames: readonly string[], wlNames: readonly string[]): WorkspaceDiff['change']['months'] {
  const months = [...new Set([...(bm?.months ?? []), ...(hm?.months ?? [])])].sort();
  const monthCost = (mc: MonthlyCost | undefined, m: string, site?: string, workload?: string) => {
    const i = mc?.months.indexOf(m) ?? -1;
    if (!mc || i < 0) return 0;
    if (workload) return mc.byWorkload[workload]?.[i] ?? 0;
    return site ? mc.bySite[site]?.[i] ?? 0 : Object.values(mc.bySite).reduce((s, v) => s + (v[i] ?? 0), 0);
  };
  return months.map((m) => ({
    month: m, cost: r2(monthCost(hm, m) - monthCost(bm, m)),
    bySite: Object.fromEntries(siteNames.map((s) => [s, r2(monthCost(hm, m, s) - monthCost(bm, m, s))])),
    byWorkload: Object.fromEntries(wlNames.map((w) => [w, r2(monthCost(hm, m, undefined, w) - monthCost(bm, m, undefined, w))])),
  }));
}

/** A site's change: cost, and peak utilization in points per resource (vCPU, memory and disk always; devices where either side has them). */
function siteChange(x: ReportSite | undefined, y: ReportSite | undefined, name: string): WorkspaceDiff['change']['sites'][number] {
  const util = Object.fromEntries(RESOURCES.filter((k) => k === 'vcpus' || k === 'memoryMiB' || k === 'diskGiB' || x?.peakUtilization[k] !== undefined || y?.peakUtilization[k] !== undefined).map((k) => {
    const a = x?.peakUtilization[k] ?? null;
    const c = y?.peakUtilization[k] ?? null;
    return [k, a === null || c === null ? null : Math.round((c - a) * 1e4) / 1e4];
  }));
  return { name, cost: r2((y?.cost ?? 0) - (x?.cost ?? 0)), peakUtilization: util };
}
