/**
 * The `headroom` command line (shared/spec/cli-and-report.md): lint, simulate, recommend,
 * report, import. Exit codes: 0 ok, 1 input has errors, 2 usage or unreadable input.
 * Errors go to stderr as `file:line:col: error: message [rule]`; `--out` is written
 * atomically (temporary file, then rename) and never when the run fails.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { formatJson, formatSarif, formatText, summaryLine } from '../lint/diagnostic-format';
import { observedUsageDiagnostics } from '../report/simulation-diagnostics';
import { Diagnostic, hasErrors } from '../lint/diagnostics';
import { analyzePaths, analyzePathsPrefetched, Analysis, lintSiteText } from '../lint/lint';
import { CurrencyError } from '../capacity/pricing';
import { buildReport, Report } from '../report/report';
import { PlanError, resamplePlan, RunPlan } from '../replay/scenario-plan';
import { storeLimit } from '../traffic/trace-store-sweep';
import { monteCarloJobOf, runMonteCarlo, runMonteCarloRuns, shardIndices, summarize } from '../replay/monte-carlo';
import { monteCarloReport } from '../report/monte-carlo-report';
import { mergeParts, MonteCarloPart, parseShard, partOf } from '../replay/monte-carlo-shard';
import { recommend, RecommendOutcome } from '../recommend/recommend';
import { compare, sideOf } from '../report/comparison';
import { phaseClock, simulate, Simulation, SimulationLimitError } from '../replay/simulate';
import { likelySplit, prewarmSplitWorker } from '../replay/split-replay';
import type { Model } from '../model/model';
import { formatRecommendation, formatSummary } from '../report/summary';
import { reportJson, toCsv, toHtml, toMarkdown } from '../report/report-export';
import { ImportError, importOpenStackTexts } from '../capacity/openstack-import';
import * as os from 'os';
import { UsageError } from '../model/workspace-loader';
import { DocumentCache } from '../model/document-cache';
import { traceStoreDir } from '../traffic/trace-store';
import { OutputError, OutputFile, readRegularFile } from '../model/file-access';
import { assertFinite, NonFiniteError } from '../report/finite-check';
import { checkPolicies, checkRegressions, parsePolicies, Policy } from '../recommend/policy';
import { defaultBase, diffWorkspaces, isRevision, materialize } from '../report/workspace-diff';
import { diffMarkdown, diffText } from '../report/diff-format';
import { importPrometheus, parseInstant, parseSelect, prometheusSourceLine, PrometheusAuth, PrometheusError, PrometheusQuery } from '../traffic/prometheus-import';
import { resolveTracePath } from '../lint/rules/trace-files';
import { importPlacement, PlacementError, PlacementSource } from '../capacity/placement-import';
import { placementSource } from '../capacity/keystone-auth';
import { parseDuration } from '../model/units';

export const VERSION: string = (() => {
  for (const rel of ['../package.json', '../../package.json', '../../../package.json']) {
    try {
      return (JSON.parse(fs.readFileSync(path.resolve(__dirname, rel), 'utf8')) as { version: string }).version;
    } catch { /* next */ }
  }
  return '0.0.0';
})();

export interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
  isTTY: boolean;
  cwd: string;
  /** Progress lines on a terminal (carriage returns and line clears of our own); stderr if absent. */
  progress?(s: string): void;
}

/**
 * Control characters from the input (ESC sequences in a trace value or a name) never reach the
 * terminal: every C0 control but newline and tab is shown as \xNN, DEL and the C1 controls as
 * \u00NN. JSON.stringify escapes C0 itself but leaves DEL and C1 as they are, so in JSON output
 * (a file name with U+0085, say) they meet this as the JSON escape, and the JSON stays valid and
 * reads back exactly.
 */
export function neutralizeControls(s: string): string {
  return s.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (c) => {
    const hex = c.charCodeAt(0).toString(16).padStart(2, '0');
    return c < '\x7f' ? `\\x${hex}` : `\\u00${hex}`;
  });
}

const defaultIo: Io = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTTY: process.stderr.isTTY === true,
  cwd: process.cwd(),
};

export const HELP: Record<string, string> = {
  '': `headroom ${VERSION}: capacity planning as code for OpenStack + public cloud, active-active

Usage: headroom COMMAND [options]

Commands:
  lint PATH...       schema and semantic diagnostics (--format text|json|sarif)
  simulate PATH...   replay a scenario (--scenario NAME, --runs N --seed S, --json, --out FILE)
  recommend PATH...  placement, headroom, hosts to buy, commitments (--scenario NAME, --json)
  report PATH...     capacity-review report (--format html|md|csv|json --out FILE)
  import openstack   Site document from openstack CLI JSON (--hypervisors H.json --flavors F.json)
  import placement   Site document from a live Placement API (--url URL --token T, --os-cloud NAME, or OS_*)
  import prometheus  trace CSV from a Prometheus range query (--url URL --query PROMQL ..., or --refresh PATH)
  diff [BASE [HEAD]] the change between two revisions (--format text|md|json, --fail-on POLICIES)
  merge PART...      one report from a sharded Monte Carlo's parts (simulate --shard I/N)
  help [COMMAND]     this text, or a command's
  --version          the version

PATH is a YAML file or a folder (every *.yaml/*.yml below it with headroom.dev/v1 documents).
Exit codes: 0 ok, 1 the input has errors or a --fail-on policy is broken, 2 usage or unreadable input.
`,
  lint: `Usage: headroom lint PATH... [--format text|json|sarif]

Checks every document against its schema and the semantic rules (README: rule ids).
Exit 0 when clean or warnings only, 1 on any error, 2 on usage or unreadable input.
`,
};

/**
 * Runs a command whose text goes to stdout or to --out. The destination is checked and reserved
 * before the run (an unusable one is exit 2 before any work); the file is written only when the
 * run produced text, and the temporary file is removed on every path (file-access.ts).
 */
async function emit(io: Io, out: string | undefined, run: () => Promise<string | number> | string | number, done?: (text: string) => void): Promise<number> {
  const file = out === undefined ? undefined : OutputFile.open(path.resolve(io.cwd, out), out);
  try {
    const r = await run();
    if (typeof r === 'number') return r;
    if (file) file.write(r);
    else io.stdout(r);
    done?.(r);
    return 0;
  } finally {
    file?.discard();
  }
}

/**
 * parseArgs, refusing an option given twice (node's parseArgs keeps the last one silently, so
 * `--scenario a --scenario b` would run b without a word).
 */
function parseOptions<O extends Record<string, { type: 'string' | 'boolean'; default?: string | boolean }>>(args: string[], options: O) {
  const seen = new Set<string>();
  for (const a of args) {
    if (a === '--') break;
    const m = /^--([^=]+)/.exec(a);
    if (!m || !(m[1] in options)) continue;
    if (seen.has(m[1])) throw new UsageError(`--${m[1]} is given more than once; give it once`);
    seen.add(m[1]);
  }
  return parseArgs({ args, allowPositionals: true, strict: true, options });
}

export type CommandFn = (args: string[], io: Io) => Promise<number> | number;

const commands = new Map<string, CommandFn>();
export function registerCommand(name: string, fn: CommandFn, help: string): void {
  commands.set(name, fn);
  HELP[name] = help;
}

function lint(args: string[], io: Io): number {
  const { values, positionals } = parseOptions(args, { format: { type: 'string', default: 'text' } });
  const format = values.format as string;
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif, got "${format}"`);
  const a = analyzePaths(positionals, { cwd: io.cwd, documents: DocumentCache.open(traceStoreDir()) });
  if (format === 'json') io.stdout(formatJson(a.diagnostics));
  else if (format === 'sarif') io.stdout(formatSarif(a.diagnostics, VERSION));
  else {
    io.stdout(formatText(a.diagnostics));
    io.stderr(`${a.files.length} file(s), ${a.documents.length} document(s): ${summaryLine(a.diagnostics)}\n`);
  }
  return hasErrors(a.diagnostics) ? 1 : 0;
}
registerCommand('lint', lint, HELP.lint);

/**
 * Lints first (trace files read on worker threads): with errors, prints them to stderr and
 * returns undefined (exit 1). With `simulating` (a simulation follows), a large run's replay
 * worker starts once the model is read (split-replay.ts).
 */
async function analyzeOrReport(paths: string[], io: Io, simulating?: { scenario?: string }): Promise<Analysis | undefined> {
  const onModel = simulating ? (m: Model) => { if (likelySplit(m, simulating.scenario)) prewarmSplitWorker(); } : undefined;
  const resample = simulating ? (m: Model) => resamplePlan(m, simulating.scenario) : undefined;
  const a = await analyzePathsPrefetched(paths, { cwd: io.cwd, documents: DocumentCache.open(traceStoreDir()), onModel, resample });
  const errors = a.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) {
    io.stderr(formatText(errors));
    io.stderr(`headroom: ${errors.length} error(s) in the input; nothing was simulated\n`);
    return undefined;
  }
  return a;
}

function progressReporter(io: Io, label: string): ((f: number) => void) | undefined {
  if (!io.isTTY) return undefined;
  let last = -1;
  return (f) => {
    const pct = Math.floor(f * 100);
    if (pct === last) return;
    last = pct;
    const out = io.progress ?? io.stderr;
    out(`\r${label} ${neutralizeControls(String(pct))}%`);
    if (pct >= 99) out('\r\x1b[K');
  };
}

async function simulateCmd(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    scenario: { type: 'string' }, json: { type: 'boolean', default: false }, out: { type: 'string' },
    runs: { type: 'string' }, seed: { type: 'string' }, workers: { type: 'string' }, 'no-series': { type: 'boolean', default: false },
    'fail-on': { type: 'string' }, sarif: { type: 'string' }, shard: { type: 'string' },
  });
  const policies = policiesOf(values['fail-on'], false);
  let shard: { index: number; count: number } | undefined;
  try {
    shard = values.shard === undefined ? undefined : parseShard(values.shard);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const runs = wholeNumber(values.runs, '--runs', 1);
  const seed = wholeNumber(values.seed, '--seed', -(2 ** 31));
  let workers = wholeNumber(values.workers, '--workers', 0);
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  if (workers !== undefined && workers > cores) {
    io.stderr(`headroom: --workers ${workers} is more than the ${cores} core(s) here; using ${cores}\n`);
    workers = cores;
  }
  // HEADROOM_TIMINGS=1 prints where the time went (the bench reads the replay's share from it)
  const timings: Record<string, number> | undefined = process.env.HEADROOM_TIMINGS === '1' ? {} : undefined;
  const clock = phaseClock(timings);
  const run: SimulateRun = {
    paths: positionals, scenario: values.scenario, json: values.json, noSeries: values['no-series'], runs, seed, shard, policies,
    workers: workers ?? defaultWorkers(), timings, clock, breaches: [],
    monteCarloFlags: (['seed', 'workers'] as const).filter((k) => values[k] !== undefined).map((k) => `--${k}`),
  };
  const code = await emit(io, values.out, () => simulateOutput(run, io));
  if (code === 0 && policies.length) return policyExit(io, run.breaches, values.sarif);
  clock('output');
  if (timings) {
    const f = (k: string) => `${k} ${(timings[k] ?? 0).toFixed(3)} s`;
    io.stderr(`headroom: timings ${f('analyze')}, ${f('simulate')} (${['plan', 'demand', 'replay', 'failover'].map(f).join(', ')}), ${f('report')}, ${f('output')}\n`);
  }
  return code;
}

/** Monte Carlo worker threads by default: one per core, at most 8. */
function defaultWorkers(): number {
  return Math.max(1, Math.min(os.availableParallelism?.() ?? os.cpus().length, 8));
}

/** A `simulate` command's options, and the policy breaches its run found. */
interface SimulateRun {
  paths: string[];
  scenario?: string;
  json: boolean;
  noSeries: boolean;
  runs?: number;
  seed?: number;
  shard?: { index: number; count: number };
  policies: Policy[];
  /** Monte Carlo worker threads. */
  workers: number;
  /** Monte Carlo flags given that only a Monte Carlo reads (--seed, --workers): named if there is none. */
  monteCarloFlags: string[];
  timings?: Record<string, number>;
  clock: (phase: string) => void;
  breaches: Diagnostic[];
}

/** What `simulate` writes (the summary, the report JSON, or a Monte Carlo part), or an exit code. */
async function simulateOutput(o: SimulateRun, io: Io): Promise<string | number> {
  const a = await analyzeOrReport(o.paths, io, { scenario: o.scenario });
  o.clock('analyze');
  if (!a) return 1;
  let report: Report;
  let sim: Simulation;
  try {
    // --no-series: no chart buckets are kept at all (the report would drop them)
    // Monte Carlo (--runs, or the scenario's) holds demand whole: refused before the replay when it would not fit
    const holdDemand = o.runs !== undefined || ((plan: RunPlan) => !!plan.scenario.monteCarlo);
    sim = simulate(a, { scenario: o.scenario, onProgress: progressReporter(io, 'replaying'), timings: o.timings, buckets: o.noSeries ? 0 : undefined, holdDemand });
    o.clock('simulate');
    report = buildReport(a.model, sim, { series: !o.noSeries });
    o.clock('report');
  } catch (e) {
    return reportRunError(e, io);
  }
  const job = monteCarloJobOf(a.model, sim.plan, o.runs, o.seed);
  if (!job && o.shard) {
    // a shard of nothing: the whole report would be written where headroom merge expects a part
    io.stderr(`headroom: --shard splits a Monte Carlo, and scenario ${sim.plan.scenario.name} has no monteCarlo and --runs is not given\n`);
    return 2;
  }
  if (!job && o.monteCarloFlags.length) {
    // said, not ignored silently: a --seed that changes nothing reads as a result that did not vary
    io.stderr(`headroom: ${o.monteCarloFlags.join(', ')} ${o.monteCarloFlags.length === 1 ? 'has' : 'have'} no effect: scenario ${sim.plan.scenario.name} has no monteCarlo and --runs is not given\n`);
  }
  if (job) {
    // Monte Carlo reads every step of every workload: the whole demand arrays, checked against the memory budget
    let baseDemand: Float64Array[];
    try {
      baseDemand = sim.baseDemand;
    } catch (e) {
      return reportRunError(e, io);
    }
    if (o.shard) {
      // one shard of the runs: a partial result for headroom merge, not a report
      const outcomes = await runMonteCarloRuns(job, baseDemand, shardIndices(job.runs, o.shard), o.workers);
      return JSON.stringify(partOf(report, job, o.shard, outcomes)) + '\n';
    }
    const summary = await runMonteCarlo(job, baseDemand, o.workers, progressReporter(io, `Monte Carlo ${job.runs} runs`));
    report.monteCarlo = monteCarloReport(summary, job);
  } else if (o.shard) {
    io.stderr('headroom: --shard needs a Monte Carlo (--runs N, or a scenario with monteCarlo)\n');
    return 2;
  }
  try {
    assertFinite(report);
  } catch (e) {
    return reportRunError(e, io);
  }
  o.breaches = checkPolicies(o.policies, report, a.model);
  // usage Placement saw that the model does not explain: a located warning, as lint writes them
  const unexplained = observedUsageDiagnostics(a, report);
  if (unexplained.length) io.stderr(formatText(unexplained));
  return o.json ? reportJson(report) : formatSummary(report);
}

function policiesOf(spec: string | undefined, allowDiff: boolean): Policy[] {
  if (spec === undefined) return [];
  try {
    return parsePolicies(spec, allowDiff);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** One located error line per broken policy on stderr (and SARIF to a file when asked); exit 1 if any. */
function policyExit(io: Io, breaches: Diagnostic[], sarif: string | undefined): number {
  if (sarif) {
    const f = OutputFile.open(path.resolve(io.cwd, sarif), sarif);
    f.write(formatSarif(breaches, VERSION));
  }
  if (!breaches.length) return 0;
  io.stderr(formatText(breaches));
  io.stderr(`headroom: ${breaches.length} policy breach(es)\n`);
  return 1;
}

function wholeNumber(v: string | undefined, flag: string, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v) || Number(v) < min) throw new UsageError(`${flag} must be a whole number${min > 0 ? ` ≥ ${min}` : ''}, got "${v}"`);
  return Number(v);
}

function reportRunError(e: unknown, io: Io): number {
  if (e instanceof PlanError) {
    if (e.diagnostics.length) io.stderr(formatText(e.diagnostics));
    io.stderr(`headroom: ${e.message}\n`);
    return e.diagnostics.length ? 1 : 2;
  }
  if (e instanceof SimulationLimitError || e instanceof CurrencyError || e instanceof NonFiniteError) {
    io.stderr(`headroom: ${e.message}\n`);
    return 1;
  }
  throw e;
}

registerCommand('simulate', simulateCmd, `Usage: headroom simulate PATH... [--scenario NAME] [--runs N --seed S] [--workers W] [--json] [--no-series] [--out FILE] [--fail-on n1,headroom,slo,unserved] [--sarif FILE]

Replays the scenario step by step and prints a summary (sites, workloads, worst moments,
N-1 verdict), or the report JSON with --json. --runs adds a Monte Carlo over demand noise
(the scenario's monteCarlo settings, or demandNoise 0.1) on W worker threads. --out writes
to a file (atomically; nothing is written when the run fails).
Exit 0 ran, 1 the input has errors, 2 usage.
`);

async function recommendCmd(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    scenario: { type: 'string' }, json: { type: 'boolean', default: false }, out: { type: 'string' },
    'min-share': { type: 'string' }, 'no-n1': { type: 'boolean', default: false }, 'single-site': { type: 'boolean', default: false },
    'add-hosts': { type: 'boolean', default: false }, 'no-series': { type: 'boolean', default: false },
    'fail-on': { type: 'string' }, sarif: { type: 'string' },
  });
  const policies = policiesOf(values['fail-on'], false);
  let breaches: Diagnostic[] = [];
  const minShare = values['min-share'] === undefined ? undefined : Number(values['min-share']) / 100;
  if (minShare !== undefined && !(minShare > 0 && minShare < 0.5)) throw new UsageError(`--min-share must be a percentage between 0 and 50, got "${values['min-share']}"`);
  const code = await emit(io, values.out, async () => {
  const a = await analyzeOrReport(positionals, io, { scenario: values.scenario });
  if (!a) return 1;
  let out: RecommendOutcome;
  try {
    out = await recommend(a, { scenario: values.scenario, minShare, n1: !values['no-n1'], activeActive: !values['single-site'], addHosts: values['add-hosts'], onProgress: io.isTTY ? (s) => (io.progress ?? io.stderr)(`\r\x1b[K${neutralizeControls(s)}…`) : undefined });
    if (io.isTTY) (io.progress ?? io.stderr)('\r\x1b[K');
  } catch (e) {
    return reportRunError(e, io);
  }
  if (values['no-series']) delete out.report.series;
  try {
    assertFinite(out.report);
  } catch (e) {
    return reportRunError(e, io);
  }
  breaches = checkPolicies(policies, out.report, a.model);
  return values.json ? reportJson(out.report) : formatRecommendation(out);
  });
  return code === 0 && policies.length ? policyExit(io, breaches, values.sarif) : code;
}
async function reportCmd(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    scenario: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, 'no-recommend': { type: 'boolean', default: false }, compare: { type: 'string' },
  });
  if (!values.out) throw new UsageError('--out FILE is required');
  // without --format, the one --out's extension names (report.html, review.md, cost.csv, report.json)
  const byExtension = /\.(html|md|csv|json)$/i.exec(values.out)?.[1].toLowerCase();
  const format = values.format ?? byExtension;
  if (!format || !['html', 'md', 'csv', 'json'].includes(format)) throw new UsageError(`--format must be html, md, csv or json${values.format ? `, got "${values.format}"` : ` (or --out a file ending .html, .md, .csv or .json; got ${values.out})`}`);
  if (values.compare !== undefined && (format === 'csv' || format === 'json')) throw new UsageError(`--compare puts two scenarios side by side in html or md; --format ${format} has no place for the second one`);
  const outName = values.out;
  return emit(io, outName, async () => {
  const a = await analyzeOrReport(positionals, io, { scenario: values.scenario });
  if (!a) return 1;
  let report: Report;
  let headroomTarget: number;
  try {
    let sim: Simulation;
    if (values['no-recommend']) {
      // a scenario with a Monte Carlo holds its demand whole: refused before the replay when it would not fit
      sim = simulate(a, { scenario: values.scenario, onProgress: progressReporter(io, 'replaying'), holdDemand: (plan: RunPlan) => !!plan.scenario.monteCarlo });
      report = buildReport(a.model, sim);
    } else {
      const out = await recommend(a, { scenario: values.scenario });
      sim = out.current;
      report = out.report;
    }
    headroomTarget = sim.plan.placement.headroomTarget;
    // the scenario's Monte Carlo, as simulate runs it (the same seed gives the same figures)
    const job = monteCarloJobOf(a.model, sim.plan);
    if (job) report.monteCarlo = monteCarloReport(await runMonteCarlo(job, sim.baseDemand, defaultWorkers(), progressReporter(io, `Monte Carlo ${job.runs} runs`)), job);
    if (values.compare) {
      // Side by side: this scenario against another one (same workspace).
      const other = buildReport(a.model, simulate(a, { scenario: values.compare }), { series: false });
      report.scenarioComparison = compare(sideOf(report, report.scenario), sideOf(other, other.scenario));
    }
    assertFinite(report);
  } catch (e) {
    return reportRunError(e, io);
  }
  return format === 'html' ? toHtml(report, { headroomTarget }) : format === 'md' ? toMarkdown(report) : format === 'csv' ? toCsv(report) : reportJson(report);
  }, (text) => io.stderr(`wrote ${outName} (${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB)\n`));
}
registerCommand('report', reportCmd, `Usage: headroom report PATH... [--scenario NAME] [--compare OTHER] [--format html|md|csv|json] --out FILE [--no-recommend]

The capacity-review report: html is one self-contained file (charts, tables, no network, works
from file://, prints), md is tables for a pull request or wiki, csv is cost per workload, site
and month (each site's idle cost as rows of its own, so the rows add up to the total), json is
the report JSON; without --format, the extension of --out names it. Recommendations are
included unless --no-recommend; a
scenario with a monteCarlo model gets its Monte Carlo, as simulate runs it (same seed, same
figures); --compare puts the scenario beside another one (cost, unserved, peaks, N-1, with deltas).
`);

/** The most `import` reads from one JSON file (a cloud of 10,000 hypervisors is about 20 MiB). */
const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

function importCmd(args: string[], io: Io): Promise<number> {
  if (args[0] === 'prometheus') return importPrometheusCmd(args.slice(1), io);
  if (args[0] === 'placement') return importPlacementCmd(args.slice(1), io);
  const { values, positionals } = parseOptions(args, { hypervisors: { type: 'string' }, flavors: { type: 'string' }, name: { type: 'string' }, out: { type: 'string' } });
  if (positionals[0] !== 'openstack' || positionals.length !== 1) throw new UsageError('usage: headroom import openstack --hypervisors H.json --flavors F.json [--name SITE] [--out FILE], or headroom import prometheus …');
  if (!values.hypervisors || !values.flavors) throw new UsageError('--hypervisors and --flavors are both required');
  const read = (f: string) => {
    const r = readRegularFile(path.resolve(io.cwd, f), MAX_IMPORT_BYTES);
    if (!r.ok) throw new UsageError(`${f}: ${r.kind === 'missing' ? 'no such file' : r.message}`);
    return { file: f, text: r.text };
  };
  const { hypervisors, flavors } = values;
  return emit(io, values.out, () => {
    try {
      const r = importOpenStackTexts(read(hypervisors), read(flavors), { name: values.name, check: lintSiteText });
      for (const n of r.notes) io.stderr(`headroom: ${n}\n`);
      io.stderr(`${r.hosts} host(s) in ${r.aggregates} aggregate(s)${r.skipped ? `, ${r.skipped} not up and left out` : ''}\n`);
      return r.yaml;
    } catch (e) {
      if (e instanceof ImportError) {
        io.stderr(`headroom: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
  });
}
registerCommand('import', importCmd, `Usage: headroom import openstack --hypervisors H.json --flavors F.json [--name SITE] [--out FILE]
       headroom import prometheus --url URL --query PROMQL --start T --end T --step S [--sum | --select label=value]
                                  [--token T | --user U --password P] [--out FILE]
       headroom import prometheus --refresh PATH
       headroom import placement (--url URL --token T | --os-cloud NAME | OS_AUTH_URL …) --flavors F.json
                                 [--url URL] [--compute-url URL] [--name SITE] [--out FILE]

placement: a Site from a live Placement API: compute nodes with their real reserved resources and
allocation ratios, PCPU and nested vGPU/PCI devices, grouped by aggregates, inventory and traits
(aggregate names from Nova when a compute endpoint is known); current usage kept as observedUsage.
Auth: --url with --token (OS_PLACEMENT_URL, OS_AUTH_TOKEN); or Keystone v3: the cloud --os-cloud
(OS_CLOUD) names in clouds.yaml, or an openrc's OS_AUTH_URL with OS_USERNAME, OS_PASSWORD and
OS_PROJECT_NAME (OS_USER_DOMAIN_NAME, OS_PROJECT_DOMAIN_NAME; default Default), or with
OS_APPLICATION_CREDENTIAL_ID and OS_APPLICATION_CREDENTIAL_SECRET; the endpoints then come from
the service catalog (OS_INTERFACE, OS_REGION_NAME) unless --url / --compute-url are given.

TLS certificates are always verified; a cloud signed by a private CA needs
NODE_EXTRA_CA_CERTS=/path/to/ca.pem in the environment (Placement, Nova and Prometheus alike).

prometheus: a trace CSV from a range query, split into chunks under the server's 11,000 points;
NaN/Inf samples and missing steps are reported, never invented; a query must give one series
unless --sum or --select. Credentials also from HEADROOM_PROMETHEUS_TOKEN, _USER, _PASSWORD.
--refresh pulls again every trace whose workload keeps its query (traffic.source.prometheus).

openstack:

Writes a Site document (type openstack) from \`openstack hypervisor list --long -f json\` (microversion
below 2.88, or Nova's os-hypervisors API JSON) and \`openstack flavor list --long -f json\`: hosts of one
shape become an aggregate; hosts not up are left out; reserved and allocation ratios are Nova's defaults.
`);

registerCommand('recommend', recommendCmd, `Usage: headroom recommend PATH... [--scenario NAME] [--json] [--out FILE] [--min-share PCT] [--no-n1] [--single-site] [--add-hosts] [--fail-on POLICIES] [--sarif FILE]

Solves for the cheapest active-active placement (HiGHS) that keeps the headroom target at the
busiest steps and survives the loss of any one site, re-simulates it beside the current
placement, and recommends it only if it leaves no more demand unserved. Also: hosts to buy
and when, commitments to add, headroom per site. --min-share is the smallest share kept off
each site (default 10); --add-hosts lets the optimizer buy hosts (MILP).
`);

export async function main(argv: string[], rawIo: Io = defaultIo): Promise<number> {
  const [cmd, ...rest] = argv;
  const io: Io = { ...rawIo, stdout: (s) => rawIo.stdout(neutralizeControls(s)), stderr: (s) => rawIo.stderr(neutralizeControls(s)), progress: rawIo.progress ?? rawIo.stderr };
  try {
    if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
      const topic = cmd === 'help' ? rest[0] ?? '' : '';
      if (!(topic in HELP)) throw new UsageError(`no help for "${topic}"; commands: ${[...commands.keys()].join(', ')}`);
      io.stdout(HELP[topic]);
      return cmd === undefined ? 2 : 0;
    }
    if (cmd === '--version' || cmd === '-v') {
      io.stdout(`${VERSION}\n`);
      return 0;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(HELP[cmd] ?? HELP['']);
      return 0;
    }
    const fn = commands.get(cmd);
    if (!fn) throw new UsageError(`unknown command "${cmd}"; run \`headroom help\``);
    // the trace store's size limit, read by the store when it sweeps: a malformed one is said now, not ignored there
    try {
      storeLimit();
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    return await fn(rest, io);
  } catch (e) {
    if (e instanceof UsageError || e instanceof OutputError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`headroom: ${(e as Error).message}\n`);
      return 2;
    }
    throw e;
  }
}

async function diffCmd(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    'base-dir': { type: 'string' }, format: { type: 'string', default: 'text' }, 'fail-on': { type: 'string' }, scenario: { type: 'string' }, out: { type: 'string' }, sarif: { type: 'string' },
  });
  const format = values.format as string;
  if (!['text', 'md', 'json'].includes(format)) throw new UsageError(`--format must be text, md or json, got "${format}"`);
  const policies = policiesOf(values['fail-on'], true);
  // BASE and HEAD are the leading positionals that are git revisions and not paths on disk
  const revs: string[] = [];
  let rest = positionals;
  while (rest.length && revs.length < 2 && !fs.existsSync(path.resolve(io.cwd, rest[0])) && !values['base-dir']) {
    if (!isRevision(io.cwd, rest[0])) throw new UsageError(`${rest[0]}: neither a path nor a git revision`);
    revs.push(rest[0]);
    rest = rest.slice(1);
  }
  const paths = rest.length ? rest : ['.'];
  const cleanup: string[] = [];
  let code = 2;
  let failed = false;
  try {
    let base: { ref: string; paths: string[]; cwd: string };
    let head: { ref: string; paths: string[]; cwd: string } = { ref: 'working tree', paths, cwd: io.cwd };
    if (values['base-dir']) {
      // checked before the head is read: a mistyped folder is one line, not the head's lint of whatever '.' holds
      const dir = path.resolve(io.cwd, values['base-dir']);
      if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--base-dir ${values['base-dir']}: no such folder`);
      base = { ref: values['base-dir'], paths: [dir], cwd: dir };
    } else {
      const baseRev = revs[0] ?? defaultBase(io.cwd);
      const b = materialize(io.cwd, baseRev, paths);
      cleanup.push(b.dir);
      base = { ref: revs[0] ?? `merge base ${baseRev.slice(0, 12)}`, paths: b.paths, cwd: b.dir };
      if (revs[1]) {
        const h = materialize(io.cwd, revs[1], paths);
        cleanup.push(h.dir);
        head = { ref: revs[1], paths: h.paths, cwd: h.dir };
      }
    }
    code = await emit(io, values.out, async () => {
      let r: Awaited<ReturnType<typeof diffWorkspaces>>;
      try {
        r = await diffWorkspaces({ base, head, scenario: values.scenario });
      } catch (e) {
        // a side that does not simulate (a scenario the base lacks, a run over the limits): one line, named by the side
        if (e instanceof PlanError || e instanceof SimulationLimitError) return reportRunError(e, io);
        io.stderr(`headroom: ${e instanceof Error ? e.message : String(e)}; nothing was compared\n`);
        return 1;
      }
      if (r.errors.length) {
        io.stderr(formatText(r.errors));
        io.stderr(`headroom: ${head.ref} has ${r.errors.length} error(s); nothing was compared\n`);
        return 1;
      }
      if (!r.diff) {
        io.stderr(`headroom: the base (${base.ref}) has ${r.baseErrors?.length ?? 0} error(s) and does not simulate; nothing was compared\n`);
        return 1;
      }
      const breaches = checkRegressions(policies, r.baseReport!, r.headReport!, r.head.model);
      r.diff.policies = policies.map((p) => {
        const mine = breaches.filter((b) => b.message.startsWith(`policy ${p.text}:`) || b.message.startsWith(`policy ${p.kind}:`));
        return { policy: p.text, ok: mine.length === 0, message: mine.map((b) => b.message.replace(/^policy [^:]+: /, '')).join('; ') };
      });
      if (values.sarif) OutputFile.open(path.resolve(io.cwd, values.sarif), values.sarif).write(formatSarif(breaches, VERSION));
      if (breaches.length) {
        io.stderr(formatText(breaches));
        io.stderr(`headroom: ${breaches.length} policy breach(es)\n`);
        failed = true;
      }
      return format === 'json' ? JSON.stringify(r.diff, null, 2) + '\n' : format === 'md' ? diffMarkdown(r.diff) : diffText(r.diff);
    });
    return code === 0 && failed ? 1 : code;
  } finally {
    for (const d of cleanup) fs.rmSync(d, { recursive: true, force: true });
  }
}
registerCommand('diff', diffCmd, `Usage: headroom diff [BASE [HEAD]] [PATH...] [--base-dir DIR] [--scenario NAME] [--format text|md|json] [--fail-on POLICIES] [--out FILE] [--sarif FILE]

The change between two revisions of a workspace, head − base: cost (total, per calendar month,
per site and workload), peak utilization per resource, unserved demand and SLO steps, N-1 and
headroom verdicts that flipped, shares that moved, lint diagnostics added and removed. BASE and
HEAD are git revisions read with git (default: the merge base with the default branch, against
the working tree); --base-dir compares a folder instead. --format md is a pull-request comment
(under 65,536 characters). --fail-on n1,headroom,slo,unserved,cost:+5%,cost:+N,n1-regression,
headroom-regression,slo-regression exits 1 with one located error per breach; --sarif writes them
as SARIF for code scanning.
`);

async function mergeCmd(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseOptions(args, { out: { type: 'string' } });
  if (!positionals.length) throw new UsageError('name the parts to merge: headroom merge part-0.json part-1.json …');
  const parts = positionals.map((f) => {
    const r = readRegularFile(path.resolve(io.cwd, f), 1 << 30);
    if (!r.ok) throw new UsageError(`${f}: ${r.kind === 'missing' ? 'no such file' : r.message}`);
    try {
      return JSON.parse(r.text) as MonteCarloPart;
    } catch (e) {
      throw new UsageError(`${f}: not JSON (${(e as Error).message})`);
    }
  });
  return emit(io, values.out, () => {
    let merged;
    try {
      merged = mergeParts(parts, positionals);
    } catch (e) {
      io.stderr(`headroom: ${(e as Error).message}\n`);
      return 1;
    }
    merged.report.monteCarlo = monteCarloReport(summarize(merged.job, merged.outcomes, 0), merged.job);
    return reportJson(merged.report);
  });
}
registerCommand('merge', mergeCmd, `Usage: headroom merge PART... [--out FILE]

Combines the partial results of a sharded Monte Carlo (headroom simulate --runs N --seed S
--shard I/N --out part-I.json, one per shard, on as many machines as you like) into the report
JSON an unsharded run writes, byte for byte. Parts from another workspace, scenario or job, a
shard given twice or one missing are refused (exit 1).
`);

/** Credentials from flags, else the environment (HEADROOM_PROMETHEUS_TOKEN, or _USER and _PASSWORD). */
function prometheusAuth(values: { token?: string; user?: string; password?: string }): PrometheusAuth {
  const env = process.env;
  return { token: values.token ?? env.HEADROOM_PROMETHEUS_TOKEN, user: values.user ?? env.HEADROOM_PROMETHEUS_USER, password: values.password ?? env.HEADROOM_PROMETHEUS_PASSWORD };
}

async function importPrometheusCmd(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    url: { type: 'string' }, query: { type: 'string' }, start: { type: 'string' }, end: { type: 'string' }, step: { type: 'string' },
    sum: { type: 'boolean', default: false }, select: { type: 'string' }, token: { type: 'string' }, user: { type: 'string' }, password: { type: 'string' },
    out: { type: 'string' }, refresh: { type: 'string' },
  });
  const auth = prometheusAuth(values);
  try {
    if (values.refresh !== undefined) return await refreshPrometheusTraces(values.refresh, auth, io);
    if (positionals.length) throw new UsageError(`unexpected ${positionals[0]}`);
    for (const k of ['url', 'query', 'start', 'end', 'step'] as const) if (!values[k]) throw new UsageError(`--${k} is required (headroom help import)`);
    const step = parseDuration(values.step);
    if (!(step !== undefined && step > 0)) throw new UsageError(`--step ${values.step}: give a duration such as 5m or 300`);
    const select = values.select === undefined ? undefined : parseSelect(values.select);
    if (values.select !== undefined && !select) throw new UsageError(`--select ${values.select}: write label=value`);
    const q: PrometheusQuery = { url: values.url!, query: values.query!, start: parseInstant(values.start!, '--start'), end: parseInstant(values.end!, '--end'), step, sum: values.sum, select };
    return await emit(io, values.out, async () => {
      const r = await importPrometheus(q, auth);
      for (const w of r.warnings) io.stderr(`headroom: warning: ${w}\n`);
      io.stderr(`headroom: ${r.rows} row(s) from ${r.requests} range quer${r.requests === 1 ? 'y' : 'ies'}; keep the query with the workload so it can be refreshed:\n` +
        `  ${prometheusSourceLine(values.out ?? 'TRACE.csv', { url: q.url, query: q.query, start: values.start!, end: values.end!, step: values.step!, sum: q.sum, select: values.select })}\n`);
      return r.csv;
    });
  } catch (e) {
    if (e instanceof PrometheusError) {
      io.stderr(`headroom: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

/** Pulls every trace of the workspace that names a Prometheus query again, and rewrites it in place (atomically). */
async function refreshPrometheusTraces(where: string, auth: PrometheusAuth, io: Io): Promise<number> {
  const a = analyzePaths([where], { cwd: io.cwd });
  const errors = a.diagnostics.filter((d) => d.severity === 'error' && !d.rule.startsWith('trace-'));
  if (errors.length) {
    io.stderr(formatText(errors));
    return 1;
  }
  let n = 0;
  for (const w of a.model.workloads.values()) {
    if (w.traffic.kind !== 'trace' || !w.traffic.source?.prometheus) continue;
    const p = w.traffic.source.prometheus;
    const file = resolveTracePath(w, a.model.roots);
    if (!file.ok) throw new UsageError(file.message);
    const r = await importPrometheus({ url: p.url, query: p.query, start: parseInstant(p.start, 'start'), end: parseInstant(p.end, 'end'), step: p.step, sum: p.sum, select: p.select ? parseSelect(p.select) : undefined }, auth);
    for (const warning of r.warnings) io.stderr(`headroom: warning: ${w.name}: ${warning}\n`);
    OutputFile.open(file.abs, path.relative(io.cwd, file.abs)).write(r.csv);
    io.stderr(`headroom: ${w.name}: ${r.rows} row(s) written to ${path.relative(io.cwd, file.abs)}\n`);
    n++;
  }
  if (!n) io.stderr('headroom: no workload names a Prometheus query (traffic.source.prometheus)\n');
  return 0;
}

/** placementSource, or the usage error that says which credentials to give. */
async function placementSourceOrUsage(values: { url?: string; token?: string; 'os-cloud'?: string; 'compute-url'?: string }, cwd: string): Promise<PlacementSource> {
  const src = await placementSource({ url: values.url, token: values.token, cloud: values['os-cloud'], computeUrl: values['compute-url'] }, process.env, cwd);
  if (src) return src;
  if (!(values.url ?? process.env.OS_PLACEMENT_URL)) throw new UsageError('--url (or OS_PLACEMENT_URL) is required: the Placement endpoint, as in http://controller:8778; or Keystone credentials, whose catalog names it');
  throw new UsageError('--token (or OS_AUTH_TOKEN) is required with --url; or Keystone credentials: --os-cloud NAME (clouds.yaml), or OS_AUTH_URL with OS_USERNAME, OS_PASSWORD and OS_PROJECT_NAME, or with OS_APPLICATION_CREDENTIAL_ID and _SECRET');
}

async function importPlacementCmd(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseOptions(args, { url: { type: 'string' }, token: { type: 'string' }, 'os-cloud': { type: 'string' }, 'compute-url': { type: 'string' }, flavors: { type: 'string' }, name: { type: 'string' }, out: { type: 'string' } });
  if (positionals.length) throw new UsageError(`unexpected ${positionals[0]}`);
  if (!values.flavors) throw new UsageError('--flavors F.json is required: Placement does not know flavors (`openstack flavor list --long -f json`)');
  const r = readRegularFile(path.resolve(io.cwd, values.flavors), MAX_IMPORT_BYTES);
  if (!r.ok) throw new UsageError(`${values.flavors}: ${r.kind === 'missing' ? 'no such file' : r.message}`);
  try {
    const src = await placementSourceOrUsage(values, io.cwd);
    return await emit(io, values.out, async () => {
      try {
        const got = await importPlacement(src, { file: values.flavors!, text: r.text }, { name: values.name, check: lintSiteText });
        for (const n of got.notes) io.stderr(`headroom: ${n}\n`);
        io.stderr(`${got.hosts} compute node(s) in ${got.aggregates} aggregate(s), ${got.requests} requests\n`);
        return got.yaml;
      } catch (e) {
        if (e instanceof ImportError) {
          io.stderr(`headroom: ${e.message}\n`);
          return 1;
        }
        throw e;
      }
    });
  } catch (e) {
    if (e instanceof PlacementError) {
      io.stderr(`headroom: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
