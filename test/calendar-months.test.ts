/** Calendar months (format.md, "Calendar months"): grouping, labels, partial months, time zones, and every export. */
import { strict as assert } from 'assert';
import { calendarMonths } from '../engine/traffic/calendar-months';
import { toCsv, toMarkdown } from '../engine/report/report-export';
import { constWorkload, doc, placement, run, scenario, smallPrivate } from './sim-helpers';

const T = (s: string) => Date.parse(s) / 1000;

describe('calendar months', () => {
  it('splits a horizon at calendar month starts, in UTC', () => {
    // 2027-01-15 → 2027-03-10 at 1 h: Jan from step 0; Feb from 2027-02-01 = 17 days × 24 = step 408;
    // Mar from 2027-03-01 = 408 + 28 × 24 = step 1080. Jan covers 17 days (partial), Feb all 28, Mar 9 (partial).
    const m = calendarMonths(T('2027-01-15T00:00:00Z'), 3600, (17 + 28 + 9) * 24, 'UTC');
    assert.deepEqual(m.map((x) => x.label), ['2027-01', '2027-02', '2027-03']);
    assert.deepEqual(m.map((x) => x.startStep), [0, 408, 1080]);
    assert.deepEqual(m.map((x) => x.coveredSeconds / 86400), [17, 28, 9]);
    assert.deepEqual(m.map((x) => x.partial), [true, false, true]);
  });

  it('counts months in the Settings time zone', () => {
    // Asia/Seoul is UTC+9: 2027-02-01 local midnight is 2027-01-31T15:00Z. From 2027-01-31T00:00Z at 1 h,
    // February starts at step 15; the first 15 hours are January's (15 × 3600 s covered).
    const m = calendarMonths(T('2027-01-31T00:00:00Z'), 3600, 48, 'Asia/Seoul');
    assert.deepEqual(m.map((x) => [x.label, x.startStep, x.coveredSeconds]), [['2027-01', 0, 15 * 3600], ['2027-02', 15, 33 * 3600]]);
    // New York changes to summer time on 2027-03-14; 2027-04-01 local midnight is 04:00Z (EDT, UTC−4)
    const ny = calendarMonths(T('2027-03-31T00:00:00Z'), 3600, 48, 'America/New_York');
    assert.deepEqual(ny.map((x) => [x.label, x.startStep]), [['2027-03', 0], ['2027-04', 28]]);
  });

  it('bills February visibly shorter than January, in the JSON, the CSV and the Markdown', () => {
    // One private site of 2 hosts at (4800/48 + 50) = 150 USD per host-month of 2,629,746 s.
    // January: 2 × 150 × 31 × 86400 / 2,629,746 = 305.5614...; February: 2 × 150 × 28 × 86400 / 2,629,746 = 275.9909...
    const { report } = run({
      's.yaml': smallPrivate('dc', 2),
      'w.yaml': constWorkload('api', 10),
      'p.yaml': placement('api: { shares: { dc: 100 } }'),
      'sc.yaml': scenario('', '{ start: "2027-01-01T00:00:00Z", end: "2027-03-01T00:00:00Z", step: 1h }'),
      'settings.yaml': doc('Settings', 'settings', 'reportingCurrency: USD'),
    });
    const mc = report.series!.monthlyCost;
    assert.deepEqual(mc.months, ['2027-01', '2027-02']);
    assert.deepEqual(mc.partial, [false, false]);
    const jan = (2 * 150 * 31 * 86400) / 2_629_746;
    const feb = (2 * 150 * 28 * 86400) / 2_629_746;
    assert.ok(Math.abs(mc.bySite.dc[0] - jan) < 0.01, `${mc.bySite.dc[0]} vs ${jan}`);
    assert.ok(Math.abs(mc.bySite.dc[1] - feb) < 0.01, `${mc.bySite.dc[1]} vs ${feb}`);
    // the CSV is showback per workload: api runs 1 instance of 2 vCPU out of 2 hosts × 8 vCPU × 4.0 = 64 schedulable, so 1/32 of the site
    const csv = toCsv(report).split('\r\n');
    assert.equal(csv[0], 'workload,site,month,partial,cost,currency');
    assert.equal(csv[1], `api,dc,2027-01,false,${(jan / 32).toFixed(2)},USD`);
    assert.equal(csv[2], `api,dc,2027-02,false,${(feb / 32).toFixed(2)},USD`);
    const md = toMarkdown(report);
    assert.match(md, /\| site \| 2027-01 \| 2027-02 \|/);
    assert.match(md, new RegExp(`\\| dc \\| ${jan.toFixed(2)} \\| ${feb.toFixed(2)} \\|`));
  });

  it('marks the months a horizon covers in part, in the Settings time zone', () => {
    // 2027-01-20 → 2027-02-10 UTC in Asia/Seoul: January (local) from step 0, February from
    // 2027-01-31T15:00Z = 11 days 15 hours = 279 h; both partial. Cost per month is the host
    // cost for exactly those hours: 2 × 150 × 279 × 3600 / 2,629,746 in January.
    const { report } = run({
      's.yaml': smallPrivate('dc', 2),
      'w.yaml': constWorkload('api', 10),
      'p.yaml': placement('api: { shares: { dc: 100 } }'),
      'sc.yaml': scenario('', '{ start: "2027-01-20T00:00:00Z", end: "2027-02-10T00:00:00Z", step: 1h }'),
      'settings.yaml': doc('Settings', 'settings', 'reportingCurrency: USD\ntimezone: Asia/Seoul'),
    });
    const mc = report.series!.monthlyCost;
    assert.deepEqual(mc.months, ['2027-01', '2027-02']);
    assert.deepEqual(mc.partial, [true, true]);
    assert.deepEqual(mc.coveredSeconds, [279 * 3600, (21 * 24 - 279) * 3600]);
    assert.ok(Math.abs(mc.bySite.dc[0] - (2 * 150 * 279 * 3600) / 2_629_746) < 0.01);
    assert.match(toCsv(report), /api,dc,2027-01,true,/);
    assert.match(toMarkdown(report), /2027-01 \(partial, 11\.6 days\)/);
  });
});
