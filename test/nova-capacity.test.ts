import { strict as assert } from 'assert';
import { Aggregate, Flavor, NOVA_DEFAULT_ALLOCATION_RATIO, NOVA_DEFAULT_RESERVED } from '../engine/model/model';
import { aggregateInstances, aggregateSchedulable, FlavorPacker, instancesPerHost } from '../engine/capacity/nova-capacity';

const agg = (over: Partial<Aggregate>): Aggregate => ({
  name: 'a', hosts: 1, index: 0,
  host: { vcpus: 64, memoryMiB: 524288, diskGiB: 3840 },
  reserved: { ...NOVA_DEFAULT_RESERVED }, allocationRatio: { ...NOVA_DEFAULT_ALLOCATION_RATIO }, ...over,
});
const flavor = (name: string, vcpus: number, memoryMiB: number, diskGiB = 0, index = 0): Flavor => ({ name, vcpus, memoryMiB, diskGiB, index });

describe('nova-capacity', () => {
  it('computes schedulable resources with explicit reserved and ratios (format.md example)', () => {
    // 40 hosts × (64 − 4) × 4.0 = 9600 vCPU; 40 × (524288 − 16384) × 1.0 = 20316160 MiB; 40 × (3840 − 100) = 149600 GiB
    const g = agg({ hosts: 40, reserved: { vcpus: 4, memoryMiB: 16384, diskGiB: 100 } });
    assert.deepEqual(aggregateSchedulable(g), { vcpus: 9600, memoryMiB: 20316160, diskGiB: 149600 });
    // m1.large 4/8192/80 per host: min(240/4 = 60, 507904/8192 = 62, 3740/80 = 46.75 → 46) = 46: disk binds
    assert.equal(instancesPerHost(g, flavor('m1.large', 4, 8192, 80)), 46);
    assert.equal(aggregateInstances(g, flavor('m1.large', 4, 8192, 80)), 40 * 46);
  });
  it('applies Nova defaults: reserved 0 vCPU / 512 MiB / 0 GiB, ratios 4.0 / 1.0 / 1.0', () => {
    // host 32 vCPU, 131072 MiB, 1000 GiB: per host 128 vCPU, 130560 MiB, 1000 GiB
    const g = agg({ hosts: 10, host: { vcpus: 32, memoryMiB: 131072, diskGiB: 1000 } });
    assert.deepEqual(aggregateSchedulable(g), { vcpus: 1280, memoryMiB: 1305600, diskGiB: 10000 });
    // 2 vCPU / 4096 MiB / 20 GiB: min(64, 31.875 → 31, 50) = 31 per host: memory binds after the 512 MiB reserve
    assert.equal(instancesPerHost(g, flavor('m1.small', 2, 4096, 20)), 31);
  });
  it('ignores resources a flavor does not ask for (diskGiB 0, boot from volume)', () => {
    const g = agg({ host: { vcpus: 8, memoryMiB: 16896, diskGiB: 0 } });
    // (8 − 0) × 4 / 2 = 16; (16896 − 512) / 2048 = 8 → 8
    assert.equal(instancesPerHost(g, flavor('f', 2, 2048, 0)), 8);
  });
  it('returns 0 when reserved leaves nothing', () => {
    const g = agg({ host: { vcpus: 4, memoryMiB: 512, diskGiB: 0 } });
    assert.equal(instancesPerHost(g, flavor('f', 1, 256)), 0);
  });
  it('packs several flavors host by host, largest first', () => {
    // 2 hosts of 16 vCPU (ratio 1), 65536 MiB, no reserve. Demand: big (8 vCPU, 16384) × 3, small (2, 4096) × 10.
    // host 1: big fits min(16/8, 65536/16384) = 2 → 2 placed (1 left), free 0 vCPU → no small.
    // host 2: big 1 → free 8 vCPU, 49152 MiB; small fits min(4, 12) = 4 → 4 placed, 6 left.
    // placed: big 3, small 4; not everything fits.
    const g = agg({ hosts: 2, host: { vcpus: 16, memoryMiB: 65536, diskGiB: 0 }, reserved: { vcpus: 0, memoryMiB: 0, diskGiB: 0 }, allocationRatio: { cpu: 1, ram: 1, disk: 1 } });
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
    const a1 = agg({ name: 'a1', hosts: 3, host: { vcpus: 10, memoryMiB: 10000, diskGiB: 0 }, reserved: { vcpus: 0, memoryMiB: 0, diskGiB: 0 }, allocationRatio: { cpu: 1, ram: 1, disk: 1 } });
    const a2 = agg({ name: 'a2', index: 1, hosts: 2, host: { vcpus: 7, memoryMiB: 30000, diskGiB: 0 }, reserved: { vcpus: 0, memoryMiB: 0, diskGiB: 0 }, allocationRatio: { cpu: 1, ram: 1, disk: 1 } });
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
});
