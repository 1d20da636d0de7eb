/**
 * Worker thread for the extension: simulation and recommendations run here, never on the
 * extension host's main thread. The host terminates the worker to cancel.
 */
import { parentPort } from 'worker_threads';
import { analyzeTexts } from '../../engine/lint';
import { recommend } from '../../engine/recommend';
import { buildReport } from '../../engine/report';
import { simulate } from '../../engine/simulate';

export interface Job { kind: 'simulate' | 'recommend'; texts: [string, string][]; roots: string[]; scenario?: string }

parentPort!.on('message', async (job: Job) => {
  try {
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
