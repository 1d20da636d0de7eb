import { strict as assert } from 'assert';
import { Aggregate, Flavor, NOVA_DEFAULT_ALLOCATION_RATIO, NOVA_DEFAULT_RESERVED, Resources } from '../engine/model/model';
import fc from 'fast-check';
import { aggregateInstances, aggregateSchedulable, FlavorPacker, instancesPerHost, placementCapacity } from '../engine/capacity/nova-capacity';

const agg = (over: Partial<Aggregate>): Aggregate => ({
  name: 'a', hosts: 1, index: 0,
  host: R(64, 524288, 3840),
  reserved: { ...NOVA_DEFAULT_RESERVED }, allocationRatio: { ...NOVA_DEFAULT_ALLOCATION_RATIO }, traits: [], ...over,
});
const flavor = (name: string, vcpus: number, memoryMiB: number, diskGiB = 0, index = 0, more: Partial<Flavor> = {}): Flavor => ({ name, vcpus, memoryMiB, diskGiB, cpuPolicy: 'shared', vgpus: 0, pciDevices: 0, requiredTraits: [], forbiddenTraits: [], index, ...more });
/** vCPU, memory, disk, and (optionally) PCPU, vGPU, PCI devices. */
function R(vcpus: number, memoryMiB: number, diskGiB: number, more: Partial<Resources> = {}): Resources {
  return { vcpus, memoryMiB, diskGiB, pcpus: 0, vgpus: 0, pciDevices: 0, ...more };
}

describe('nova-capacity', () => {
  it('computes schedulable resources with explicit reserved and ratios (format.md example)', () => {
    // 40 hosts × (64 − 4) × 4.0 = 9600 vCPU; 40 × (524288 − 16384) × 1.0 = 20316160 MiB; 40 × (3840 − 100) = 149600 GiB
    const g = agg({ hosts: 40, reserved: R(4, 16384, 100) });
    assert.deepEqual(aggregateSchedulable(g), R(9600, 20316160, 149600));
    // m1.large 4/8192/80 per host: min(240/4 = 60, 507904/8192 = 62, 3740/80 = 46.75 → 46) = 46: disk binds
    assert.equal(instancesPerHost(g, flavor('m1.large', 4, 8192, 80)), 46);
    assert.equal(aggregateInstances(g, flavor('m1.large', 4, 8192, 80)), 40 * 46);
  });
  it('applies Nova defaults: reserved 0 vCPU / 512 MiB / 0 GiB, ratios 4.0 / 1.0 / 1.0', () => {
    // host 32 vCPU, 131072 MiB, 1000 GiB: per host 128 vCPU, 130560 MiB, 1000 GiB
    const g = agg({ hosts: 10, host: R(32, 131072, 1000) });
    assert.deepEqual(aggregateSchedulable(g), R(1280, 1305600, 10000));
    // 2 vCPU / 4096 MiB / 20 GiB: min(64, 31.875 → 31, 50) = 31 per host: memory binds after the 512 MiB reserve
    assert.equal(instancesPerHost(g, flavor('m1.small', 2, 4096, 20)), 31);
  });
  it('ignores resources a flavor does not ask for (diskGiB 0, boot from volume)', () => {
    const g = agg({ host: R(8, 16896, 0) });
    // (8 − 0) × 4 / 2 = 16; (16896 − 512) / 2048 = 8 → 8
    assert.equal(instancesPerHost(g, flavor('f', 2, 2048, 0)), 8);
  });
  it('returns 0 when reserved leaves nothing', () => {
    const g = agg({ host: R(4, 512, 0) });
    assert.equal(instancesPerHost(g, flavor('f', 1, 256)), 0);
  });
  it('packs several flavors host by host, largest first', () => {
    // 2 hosts of 16 vCPU (ratio 1), 65536 MiB, no reserve. Demand: big (8 vCPU, 16384) × 3, small (2, 4096) × 10.
    // host 1: big fits min(16/8, 65536/16384) = 2 → 2 placed (1 left), free 0 vCPU → no small.
    // host 2: big 1 → free 8 vCPU, 49152 MiB; small fits min(4, 12) = 4 → 4 placed, 6 left.
    // placed: big 3, small 4; not everything fits.
    const g = agg({ hosts: 2, host: R(16, 65536, 0), reserved: R(0, 0, 0), allocationRatio: { ...NOVA_DEFAULT_ALLOCATION_RATIO, cpu: 1 } });
    const packer = new FlavorPacker([g], [flavor('small', 2, 4096, 0, 0), flavor('big', 8, 16384, 0, 1)]);
    assert.deepEqual(packer.flavors.map((f) => f.name), ['big', 'small']);
    const placed = new Float64Array(2);
    assert.equal(packer.pack([2], [3, 10], placed), false);
    assert.deepEqual([...placed], [3, 4]);
    // Within capacity everything is placed: big 2 + small 8 = 32 vCPU exactly.
    assert.equal(packer.pack([2], [2, 8], placed), true);
    assert.deepEqual([...placed], [2, 8]);
  });
  it('never places more than schedulable on any resource, across aggregates', () => {
    const a1 = agg({ name: 'a1', hosts: 3, host: R(10, 10000, 0), reserved: R(0, 0, 0), allocationRatio: { ...NOVA_DEFAULT_ALLOCATION_RATIO, cpu: 1 } });
    const a2 = agg({ name: 'a2', index: 1, hosts: 2, host: R(7, 30000, 0), reserved: R(0, 0, 0), allocationRatio: { ...NOVA_DEFAULT_ALLOCATION_RATIO, cpu: 1 } });
    const fl = [flavor('x', 3, 2000), flavor('y', 1, 5000), flavor('z', 2, 1000)];
    const packer = new FlavorPacker([a1, a2], fl);
    const placed = new Float64Array(3);
    for (let n = 0; n < 40; n++) {
      const demand = [n % 7, (n * 3) % 11, (n * 5) % 13];
      packer.pack([3, 2], demand, placed);
      const v = placed.reduce((s, c, i) => s + c * packer.flavors[i].vcpus, 0);
      const m = placed.reduce((s, c, i) => s + c * packer.flavors[i].memoryMiB, 0);
      assert.ok(v <= 3 * 10 + 2 * 7, `vcpus ${v}`);
      assert.ok(m <= 3 * 10000 + 2 * 30000, `memory ${m}`);
      for (let i = 0; i < 3; i++) assert.ok(placed[i] >= 0 && placed[i] <= demand[i], `placed ${placed[i]} of ${demand[i]}`);
    }
  });
  it('counts capacity as Placement does, int((total − reserved) × ratio) in doubles, with no rounding up', () => {
    // 100 × 0.29 = 28.999999999999996 in IEEE doubles: Python's int() in placement/objects/inventory.py gives 28
    assert.equal(placementCapacity(100, 0, 0.29), 28);
    // (64 − 4) × 1.5 = 90 exactly; reserved above total is 0, never negative
    assert.equal(placementCapacity(64, 4, 1.5), 90);
    assert.equal(placementCapacity(4, 8, 4), 0);
  });
  it('counts vGPUs like vCPU and memory: a GPU flavor fits min over every class it asks for', () => {
    // host 64 vCPU ×4, 524288 − 512 MiB, 4 vGPU; g1: 8 vCPU, 65536 MiB, 1 vGPU
    // min(256 / 8 = 32, 523776 / 65536 = 7.99 → 7, 4 / 1 = 4) = 4: the vGPUs bind
    const g = agg({ hosts: 3, host: R(64, 524288, 0, { vgpus: 4 }) });
    const g1 = flavor('g1', 8, 65536, 0, 0, { vgpus: 1 });
    assert.equal(instancesPerHost(g, g1), 4);
    assert.equal(aggregateInstances(g, g1), 12);
    assert.deepEqual(aggregateSchedulable(g), R(768, 1571328, 0, { vgpus: 12 }));
    // the same flavor on hosts without vGPU fits nowhere
    assert.equal(instancesPerHost(agg({}), g1), 0);
  });
  it('takes the CPUs of a dedicated flavor from PCPU and none from VCPU (hw:cpu_policy=dedicated)', () => {
    // host: 16 VCPU (ratio 4 → 64), 32 PCPU (ratio 1), 524288 MiB; d8: 8 CPUs dedicated, 16384 MiB
    // VCPU not asked; min(32 / 8 = 4, 523776 / 16384 = 31.97 → 31) = 4: PCPU binds
    const g = agg({ host: R(16, 524288, 0, { pcpus: 32 }) });
    assert.equal(instancesPerHost(g, flavor('d8', 8, 16384, 0, 0, { cpuPolicy: 'dedicated' })), 4);
    // the same size shared: min(64 / 8 = 8, 31) = 8
    assert.equal(instancesPerHost(g, flavor('s8', 8, 16384)), 8);
  });
  it('packs GPU flavors first and counts the vGPUs they leave (largest first: devices, then CPUs)', () => {
    // 2 hosts of 32 vCPU (ratio 1), 262144 MiB, 2 vGPU, nothing reserved. Demand: gpu (4, 32768, 1 vGPU) × 5, small (2, 4096) × 20.
    // gpu first: min(32/4 = 8, 262144/32768 = 8, 2/1 = 2) = 2 per host → 4 placed, 1 left; each host keeps 24 vCPU, 196608 MiB, 0 vGPU.
    // small: min(24/2 = 12, 196608/4096 = 48) = 12 per host, 24 ≥ 20 → all 20 placed. Placed [4, 20], not everything fits.
    const g = agg({ hosts: 2, host: R(32, 262144, 0, { vgpus: 2 }), reserved: R(0, 0, 0), allocationRatio: { ...NOVA_DEFAULT_ALLOCATION_RATIO, cpu: 1 } });
    const packer = new FlavorPacker([g], [flavor('small', 2, 4096, 0, 0), flavor('gpu', 4, 32768, 0, 1, { vgpus: 1 })]);
    assert.deepEqual(packer.flavors.map((f) => f.name), ['gpu', 'small']);
    const placed = new Float64Array(2);
    assert.equal(packer.pack([2], [5, 20], placed), false);
    assert.deepEqual([...placed], [4, 20]);
    assert.equal(packer.pack([2], [4, 20], placed), true);
  });
  it('keeps flavors to the aggregates their trait specs allow (trait:CUSTOM_GPU=required / forbidden)', () => {
    // one general host (16 vCPU, ratio 1, 65536 MiB) and one GPU host (same, 2 vGPU, trait CUSTOM_GPU); nothing reserved
    const base = { hosts: 1, reserved: R(0, 0, 0), allocationRatio: { ...NOVA_DEFAULT_ALLOCATION_RATIO, cpu: 1 } };
    const general = agg({ ...base, name: 'general', host: R(16, 65536, 0) });
    const gpu = agg({ ...base, name: 'gpu', index: 1, host: R(16, 65536, 0, { vgpus: 2 }), traits: ['CUSTOM_GPU'] });
    const small = flavor('small', 2, 4096, 0, 0, { forbiddenTraits: ['CUSTOM_GPU'] });
    const g = flavor('g', 4, 8192, 0, 1, { vgpus: 1, requiredTraits: ['CUSTOM_GPU'] });
    assert.equal(instancesPerHost(general, small), 8);
    assert.equal(instancesPerHost(gpu, small), 0);
    assert.equal(instancesPerHost(general, g), 0);
    assert.equal(instancesPerHost(gpu, g), 2);
    // 12 small: 8 on the general host, none on the GPU host, 4 left over; the 2 g land on the GPU host
    const packer = new FlavorPacker([general, gpu], [small, g]);
    const placed = new Float64Array(2);
    assert.equal(packer.pack([1, 1], [2, 12], placed), false);
    assert.deepEqual([...placed], [2, 8]);
  });
  it('surelyFits never says everything fits where first fit leaves some over, on random sites (fast-check), and says so where demand is well within the hosts', () => {
    const res = fc.record({ vcpus: fc.integer({ min: 1, max: 64 }), memoryMiB: fc.integer({ min: 1024, max: 65536 }), diskGiB: fc.integer({ min: 0, max: 400 }), vgpus: fc.integer({ min: 0, max: 2 }) });
    const site = fc.record({
      hosts: fc.array(fc.record({ host: res, count: fc.integer({ min: 0, max: 12 }), gpuOnly: fc.boolean() }), { minLength: 1, maxLength: 3 }),
      flavors: fc.array(fc.record({ req: res, gpu: fc.boolean() }), { minLength: 1, maxLength: 4 }),
      demand: fc.array(fc.integer({ min: 0, max: 16 }), { minLength: 4, maxLength: 4 }),
    });
    let claimed = 0;
    fc.assert(fc.property(site, ({ hosts, flavors, demand }) => {
      const aggs = hosts.map((h, i) => agg({ name: `a${i}`, index: i, hosts: h.count, host: R(h.host.vcpus, h.host.memoryMiB, h.host.diskGiB, { vgpus: h.host.vgpus }), reserved: R(0, 0, 0), traits: h.gpuOnly ? ['CUSTOM_GPU'] : [] }));
      const fl = flavors.map((f, i) => flavor(`f${i}`, Math.max(1, f.req.vcpus >> 2), f.req.memoryMiB >> 2, f.req.diskGiB >> 2, i, { vgpus: f.gpu ? 1 : 0, ...(f.gpu ? { requiredTraits: ['CUSTOM_GPU'] } : { forbiddenTraits: ['CUSTOM_GPU'] }) }));
      const packer = new FlavorPacker(aggs, fl);
      const counts = aggs.map((g) => g.hosts);
      const d = fl.map((_f, i) => demand[i]);
      if (!packer.surelyFits(counts, d)) return;
      claimed++;
      const placed = new Float64Array(fl.length);
      assert.equal(packer.packFirstFit(counts, d, placed), true, 'first fit places everything');
      assert.deepEqual([...placed], d);
    }), { numRuns: 3000, seed: 17 });
    assert.ok(claimed > 100, `the fast path was taken ${claimed} times`);
    // 800 hosts of (64 − 4) × 4.0 = 240 vCPU, 524288 − 16384 = 507,904 MiB, 3,840 − 100 = 3,740 GiB; m1.xlarge 8 / 16,384 / 160:
    // slack = min(1 − 8/240, 1 − 16384/507904, 1 − 160/3740) = 0.95722, room = 800 × 0.95722 = 765.8; each instance loads
    // 8/240 + 16384/507904 + 160/3740 = 0.10837, so the bound holds up to 765.8 / 0.10837 = 7,066 instances (5,000: yes;
    // 15,000: no, though first fit places up to 800 × min(30, 31, 23) = 18,400 of them: the bound is only sufficient)
    const big = agg({ hosts: 800, host: R(64, 524288, 3840), reserved: R(4, 16384, 100) });
    const packer = new FlavorPacker([big], [flavor('m1.xlarge', 8, 16384, 160)]);
    assert.equal(packer.surelyFits([800], [5000]), true);
    assert.equal(packer.surelyFits([800], [15000]), false);
    const placed = new Float64Array(1);
    assert.equal(packer.pack([800], [15000], placed), true);
    assert.equal(packer.pack([800], [18401], placed), false);
    assert.deepEqual([...placed], [18400]);
  });
});
