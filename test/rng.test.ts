/**
 * The seeded generator: fillNormal (the replay's batch form) must give exactly the numbers of
 * repeated normal() calls, whatever the batch sizes, so Monte Carlo results do not depend on how
 * the replay reads demand.
 */
import { strict as assert } from 'assert';
import { Rng } from '../engine/replay/rng';

describe('rng', () => {
  it('fillNormal gives the same sequence as normal(), across odd and even batch sizes', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const one: number[] = [];
    for (let i = 0; i < 1000; i++) one.push(a.normal());
    const batched: number[] = [];
    const buf = new Float64Array(64);
    // 1, 2, 3, ... numbers per batch: batches that end on the spare and start from it
    for (let n = 1; batched.length < 1000; n++) {
      const k = Math.min(n, 1000 - batched.length);
      b.fillNormal(buf, k);
      for (let i = 0; i < k; i++) batched.push(buf[i]);
    }
    assert.deepEqual(batched, one);
    // and the generators are in the same state afterwards
    assert.equal(a.normal(), b.normal());
  });

  it('standard normals: mean near 0 and variance near 1 over 100,000 draws', () => {
    // standard error of the mean 1/√100000 ≈ 0.0032; of the variance √(2/100000) ≈ 0.0045
    const r = new Rng(7);
    const buf = new Float64Array(100_000);
    r.fillNormal(buf, buf.length);
    let s = 0, s2 = 0;
    for (const x of buf) { s += x; s2 += x * x; }
    const mean = s / buf.length;
    assert.ok(Math.abs(mean) < 0.015, `mean ${mean}`);
    assert.ok(Math.abs(s2 / buf.length - mean * mean - 1) < 0.02, `variance ${s2 / buf.length}`);
  });

  it('fillNormal with n = 0 leaves the state alone', () => {
    const a = new Rng(3);
    const b = new Rng(3);
    a.normal();
    b.normal(); // both hold a spare now
    a.fillNormal(new Float64Array(4), 0);
    assert.equal(a.normal(), b.normal());
  });
});
