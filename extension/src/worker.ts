/**
 * Worker thread for the extension: simulation (with the scenario's Monte Carlo) and
 * recommendations run here, never on the extension host's main thread. The host terminates the
 * worker to cancel.
 */
import { parentPort } from 'worker_threads';
import { analyzeTexts } from '../../engine/lint/lint';
import { recommend } from '../../engine/recommend/recommend';
import { buildReport } from '../../engine/report/report';
import { simulate } from '../../engine/replay/simulate';
import { pickScenario } from '../../engine/replay/scenario-plan';
import { monteCarloJobOf, runMonteCarlo } from '../../engine/replay/monte-carlo';
import { monteCarloReport } from '../../engine/report/monte-carlo-report';
import * as fs from 'fs';
import { compare, sideOf } from '../../engine/report/comparison';
import { diffWorkspaces, materialize } from '../../engine/report/workspace-diff';

export interface Job { kind: 'simulate' | 'recommend' | 'diff'; texts: [string, string][]; roots: string[]; scenario?: string; folder?: string }

/** The saved workspace against its last commit (HEAD), read with git: the head report with the comparison in it. */
async function diffWithHead(job: Job): Promise<void> {
  const cwd = job.folder ?? job.roots[0];
  const b = materialize(cwd, 'HEAD', ['.']);
  try {
    const r = await diffWorkspaces({ base: { ref: 'HEAD', paths: b.paths, cwd: b.dir }, head: { ref: 'working tree', paths: [cwd], cwd }, scenario: job.scenario, headSeries: true });
    if (!r.diff || !r.headReport || !r.baseReport) {
      parentPort!.postMessage({ error: r.errors.length ? `${r.errors.length} error(s) in the workspace; fix them first` : `HEAD does not simulate (${r.baseErrors?.length ?? 0} error(s) there)` });
      return;
    }
    const report = r.headReport;
    report.scenarioComparison = compare(sideOf(r.baseReport, 'HEAD'), sideOf(report, 'working tree'));
    parentPort!.postMessage({ report, diff: r.diff });
  } finally {
    fs.rmSync(b.dir, { recursive: true, force: true });
  }
}

parentPort!.on('message', async (job: Job) => {
  try {
    if (job.kind === 'diff') return await diffWithHead(job);
    const a = analyzeTexts(job.texts.map(([abs, text]) => ({ file: abs, absFile: abs, text })), job.roots, undefined, '');
    const errors = a.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) {
      parentPort!.postMessage({ error: `${errors.length} error(s) in the workspace; fix them first (Problems panel)` });
      return;
    }
    if (job.kind === 'simulate') {
      // a scenario with a Monte Carlo gets it, as the CLI's simulate and report run it (in this thread: it is off the
      // editor's already); the replay is the first half of the progress, the runs the second
      const withRuns = !!pickScenario(a.model, job.scenario)?.monteCarlo;
      const share = (from: number, f: number) => parentPort!.postMessage({ progress: withRuns ? from + f / 2 : f });
      const sim = simulate(a, { scenario: job.scenario, onProgress: (f) => share(0, f), holdDemand: withRuns });
      const report = buildReport(a.model, sim);
      const mc = monteCarloJobOf(a.model, sim.plan);
      if (mc) report.monteCarlo = monteCarloReport(await runMonteCarlo(mc, sim.baseDemand, 0, (f) => share(0.5, f)), mc);
      parentPort!.postMessage({ report, headroomTarget: sim.plan.placement.headroomTarget });
    } else {
      const out = await recommend(a, { scenario: job.scenario });
      parentPort!.postMessage({ report: out.report, headroomTarget: out.current.plan.placement.headroomTarget, placementYaml: out.placementYaml ?? null, placementName: out.current.plan.placement.name });
    }
  } catch (e) {
    parentPort!.postMessage({ error: (e as Error).message });
  }
});
