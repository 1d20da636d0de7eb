/**
 * What to do: the optimal placement (optimizer.ts, HiGHS), re-simulated side by side with the
 * current one and only recommended when it leaves no more demand unserved; hosts to buy
 * (procurement.ts), commitments (commitments.ts), headroom per site (headroom.ts) and the
 * classification notes of the report. An infeasible program is explained by solving it again
 * without N-1 (site by site), then without headroom.
 */
import { NOTHING_INSTALLED, sparePct, targetPct, targetPercent } from '../report/binding-text';
import { stringify } from 'yaml';
import { compare, Comparison, sideOf } from '../report/comparison';
import { adviseCommitments } from './commitments';
import { hostChange, hostsAfterEvents } from '../replay/failover';
import { siteHeadroom, sparesText } from './headroom';
import { Analysis } from '../lint/lint';
import { optimizePlacement, OptimizeInput, OptimizeResult, pinnedTo } from './optimizer';
import { planPurchase, ResourceNeed } from './procurement';
import { siteSchedulable } from '../capacity/nova-capacity';
import { DEVICE_RESOURCES, RESOURCE_LABEL, RESOURCE_UNIT, RESOURCES, shortWorkloads } from '../model/resource-classes';
import { rateFor } from '../capacity/pricing';
import { buildReport, Recommendation, Report } from '../report/report';
import { simulate, Simulation } from '../replay/simulate';
import { iso } from '../traffic/traffic';
import { count, money } from '../report/money-format';

export interface RecommendOptions {
  scenario?: string;
  minShare?: number;
  activeActive?: boolean;
  n1?: boolean;
  addHosts?: boolean;
  onProgress?: (stage: string) => void;
}


export interface RecommendOutcome {
  report: Report;
  current: Simulation;
  recommended?: Simulation;
  recommendedReport?: Report;
  shares?: Record<string, Record<string, number>>;
  placementYaml?: string;
  accepted: boolean;
  reason: string;
  optimizer: Pick<OptimizeResult, 'status' | 'objective' | 'explanation' | 'notes' | 'columns' | 'rows'> & { iterations: number; relaxed: string[] };
  comparison?: Comparison;
}


async function explainInfeasible(base: OptimizeInput, first: OptimizeResult): Promise<string[]> {
  if (first.explanation.length && !first.explanation[0].startsWith('HiGHS')) return first.explanation;
  const noN1 = await optimizePlacement({ ...base, n1: false });
  if (noN1.status === 'optimal') {
    const out: string[] = [];
    const sites = [...base.model.sites.values()];
    for (const site of [...base.model.sites.keys()]) {
      const one = await optimizePlacement({ ...base, n1LostSites: [site] });
      if (one.status === 'optimal') continue;
      const lagOnly = await optimizePlacement({ ...base, n1LostSites: [site], limitLagLoss: false });
      // the N-1 rows leave out what runs only on the lost site: were it said that more load on
      // public sites would hold N-1, that would read as true of those too
      const pinned = pinnedTo(base.workloads, sites, site);
      const only = pinned.length ? `${pinned.join(', ')} ${pinned.length === 1 ? 'runs' : 'run'} only there, and ` : '';
      out.push(lagOnly.status === 'optimal'
        ? (only ? `N-1 cannot hold when ${site} is lost: ${only}the other workloads would need more load on public sites, whose autoscaling lag would leave more demand unserved than today` : `N-1 cannot hold when ${site} is lost unless more load moves to public sites whose autoscaling lag would leave more demand unserved than today`)
        : `N-1 cannot hold when ${site} is lost: ${only}the other sites lack the vCPU, memory or another resource they are counted in (hosts, quotas) for ${only ? "the other workloads'" : "every workload's"} peak${only ? 's' : ''}`);
    }
    return out.length ? out : ['N-1 cannot hold for every lost site at once'];
  }
  const noLag = await optimizePlacement({ ...base, n1: false, limitLagLoss: false });
  if (noLag.status === 'optimal') return ['every placement that meets the other constraints loses more demand to public autoscaling lag than the current one'];
  const noHeadroom = await optimizePlacement({ ...base, n1: false, headroomOverride: 0, limitLagLoss: false });
  if (noHeadroom.status === 'optimal') return [`the headroom target of ${targetPct(base.placement.headroomTarget)} cannot be kept at the busiest steps even without N-1; capacity is enough only with less headroom`];
  const noAA = await optimizePlacement({ ...base, n1: false, headroomOverride: 0, activeActive: false, limitLagLoss: false });
  if (noAA.status === 'optimal') return ['active-active cannot hold: some workloads fit only when placed on a single site'];
  return ['peak demand exceeds the capacity (hosts and quotas) of every site the workloads may use, even with no headroom'];
}

/** What the placement search found: the last optimizer result, and the recommended placement when it was accepted. */
interface PlacementSearch {
  opt?: OptimizeResult;
  recommended?: Simulation;
  shares?: Record<string, Record<string, number>>;
  /** With --add-hosts: the hosts the program buys now, per site and aggregate (none bought: empty). */
  hosts: { site: string; aggregate: string; hosts: number }[];
  accepted: boolean;
  reason: string;
  iterations: number;
  /** Constraints given up because no placement meets them (N-1 first). */
  relaxed: string[];
  explanation: string[];
}

/**
 * Up to four rounds: solve, re-simulate, and accept only when no workload leaves more demand
 * unserved and no resource the current placement keeps under the headroom line goes past it;
 * else constrain the steps where it failed (and, when they are constrained already, keep the
 * model further under the line) and solve again.
 */
async function searchPlacement(a: Analysis, opts: RecommendOptions, current: Simulation): Promise<PlacementSearch> {
  const model = a.model;
  const plan = current.plan;
  const base: OptimizeInput = {
    model, placement: plan.placement, workloads: plan.workloads, demand: current.demand, horizon: plan.horizon,
    exchangeRates: plan.exchangeRates, events: plan.scenario.events, minShare: opts.minShare, activeActive: opts.activeActive, n1: opts.n1, addHosts: opts.addHosts,
    limitLagLoss: true,
  };
  const out: PlacementSearch = { accepted: false, reason: '', iterations: 0, relaxed: [], explanation: [], hosts: [] };
  let extra: number[] = [];
  // Units differ between workloads (requests, bytes, jobs), so the comparison is per workload:
  // none may lose more than today (beyond 0.01 % of its own demand).
  const totalDemand = current.demand.map((d) => d.reduce((x, y) => x + y, 0) * plan.horizon.step);
  const worseWorkloads = (sim: Simulation) => plan.workloads.filter((_, i) => sim.result.workloadUnserved[i] > current.result.workloadUnserved[i] + 1e-4 * totalDemand[i]).map((w) => w.name);
  const limit = 1 - plan.placement.headroomTarget;
  let tighten = 0;
  for (; out.iterations < 4; out.iterations++) {
    opts.onProgress?.(`optimizing placement (round ${out.iterations + 1})`);
    let opt = await optimizePlacement({ ...base, extraSteps: extra, n1: out.relaxed.includes('N-1') ? false : base.n1, ...(tighten > 0 ? { headroomOverride: plan.placement.headroomTarget + tighten } : {}) });
    if (opt.status !== 'optimal' && !out.relaxed.length && base.n1 !== false) {
      // N-1 is the constraint most often out of reach; say why, and look for the best placement without it.
      out.explanation = await explainInfeasible(base, opt);
      if (out.explanation[0]?.startsWith('N-1')) {
        out.relaxed.push('N-1');
        opt = await optimizePlacement({ ...base, extraSteps: extra, n1: false });
      }
    }
    out.opt = opt;
    if (opt.status !== 'optimal') {
      out.opt = { ...opt, explanation: out.explanation.length ? out.explanation : await explainInfeasible(base, opt) };
      out.reason = 'no placement meets every constraint: ' + out.opt.explanation.join('; ');
      break;
    }
    out.shares = Object.fromEntries([...opt.shares].map(([w, m]) => [w, Object.fromEntries(m)]));
    // the hosts the program bought (--add-hosts) are in its capacity rows: the re-simulation must have them too
    out.hosts = [...opt.hostsToAdd].map(([key, hosts]) => ({ site: key.slice(0, key.indexOf('/')), aggregate: key.slice(key.indexOf('/') + 1), hosts }));
    opts.onProgress?.('re-simulating the recommended placement');
    const recommended = (out.recommended = simulate(a, { scenario: opts.scenario, shares: out.shares, addHosts: out.hosts }));
    const worse = worseWorkloads(recommended);
    const crowded = headroomBroken(current, recommended, limit);
    if (worse.length === 0 && crowded.length === 0) {
      out.accepted = true;
      out.reason = 'the recommended placement re-simulates with no more unserved demand for any workload' + (out.relaxed.length ? `; ${out.explanation.join('; ')}, so it is optimized without N-1` : '');
      break;
    }
    // Constrain the steps where the recommendation still fails (unserved demand; a resource past
    // the headroom target that the current placement kept under it), and solve again: the steps
    // with the most unserved demand, each workload's as a share of its peak (no adding of units).
    const { stepUnserved, stepShortfall } = recommended.result;
    const worst = Array.from(stepShortfall, (u, t) => ({ u, t })).filter((x) => stepUnserved[x.t] > 1e-9).sort((x, y) => y.u - x.u || x.t - y.t).slice(0, 24).map((x) => x.t);
    const before = extra.length;
    extra = [...new Set([...extra, ...worst, ...crowded.map((c) => c.step)])];
    out.reason = worse.length
      ? `the optimal placement re-simulates with more unserved demand for ${worse.join(', ')}; the current placement is kept`
      : `the optimal placement re-simulates past the ${targetPct(limit)} headroom line on ${crowded.map((c) => `${c.site} ${RESOURCE_LABEL[c.resource]}`).join(', ')}, which the current placement keeps under it; the current placement is kept`;
    if (extra.length === before) {
      // the steps are constrained already, and the linear model's continuous instances still
      // land past the line once whole instances run: keep the model further under it
      if (!crowded.length || worse.length) break;
      tighten += Math.max(...crowded.map((c) => recommended.result.sitePeakNeed[recommended.result.sites.findIndex((x) => x.name === c.site)][RESOURCES.indexOf(c.resource)] - limit)) + 0.005;
    }
  }
  return out;
}

/** Resources that the current placement keeps within the headroom line (limit) and a candidate pushes past it, with the candidate's peak step. */
function headroomBroken(current: Simulation, sim: Simulation, limit: number): { site: string; resource: (typeof RESOURCES)[number]; step: number }[] {
  const out: { site: string; resource: (typeof RESOURCES)[number]; step: number }[] = [];
  sim.result.sites.forEach((site, s) => {
    const c = current.result.sites.findIndex((x) => x.name === site.name);
    for (const r of sim.result.siteResources[s]) {
      const before = c >= 0 ? current.result.sitePeakNeed[c][r] : 0;
      if (before <= limit + 1e-9 && sim.result.sitePeakNeed[s][r] > limit + 1e-9) out.push({ site: site.name, resource: RESOURCES[r], step: sim.result.sitePeakNeedStep[s][r] });
    }
  });
  return out;
}

/** What the hosts, commitments and headroom advice are computed from, and how their messages read. */
interface AdviceBasis {
  model: Analysis['model'];
  plan: Simulation['plan'];
  /** The recommended placement's simulation and report when it was accepted, else the current one's. */
  sim: Simulation;
  report: Report;
  /** The reporting currency. */
  cur: string;
  /** " with the recommended placement" (or " with the hosts bought", when only hosts are) when the advice is of it (the sites table shows the current one), else "". */
  under: string;
}

export async function recommend(a: Analysis, opts: RecommendOptions = {}): Promise<RecommendOutcome> {
  opts.onProgress?.('simulating the current placement');
  const current = simulate(a, { scenario: opts.scenario, holdDemand: true }); // the optimizer reads its demand whole
  const model = a.model;
  const plan = current.plan;
  const search = await searchPlacement(a, opts, current);
  const { opt, recommended, shares, accepted, reason, iterations, relaxed, explanation } = search;
  // hosts the program bought (--add-hosts): in the recommended replay's cost and capacity, but not in the Placement
  const bought = search.hosts.filter((h) => h.hosts > 0);
  const boughtText = bought.length ? `${bought.reduce((m, h) => m + h.hosts, 0)} host(s) bought now (${bought.map((h) => `${h.hosts} in ${h.site} ${h.aggregate}`).join(', ')}; add them to the Site, the Placement carries only the shares)` : '';
  const report = buildReport(model, current);
  const recommendedReport = accepted && recommended ? buildReport(model, recommended) : undefined;
  const cur = report.currency;
  const recs: Recommendation[] = [];
  let placementYaml: string | undefined;
  if (accepted && shares && recommendedReport) {
    const moved = plan.workloads.filter((w) => JSON.stringify(Object.fromEntries(plan.placement.workloads.get(w.name)!.shares)) !== JSON.stringify(shares[w.name]));
    const saving = report.totals.cost - recommendedReport.totals.cost;
    // what the recommendation costs against today, however it reads (shares moved, hosts bought, or both)
    const costs = `${money(recommendedReport.totals.cost, cur)} instead of ${money(report.totals.cost, cur)} over the horizon (${saving >= 0 ? 'saves' : 'costs'} ${money(Math.abs(saving), cur)}), no workload leaves more demand unserved`;
    if (moved.length === 0 && !bought.length) {
      // nothing to paste: the optimum is the current placement
      recs.push({ kind: 'placement', target: plan.placement.name, saving: 0, message: `keep ${plan.placement.name}: no other split of the shares costs less under the same constraints (${money(report.totals.cost, cur)} over the horizon)` });
    } else if (moved.length === 0) {
      recs.push({ kind: 'placement', target: plan.placement.name, saving: Math.round(saving * 100) / 100, hostsBought: bought, message: `keep the shares of ${plan.placement.name} with ${boughtText}: ${costs}` });
    } else {
      placementYaml = placementDocument(plan, shares);
      recs.push({
        kind: 'placement', target: plan.placement.name, saving: Math.round(saving * 100) / 100, placement: placementYaml, ...(bought.length ? { hostsBought: bought } : {}),
        message: `${moved.length} workload(s) move (${moved.map((w) => `${w.name} → ${Object.entries(shares[w.name]).map(([s, p]) => `${s} ${p}`).join(' / ')}`).join('; ')})${bought.length ? ` with ${boughtText}` : ''}: ` +
          costs + (relaxed.length ? `; ${explanation.join('; ')}, so this placement does not guarantee N-1` : ''),
      });
    }
  } else {
    recs.push({ kind: 'placement', target: plan.placement.name, saving: 0, message: `keep ${plan.placement.name}: ${reason}` });
  }
  const ofRecommended = accepted && recommended && recommendedReport;
  const basis: AdviceBasis = {
    model, plan, sim: ofRecommended ? recommended : current, report: ofRecommended ? recommendedReport : report, cur,
    // (none when nothing moved and nothing was bought)
    under: !ofRecommended ? '' : placementYaml ? ' with the recommended placement' : bought.length ? ' with the hosts bought' : '',
  };
  const hostRecs = hostAdvice(basis);
  // the recommended placement may fill owned hosts sooner: say what the current one would need, so
  // that a saving and an earlier purchase are read together
  if (ofRecommended && (placementYaml || bought.length)) besideCurrent(hostRecs, hostAdvice({ model, plan, sim: current, report, cur, under: '' }), plan.horizon.start);
  recs.push(...hostRecs, ...commitmentAdvice(basis), ...headroomAdvice(basis));
  recs.push(...report.recommendations.filter((r) => r.kind === 'classification'));
  report.recommendations = recs;
  if (opt?.notes.length) for (const n of opt.notes) recs.push({ kind: 'placement', target: n.split(' ')[0], saving: 0, message: n });
  const outcome: RecommendOutcome = {
    report, current, recommended: accepted ? recommended : undefined, recommendedReport, shares: accepted ? shares : undefined, placementYaml, accepted, reason,
    optimizer: { status: opt?.status ?? 'infeasible', objective: opt?.objective ?? NaN, explanation: explanation.length ? explanation : opt?.explanation ?? [], notes: opt?.notes ?? [], columns: opt?.columns ?? 0, rows: opt?.rows ?? 0, iterations: iterations + 1, relaxed },
  };
  if (recommendedReport) {
    outcome.comparison = compare(sideOf(report, 'current'), sideOf(recommendedReport, 'recommended'));
    report.recommendation = { placement: placementYaml ?? null, comparison: outcome.comparison, optimizer: { status: outcome.optimizer.status, iterations: outcome.optimizer.iterations, relaxed, explanation: outcome.optimizer.explanation, notes: outcome.optimizer.notes } };
  } else {
    report.recommendation = { placement: null, reason, optimizer: { status: outcome.optimizer.status, iterations: outcome.optimizer.iterations, explanation: outcome.optimizer.explanation, notes: outcome.optimizer.notes } };
  }
  return outcome;
}

/** The recommended Placement document, to paste into the workspace. */
function placementDocument(plan: Simulation['plan'], shares: Record<string, Record<string, number>>): string {
  return stringify({
    apiVersion: 'headroom.dev/v1', kind: 'Placement',
    metadata: { name: `${plan.placement.name}-recommended`, description: `Recommended by headroom for scenario ${plan.scenario.name}` },
    spec: {
      mode: plan.placement.mode, detectionSeconds: plan.placement.detectionSeconds, headroomTarget: plan.placement.headroomTarget,
      workloads: Object.fromEntries(plan.workloads.map((w) => {
        const wp = plan.placement.workloads.get(w.name)!;
        return [w.name, { shares: shares[w.name], ...(wp.purchase === 'spot' ? { purchase: 'spot' } : {}), ...(wp.overflowTo ? { overflowTo: wp.overflowTo } : {}) }];
      })),
    },
  }, { flowCollectionPadding: true, lineWidth: 0 });
}

/** Hosts to buy per OpenStack site: every resource, from the replay's own need series (so never at odds with the headroom advice). */
function hostAdvice(b: AdviceBasis): Recommendation[] {
  const { model, plan, cur, under } = b;
  const recs: Recommendation[] = [];
  const limitPct = targetPercent(1 - plan.placement.headroomTarget); // 80, 87.5: as exact as the target
  const res = b.sim.result;
  const monthStarts = res.months.map((m) => plan.horizon.start + m.startStep * plan.horizon.step);
  res.sites.forEach((site, s) => {
    if (site.type !== 'openstack') return;
    // the simulation's events: the scenario's, and hosts a recommendation bought now (--add-hosts, index < 0)
    const events = b.sim.plan.scenario.events;
    const hosts = hostsAfterEvents(site, events);
    const capacity = siteSchedulable(site, (g) => hosts[g.index]);
    const needs: ResourceNeed[] = res.siteResources[s].map((r) => {
      const key = RESOURCES[r];
      const monthPeaks = Array.from(res.siteNeedMonthPeak[s][r]);
      const at = monthPeaks.indexOf(Math.max(...monthPeaks));
      const cross = res.siteNeedCrossStep[s][r];
      return { resource: key, capacity: capacity[key], peak: res.sitePeakNeedAbs[s][r], peakTime: monthStarts[Math.max(0, at)], crossTime: cross >= 0 ? plan.horizon.start + cross * plan.horizon.step : undefined, monthPeaks, monthStarts };
    });
    const p = planPurchase(site, needs, plan.placement.headroomTarget, plan.scenario.growthPerMonth || undefined, plan.horizon.end);
    // no growth because there is less than two months of need to fit a trend to: nothing to project, which is not "flat"
    const months = p.binding ? needs.find((n) => n.resource === p.binding)!.monthPeaks.filter((x) => x > 0).length : 0;
    const untrended = p.growthSource === 'none' && months < 2;
    const none = untrended ? `no trend: ${months === 1 ? 'one calendar month' : 'no month'} of need to fit one to` : 'no growth: the calendar-monthly peaks are flat';
    const growth = `${(p.growthPerMonth * 100).toFixed(1)} %/month (${p.growthSource === 'scenario' ? 'scenario growth' : p.growthSource === 'trend' ? "trend fitted to the replay's calendar-monthly peaks" : none})`;
    // with hosts added (or removed) by the scenario, the spare is against the capacity after them, which the headroom's "at its peak" is not
    // by whom, as the replay counts hosts (hostChange: never below none per aggregate): the scenario's, then those bought on top of them
    const byScenario = hostChange(site, hostsAfterEvents(site, events.filter((e) => e.index >= 0)));
    const changed = hostChange(site, hosts);
    const byUs = changed - byScenario;
    const whose = [...(byScenario ? [`the scenario's ${Math.abs(byScenario)} ${byScenario > 0 ? 'added' : 'removed'} host(s)`] : []), ...(byUs ? [`the ${byUs} host(s) bought now`] : [])].join(' and ');
    const against = changed === 0 ? '' : ` need against its capacity with ${whose}`;
    const bindingText = p.binding ? `${RESOURCE_LABEL[p.binding]} (the binding resource: ${sparePct(p.spare ?? 0, plan.placement.headroomTarget)} spare at its peak${against})` : 'capacity';
    if (p.exhaustion === undefined && untrended) {
      recs.push({ kind: 'buy-hosts', target: site.name, saving: 0, hosts: 0, binding: p.binding, spare: p.spare, message: `${site.name}${under} stays under ${limitPct} % of its ${bindingText} in this replay, whose ${months === 1 ? 'one calendar month' : 'horizon'} gives no trend to project: no hosts to buy (a growth set in the scenario would plan them)` });
      return;
    }
    if (p.exhaustion === undefined) {
      recs.push({ kind: 'buy-hosts', target: site.name, saving: 0, hosts: 0, binding: p.binding, spare: p.spare, message: `${site.name}${under} does not reach ${limitPct} % of its ${bindingText} within ten years at ${growth}; no hosts to buy` });
      return;
    }
    const when = p.observed ? `passes ${limitPct} % of its ${bindingText} on ${iso(p.exhaustion).slice(0, 10)} in this replay` : `reaches ${limitPct} % of its ${bindingText} on ${iso(p.exhaustion).slice(0, 10)} at ${growth}`;
    if (p.hosts === 0) {
      // passed before the hosts the scenario adds came, and with them the capacity holds for the twelve months after; or no aggregate has the resource to add
      const why = changed > 0 ? `, before the scenario's host additions; with them it holds twelve months past that at ${growth}: no hosts to buy` : `; no aggregate's hosts have ${RESOURCE_LABEL[p.binding!]}, so no host bought would add it`;
      recs.push({ kind: 'buy-hosts', target: site.name, saving: 0, hosts: 0, exhaustion: iso(p.exhaustion), binding: p.binding, spare: p.spare, message: `${site.name}${under} ${when}${why}` });
      return;
    }
    const cost = p.hosts * (site.cost.hostCapex / site.cost.amortizationMonths + site.cost.hostOpexMonthly) * rateFor(site.currency, model.settings.reportingCurrency, plan.exchangeRates);
    const late = p.orderBy! <= plan.horizon.start;
    recs.push({
      kind: 'buy-hosts', target: site.name, saving: 0, hosts: p.hosts, perAggregate: p.perAggregate, orderBy: iso(p.orderBy!), exhaustion: iso(p.exhaustion), binding: p.binding, spare: p.spare,
      message: `${site.name}${under} ${when}: order ${p.hosts} host(s) (${Object.entries(p.perAggregate).map(([g, n]) => `${n} in ${g}`).join(', ')}) ${late ? `now (the order date for ${site.procurement.leadTimeDays} days lead time, ${iso(p.orderBy!).slice(0, 10)}, is ${p.orderBy! < plan.horizon.start ? 'before the horizon starts' : 'the horizon\'s start'})` : `by ${iso(p.orderBy!).slice(0, 10)} (${site.procurement.leadTimeDays} days lead time)`}, enough for twelve months after; they add ${money(cost, cur)} per month`,
    });
  });
  return recs;
}

/** The hosts one purchase orders and when, in a few words: "order 4 host(s) by 2027-03-12", "order 4 host(s) now", "no hosts to buy". */
function purchaseWords(r: Recommendation, start: number): string {
  const { hosts, orderBy } = r as { hosts?: number; orderBy?: string };
  if (!hosts || !orderBy) return 'no hosts to buy';
  return `order ${hosts} host(s) ${Date.parse(orderBy) / 1000 <= start ? 'now' : `by ${orderBy.slice(0, 10)}`}`;
}

/** Appends to each recommended site's purchase what the current placement would order, where that differs. */
function besideCurrent(recommended: Recommendation[], current: readonly Recommendation[], start: number): void {
  for (const r of recommended) {
    const c = current.find((x) => x.target === r.target);
    if (!c) continue;
    const mine = purchaseWords(r, start);
    const theirs = purchaseWords(c, start);
    if (mine === theirs) continue;
    r.message += ` (with the current placement: ${theirs})`;
    r.currentPlacement = { hosts: c.hosts ?? 0, orderBy: c.orderBy ?? null };
  }
}

/** Commitments to add (or not to renew) per public site and instance type, from the running non-spot instances. */
function commitmentAdvice(b: AdviceBasis): Recommendation[] {
  const { model, plan, cur, under } = b;
  const recs: Recommendation[] = [];
  const basedOn = under ? ` (usage${under})` : '';
  b.sim.result.sites.forEach((site) => {
    if (site.type !== 'public') return;
    const usage = b.sim.result.publicTypeRunning.get(site.name)!;
    const rate = rateFor(site.currency, model.settings.reportingCurrency, plan.exchangeRates);
    for (const c of adviseCommitments(site, usage, plan.horizon.step)) {
      if (c.add > 0 && c.saving > 0) {
        recs.push({ kind: 'commitment', target: `${site.name}/${c.instanceType}`, saving: Math.round(c.saving * rate * 100) / 100, add: c.add, total: c.optimal,
          message: `commit ${c.add} more ${c.instanceType} on ${site.name} (${c.optimal} in all, ${c.existing} today): the ${c.optimal} busiest instances run at least ${Math.round((c.reservedHourly / c.onDemandHourly) * 100)} % of the time, the break-even of ${c.reservedHourly} committed vs ${c.onDemandHourly} on demand, ${site.currency || model.settings.reportingCurrency} per hour; saves ${money(c.saving * rate, cur)} over the horizon${basedOn}` });
      } else if (c.existing > c.optimal) {
        recs.push({ kind: 'commitment', target: `${site.name}/${c.instanceType}`, saving: 0, add: 0, total: c.optimal,
          message: `${site.name} has ${c.existing} ${c.instanceType} committed but only ${c.optimal} pay off at this usage; ${count(c.idleCommittedHours)} committed instance-hours sit idle over the horizon${basedOn} — do not renew the excess` });
      }
    }
  });
  return recs;
}

/** Headroom per site over every resource (the same peak-need series as the hosts to buy), and what the worst single loss would add. */
function headroomAdvice(b: AdviceBasis): Recommendation[] {
  const { plan, under } = b;
  const res = b.sim.result;
  const recs: Recommendation[] = [];
  const peaks = Float64Array.from(b.sim.stats, (s) => s.demand.peak);
  // JSON has no −∞: demand with nothing installed is −1e9, as the report's binding spare (binding-text.ts)
  const json = (x: number) => (Number.isFinite(x) ? x : -NOTHING_INSTALLED);
  res.sites.forEach((site, s) => {
    const rs = b.report.sites.find((x) => x.name === site.name)!;
    const hr = siteHeadroom(b.sim.plan.placement, plan.workloads, peaks, site, rs, res, s, { events: b.sim.plan.scenario.events, horizon: plan.horizon });
    if (hr.spare === null) return;
    const parts = [`${site.name}${under}: ${sparesText(hr)} (target ${targetPct(hr.target)} on every resource: ${hr.meetsTarget ? 'met' : 'not met'})`];
    if (hr.worstLoss) {
      const w = hr.worstLoss;
      const devices = DEVICE_RESOURCES.filter((k) => (w.extra[k] ?? 0) > 0).map((k) => `${(w.extra[k] ?? 0).toFixed(0)} ${RESOURCE_UNIT[k]}`);
      const load = [`${count(w.extra.vcpus ?? 0)} vCPU`, ...(site.type === 'openstack' ? [`${count((w.extra.memoryMiB ?? 0) / 1024)} GiB memory`] : []), ...devices].join(', ').replace(/, ([^,]*)$/, ' and $1');
      parts.push(`losing ${w.site} would add ${load} at the peaks, which ${w.fits ? 'fits' : 'does not fit'} in that spare`);
      // what moves here fits this site's spare at its own peak, yet the N-1 check of that loss (failover.ts: every
      // workload at its own peak at once, packed onto the hosts, or with no other site) fails; say so and how it
      // differs, or this line and the N-1 verdict beside it would seem to disagree
      const check = b.sim.failover.find((f) => f.lostSite === w.site);
      if (w.fits && check && !check.survives) parts.push(`the N-1 check, which takes every workload at its own peak at once, still fails without ${w.site} (short: ${shortWorkloads(check.shortfall).map(([name]) => name).join(', ')})`);
    }
    recs.push({ kind: 'headroom', target: site.name, saving: 0, spare: json(hr.spare), binding: hr.binding, spares: Object.fromEntries(hr.spares.map((x) => [x.resource, json(x.spare)])), meetsTarget: hr.meetsTarget, worstLoss: hr.worstLoss, message: parts.join('; ') });
  });
  return recs;
}
