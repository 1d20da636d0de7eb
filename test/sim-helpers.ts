/** Building small workspaces for replay tests and running them through the real engine. */
import { analyzePaths } from '../engine/lint/lint';
import { buildReport, Report } from '../engine/report/report';
import { simulate, Simulation } from '../engine/replay/simulate';
import { tempWorkspace } from './helpers';

export const HEAD = 'apiVersion: headroom.dev/v1\n';

export function doc(kind: string, name: string, spec: string): string {
  return `${HEAD}kind: ${kind}\nmetadata: { name: ${name} }\nspec:\n${spec.replace(/^/gm, '  ')}\n`;
}

/** One hour at 5-minute steps unless a horizon is given. */
export function scenario(extra = '', horizon = '{ start: "2027-01-01T00:00:00Z", end: "2027-01-01T01:00:00Z", step: 5m }'): string {
  return doc('Scenario', 'default', `horizon: ${horizon}\nplacement: p\n${extra}`);
}

/** A private site of `hosts` hosts with 8 vCPU / 16896 MiB each and Nova defaults: 4 instances of small (2 vCPU, 4096 MiB) per host. */
export function smallPrivate(name: string, hosts: number, extra = ''): string {
  return doc('Site', name, `type: openstack
sovereign: true
aggregates:
  - { name: agg, availabilityZone: az1, hosts: ${hosts}, host: { vcpus: 8, memoryMiB: 16896, diskGiB: 0 } }
flavors:
  - { name: small, vcpus: 2, memoryMiB: 4096 }
cost: { hostCapex: 4800, amortizationMonths: 48, hostOpexMonthly: 50 }
${extra}`);
}

export function publicSite(name: string, extra = 'autoscaling: { scaleOutDelaySeconds: 0 }', currency = 'USD'): string {
  return doc('Site', name, `type: public
currency: ${currency}
instanceTypes:
  - { name: m.large, vcpus: 2, memoryMiB: 8192, pricing: { onDemandHourly: 0.1, spotHourly: 0.03 } }
${extra}`);
}

export function constWorkload(name: string, rps: number, extra = '', cap = 10, target = 1.0): string {
  return doc('Workload', name, `unit: rps
traffic: { synthetic: { baseline: ${rps} } }
capacityPerInstance: ${cap}
targetUtilization: ${target}
minInstances: 1
flavor: small
instanceType: m.large
${extra}`);
}

export function placement(workloads: string, extra = ''): string {
  return doc('Placement', 'p', `${extra}workloads:\n${workloads.replace(/^/gm, '  ')}`);
}

export function run(files: Record<string, string>, scenarioName?: string): { sim: Simulation; report: Report; dir: string } {
  const dir = tempWorkspace(files);
  const a = analyzePaths([dir], { cwd: dir });
  const errors = a.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error('workspace has errors: ' + errors.map((d) => `${d.file}:${d.range.start.line}: ${d.message}`).join('; '));
  const sim = simulate(a, { scenario: scenarioName });
  return { sim, report: buildReport(a.model, sim), dir };
}

export function wl(r: Report, name: string) {
  const w = r.workloads.find((x) => x.name === name);
  if (!w) throw new Error(`no workload ${name}`);
  return w;
}
export function site(r: Report, name: string) {
  const s = r.sites.find((x) => x.name === name);
  if (!s) throw new Error(`no site ${name}`);
  return s;
}
