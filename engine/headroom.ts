/**
 * Headroom per site: spare capacity at the site's peak against the placement's headroomTarget,
 * and against the largest single-site loss — the extra vCPU the site must take at every
 * workload's peak when another site is lost (shares redistributed as in failover.ts).
 */
import { sharesWithout, unitVcpus } from './failover';
import { Placement, Site, Workload } from './model';

export interface SiteHeadroom {
  site: string;
  capacityVcpus: number | null;
  peakUtilization: number | null;
  spare: number | null;
  target: number;
  meetsTarget: boolean | null;
  /** The lost site that puts the most extra load here, and that load in vCPU. */
  worstLoss?: { site: string; extraVcpus: number; fits: boolean | null };
}

export function siteHeadroom(placement: Placement, workloads: readonly Workload[], peaks: ArrayLike<number>, site: Site, capacityVcpus: number | null, peakUtilization: number | null): SiteHeadroom {
  const target = placement.headroomTarget;
  const spare = peakUtilization === null ? null : Math.max(0, 1 - peakUtilization);
  let worst: SiteHeadroom['worstLoss'];
  const others = new Set<string>();
  for (const w of workloads) for (const s of placement.workloads.get(w.name)!.shares.keys()) if (s !== site.name) others.add(s);
  for (const lost of [...others].sort()) {
    let extra = 0;
    workloads.forEach((w, i) => {
      const before = placement.workloads.get(w.name)!.shares.get(site.name) ?? 0;
      const after = sharesWithout(placement, w.name, lost).get(site.name) ?? 0;
      if (after > before) extra += ((peaks[i] * (after - before)) / 100 / (w.capacityPerInstance * w.targetUtilization)) * unitVcpus(site, w);
    });
    if (!worst || extra > worst.extraVcpus) worst = { site: lost, extraVcpus: extra, fits: capacityVcpus === null || peakUtilization === null ? null : extra <= capacityVcpus * (spare ?? 0) + 1e-9 };
  }
  return { site: site.name, capacityVcpus, peakUtilization, spare, target, meetsTarget: spare === null ? null : spare + 1e-9 >= target, worstLoss: worst };
}
