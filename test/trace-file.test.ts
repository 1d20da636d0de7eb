/** Trace CSV parsing as real exports come: local time, DST repeats, disorder. */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { checkTimeZone, parseTraceCsv, toSeries, wallToUtc } from '../engine/traffic/trace-file';
import { FIXTURES } from './helpers';

describe('trace-file', () => {
  it('reads ISO 8601 with and without offset, and epoch seconds', () => {
    const p = parseTraceCsv('timestamp,value\r\n2027-01-01T09:00:00+09:00,1\r\n1798761600,2\r\n2027-01-01 00:10:00,3\r\n');
    assert.deepEqual(p.problems, []);
    // 2027-01-01T09:00+09:00 = 2027-01-01T00:00Z = 1798761600
    assert.deepEqual([...p.wall], [1798761600, 1798761600, 1798762200]);
    assert.deepEqual([...p.hasOffset], [1, 1, 0]);
  });
  it('converts local wall-clock time in an IANA zone, including DST', () => {
    // 2014-07-01 00:00 in New York is EDT (UTC−4) → 04:00Z
    assert.equal(wallToUtc('America/New_York', Date.UTC(2014, 6, 1) / 1000), Date.UTC(2014, 6, 1, 4) / 1000);
    // 2014-12-01 00:00 is EST (UTC−5) → 05:00Z
    assert.equal(wallToUtc('America/New_York', Date.UTC(2014, 11, 1) / 1000), Date.UTC(2014, 11, 1, 5) / 1000);
    // Seoul has no DST: always UTC+9
    assert.equal(wallToUtc('Asia/Seoul', Date.UTC(2027, 0, 1, 9) / 1000), Date.UTC(2027, 0, 1) / 1000);
  });
  it('reads a wall-clock hour repeated when DST ends at its first occurrence, and moves a time in the spring-forward gap forward', () => {
    // New York, 2027-11-07: 02:00 EDT falls back to 01:00 EST, so 01:00 happens twice; its first
    // occurrence is 01:00 EDT = 05:00Z (the second would be 06:00Z). 00:00 EDT = 04:00Z, 02:00 EST = 07:00Z
    const text = 'timestamp,value\n2027-11-07T00:00:00,10\n2027-11-07T01:00:00,20\n2027-11-07T01:00:00,40\n2027-11-07T02:00:00,50\n';
    const p = parseTraceCsv(text);
    const wall = [...p.wall];
    const s = toSeries(p, 'America/New_York');
    const h = (hour: number) => Date.UTC(2027, 10, 7, hour) / 1000;
    assert.deepEqual([...s.times], [h(4), h(5), h(7)]);
    // the two 01:00 rows averaged: (20 + 40) / 2 = 30
    assert.deepEqual([...s.values], [10, 30, 50]);
    assert.equal(s.duplicates, 1);
    assert.deepEqual([...p.wall], wall, 'the parse itself is left as it was (its series is built beside it)');
    // 2027-03-14: 02:00 EST springs to 03:00 EDT; 02:30 does not exist and moves forward by the hour
    // to 03:30 EDT = 07:30Z, the instant 03:30 EDT itself also is
    assert.equal(wallToUtc('America/New_York', Date.UTC(2027, 2, 14, 2, 30) / 1000), Date.UTC(2027, 2, 14, 7, 30) / 1000);
    assert.equal(wallToUtc('America/New_York', Date.UTC(2027, 2, 14, 3, 30) / 1000), Date.UTC(2027, 2, 14, 7, 30) / 1000);
  });
  it('takes any time zone name Intl takes: canonical ones from ICU\'s list, aliases and other spellings through Intl itself', () => {
    for (const z of ['America/New_York', 'Asia/Seoul', 'US/Eastern', 'america/new_york', 'Etc/GMT+9', 'EST5EDT']) assert.doesNotThrow(() => checkTimeZone(z), z);
    for (const z of ['Mars/Olympus', 'America/NewYork', '']) assert.throws(() => checkTimeZone(z), RangeError, z);
  });
  it('averages duplicate timestamps and sorts rows out of order', () => {
    const s = toSeries(parseTraceCsv('timestamp,value\n300,10\n0,4\n300,20\n600,7\n'), 'UTC');
    assert.deepEqual([...s.times], [0, 300, 600]);
    // (10 + 20) / 2 = 15
    assert.deepEqual([...s.values], [4, 15, 7]);
    assert.equal(s.duplicates, 1);
    assert.equal(s.unsorted, true);
  });
  it('reads the real NAB disk-write trace with its 11 duplicate timestamps', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'toss-hybrid/traces/ec2_disk_write_bytes_1ef3de.csv'), 'utf8');
    const p = parseTraceCsv(text);
    assert.deepEqual(p.problems, []);
    assert.equal(p.values.length, 4730); // rows per shared/data/SOURCES.md
    const s = toSeries(p, 'UTC');
    assert.equal(s.duplicates, 11);
    assert.equal(s.times.length, 4730 - 11);
  });
});

describe('trace CSV fast path', () => {
  const fc = require('fast-check') as typeof import('fast-check');
  const { parseTraceBytes } = require('../engine/traffic/trace-csv') as typeof import('../engine/traffic/trace-csv');
  const same = (text: string) => {
    const b = Buffer.from(text, 'utf8');
    const fast = parseTraceBytes(b);
    const general = parseTraceBytes(b, { general: true });
    assert.deepEqual(fast.problems, general.problems);
    assert.deepEqual(Array.from(fast.wall), Array.from(general.wall));
    assert.deepEqual(Array.from(fast.values), Array.from(general.values));
    assert.deepEqual(Array.from(fast.hasOffset), Array.from(general.hasOffset));
    return fast;
  };

  it('reads ordinary rows bit-identically to the general reader (Number, Date.UTC)', () => {
    // 160.895 = 160895 / 1000, one correctly rounded division: the same double as Number("160.895")
    const p = same('timestamp,value\n2027-01-01T00:00:00Z,160.895\n2027-01-01 01:00:00,0.1\n2027-02-31T00:00:00+09:00,7\n1798761600,12345678901234.5\n');
    assert.equal(p.values[0], 160.895);
    // 2027-02-31 rolls over to 2027-03-03, as Date.UTC does; +09:00 is 9 hours earlier in UTC
    assert.equal(p.wall[2], Date.UTC(2027, 2, 3) / 1000 - 9 * 3600);
    assert.deepEqual(Array.from(p.hasOffset), [1, 0, 1, 1]);
    // a comma 20 bytes into the row (where YYYY-MM-DDTHH:MM:SSZ ends) that is not the first: the row goes to the general
    // reader, which names the extra field, just as it does without the fast path
    const extra = same('timestamp,value\n2027-01-01T00:00:00Z,5\n1798761600,12345678,9\n2027-01-01 00:00:00,1234567,8\n');
    assert.equal(extra.problems.length, 2);
  });

  it('agrees with the general reader on generated rows of every form', () => {
    const pad = (n: number, w: number) => String(n).padStart(w, '0');
    const time = fc.oneof(
      fc.record({ y: fc.integer({ min: 1969, max: 2201 }), mo: fc.integer({ min: 0, max: 13 }), d: fc.integer({ min: 0, max: 32 }), h: fc.integer({ min: 0, max: 25 }), mi: fc.integer({ min: 0, max: 60 }), s: fc.option(fc.integer({ min: 0, max: 61 })), f: fc.option(fc.nat(999999)), sep: fc.constantFrom('T', ' '), off: fc.constantFrom('', 'Z', '+09:00', '-0530', '+14:00', ' Z') })
        .map((x) => `${pad(x.y, 4)}-${pad(x.mo, 2)}-${pad(x.d, 2)}${x.sep}${pad(x.h, 2)}:${pad(x.mi, 2)}${x.s === null ? '' : `:${pad(x.s, 2)}${x.f === null ? '' : `.${x.f}`}`}${x.off}`),
      fc.double({ min: -1, max: 1e13, noNaN: true }).map((v) => String(v)),
      fc.nat().map(String),
    );
    const value = fc.oneof(fc.double({ min: -10, max: 1e16, noNaN: true }).map(String), fc.tuple(fc.nat(10 ** 9), fc.nat(10 ** 6)).map(([a, b]) => `${a}.${b}`), fc.constantFrom('0', '.5', '5.', '', 'x', '1e3', '-0', '00012.50', '1234567890123456.7'));
    fc.assert(fc.property(fc.array(fc.tuple(time, value), { maxLength: 30 }), (rows) => {
      same('timestamp,value\n' + rows.map(([t, v]) => `${t},${v}`).join('\n') + '\n');
    }), { numRuns: 400, seed: 42 });
  });

  it('agrees with the general reader when rows share a day (the date is computed once per day) among rows it declines', () => {
    // two days and one impossible date, so that consecutive rows mostly repeat the date bytes the
    // fast path compares, with malformed times and values in between
    const pad = (n: number) => String(n).padStart(2, '0');
    const row = fc.record({ day: fc.constantFrom('2027-03-14', '2027-03-15', '2027-13-15', '2027-03-1x'), h: fc.integer({ min: 0, max: 25 }), mi: fc.integer({ min: 0, max: 60 }), s: fc.integer({ min: 0, max: 61 }), off: fc.constantFrom('Z', '', '+09:00', '-0500', '+9', 'ZZ'), v: fc.constantFrom('1', '2.5', '0.125', '', '-1', '1e2', '12345678901234567') })
      .map((x) => `${x.day}T${pad(x.h)}:${pad(x.mi)}:${pad(x.s)}${x.off},${x.v}`);
    fc.assert(fc.property(fc.array(row, { minLength: 1, maxLength: 60 }), (rows) => {
      same('timestamp,value\n' + rows.join('\r\n'));
    }), { numRuns: 300, seed: 7 });
  });
});

describe('time-zone offsets', () => {
  const { ZoneOffsets, zoneOffsetSeconds } = require('../engine/traffic/zone-offsets') as typeof import('../engine/traffic/zone-offsets');
  it('match Intl at every 15-minute bucket of two years, in zones with DST of an hour and of 30 minutes', () => {
    // the table is built from 6-hourly samples and bisection; here every bucket is compared with a direct Intl reading
    for (const tz of ['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Asia/Seoul']) {
      const z = new ZoneOffsets(tz);
      for (let t = Date.UTC(2026, 0, 1) / 1000; t < Date.UTC(2028, 0, 1) / 1000; t += 900) {
        if (z.at(t + 450) !== zoneOffsetSeconds(tz, t)) assert.fail(`${tz} at ${new Date(t * 1000).toISOString()}: ${z.at(t + 450)} vs ${zoneOffsetSeconds(tz, t)}`);
      }
    }
  });
  it('converts the New York spring-forward and fall-back nights', () => {
    // 2027-03-14 02:30 does not exist in New York: it moves forward by the gap to 03:30 EDT = 07:30Z
    assert.equal(wallToUtc('America/New_York', Date.UTC(2027, 2, 14, 2, 30) / 1000), Date.UTC(2027, 2, 14, 7, 30) / 1000);
    // 2027-11-07 01:30 happens twice; the first (EDT, UTC−4) is taken: 05:30Z
    assert.equal(wallToUtc('America/New_York', Date.UTC(2027, 10, 7, 1, 30) / 1000), Date.UTC(2027, 10, 7, 5, 30) / 1000);
  });
});
