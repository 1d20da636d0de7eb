/**
 * Numbers for people (engine/report/money-format.ts): the scales every output writes money and
 * amounts in, their edges, counts with separators, the exchange-rate note and the month's name.
 */
import { strict as assert } from 'assert';
import { count, money, PER_MONTH, quantity, ratesText } from '../engine/report/money-format';

describe('money-format', () => {
  it('writes money in the largest scale it reaches, to 2 decimals (k to 1)', () => {
    assert.equal(money(12.34, 'USD'), '12.34 USD'); // below 1,000: to the cent
    assert.equal(money(8_900, 'KRW'), '8.9k KRW');
    assert.equal(money(102_347_817.26, 'KRW'), '102.35M KRW'); // the fixture's total (README)
    assert.equal(money(1.5e9, 'KRW'), '1.50B KRW');
    assert.equal(money(4.56e12, 'KRW'), '4.56T KRW'); // a trillion won: T, not 4560.00B
    assert.equal(money(-7_980_000, 'KRW'), '-7.98M KRW');
  });

  it('moves up a scale where rounding would write 1,000 of one', () => {
    // 999,995 / 1,000 = 999.995 → "1000.0k"; / 10⁶ = 0.999995 → "1.00M"
    assert.equal(money(999_995, 'KRW'), '1.00M KRW');
    assert.equal(quantity(999_995), '1.00M');
    // 999.96 → "1000.0" as a plain amount → 1.0k; 999,000 stays 999.0k
    assert.equal(quantity(999.96), '1.0k');
    assert.equal(quantity(999_000), '999.0k');
    assert.equal(money(999.999, 'USD'), '1.0k USD');
  });

  it('writes amounts like money, whole numbers without decimals', () => {
    assert.equal(quantity(930), '930');
    assert.equal(quantity(917.6), '917.6');
    assert.equal(quantity(27_128), '27.1k');
    assert.equal(quantity(9_398_765), '9.40M');
    // 3,912,787.55 × 10⁶ bytes (a scenario that removed hosts): 3.91T, not 3912787.55M
    assert.equal(quantity(3_912_787.55e6), '3.91T');
  });

  it('counts with separators, rates as 1 X = Y, and names its month', () => {
    assert.equal(count(22_098), '22,098');
    assert.equal(count(5_920.6), '5,921');
    assert.equal(ratesText({ USD: 1390 }, 'KRW'), ' (1 USD = 1,390 KRW)');
    assert.equal(ratesText({ KRW: 1 }, 'KRW'), ''); // priced in the reporting currency: nothing to say
    assert.equal(ratesText(undefined, 'KRW'), '');
    // 2,629,746 s / 86,400 = 30.436875 days
    assert.equal(PER_MONTH, 'per month of 30.44 days');
  });
});
