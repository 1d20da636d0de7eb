/**
 * A real Prometheus for the tests: a TSDB backfilled with `promtool tsdb create-blocks-from
 * openmetrics` from the given OpenMetrics lines, served by Debian's prometheus on a free loopback
 * port and stopped by PID (shared/notes/real-placement-and-prometheus-offline.md).
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freePort, serveUntilReady } from './loopback-server';

export interface PrometheusServer { url: string; stop(): void }

/** `openMetrics`: `# TYPE` lines and samples with timestamps in seconds; `# EOF` is added. */
export async function startPrometheus(openMetrics: string[]): Promise<PrometheusServer> {
  for (const b of ['prometheus', 'promtool']) {
    if (!fs.existsSync(`/usr/bin/${b}`)) throw new Error(`${b} not found: npm test provisions Debian's prometheus (scripts/ensure-prometheus.sh)`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-prometheus-'));
  fs.writeFileSync(path.join(dir, 'series.om'), [...openMetrics, '# EOF'].join('\n') + '\n');
  execFileSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', path.join(dir, 'series.om'), path.join(dir, 'data')], { stdio: 'ignore' });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawn('prometheus', [`--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--config.file=/dev/null', '--storage.tsdb.retention.time=100y'], { stdio: 'ignore' });
  const stop = await serveUntilReady('Prometheus', server, `${url}/-/ready`, {}, dir);
  return { url, stop };
}
