/**
 * `npm run bench`: each benchmark prints its time and a ratio against a floor measured in the
 * same run on the same machine, so the numbers mean the same on a laptop and in CI.
 * Select some with `npm run bench -- lint replay` (default: all).
 */
import { benchLint } from './lint-bench';
import { benchReplay, runCase } from './replay-bench';
import { benchMonteCarlo, benchOptimizer } from './recommend-bench';
import { benchReport } from './report-bench';
import { benchEditor } from './editor-bench';
import { benchPeer } from './peer-bench';
import { benchDiff } from './diff-bench';
import { benchPlacement } from './placement-bench';
import { benchStream } from './stream-bench';

const BENCHES: Record<string, () => Promise<void> | void> = {
  lint: benchLint,
  replay: benchReplay,
  optimizer: benchOptimizer,
  'monte-carlo': benchMonteCarlo,
  report: benchReport,
  editor: benchEditor,
  peer: benchPeer,
  diff: benchDiff,
  placement: benchPlacement,
  stream: benchStream,
};

async function mainBench(): Promise<void> {
  if (process.argv[2] === '--replay-case') return runCase(Number(process.argv[3]));
  const wanted = process.argv.slice(2);
  for (const [name, fn] of Object.entries(BENCHES)) {
    if (wanted.length && !wanted.includes(name)) continue;
    console.log(`\n== ${name} ==`);
    await fn();
  }
}

mainBench().catch((e) => {
  console.error(e);
  process.exit(1);
});
