/**
 * Policies that gate CI (`--fail-on`, cli-and-report.md): each broken policy is a located error
 * diagnostic — at the Placement entry of the workload responsible, or at the Site — so the
 * CLI prints one `file:line:col: error: … [policy-…]` line per breach and SARIF annotates the
 * line in code scanning. On a single run: `n1` (every site's loss is survived), `headroom`
 * (every site meets headroomTarget on every resource), `slo` (no SLO-violation step), `unserved`
 * (no unserved demand). Between two runs (`headroom diff`): `cost:+5%` / `cost:+N` (the largest
 * allowed increase of the total, percent or reporting currency), `n1-regression`,
 * `headroom-regression`, `slo-regression` (something that held at the base fails at the head).
 */
import type { Diagnostic } from '../lint/diagnostics';
import { amountUnit } from '../report/demand-units';
import { count, money, quantity, shortfallAmounts } from '../report/money-format';
import { RESOURCE_LABEL } from '../model/resource-classes';
import type { Model } from '../model/model';
import type { Report } from '../report/report-types';
import { meetsHeadroom, sparePct, targetPct } from '../report/binding-text';

export type Policy =
  | { kind: 'n1' | 'headroom' | 'slo' | 'unserved' | 'n1-regression' | 'headroom-regression' | 'slo-regression'; text: string }
  | { kind: 'cost'; text: string; percent?: number; amount?: number };

const SINGLE = ['n1', 'headroom', 'slo', 'unserved'] as const;
const REGRESSIONS = ['n1-regression', 'headroom-regression', 'slo-regression'] as const;

/** Parses `--fail-on` ("n1,headroom,cost:+5%"); throws Error with the reason for an unknown policy. */
export function parsePolicies(spec: string, allowDiff: boolean): Policy[] {
  const out: Policy[] = [];
  for (const raw of spec.split(',').map((x) => x.trim()).filter(Boolean)) {
    if ((SINGLE as readonly string[]).includes(raw)) out.push({ kind: raw as (typeof SINGLE)[number], text: raw });
    else if ((REGRESSIONS as readonly string[]).includes(raw)) {
      if (!allowDiff) throw new Error(`--fail-on ${raw} compares two revisions: use it with headroom diff`);
      out.push({ kind: raw as (typeof REGRESSIONS)[number], text: raw });
    } else if (/^cost:\+/.test(raw)) {
      if (!allowDiff) throw new Error(`--fail-on ${raw} compares two revisions: use it with headroom diff`);
      const m = /^cost:\+(\d+(?:\.\d+)?)(%?)$/.exec(raw);
      if (!m) throw new Error(`--fail-on ${raw}: write cost:+5% (percent) or cost:+1000000 (reporting currency)`);
      out.push(m[2] ? { kind: 'cost', text: raw, percent: Number(m[1]) } : { kind: 'cost', text: raw, amount: Number(m[1]) });
    } else throw new Error(`--fail-on: unknown policy "${raw}" (policies: ${[...SINGLE, ...REGRESSIONS, 'cost:+N%', 'cost:+N'].join(', ')})`);
  }
  return out;
}

interface Where { model: Model; placement: string }

function placementEntry(w: Where, workload: string): Pick<Diagnostic, 'file' | 'range'> | undefined {
  const pl = w.model.placements.get(w.placement);
  if (!pl?.src) return undefined;
  return { file: pl.src.file, range: pl.src.keyRange(['spec', 'workloads', workload]) };
}

function placementDoc(w: Where): Pick<Diagnostic, 'file' | 'range'> | undefined {
  const pl = w.model.placements.get(w.placement);
  return pl?.src ? { file: pl.src.file, range: pl.src.rangeOf(['metadata', 'name']) } : undefined;
}

function siteDoc(w: Where, site: string): Pick<Diagnostic, 'file' | 'range'> | undefined {
  const s = w.model.sites.get(site);
  return s ? { file: s.src.file, range: s.src.rangeOf(['metadata', 'name']) } : placementDoc(w);
}

const NOWHERE: Pick<Diagnostic, 'file' | 'range'> = { file: '(workspace)', range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } } };

function breach(at: Pick<Diagnostic, 'file' | 'range'> | undefined, rule: Diagnostic['rule'], message: string): Diagnostic {
  return { ...(at ?? NOWHERE), severity: 'error', rule, message };
}

/** Breaches of the single-run policies in a report. */
export function checkPolicies(policies: readonly Policy[], r: Report, model: Model): Diagnostic[] {
  const w: Where = { model, placement: r.placement ?? '' };
  const out: Diagnostic[] = [];
  for (const p of policies) {
    if (p.kind === 'n1') {
      for (const f of r.failover) {
        if (f.survives) continue;
        for (const [name, s] of Object.entries(f.shortfall)) {
          if (s.instances > 0) out.push(breach(placementEntry(w, name), 'policy-n1', `policy n1: losing ${f.lostSite} leaves ${name} short of ${s.instances} instance(s) (${shortfallAmounts(s)}) at its peak`));
        }
      }
    } else if (p.kind === 'headroom') {
      const target = model.placements.get(w.placement)?.headroomTarget ?? 0.2;
      for (const s of r.sites) {
        if (!s.binding || meetsHeadroom(s, target)) continue;
        out.push(breach(siteDoc(w, s.name), 'policy-headroom', `policy headroom: ${s.name} has ${sparePct(s.binding.spare, target)} spare ${RESOURCE_LABEL[s.binding.resource]} at its peak, below the ${targetPct(target)} target`));
      }
    } else if (p.kind === 'slo') {
      for (const x of r.workloads) if (x.sloViolationSteps > 0) out.push(breach(placementEntry(w, x.name), 'policy-slo', `policy slo: ${x.name} runs above its target utilization or short in ${count(x.sloViolationSteps)} step(s)`));
    } else if (p.kind === 'unserved') {
      for (const x of r.workloads) if (x.unservedRequests > 0) out.push(breach(placementEntry(w, x.name), 'policy-unserved', `policy unserved: ${x.name} leaves ${x.unservedRequests >= 1 ? quantity(x.unservedRequests) : x.unservedRequests} ${amountUnit(x.unit)} unserved`));
    }
  }
  return out;
}

/** Breaches of the policies that compare a base and a head run (headroom diff); located in the head workspace. */
export function checkRegressions(policies: readonly Policy[], base: Report, head: Report, model: Model): Diagnostic[] {
  const w: Where = { model, placement: head.placement ?? '' };
  const out: Diagnostic[] = [...checkPolicies(policies, head, model)];
  for (const p of policies) {
    if (p.kind === 'cost') {
      const delta = head.totals.cost - base.totals.cost;
      const allowed = p.percent !== undefined ? (base.totals.cost * p.percent) / 100 : p.amount!;
      if (delta > allowed + 1e-6) {
        // as the rest of the report writes money (4.45M KRW); to the cent where that would read as the amount allowed
        let rise = money(delta, head.currency);
        let limit = p.percent !== undefined ? `${p.percent} %` : money(p.amount!, head.currency);
        if (rise === limit) [rise, limit] = [`${delta.toFixed(2)} ${head.currency}`, `${p.amount!.toFixed(2)} ${head.currency}`];
        out.push(breach(placementDoc(w), 'policy-cost', `policy ${p.text}: the total cost rises by ${rise} (${base.totals.cost > 0 ? `${((delta / base.totals.cost) * 100).toFixed(2)} %` : 'from 0'}), more than the ${limit} allowed`));
      }
    } else if (p.kind === 'n1-regression') {
      for (const f of head.failover) {
        const before = base.failover.find((x) => x.lostSite === f.lostSite);
        if (before?.survives && !f.survives) out.push(breach(placementDoc(w), 'policy-regression', `policy n1-regression: losing ${f.lostSite} was survived at the base and is not any more`));
      }
    } else if (p.kind === 'headroom-regression') {
      const target = model.placements.get(w.placement)?.headroomTarget ?? 0.2;
      for (const s of head.sites) {
        const b = base.sites.find((x) => x.name === s.name);
        if (b && meetsHeadroom(b, target) && !meetsHeadroom(s, target)) out.push(breach(siteDoc(w, s.name), 'policy-regression', `policy headroom-regression: ${s.name} met the ${targetPct(target)} headroom target at the base and has ${sparePct(s.binding!.spare, target)} spare ${RESOURCE_LABEL[s.binding!.resource]} now`));
      }
    } else if (p.kind === 'slo-regression') {
      for (const x of head.workloads) {
        const b = base.workloads.find((y) => y.name === x.name);
        if (x.sloViolationSteps > (b?.sloViolationSteps ?? 0)) out.push(breach(placementEntry(w, x.name), 'policy-regression', `policy slo-regression: ${x.name} has ${count(x.sloViolationSteps)} SLO-violation step(s), ${b ? `${count(b.sloViolationSteps)} at the base` : 'new since the base'}`));
      }
    }
  }
  return out;
}
