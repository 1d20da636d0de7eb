/** Trace CSV parsing as real exports come: local time, DST repeats, disorder. */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseTraceCsv, toSeries, wallToUtc } from '../engine/trace-file';
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
