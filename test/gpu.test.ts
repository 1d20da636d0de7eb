/**
 * A GPU workload placed on both sides (format.md, "Every resource counts"): vGPU on the private
 * side is a resource like vCPU and memory, so capacity, packing, N-1, headroom and hosts to buy
 * count it, and the public side prices its GPU instance type. Every figure is computed by hand
 * below.
 *
 * pangyo: general 2 hosts (8 vCPU, 16896 MiB, no GPU); gpu 2 hosts (32 vCPU, 262656 MiB, 4 vGPU),
 * Nova defaults (cpu ×4, 512 MiB reserved). Schedulable: vCPU 2 × 32 + 2 × 128 = 320; memory
 * 2 × 16384 + 2 × 262144 = 557056 MiB; vGPU 2 × 4 = 8. g1 (8 vCPU, 32768 MiB, 1 vGPU) fits
 * min(128 / 8, 262144 / 32768, 4 / 1) = 4 per GPU host and 0 on a general host: 8 in all.
 * aws: g5.2xlarge (8 vCPU, 32768 MiB, 1 GPU) at 1.212 USD/h, no quota.
 * inference: 100 rps, 10 per instance, 70 % pangyo (7 instances), 30 % aws (3 instances).
 */
import { strict as assert } from 'assert';
import { recommend } from '../engine/recommend/recommend';
import { formatSummary } from '../engine/report/summary';
import { analyzePaths } from '../engine/lint/lint';
import { tempWorkspace } from './helpers';
import { constWorkload, doc, placement, run, scenario, site } from './sim-helpers';

const pangyo = doc('Site', 'pangyo', `type: openstack
aggregates:
  - { name: general, hosts: 2, host: { vcpus: 8, memoryMiB: 16896, diskGiB: 0 } }
  - { name: gpu, hosts: 2, host: { vcpus: 32, memoryMiB: 262656, diskGiB: 0, vgpus: 4 }, traits: [CUSTOM_GPU] }
flavors:
  - { name: small, vcpus: 2, memoryMiB: 4096, forbiddenTraits: [CUSTOM_GPU] }
  - { name: g1, vcpus: 8, memoryMiB: 32768, vgpus: 1, requiredTraits: [CUSTOM_GPU] }
cost: { hostCapex: 4800, amortizationMonths: 48, hostOpexMonthly: 50 }
procurement: { leadTimeDays: 30, minOrderHosts: 1 }`);
const aws = doc('Site', 'aws', `type: public
currency: USD
autoscaling: { scaleOutDelaySeconds: 0 }
instanceTypes:
  - { name: m.large, vcpus: 2, memoryMiB: 8192, pricing: { onDemandHourly: 0.1 } }
  - { name: g5.2xlarge, vcpus: 8, memoryMiB: 32768, gpus: 1, pricing: { onDemandHourly: 1.212 } }`);
const inference = constWorkload('inference', 100, 'tags: [gpu]').replace('flavor: small', 'flavor: g1').replace('instanceType: m.large', 'instanceType: g5.2xlarge');
const files = { 'pangyo.yaml': pangyo, 'aws.yaml': aws, 'w.yaml': inference, 'p.yaml': placement('inference: { shares: { pangyo: 70, aws: 30 } }'), 's.yaml': scenario() };

describe('GPUs on both sides', () => {
  it('counts vGPU at the private site: capacity, peak, the binding resource, the chart series', () => {
    const { report } = run(files);
    const p = site(report, 'pangyo');
    assert.deepEqual([p.capacity.vcpus, p.capacity.memoryMiB, p.capacity.vgpus], [320, 557056, 8]);
    // small is kept off the GPU hosts (forbidden CUSTOM_GPU): 2 general hosts × min(32 / 2, 16384 / 4096) = 8, not
    // 8 + 2 × min(128 / 2, 262144 / 4096); g1 only on them (required): 2 × 4 = 8
    assert.deepEqual(p.capacity.instances, { g1: 8, small: 8 });
    // 7 of 8 vGPU: 0.875; vCPU 56 / 320 = 0.175; memory 229376 / 557056 = 0.4118 → vGPU binds, 12.5 % spare
    assert.equal(p.peakUtilization.vgpus, 0.875);
    assert.equal(p.peakUtilization.vcpus, 0.175);
    assert.equal(p.peakUtilization.memoryMiB, 0.4118);
    assert.deepEqual(p.binding, { resource: 'vgpus', peakNeed: 0.875, spare: 0.125 });
    // no PCPU or PCI devices here, so no such keys
    assert.equal('pcpus' in p.peakUtilization, false);
    assert.equal(report.series!.sites.pangyo.capacityVgpus![0], 8);
    assert.equal(report.series!.sites.pangyo.neededVgpus![0], 7);
    assert.deepEqual(report.series!.sites.pangyo.resources, ['vcpus', 'memoryMiB', 'vgpus']);
    // the public side prices its GPU type: 3 × 1.212 USD for the one-hour horizon = 3.636
    assert.equal(site(report, 'aws').cost, 3.64);
    assert.match(formatSummary(report), /vGPU 87\.5%/);
  });

  it('N-1 counts the vGPUs: losing aws leaves pangyo 2 instances short (16 vCPU, 64 GiB, 2 vGPU)', () => {
    const { report } = run(files);
    // losing aws: pangyo must run 10, and 8 g1 fit (4 per GPU host); losing pangyo: aws has no quota and takes 10
    const aw = report.failover.find((f) => f.lostSite === 'aws')!;
    assert.equal(aw.survives, false);
    assert.deepEqual(aw.shortfall.inference, { instances: 2, vcpus: 16, memoryMiB: 65536, vgpus: 2 });
    assert.equal(report.failover.find((f) => f.lostSite === 'pangyo')!.survives, true);
  });

  it('buys GPU hosts for a vGPU shortage, never hosts without GPUs', async () => {
    // limit 1 − 0.2 = 0.8: the need of 7 vGPU passes 0.8 × 8 = 6.4 from the first step; 12 months later (no growth)
    // it is still 7, so 7 / 0.8 = 8.75 vGPU must be installed, 0.75 more: one GPU host (4 vGPU), none in general
    const dir = tempWorkspace(files);
    const out = await recommend(analyzePaths([dir], { cwd: dir }), { addHosts: false });
    const buy = out.report.recommendations.find((r) => r.kind === 'buy-hosts' && r.target === 'pangyo')!;
    assert.equal(buy.hosts, 1);
    assert.deepEqual(buy.perAggregate, { general: 0, gpu: 1 });
    assert.equal(buy.binding, 'vgpus');
    assert.match(buy.message, /vGPU \(the binding resource: 12\.5 % spare at its peak\)/);
    const hr = out.report.recommendations.find((r) => r.kind === 'headroom' && r.target === 'pangyo')!;
    assert.match(hr.message, /^pangyo with the recommended placement: vGPU binds: 12\.5 % spare at its peak/); // the optimizer moved load: its basis
  });

  it('refuses a vGPU flavor no host can run, naming the missing class', () => {
    const dir = tempWorkspace({ ...files, 'pangyo.yaml': pangyo.replace(', vgpus: 4 }', ' }') });
    const d = analyzePaths([dir], { cwd: dir }).diagnostics.find((x) => x.rule === 'flavor-fits-no-host');
    assert.ok(d, 'a flavor-fits-no-host error');
    assert.match(d.message, /^flavor g1 \(8 vCPU, 32768 MiB, 0 GiB, 1 vGPU\) fits no host of pangyo; .*, no host has vGPU$/);
  });
});
