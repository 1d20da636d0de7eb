import { strict as assert } from 'assert';
import { convertQuantity, fieldUnit, parseDuration, SECONDS_PER_MONTH } from '../engine/model/units';

describe('units', () => {
  it('converts binary byte units to the field unit', () => {
    // 512 GiB = 512 × 1024 MiB = 524288 MiB (format.md's own example).
    assert.deepEqual(convertQuantity('512 GiB', 'MiB'), { ok: true, value: 524288 });
    // 2 TiB = 2048 GiB
    assert.deepEqual(convertQuantity('2TiB', 'GiB'), { ok: true, value: 2048 });
  });
  it('reads durations in the short forms s, m, h, d, w', () => {
    assert.equal(parseDuration('30s'), 30);
    assert.equal(parseDuration('5m'), 300); // m means minutes in a duration, not metres
    assert.equal(parseDuration('1h'), 3600);
    assert.equal(parseDuration('7d'), 604800);
    assert.equal(parseDuration('2w'), 1209600);
    assert.equal(parseDuration(90), 90);
  });
  it('rejects unknown units and units of the wrong dimension', () => {
    const a = convertQuantity('5 parsecs', 's');
    assert.equal(a.ok, false);
    assert.match((a as { message: string }).message, /unknown unit "parsecs"/);
    const b = convertQuantity('5 GiB', 's');
    assert.equal(b.ok, false);
    assert.match((b as { message: string }).message, /does not convert to a duration/);
    assert.equal(convertQuantity('lots', 'MiB').ok, false);
  });
  it('knows the unit of a field from its name', () => {
    assert.equal(fieldUnit('memoryMiB'), 'MiB');
    assert.equal(fieldUnit('diskGiB'), 'GiB');
    assert.equal(fieldUnit('scaleOutDelaySeconds'), 's');
    assert.equal(fieldUnit('leadTimeDays'), 'day');
    assert.equal(fieldUnit('hosts'), undefined);
  });
  it('uses a month of 365.2425/12 days', () => {
    assert.equal(SECONDS_PER_MONTH, (365.2425 / 12) * 86400);
  });
});
