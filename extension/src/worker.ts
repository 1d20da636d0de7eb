/**
 * Worker thread for the extension: simulation and recommendations run here, never on the
 * extension host's main thread. The host terminates the worker to cancel.
 */
import { parentPort } from 'worker_threads';
import { analyzeTexts } from '../../engine/lint/lint';
import { recommend } from '../../engine/recommend/recommend';
import { buildReport } from '../../engine/report/report';
import { simulate } from '../../engine/replay/simulate';
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
      const sim = simulate(a, { scenario: job.scenario, onProgress: (f) => parentPort!.postMessage({ progress: f }) });
      parentPort!.postMessage({ report: buildReport(a.model, sim), headroomTarget: sim.plan.placement.headroomTarget });
    } else {
      const out = await recommend(a, { scenario: job.scenario });
      parentPort!.postMessage({ report: out.report, headroomTarget: out.current.plan.placement.headroomTarget, placementYaml: out.placementYaml ?? null, placementName: out.current.plan.placement.name });
    }
  } catch (e) {
    parentPort!.postMessage({ error: (e as Error).message });
  }
});
