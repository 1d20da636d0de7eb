/**
 * `headroom import prometheus`: demand from a Prometheus range query (HTTP API
 * `/api/v1/query_range`), written as a trace CSV (`timestamp,value`), so that runs stay
 * reproducible from committed files. Prometheus returns at most 11,000 points per series and
 * query, so the range is split into chunks of at most 10,000 steps, each starting one step after
 * the previous one ended. A query must give one series, unless the user asks to sum them
 * (`sum`) or picks one by a label (`select: label=value`). NaN and ±Inf samples are left out
 * and missing steps (a stale or absent series) are not invented; both are reported as
 * warnings with their times. The query is kept as the workload's provenance
 * (`traffic.source.prometheus`), and `--refresh` pulls every such trace again.
 */
import { iso } from './traffic';
import { fetchCause, requestSignal, unreachable } from '../model/http-request';

export const MAX_POINTS = 11_000;
const CHUNK_STEPS = 10_000;

export interface PrometheusQuery {
  url: string;
  query: string;
  /** Seconds since the epoch, inclusive. */
  start: number;
  end: number;
  /** Seconds. */
  step: number;
  sum?: boolean;
  select?: { label: string; value: string };
  /** Cancels the import (the editor's Cancel button). */
  signal?: AbortSignal;
}

export interface PrometheusAuth { token?: string; user?: string; password?: string }

/** A failure to talk to the server (exit 2): unreachable, refused, not Prometheus. */
export class PrometheusError extends Error {}

export interface ImportedSeries { csv: string; rows: number; warnings: string[]; requests: number }

type Matrix = { metric: Record<string, string>; values: [number, string][] }[];


async function rangeQuery(q: PrometheusQuery, auth: PrometheusAuth, start: number, end: number): Promise<Matrix> {
  const u = new URL('api/v1/query_range', q.url.endsWith('/') ? q.url : `${q.url}/`);
  u.searchParams.set('query', q.query);
  u.searchParams.set('start', String(start));
  u.searchParams.set('end', String(end));
  u.searchParams.set('step', String(q.step));
  const headers: Record<string, string> = { accept: 'application/json' };
  if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  else if (auth.user !== undefined) headers.authorization = `Basic ${Buffer.from(`${auth.user}:${auth.password ?? ''}`).toString('base64')}`;
  let res: Response;
  try {
    res = await fetch(u, { headers, signal: requestSignal(q.signal) });
  } catch (e) {
    if (q.signal?.aborted) throw new PrometheusError('cancelled');
    throw new PrometheusError(unreachable(`Prometheus at ${q.url}`, fetchCause(e)));
  }
  if (res.status === 401 || res.status === 403) throw new PrometheusError(`Prometheus at ${q.url} refused the credentials (HTTP ${res.status}); give --token, or --user and --password`);
  let body: { status?: string; error?: string; data?: { resultType?: string; result?: Matrix } };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new PrometheusError(`${q.url} answered HTTP ${res.status} with something that is not the Prometheus API`);
  }
  if (body.status !== 'success') throw new PrometheusError(`Prometheus rejected the query: ${body.error ?? `HTTP ${res.status}`}`);
  if (body.data?.resultType !== 'matrix') throw new PrometheusError(`the query gives a ${body.data?.resultType ?? 'non-matrix'} result; a range query needs an instant vector expression`);
  return body.data.result ?? [];
}

const labelsText = (m: Record<string, string>) => `{${Object.entries(m).map(([k, v]) => `${k}="${v}"`).join(', ')}}`;

/** Runs the query chunk by chunk and returns the trace CSV with its warnings. */
export async function importPrometheus(q: PrometheusQuery, auth: PrometheusAuth = {}): Promise<ImportedSeries> {
  if (!(q.step > 0) || !(q.end >= q.start)) throw new PrometheusError('the range needs --start ≤ --end and a --step above 0');
  const points = new Map<number, number>();
  const warnings: string[] = [];
  let requests = 0;
  let seriesSeen: string[] | undefined;
  for (let from = q.start; from <= q.end; from += CHUNK_STEPS * q.step) {
    const to = Math.min(q.end, from + (CHUNK_STEPS - 1) * q.step);
    const result = await rangeQuery(q, auth, from, to);
    requests++;
    let series = result;
    if (q.select) series = series.filter((s) => s.metric[q.select!.label] === q.select!.value);
    if (series.length > 1 && !q.sum) {
      seriesSeen = series.map((s) => labelsText(s.metric));
      throw new PrometheusError(`the query gives ${series.length} series (${seriesSeen.slice(0, 5).join(', ')}${seriesSeen.length > 5 ? ', …' : ''}); sum them with --sum, pick one with --select label=value, or narrow the query`);
    }
    for (const s of series) {
      for (const [t, v] of s.values) {
        const x = Number(v);
        if (!Number.isFinite(x)) continue;
        points.set(t, (points.get(t) ?? 0) + x);
      }
    }
    // non-finite samples, reported once per run of them
    for (const s of series) {
      let runStart: number | undefined;
      let prev = NaN;
      const flush = (endT: number) => {
        if (runStart !== undefined) warnings.push(`non-finite values (NaN or ±Inf) from ${iso(runStart)} to ${iso(endT)} in ${labelsText(s.metric)} were left out`);
        runStart = undefined;
      };
      for (const [t, v] of s.values) {
        if (!Number.isFinite(Number(v))) {
          if (runStart === undefined) runStart = t;
          prev = t;
        } else flush(prev);
      }
      flush(prev);
    }
  }
  const times = [...points.keys()].sort((a, b) => a - b);
  if (!times.length) throw new PrometheusError(`the query gives no samples between ${iso(q.start)} and ${iso(q.end)}`);
  // missing steps: reported, never filled
  let gaps = 0;
  for (let i = 1; i < times.length; i++) {
    if (times[i] - times[i - 1] > q.step * 1.5) {
      gaps++;
      if (gaps <= 20) warnings.push(`no samples from ${iso(times[i - 1] + q.step)} to ${iso(times[i] - q.step)} (${Math.round((times[i] - times[i - 1]) / q.step) - 1} step(s))`);
    }
  }
  if (gaps > 20) warnings.push(`… and ${gaps - 20} more gaps`);
  const lines = ['timestamp,value', ...times.map((t) => `${iso(t)},${points.get(t)!}`)];
  return { csv: lines.join('\n') + '\n', rows: times.length, warnings, requests };
}

/** Parses a time argument: RFC 3339 / ISO 8601 or epoch seconds. */
export function parseInstant(s: string, flag: string): number {
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const t = Date.parse(s);
  if (!Number.isFinite(t) || !/^\d{4}-\d{2}-\d{2}/.test(s)) throw new PrometheusError(`${flag} ${s}: give an ISO 8601 time such as 2027-01-01T00:00:00Z, or epoch seconds`);
  return t / 1000;
}

/** Parses `label=value` (--select, traffic.source.prometheus.select); undefined when it is not one. */
export function parseSelect(s: string): { label: string; value: string } | undefined {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(s);
  return m ? { label: m[1], value: m[2] } : undefined;
}

/**
 * The Workload line that keeps an imported trace with its query (traffic.source.prometheus), so
 * `headroom import prometheus --refresh` can pull it again; times and step as the user wrote them.
 */
export function prometheusSourceLine(trace: string, s: { url: string; query: string; start: string; end: string; step: string; sum?: boolean; select?: string }): string {
  return `traffic: { trace: ${trace}, source: { prometheus: { url: ${JSON.stringify(s.url)}, query: ${JSON.stringify(s.query)}, start: "${s.start}", end: "${s.end}", step: ${s.step}${s.sum ? ', sum: true' : ''}${s.select ? `, select: ${JSON.stringify(s.select)}` : ''} } } }`;
}
