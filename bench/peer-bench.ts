/**
 * Whole-process speed against the NumPy peer (shared/tools/peer): what a user waits for is the
 * whole `headroom simulate --json --no-series` on their traces, against the script they would
 * write instead. Workspaces come from the peer's own generator (CSV traces: one per workload,
 * or ten shared), plus one whose traces are wall-clock times in America/New_York with the DST
 * repeat and gap, so the cost of time zones shows. Each case runs both tools as whole
 * processes, alternating (the peer first in even rounds, last in odd ones), ROUNDS times;
 * medians are printed with the ratio peer / ours (> 1: ours is faster), cold (an empty trace
 * cache) and warm (the cache of the cold run), peak RSS of each, and the replay core of each
 * (the peer's own timing line, ours from HEADROOM_TIMINGS).
 * Target: whole process ≥ 2× faster than the peer, replay core no slower, RSS below the peer's.
 */
import { spawnSync } from 'child_process';
import { Run, wall } from './process-run';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const PEER = path.resolve(ROOT, '..', 'shared', 'tools', 'peer');
const ROUNDS = Number(process.env.HEADROOM_PEER_ROUNDS ?? 3);
/** Only the cases whose name this matches (e.g. HEADROOM_PEER_ONLY='sharing'), to look at one closely. */
const ONLY = process.env.HEADROOM_PEER_ONLY ? new RegExp(process.env.HEADROOM_PEER_ONLY) : undefined;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Rewrites a generated workspace's traces as New York wall-clock times (naive ISO), with the DST hour repeated and skipped. */
function toNewYorkTime(dir: string): void {
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const local = (t: number) => {
    const p = Object.fromEntries(fmt.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
  };
  const tdir = path.join(dir, 'traces');
  for (const f of fs.readdirSync(tdir)) {
    const lines = fs.readFileSync(path.join(tdir, f), 'utf8').trim().split('\n');
    const out = [lines[0]];
    for (let i = 1; i < lines.length; i++) {
      const [ts, v] = lines[i].split(',');
      out.push(`${local(Date.parse(ts))},${v}`);
    }
    fs.writeFileSync(path.join(tdir, f), out.join('\n') + '\n');
  }
  // the generator writes `traffic:` as a block with `trace:` under it; a shape it no longer has must fail here, not quietly read the traces as UTC
  const wl = path.join(dir, 'workloads.yaml');
  const yaml = fs.readFileSync(wl, 'utf8');
  const zoned = yaml.replace(/^(\s+)trace: (\S+)$/gm, '$1timezone: America/New_York\n$1trace: $2');
  if (zoned === yaml) throw new Error(`${wl}: no \`trace:\` line to give a time zone`);
  fs.writeFileSync(wl, zoned);
}

interface Costed { name: string; cost: number }
interface Figures { totals: { cost: number }; workloads: Costed[]; sites: Costed[] }

/** How closely the two tools' figures agree: the largest relative difference of the total and of each site's and workload's cost. */
function agreement(peer: Figures, ours: Figures): string {
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));
  const worst = (ps: Costed[], os: Costed[]) => Math.max(...ps.map((p) => rel(os.find((o) => o.name === p.name)?.cost ?? NaN, p.cost)));
  // the report's money has two decimals, so a workload costing ~10⁶ agrees to ~1e-9 at best
  return `total cost ${rel(ours.totals.cost, peer.totals.cost).toExponential(1)}, sites ${worst(peer.sites, ours.sites).toExponential(1)}, workloads ${worst(peer.workloads, ours.workloads).toExponential(1)} (largest relative difference)`;
}

/** Each round's ratio peer / ours of one measure, lowest to highest: "1.62–1.80× (1.62, 1.71, 1.80)". */
function rounds(peer: readonly Run[], ours: readonly Run[], k: 'seconds' | 'core'): string {
  const r = peer.map((p, i) => p[k] / ours[i][k]).sort((a, b) => a - b);
  return `${r[0].toFixed(2)}–${r[r.length - 1].toFixed(2)}× (${r.map((x) => x.toFixed(2)).join(', ')})`;
}

/**
 * The machine's own speed, in ms for a fixed loop in a fresh Node (the median of three): taken
 * before and after the cases, so that a run on a machine whose speed moved (a shared VM's
 * neighbours) says so beside its ratios.
 */
function referenceLoopMs(): number {
  const code = 'let t=performance.now(),x=0;for(let i=0;i<3e8;i++)x+=i%7;process.stdout.write(String(performance.now()-t+x*0))';
  return median([0, 1, 2].map(() => Number(spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' }).stdout)));
}

export async function benchPeer(): Promise<void> {
  const hasPython = spawnSync('python3', ['-c', 'import numpy, yaml'], { encoding: 'utf8' }).status === 0;
  // the peer reads naive times in a time zone with pandas (tz_localize)
  const hasPandas = spawnSync('python3', ['-c', 'import pandas'], { encoding: 'utf8' }).status === 0;
  if (!fs.existsSync(path.join(PEER, 'peer_replay.py'))) {
    console.log(`peer: ${PEER} is not here (it ships in ../shared/tools/peer); skipped`);
    return;
  }
  if (!hasPython) {
    console.log('peer: Python 3 with numpy and PyYAML is not installed (Debian: python3-numpy python3-yaml); skipped');
    return;
  }
  if (!fs.existsSync('/usr/bin/time')) {
    console.log('peer: GNU time (/usr/bin/time, Debian package time) is missing; skipped');
    return;
  }
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-peer-bench-'));
  const cases: { name: string; args: string[]; ny?: boolean }[] = [
    { name: '1,000 workloads, 1,000 CSV traces, a year at 1 h', args: ['1000', '365', '1h'] },
    { name: '100 workloads, 100 CSV traces, a year at 5 min', args: ['100', '365', '5m'] },
    { name: '1,000 workloads sharing 10 traces, a year at 1 h', args: ['1000', '365', '1h', '10'] },
    { name: '100 workloads sharing 10 traces, a year at 5 min', args: ['100', '365', '5m', '10'] },
    { name: '100 workloads, New York wall-clock traces with DST, a year at 1 h', args: ['100', '365', '1h'], ny: true },
  ];
  const headroom = path.join(ROOT, 'bin', 'headroom.js');
  const before = referenceLoopMs();
  try {
    for (const [i, c] of cases.entries()) {
      if (ONLY && !ONLY.test(c.name)) continue;
      if (c.ny && !hasPandas) {
        console.log(`${c.name}: skipped (the peer reads time zones with pandas, not installed; Debian: python3-pandas)`);
        continue;
      }
      const ws = path.join(base, `ws-${i}`);
      const gen = spawnSync(process.execPath, [path.join(PEER, 'gen_trace_ws.js'), ws, ...c.args], { cwd: ROOT, encoding: 'utf8' });
      if (gen.status !== 0) throw new Error(`generator failed: ${gen.stderr}`);
      if (c.ny) toNewYorkTime(ws);
      const out = path.join(base, 'out.json');
      const runs: { peer: Run[]; cold: Run[]; warm: Run[] } = { peer: [], cold: [], warm: [] };
      for (let r = 0; r < ROUNDS; r++) {
        const cache = path.join(base, `cache-${i}-${r}`);
        const env = { ...process.env, HEADROOM_TRACE_CACHE: cache, HEADROOM_TIMINGS: '1' };
        const peer = () => runs.peer.push(wall('python3', [path.join(PEER, 'peer_replay.py'), ws], process.env));
        // the peer first in even rounds and last in odd ones, so that neither side always runs after the other
        if (r % 2 === 0) peer();
        runs.cold.push(wall(process.execPath, [headroom, 'simulate', ws, '--json', '--no-series', '--out', out], env));
        runs.warm.push(wall(process.execPath, [headroom, 'simulate', ws, '--json', '--no-series', '--out', out], env));
        if (r % 2 === 1) peer();
        fs.rmSync(cache, { recursive: true, force: true });
      }
      const m = (rs: Run[], k: 'seconds' | 'rssMiB' | 'core') => median(rs.map((x) => x[k]));
      const peer = m(runs.peer, 'seconds');
      console.log(`${c.name}:`);
      console.log(`  peer ${peer.toFixed(2)} s, ${m(runs.peer, 'rssMiB').toFixed(0)} MiB, replay core ${m(runs.peer, 'core').toFixed(2)} s`);
      for (const k of ['cold', 'warm'] as const) {
        const ours = m(runs[k], 'seconds');
        console.log(`  headroom ${k} ${ours.toFixed(2)} s, ${m(runs[k], 'rssMiB').toFixed(0)} MiB, replay ${m(runs[k], 'core').toFixed(2)} s: ${(peer / ours).toFixed(2)}× the peer's speed (target ≥ 2), replay core ${(m(runs.peer, 'core') / m(runs[k], 'core')).toFixed(2)}× (target ≥ 1), RSS ${(m(runs[k], 'rssMiB') / m(runs.peer, 'rssMiB')).toFixed(2)}× the peer's (target < 1)`);
        // each round's own ratio (the peer's run and ours in the same round): how far the median can be trusted
        console.log(`    by round: speed ${rounds(runs.peer, runs[k], 'seconds')}; replay core ${rounds(runs.peer, runs[k], 'core')}`);
      }
      console.log(`  agreement: ${agreement(JSON.parse(runs.peer[0].stdout), JSON.parse(fs.readFileSync(out, 'utf8')))}`);
      fs.rmSync(ws, { recursive: true, force: true });
    }
    const after = referenceLoopMs();
    const moved = Math.abs(after - before) / Math.min(before, after);
    console.log(`machine: a reference loop took ${before.toFixed(0)} ms before the cases and ${after.toFixed(0)} ms after${moved > 0.1 ? ` (${(moved * 100).toFixed(0)} % apart: this machine's speed moved during the run, so read the ratios by round)` : ''}`);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}
