import { strict as assert } from 'assert';
import { EPS, instancesNeeded } from '../engine/capacity/instances-needed';
import { EPS as REPLAY_EPS } from '../engine/replay/replay-state';

describe('instances-needed', () => {
  // capacityPerInstance 100 × targetUtilization 0.6: 60 per instance, invCapEff = 1 / 60
  const inv60 = 1 / (100 * 0.6);

  it('is ceil(D / capEff): 120 → 2 exactly, 121 → 3, 30 → 1', () => {
    // 120 / 60 = 2; 121 / 60 = 2.0167 → 3; 30 / 60 = 0.5 → 1
    assert.equal(instancesNeeded(120, inv60, 0), 2);
    assert.equal(instancesNeeded(121, inv60, 0), 3);
    assert.equal(instancesNeeded(30, inv60, 0), 1);
  });

  it('keeps minInstances, also without demand', () => {
    // 30 / 60 → 1, at least 2; no demand → 0, at least 2; no demand, no minimum → 0
    assert.equal(instancesNeeded(30, inv60, 2), 2);
    assert.equal(instancesNeeded(0, inv60, 2), 2);
    assert.equal(instancesNeeded(0, inv60, 0), 0);
    // 600 / 60 = 10, more than the minimum of 2
    assert.equal(instancesNeeded(600, inv60, 2), 10);
  });

  it('does not ask one more for a quotient a rounding error above a whole number', () => {
    // capacityPerInstance 7 × targetUtilization 0.6 = 4.2; 31 instances' worth of demand, 31 × 4.2,
    // is 130.20000000000002 in doubles, and × (1 / 4.2) gives 31.000000000000004: a plain ceil says 32
    const inv = 1 / (7 * 0.6);
    const d = 31 * 4.2;
    assert.equal(d * inv, 31.000000000000004);
    assert.equal(Math.ceil(d * inv), 32);
    assert.equal(instancesNeeded(d, inv, 0), 31);
    // a real excess is counted: 130.3 / 4.2 = 31.02 → 32
    assert.equal(instancesNeeded(130.3, inv, 0), 32);
  });

  it('passes eps through as given (the replay loops pass their copy of EPS)', () => {
    // 121 / 60 = 2.0167: with a tolerance of 0.5 it counts 2
    assert.equal(instancesNeeded(121, inv60, 0, 0.5), 2);
    assert.equal(EPS, 1e-9);
    assert.equal(REPLAY_EPS, EPS, 'the replay tolerates what the ceiling does');
  });
});
