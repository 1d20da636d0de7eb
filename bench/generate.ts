/**
 * Generated workspaces for benchmarks: N workloads over the four-site shape of the fixtures
 * (two OpenStack, two public), a placement and a scenario. Deterministic for a given size.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface GenOptions {
  workloads: number;
  horizonDays: number;
  step: string;
  traces?: boolean;
  /** Hosts and quota sized for this many workloads (default 1,000: 400 hosts per aggregate). */
  sizedFor?: number;
  /** Hosts per aggregate and the public quota in vCPUs instead (the replay bench's contended case). */
  capacity?: { hosts: number; quota: number };
}

export function sitesYaml(sizedFor = 1000, capacity?: { hosts: number; quota: number }): string {
  const hosts = capacity?.hosts ?? Math.max(1, Math.round((400 * sizedFor) / 1000));
  const quota = capacity?.quota ?? Math.max(1000, Math.round((400000 * sizedFor) / 1000));
  const os1 = (name: string, sovereign: boolean) => `apiVersion: headroom.dev/v1
kind: Site
metadata: { name: ${name} }
spec:
  type: openstack
  sovereign: ${sovereign}
  currency: KRW
  availabilityZones: [az1, az2]
  aggregates:
    - { name: agg-az1, availabilityZone: az1, hosts: ${hosts}, host: { vcpus: 64, memoryMiB: 524288, diskGiB: 3840 }, reserved: { vcpus: 4, memoryMiB: 16384, diskGiB: 100 } }
    - { name: agg-az2, availabilityZone: az2, hosts: ${hosts}, host: { vcpus: 64, memoryMiB: 524288, diskGiB: 3840 }, reserved: { vcpus: 4, memoryMiB: 16384, diskGiB: 100 } }
  flavors:
    - { name: m1.large, vcpus: 4, memoryMiB: 8192, diskGiB: 80 }
    - { name: m1.xlarge, vcpus: 8, memoryMiB: 16384, diskGiB: 160 }
  cost: { hostCapex: 18000000, amortizationMonths: 48, hostOpexMonthly: 350000 }
`;
  const pub = (name: string, region: string) => `apiVersion: headroom.dev/v1
kind: Site
metadata: { name: ${name} }
spec:
  type: public
  region: ${region}
  currency: USD
  instanceTypes:
    - { name: m6i.xlarge, vcpus: 4, memoryMiB: 16384, pricing: { onDemandHourly: 0.236, reserved1yHourly: 0.149, spotHourly: 0.071 } }
    - { name: m6i.2xlarge, vcpus: 8, memoryMiB: 32768, pricing: { onDemandHourly: 0.384, reserved1yHourly: 0.242, spotHourly: 0.134 } }
  commitments:
    - { instanceType: m6i.xlarge, count: 50, hourly: 0.149 }
  autoscaling: { scaleOutDelaySeconds: 180 }
  quota: { vcpus: ${quota} }
  egressPerGiB: 0.126
`;
  return [os1('pangyo', true), os1('gasan', true), pub('aws-seoul', 'ap-northeast-2'), pub('aws-tokyo', 'ap-northeast-1')].join('---\n') +
    '---\napiVersion: headroom.dev/v1\nkind: Settings\nmetadata: { name: settings }\nspec:\n  reportingCurrency: KRW\n  exchangeRates: { USD: 1390 }\n';
}

export function workloadYaml(i: number): string {
  const flavor = i % 3 === 0 ? 'm1.xlarge' : 'm1.large';
  const type = i % 3 === 0 ? 'm6i.2xlarge' : 'm6i.xlarge';
  return `apiVersion: headroom.dev/v1
kind: Workload
metadata:
  name: svc-${i}
  labels: { team: team-${i % 17} }
spec:
  unit: rps
  traffic:
    synthetic:
      baseline: ${200 + ((i * 37) % 1800)}
      dailyAmplitude: ${(0.2 + (i % 5) * 0.1).toFixed(1)}
      weeklyAmplitude: 0.1
      noise: 0.05
      seed: ${i + 1}
  capacityPerInstance: ${100 + (i % 4) * 50}
  targetUtilization: 0.6
  minInstances: 2
  flavor: ${flavor}
  instanceType: ${type}
  dataClass: internal
  priority: ${i % 3}
  egressGiBPerMillionRequests: 0.5
`;
}

export function placementYaml(n: number): string {
  const lines = ['apiVersion: headroom.dev/v1', 'kind: Placement', 'metadata: { name: current }', 'spec:', '  mode: active-active', '  workloads:'];
  for (let i = 0; i < n; i++) {
    const a = 40 + (i % 4) * 5;
    const b = 100 - a - 30;
    lines.push(`    svc-${i}: { shares: { pangyo: ${a}, gasan: ${b}, aws-seoul: 20, aws-tokyo: 10 } }`);
  }
  return lines.join('\n') + '\n';
}

export function scenarioYaml(o: GenOptions): string {
  const end = new Date(Date.UTC(2027, 0, 1) + o.horizonDays * 86400_000).toISOString().replace('.000', '');
  return `apiVersion: headroom.dev/v1
kind: Scenario
metadata: { name: default }
spec:
  horizon: { start: "2027-01-01T00:00:00Z", end: "${end}", step: ${o.step} }
  placement: current
`;
}

/** Writes the workspace as one file per kind into a new temporary folder. */
export function writeWorkspace(o: GenOptions): { dir: string; lines: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-bench-'));
  const files: Record<string, string> = {
    'sites.yaml': sitesYaml(o.sizedFor, o.capacity),
    'workloads.yaml': Array.from({ length: o.workloads }, (_, i) => workloadYaml(i)).join('---\n'),
    'placement.yaml': placementYaml(o.workloads),
    'scenario.yaml': scenarioYaml(o),
  };
  let lines = 0;
  for (const [f, t] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, f), t);
    lines += t.split('\n').length - 1;
  }
  return { dir, lines };
}

/** Workloads needed for a workspace of about `lines` lines (≈ 22 lines per workload). */
export function workloadsForLines(lines: number): number {
  return Math.ceil((lines - 60) / 22);
}
