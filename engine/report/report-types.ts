/**
 * The report JSON's types (shared/spec/cli-and-report.md; schemas/report.schema.json), free of
 * Node imports so the webview can use them too.
 */
import type { WorkloadClass } from '../recommend/classification-types';
import type { ResourceKey, Resources } from '../model/resource-classes';

import type { Comparison } from './comparison';
export interface Recommendation { kind: 'placement' | 'buy-hosts' | 'commitment' | 'headroom' | 'classification'; target: string; message: string; saving: number; [k: string]: unknown }

export interface Report {
  /** IANA time zone (Settings.timezone) that times and calendar months are shown in. */
  timezone?: string;
  reportVersion: 1;
  scenario: string;
  placement: string;
  mode: string;
  currency: string;
  exchangeRates: Record<string, number>;
  horizon: { start: string; end: string; stepSeconds: number; steps: number };
  /**
   * unservedRequests adds every workload's unserved demand × seconds whatever its unit (the
   * contract's field); unservedByUnit keeps them apart by amount unit (requests, bytes, …).
   */
  totals: { cost: number; costPerMonth: number; unservedRequests: number; sloViolationSteps: number; unservedByUnit: Record<string, number> };
  sites: ReportSite[];
  workloads: ReportWorkload[];
  failover: { lostSite: string; survives: boolean; shortfall: Record<string, { instances: number; vcpus: number; memoryMiB: number; pcpus?: number; vgpus?: number }> }[];
  recommendations: Recommendation[];
  /**
   * Monte Carlo (format.md, "Monte Carlo"): P10/P50/P90 of cost, cost per month, unserved demand
   * (unservedRequests all units added, as totals.unservedRequests; unservedByUnit per amount unit,
   * what the summary, the export and the chart show) and SLO-violation steps; the probability of any
   * unserved demand and of an N-1 failure under random outages; every run's totals (perRun).
   */
  monteCarlo?: {
    runs: number; seed: number; demandNoise?: number; model?: Record<string, unknown>;
    cost: { p10?: number; p50: number; p90: number }; costPerMonth?: { p10: number; p50: number; p90: number };
    unservedRequests: { p10?: number; p50: number; p90: number }; unservedByUnit?: Record<string, { p10: number; p50: number; p90: number }>; sloViolationSteps?: { p10?: number; p50: number; p90: number };
    sloBreachProbability?: number; n1FailureProbability?: number | null;
    perRun?: { cost: number; unservedRequests: number; unservedByUnit?: Record<string, number>; sloViolationSteps: number; outages: number; n1Failed?: boolean }[];
  };
  /**
   * shortfallOfPeak: each workload's unserved rate at that step as a share of its own peak demand,
   * summed over workloads (the ranking); unservedRate: the unserved rates added across units, as
   * reports before it had it.
   */
  worstMoments: { time: string; shortfallOfPeak: number; unservedRate: number; workloadsInViolation: number }[];
  warnings: { workload: string; message: string }[];
  events: { type: string; site: string; zone?: string; aggregate?: string; start: string; end?: string; hosts?: number; multiplier?: number }[];
  series?: ReportSeries;
  /** `headroom recommend`: the recommended placement (YAML), the side-by-side comparison, the optimizer's account. */
  recommendation?: { placement?: string | null; comparison?: Comparison; optimizer?: Record<string, unknown>; [k: string]: unknown };
  /** `headroom report --compare OTHER`: this scenario (baseline) against OTHER (candidate). */
  scenarioComparison?: Comparison;
}

/** vCPU, memory and disk always (null where not counted); PCPU, vGPU and PCI devices only where the site is counted in them. */
export interface PerResource { vcpus: number | null; memoryMiB: number | null; diskGiB: number | null; pcpus?: number | null; vgpus?: number | null; pciDevices?: number | null }

/** Schedulable capacity; pcpus, vgpus and pciDevices only where the site is counted in them. */
export interface SiteCapacity { vcpus: number | null; memoryMiB: number | null; diskGiB: number | null; pcpus?: number; vgpus?: number; pciDevices?: number; instances: Record<string, number> }

export interface ReportSite {
  name: string;
  type: 'openstack' | 'public';
  region: string;
  sovereign: boolean;
  currency: string;
  /** Schedulable capacity; pcpus, vgpus and pciDevices only where the site is counted in them. */
  capacity: SiteCapacity;
  /**
   * The schedulable capacity once the scenario's addHosts are all in, when they change it (an
   * openstack site only): `capacity` is the site as configured, at the horizon's start.
   */
  capacityAfterEvents?: SiteCapacity;
  /**
   * Per resource (format.md, "Every resource counts"; null where the site is not counted in it):
   * peakUtilization and p95Utilization are allocated / schedulable capacity up (for vcpus the
   * contract's figure); peakNeed is what the instances needed would take / installed capacity,
   * above 1 when demand cannot fit — the series headroom and hosts to buy are planned on.
   */
  peakUtilization: PerResource;
  p95Utilization: PerResource;
  /** The most allocated at any step (vCPU, MiB, GiB), against whatever capacity was up then. */
  peakAllocated: PerResource;
  peakNeed: PerResource;
  /** The resource with the least spare at its peak need, its peak need and that spare (1 − peakNeed), both unrounded (the figure every headroom verdict compares with its target; peakNeed above rounds to 4 places); null for an unbounded public site. */
  binding: { resource: ResourceKey; peakNeed: number; spare: number } | null;
  cost: number;
  idleCost: number;
  costPerMonth: number;
}

export interface ReportWorkload {
  name: string;
  class: WorkloadClass;
  classReason: string;
  unit: string;
  demand: { peak: number; p95: number; mean: number; median: number; coefficientOfVariation: number; peakToMedian: number | null };
  sites: Record<string, { share: number; role: string; peakInstances: number; peakUtilization: number; cost: number; unservedRequests: number }>;
  unservedRequests: number;
  sloViolationSteps: number;
  cost: number;
}

export interface ReportSeries {
  start: string;
  bucketSeconds: number;
  buckets: number;
  /**
   * Per site and bucket: capacity up, allocated and needed, in vCPU and (openstack) memory,
   * disk, PCPU, vGPU and PCI devices where counted (the key is the kind and the resource,
   * capitalised: capacityVgpus); running vCPU per workload, and each workload's instance shape
   * there (running memory = running vCPU / shape.vcpus × shape.memoryMiB); `resources`: what the
   * site is counted in.
   */
  sites: Record<string, {
    capacityVcpus: number[]; allocatedVcpus: number[]; neededVcpus: number[]; byWorkload: Record<string, number[]>;
    shapes?: Record<string, Resources>; resources?: string[];
    capacityMemoryMiB?: number[]; allocatedMemoryMiB?: number[]; neededMemoryMiB?: number[];
    capacityDiskGiB?: number[]; allocatedDiskGiB?: number[]; neededDiskGiB?: number[];
    capacityPcpus?: number[]; allocatedPcpus?: number[]; neededPcpus?: number[];
    capacityVgpus?: number[]; allocatedVgpus?: number[]; neededVgpus?: number[];
    capacityPciDevices?: number[]; allocatedPciDevices?: number[]; neededPciDevices?: number[];
  }>;
  workloads: Record<string, { demandMax: number[]; demandMean: number[]; unservedRequests: number[] }>;
  /**
   * Cost per calendar month (format.md, "Calendar months"): `months` are YYYY-MM in
   * Settings.timezone; `partial[i]` when the horizon covers month i only in part, for
   * `coveredSeconds[i]` seconds.
   */
  monthlyCost: MonthlyCost;
}

export interface MonthlyCost { months: string[]; partial: boolean[]; coveredSeconds: number[]; bySite: Record<string, number[]>; byWorkload: Record<string, number[]>; byWorkloadSite: Record<string, Record<string, number[]>> }

