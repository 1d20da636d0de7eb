/**
 * `headroom import prometheus` against a real Prometheus (Debian's 2.42), started here on
 * loopback and stopped by PID: a TSDB backfilled with promtool from the bundled NAB trace
 * Twitter_volume_GOOG (15,842 samples 300 s apart, read as UTC), a second series with another
 * label, and a series with a NaN stretch. The imported CSV must equal the source at each step.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { run } from './cli-lint.test';
import { FIXTURES, tempWorkspace } from './helpers';
import { freePort } from './loopback-server';
import { PrometheusServer, startPrometheus } from './prometheus-server';
import { constWorkload, doc, placement, scenario, smallPrivate } from './sim-helpers';

const SOURCE = path.join(FIXTURES, 'toss-hybrid', 'traces', 'Twitter_volume_GOOG.csv');
const rows = fs.readFileSync(SOURCE, 'utf8').trim().split('\n').slice(1).map((l) => {
  const [t, v] = l.split(',');
  return { t: Date.parse(t.replace(' ', 'T') + 'Z') / 1000, v: Number(v) };
});
const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

describe('import prometheus (a real Prometheus on loopback)', function () {
  this.timeout(180000);
  let server: PrometheusServer | undefined;
  let url = '';
  const first = rows[0].t;
  const last = rows[rows.length - 1].t;
  // the NaN stretch: samples 100..109 of the `cpu` series
  const nanFrom = first + 100 * 300;
  const nanTo = first + 109 * 300;

  before(async () => {
    // OpenMetrics: one line per sample; timestamps in seconds
    const om: string[] = ['# TYPE tweets gauge'];
    for (const r of rows) om.push(`tweets{source="goog"} ${r.v} ${r.t}`);
    for (const r of rows.slice(0, 2000)) om.push(`tweets{source="copy"} ${r.v * 2} ${r.t}`);
    om.push('# TYPE cpu gauge');
    for (let i = 0; i < 300; i++) {
      const t = first + i * 300;
      om.push(`cpu{host="a"} ${t >= nanFrom && t <= nanTo ? 'NaN' : String(i)} ${t}`);
    }
    server = await startPrometheus(om);
    url = server.url;
  });

  after(() => server?.stop());

  it('reads a range of more than 11,000 steps in chunks, equal to the source at every step', async () => {
    const dir = tempWorkspace({});
    const r = await run(['import', 'prometheus', '--url', url, '--query', 'tweets{source="goog"}', '--start', iso(first), '--end', iso(last), '--step', '5m', '--out', 'goog.csv'], dir);
    assert.equal(r.code, 0, r.err);
    // 15,842 steps: chunks of 10,000 → 2 range queries
    assert.match(r.err, /15842 row\(s\) from 2 range queries/);
    assert.match(r.err, /source: \{ prometheus: \{ url: "http:\/\/127\.0\.0\.1:\d+", query: "tweets\{source=\\"goog\\"\}"/);
    const got = fs.readFileSync(path.join(dir, 'goog.csv'), 'utf8').trim().split('\n');
    assert.equal(got[0], 'timestamp,value');
    assert.equal(got.length - 1, rows.length);
    for (let i = 0; i < rows.length; i++) assert.equal(got[i + 1], `${iso(rows[i].t)},${rows[i].v}`, `row ${i + 1}`);
  });

  it('needs --sum or --select when the query gives two series', async () => {
    const dir = tempWorkspace({});
    const args = ['import', 'prometheus', '--url', url, '--query', 'tweets', '--start', iso(first), '--end', iso(first + 9 * 300), '--step', '300'];
    const two = await run(args, dir);
    assert.equal(two.code, 2);
    assert.match(two.err, /the query gives 2 series \(\{.*source="copy".*\}, \{.*source="goog".*\}\); sum them with --sum, pick one with --select label=value/);
    // summed: goog + copy = 3 × the source value
    const sum = await run([...args, '--sum'], dir);
    assert.equal(sum.code, 0, sum.err);
    assert.equal(sum.out.trim().split('\n')[1], `${iso(first)},${3 * rows[0].v}`);
    const one = await run([...args, '--select', 'source=copy'], dir);
    assert.equal(one.out.trim().split('\n')[1], `${iso(first)},${2 * rows[0].v}`);
  });

  it('leaves NaN samples out and says where', async () => {
    const r = await run(['import', 'prometheus', '--url', url, '--query', 'cpu', '--start', iso(first), '--end', iso(first + 299 * 300), '--step', '300'], tempWorkspace({}));
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, new RegExp(`warning: non-finite values \\(NaN or ±Inf\\) from ${iso(nanFrom)} to ${iso(nanTo)} in \\{.*host="a".*\\} were left out`));
    // 300 samples less the 10 NaN ones; the missing steps are reported as a gap, not filled
    assert.equal(r.out.trim().split('\n').length - 1, 290);
    assert.match(r.err, new RegExp(`no samples from ${iso(nanFrom)} to ${iso(nanTo)} \\(10 step\\(s\\)\\)`));
  });

  it('refreshes the traces whose workloads keep their query', async () => {
    const source = `{ prometheus: { url: "${url}", query: 'tweets{source="goog"}', start: "${iso(first)}", end: "${iso(first + 11 * 300)}", step: 5m } }`;
    const dir = tempWorkspace({
      's.yaml': smallPrivate('dc', 2),
      'w.yaml': constWorkload('api', 10).replace('traffic: { synthetic: { baseline: 10 } }', `traffic: { trace: goog.csv, source: ${source} }`),
      'p.yaml': placement('api: { shares: { dc: 100 } }'),
      'sc.yaml': scenario(),
      'settings.yaml': doc('Settings', 'settings', 'reportingCurrency: USD'),
      'goog.csv': 'timestamp,value\n2027-01-01T00:00:00Z,1\n',
    });
    const r = await run(['import', 'prometheus', '--refresh', '.'], dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /api: 12 row\(s\) written to goog\.csv/);
    assert.equal(fs.readFileSync(path.join(dir, 'goog.csv'), 'utf8').trim().split('\n')[12], `${iso(rows[11].t)},${rows[11].v}`);
  });

  it('an unreachable server is one clear line, exit 2', async () => {
    const port = await freePort(); // nothing listens there
    const r = await run(['import', 'prometheus', '--url', `http://127.0.0.1:${port}`, '--query', 'up', '--start', '2027-01-01T00:00:00Z', '--end', '2027-01-01T01:00:00Z', '--step', '60'], tempWorkspace({}));
    assert.equal(r.code, 2);
    assert.match(r.err, /^headroom: cannot reach Prometheus at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)\n$/);
  });
});
