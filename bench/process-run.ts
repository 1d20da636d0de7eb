/**
 * One whole process as a user runs it, measured: wall time from here, peak RSS from GNU time
 * (`/usr/bin/time -f %M`), and the replay's own seconds from its stderr (the peer's timing line,
 * or ours from HEADROOM_TIMINGS=1).
 */
import { spawnSync } from 'child_process';

export interface Run { seconds: number; rssMiB: number; core: number; stdout: string }

export function wall(cmd: string, args: string[], env: NodeJS.ProcessEnv): Run {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '__RSS_KB %M', cmd, ...args], { env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  const rssMiB = Number(/__RSS_KB (\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;
  const core = Number(/replay core ([\d.]+) s/.exec(r.stderr)?.[1] ?? /replay ([\d.]+) s/.exec(r.stderr)?.[1] ?? NaN);
  return { seconds, rssMiB, core, stdout: r.stdout };
}

