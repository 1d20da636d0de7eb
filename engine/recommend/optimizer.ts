/**
 * Optimal active-active placement as a linear program solved exactly by HiGHS (lp-model.ts).
 *
 * Decision: x_ws ∈ [0, 1], the share of workload w on site s (only where w can run: a flavor on
 * an openstack site, an instance type on a public one, a sovereign site for sovereign data);
 * optionally y_g ∈ ℕ, hosts added to aggregate g (MILP).
 *
 * Objective: cost over the horizon. A public share costs its instance-hours,
 *   c_ws = Σ_t d_w(t) / (capacityPerInstance × targetUtilization) × Δ/3600 × price × rate
 * plus egress per request; a private share costs nothing more (hosts are paid whether used or
 * not); an added host costs (capex / amortization + opex) × horizon months.
 *
 * Constraints:
 *   Σ_s x_ws = 1                                         every workload fully placed
 *   x_ws ≤ 1 − m                                         active-active: at least two sites (m = minShare)
 *   Σ_w x_ws a_ws(t) ≤ (1 − headroomTarget) C_s          at each busiest step t (vCPU, and memory on openstack; quota on public)
 *   Σ_w (x_ws + g_wLs) A_ws ≤ C_s,  Σ_s g_wLs = x_wL,    N-1: the share on a lost site L moves to the
 *   g_wLs ≤ x_ws (1 − m) / m                               workload's other sites, at its peak A
 * where a_ws(t) = d_w(t) / capEff_w × vCPU of w's flavor/type on s. The N-1 rows let the share
 * move freely among w's other sites, a relaxation of the replay's proportional rule (which
 * satisfies g ≤ x_ws (1 − m)/m); recommend.ts re-checks the result with the exact rule.
 * Busiest steps: the K steps of highest total demand; steps where the re-simulation still
 * overloads a site are added and the program solved again (constraint generation).
 */
import { Horizon, Model, OpenStackSite, Placement, PublicSite, ScenarioEvent, Site, Workload } from '../model/model';
import { flavorRequest, RESOURCE_LABEL, RESOURCES, ResourceKey, Resources, ZERO_RESOURCES } from '../model/resource-classes';
import { hostSchedulable } from '../capacity/nova-capacity';
import { hostMonthly, rateFor } from '../capacity/pricing';
import { schedulableAfterEvents } from '../replay/failover';
import { LpModel } from './lp-model';
import { scaleTo100 } from '../model/percentages';
import { lagSteps } from '../capacity/autoscaling';
import { iso } from '../traffic/traffic';
import { SECONDS_PER_HOUR, SECONDS_PER_MONTH } from '../model/time-constants';
import { targetPct } from '../report/binding-text';

export interface OptimizeInput {
  model: Model;
  placement: Placement;
  workloads: readonly Workload[];
  demand: readonly Float64Array[];
  horizon: Horizon;
  exchangeRates: Record<string, number>;
  events: readonly ScenarioEvent[];
  /** Smallest share on the second site of an active-active workload (fraction). */
  minShare?: number;
  activeActive?: boolean;
  n1?: boolean;
  /** Only these lost sites in the N-1 rows (default: every site). */
  n1LostSites?: readonly string[];
  /** Headroom target to use instead of the placement's. */
  headroomOverride?: number;
  addHosts?: boolean;
  /** How many of the busiest steps become capacity rows. */
  busiestSteps?: number;
  /**
   * Keep each workload's demand lost to public autoscaling lag at or below what its current
   * shares x⁰ lose: Σ_s x_ws·L_ws ≤ Σ_s x⁰_ws·L_ws, where L_ws = Σ_t max(0, d(t) − d(t − k)/u)·Δ
   * bounds what a site lagging k steps cannot serve (it runs n(t − k) instances, which serve
   * at least d(t − k)/u).
   */
  limitLagLoss?: boolean;
  /** Steps to constrain besides the busiest (from a previous re-simulation). */
  extraSteps?: readonly number[];
  timeLimitSeconds?: number;
}

export interface OptimizeResult {
  status: 'optimal' | 'infeasible';
  /** Shares in percent per workload (whole numbers summing to 100), in site name order. */
  shares: Map<string, Map<string, number>>;
  /** Hosts to add per "site/aggregate". */
  hostsToAdd: Map<string, number>;
  /** Modelled cost (reporting currency) of the solution. */
  objective: number;
  /** Why nothing feasible exists, in words (infeasible only). */
  explanation: string[];
  /** Workloads for which active-active or N-1 cannot hold, and why. */
  notes: string[];
  stepsConstrained: number[];
  columns: number;
  rows: number;
}

/** One workload on one site: its LP column, its instance's CPUs (for weighting steps), what one instance takes per resource, its cost. */
interface Cell { w: number; s: number; col: number; vcpu: number; req: Resources; cost: number; lagLoss: number }

function eligible(w: Workload, site: Site): boolean {
  if (w.dataClass === 'sovereign' && !site.sovereign) return false;
  if (site.type === 'openstack') return !!w.flavor && site.flavors.some((f) => f.name === w.flavor);
  return !!w.instanceType && site.instanceTypes.some((t) => t.name === w.instanceType);
}

/**
 * The workloads that can run on `site` and on no other (sovereign data, a flavor or instance
 * type only it has): the N-1 rows leave them out, since losing that site leaves them nowhere.
 */
export function pinnedTo(workloads: readonly Workload[], sites: readonly Site[], site: string): string[] {
  return workloads.filter((w) => {
    const can = sites.filter((s) => eligible(w, s));
    return can.length === 1 && can[0].name === site;
  }).map((w) => w.name);
}

/** Top-k steps by total vCPU-weighted demand, in time order. */
export function busiestSteps(demand: readonly Float64Array[], weights: readonly number[], k: number): number[] {
  const steps = demand[0]?.length ?? 0;
  const total = new Float64Array(steps);
  demand.forEach((d, w) => {
    const f = weights[w];
    for (let t = 0; t < steps; t++) total[t] += d[t] * f;
  });
  const idx = Array.from({ length: steps }, (_, i) => i).sort((a, b) => total[b] - total[a] || a - b);
  return idx.slice(0, Math.min(k, steps)).sort((a, b) => a - b);
}

/** The program being built: the cells (workload × site) with their columns, and what the rows read. */
interface Program {
  input: OptimizeInput;
  sites: Site[];
  cellsOf: Cell[][];
  lp: LpModel;
  /** Smallest share off each site (active-active), as a fraction. */
  m: number;
  capEff: number[];
  sumDemand: number[];
  peak: number[];
  /** Hosts to add (MILP) per aggregate of OpenStack sites. */
  hostCols: { site: number; agg: number; col: number; sched: Resources }[];
  /** Per site: its cells, its capacity (after the scenario's host changes) and the resources it has rows in. */
  bySite: Cell[][];
  capacity: Resources[];
  rowResources: ResourceKey[][];
}

export async function optimizePlacement(input: OptimizeInput): Promise<OptimizeResult> {
  const { model, workloads, demand, horizon: h } = input;
  const sites = [...model.sites.values()];
  const steps = demand[0]?.length ?? 0;
  const months = (steps * h.step) / SECONDS_PER_MONTH;
  const { cellsOf, notes, explanation } = eligibleCells(input, sites);
  const empty = { shares: new Map(), hostsToAdd: new Map(), objective: NaN, notes, stepsConstrained: [], columns: 0, rows: 0 };
  if (explanation.length) return { status: 'infeasible', explanation, ...empty };

  const rate = sites.map((s) => rateFor(s.currency, model.settings.reportingCurrency, input.exchangeRates));
  const sumDemand = demand.map((d) => d.reduce((a, b) => a + b, 0));
  const peak = demand.map((d) => d.reduce((a, b) => (b > a ? b : a), 0));
  const capEff = workloads.map((w) => w.capacityPerInstance * w.targetUtilization);
  for (const cells of cellsOf) for (const c of cells) priceCell(input, sites[c.s], c, sumDemand[c.w], capEff[c.w], rate[c.s]);

  const lp = new LpModel();
  for (const cells of cellsOf) for (const c of cells) c.col = lp.addColumn(c.cost, 0, 1);
  const hostCols: Program['hostCols'] = [];
  if (input.addHosts) {
    sites.forEach((site, si) => {
      if (site.type !== 'openstack') return;
      site.aggregates.forEach((g, ai) => {
        hostCols.push({ site: si, agg: ai, sched: hostSchedulable(g), col: lp.addColumn(hostMonthly(site) * months * rate[si], 0, Infinity, true) });
      });
    });
  }
  // capacities: an OpenStack site in vCPU and memory, and in disk, PCPU, vGPU and PCI devices
  // where it has them or a workload there asks for them; a public site in vCPU against its quota
  const capacity: Resources[] = sites.map((site) => {
    if (site.type === 'openstack') return schedulableAfterEvents(site as OpenStackSite, input.events);
    const q = (site as PublicSite).quota.vcpus;
    return { vcpus: q ?? Infinity, memoryMiB: Infinity, diskGiB: Infinity, pcpus: Infinity, vgpus: Infinity, pciDevices: Infinity };
  });
  const bySite: Cell[][] = sites.map(() => []);
  for (const cells of cellsOf) for (const c of cells) bySite[c.s].push(c);
  const rowResources: ResourceKey[][] = sites.map((site, si) => {
    const extra = hostCols.filter((x) => x.site === si);
    if (site.type !== 'openstack') return capacity[si].vcpus !== Infinity || extra.length ? ['vcpus'] : [];
    return RESOURCES.filter((r) => r === 'vcpus' || r === 'memoryMiB' || capacity[si][r] > 0 || bySite[si].some((c) => c.req[r] > 0));
  });
  const pr: Program = { input, sites, cellsOf, lp, m: input.minShare ?? 0.1, capEff, sumDemand, peak, hostCols, bySite, capacity, rowResources };

  addPlacementRows(pr);
  const weights = workloads.map((_, wi) => cellsOf[wi][0].vcpu / capEff[wi]);
  const stepsConstrained = [...new Set([...busiestSteps(demand, weights, input.busiestSteps ?? 24), ...(input.extraSteps ?? [])])].sort((a, b) => a - b);
  addCapacityRows(pr, stepsConstrained);
  if ((input.n1 ?? true) && sites.length > 1) addN1Rows(pr);

  const sol = await lp.solve({ timeLimitSeconds: input.timeLimitSeconds });
  if (sol.status !== 'optimal') {
    return { status: 'infeasible', explanation: sol.conflict.length ? sol.conflict : [`HiGHS: ${sol.statusText}`], ...empty, stepsConstrained, columns: lp.columns, rows: lp.rows };
  }
  const shares = new Map<string, Map<string, number>>();
  workloads.forEach((w, wi) => {
    const cells = cellsOf[wi];
    const pct = scaleTo100(cells.map((c) => sol.values[c.col]));
    const mp = new Map<string, number>();
    cells.forEach((c, i) => {
      if (pct[i] > 0) mp.set(sites[c.s].name, pct[i]);
    });
    shares.set(w.name, mp);
  });
  const hostsToAdd = new Map<string, number>();
  for (const x of hostCols) {
    const v = Math.round(sol.values[x.col]);
    if (v > 0) hostsToAdd.set(`${sites[x.site].name}/${(sites[x.site] as OpenStackSite).aggregates[x.agg].name}`, v);
  }
  return { status: 'optimal', shares, hostsToAdd, objective: sol.objective, explanation: [], notes, stepsConstrained, columns: lp.columns, rows: lp.rows };
}

/** The sites each workload may run on, and what cannot be met before any solving: a workload with none (explanation), or with one (notes). */
function eligibleCells(input: OptimizeInput, sites: Site[]): { cellsOf: Cell[][]; notes: string[]; explanation: string[] } {
  const activeActive = input.activeActive ?? true;
  const n1 = input.n1 ?? true;
  const notes: string[] = [];
  const explanation: string[] = [];
  const cellsOf: Cell[][] = input.workloads.map(() => []);
  input.workloads.forEach((w, wi) => {
    sites.forEach((site, si) => {
      if (eligible(w, site)) cellsOf[wi].push({ w: wi, s: si, col: -1, vcpu: 0, req: { ...ZERO_RESOURCES }, cost: 0, lagLoss: 0 });
    });
    if (cellsOf[wi].length === 0) {
      explanation.push(w.dataClass === 'sovereign'
        ? `${w.name} holds sovereign data but no sovereign site can run it (needs a site with sovereign: true and flavor ${w.flavor ?? '(none)'})`
        : `${w.name} can run on no site: no openstack site has flavor ${w.flavor ?? '(none)'} and no public site has instance type ${w.instanceType ?? '(none)'}`);
    } else if (cellsOf[wi].length === 1 && (activeActive || n1)) {
      notes.push(`${w.name} can run only on ${sites[cellsOf[wi][0].s].name}${w.dataClass === 'sovereign' ? ' (sovereign data)' : ''}, so it cannot be active-active and losing that site leaves it nowhere`);
    }
  });
  return { cellsOf, notes, explanation };
}

/** A cell's instance (CPUs and what it takes per resource); on a public site its cost (instance-hours, egress) and the demand its autoscaling lag loses. */
function priceCell(input: OptimizeInput, site: Site, c: Cell, sumDemand: number, capEff: number, rate: number): void {
  const w = input.workloads[c.w];
  const h = input.horizon;
  if (site.type === 'openstack') {
    const f = site.flavors.find((x) => x.name === w.flavor)!;
    c.vcpu = f.vcpus;
    c.req = flavorRequest(f);
    return;
  }
  const it = site.instanceTypes.find((x) => x.name === w.instanceType)!;
  c.vcpu = it.vcpus;
  c.req = { ...ZERO_RESOURCES, vcpus: it.vcpus, memoryMiB: it.memoryMiB };
  const spot = input.placement.workloads.get(w.name)?.purchase === 'spot';
  const price = spot ? it.pricing.spotHourly ?? it.pricing.onDemandHourly : it.pricing.onDemandHourly;
  const egress = w.unit === 'rps' ? (w.egressGiBPerMillionRequests / 1e6) * site.egressPerGiB : 0;
  c.cost = ((sumDemand / capEff) * (h.step / SECONDS_PER_HOUR) * price + egress * sumDemand * h.step) * rate;
  const k = lagSteps(site.autoscaling.scaleOutDelaySeconds, h.step);
  if (k > 0) {
    const d = input.demand[c.w];
    const u = w.targetUtilization;
    let loss = 0;
    for (let t = 0; t < d.length; t++) loss += Math.max(0, d[t] - d[t >= k ? t - k : 0] / u);
    c.lagLoss = loss * h.step;
  }
}

/** Every workload fully placed; active-active (at least m off each site); no more demand lost to autoscaling lag than today. */
function addPlacementRows(pr: Program): void {
  const { input, sites, cellsOf, lp, m, sumDemand } = pr;
  const activeActive = input.activeActive ?? true;
  input.workloads.forEach((w, wi) => {
    const cells = cellsOf[wi];
    lp.addRow(`${w.name} is fully placed`, 1, 1, cells.map((c) => c.col), cells.map(() => 1));
    // A workload that overflows to a second site is active-active through its overflow.
    const overflows = !!input.placement.workloads.get(w.name)?.overflowTo;
    if (activeActive && cells.length >= 2 && !overflows) {
      for (const c of cells) lp.addRow(`${w.name} keeps at least ${Math.round(m * 100)} % off ${sites[c.s].name} (active-active)`, -Infinity, 1 - m, [c.col], [1]);
    }
  });
  if (!input.limitLagLoss) return;
  input.workloads.forEach((w, wi) => {
    const lagged = cellsOf[wi].filter((c) => c.lagLoss > 0);
    if (!lagged.length) return;
    const shares = input.placement.workloads.get(w.name)?.shares;
    const today = lagged.reduce((acc, c) => acc + ((shares?.get(sites[c.s].name) ?? 0) / 100) * c.lagLoss, 0);
    lp.addRow(`${w.name} loses no more demand to public autoscaling lag than today`, -Infinity, today + 1e-9 * sumDemand[wi] * input.horizon.step, lagged.map((c) => c.col), lagged.map((c) => c.lagLoss));
  });
}

/** Each site's capacity with the headroom target, in every resource it has rows in, at each constrained step. */
function addCapacityRows(pr: Program, stepsConstrained: readonly number[]): void {
  const { input, sites, lp, capEff, hostCols, bySite, capacity, rowResources } = pr;
  const h = input.horizon;
  const headroom = input.headroomOverride ?? input.placement.headroomTarget;
  const factor = 1 - headroom;
  sites.forEach((site, si) => {
    const cells = bySite[si];
    if (cells.length === 0) return;
    const extra = hostCols.filter((x) => x.site === si);
    for (const t of stepsConstrained) {
      const when = iso(h.start + t * h.step);
      for (const r of rowResources[si]) {
        const coefs = cells.map((c) => (input.demand[c.w][t] / capEff[c.w]) * c.req[r]);
        lp.addRow(`${RESOURCE_LABEL[r]} of ${site.name} at ${when} with ${targetPct(headroom)} headroom`, -Infinity, capacity[si][r] * factor, [...cells.map((c) => c.col), ...extra.map((x) => x.col)], [...coefs, ...extra.map((x) => -x.sched[r] * factor)]);
      }
    }
  });
}

/** N-1: the share on a lost site moves to the workload's other sites (flow columns), which must hold every workload's peak. */
function addN1Rows(pr: Program): void {
  const { input, sites, cellsOf, lp, m, capEff, peak, hostCols, bySite, capacity, rowResources } = pr;
  const flows = new Map<string, number>(); // `${wi}:${L}:${s}` → column
  input.workloads.forEach((w, wi) => {
    const cells = cellsOf[wi];
    if (cells.length < 2) return;
    for (const lost of cells) {
      // only the losses asked about: another site's would still bind the shares through its flows
      if (input.n1LostSites && !input.n1LostSites.includes(sites[lost.s].name)) continue;
      const others = cells.filter((c) => c !== lost);
      const cols = others.map((c) => {
        const col = lp.addColumn(0, 0, 1);
        flows.set(`${wi}:${lost.s}:${c.s}`, col);
        lp.addRow(`${w.name}'s share moved to ${sites[c.s].name} when ${sites[lost.s].name} is lost can only go where it runs`, -Infinity, 0, [col, c.col], [1, -(1 - m) / m]);
        return col;
      });
      lp.addRow(`${w.name}'s share on ${sites[lost.s].name} moves elsewhere when ${sites[lost.s].name} is lost`, 0, 0, [...cols, lost.col], [...cols.map(() => 1), -1]);
    }
  });
  sites.forEach((lostSite, L) => {
    if (input.n1LostSites && !input.n1LostSites.includes(lostSite.name)) return;
    sites.forEach((site, si) => {
      if (si === L || bySite[si].length === 0) return;
      const cols: number[] = [];
      const of: Cell[] = [];
      for (const c of bySite[si]) {
        cols.push(c.col);
        of.push(c);
        const f = flows.get(`${c.w}:${L}:${si}`);
        if (f !== undefined) {
          cols.push(f);
          of.push(c);
        }
      }
      const extra = hostCols.filter((x) => x.site === si);
      for (const r of rowResources[si]) {
        lp.addRow(`${RESOURCE_LABEL[r]} of ${site.name} at every workload's peak when ${lostSite.name} is lost (N-1)`, -Infinity, capacity[si][r], [...cols, ...extra.map((x) => x.col)], [...of.map((c) => (peak[c.w] / capEff[c.w]) * c.req[r]), ...extra.map((x) => -x.sched[r])]);
      }
    });
  });
}
