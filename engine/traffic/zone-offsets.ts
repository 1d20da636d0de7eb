/**
 * Time-zone offsets (local − UTC) for converting wall-clock trace times, read from the IANA
 * database through Intl once per zone and year, then looked up by arithmetic.
 *
 * For a year, the offset is sampled every 6 hours; where two samples differ, the change is
 * narrowed to its 15-minute bucket by bisection (zones change offset on quarter hours). A
 * lookup is then a scan of the year's few change points: a year of 5-minute rows costs about
 * 1,500 Intl calls in all instead of one per 15 minutes. The offset of an instant is the
 * offset at the start of its 15-minute bucket, as zoneOffsetSeconds gives it.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

let canonicalZones: Set<string> | undefined;

/** Throws RangeError for a name that is not an IANA time zone. */
export function checkTimeZone(tz: string): void {
  if (tz === 'UTC') return; // always valid; a first Intl.DateTimeFormat sets up ICU's zone data, about 10 ms
  // a canonical name is in ICU's list (about 1 ms to get); an alias (US/Eastern) or another
  // spelling of a name (america/new_york) is left to Intl.DateTimeFormat, which takes them too
  canonicalZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (!canonicalZones.has(tz)) zoneFormatter(tz);
}

function zoneFormatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(tz, f);
  }
  return f;
}

/** local − UTC in seconds for the zone at a UTC instant. */
export function zoneOffsetSeconds(tz: string, utc: number): number {
  const parts = zoneFormatter(tz).formatToParts(new Date(utc * 1000));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) / 1000;
  return local - Math.floor(utc);
}


const BUCKET = 900;
const SAMPLE = 6 * 3600;

interface ZoneYear { start: number; end: number; at: number[]; offset: number[] }

const years = new Map<string, ZoneYear>();

function utcYearOf(t: number): number {
  return new Date(t * 1000).getUTCFullYear();
}

function loadYear(tz: string, year: number): ZoneYear {
  const key = `${tz}\u0000${year}`;
  const hit = years.get(key);
  if (hit) return hit;
  const start = Date.UTC(year, 0, 1) / 1000;
  const end = Date.UTC(year + 1, 0, 1) / 1000;
  const at = [start];
  const offset = [zoneOffsetSeconds(tz, start)];
  let prevT = start;
  let prevO = offset[0];
  for (let t = start + SAMPLE; t <= end; t += SAMPLE) {
    const o = zoneOffsetSeconds(tz, Math.min(t, end - BUCKET));
    if (o !== prevO) {
      // the first bucket in (prevT, t] whose offset is o
      let lo = prevT / BUCKET, hi = Math.min(t, end - BUCKET) / BUCKET;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (zoneOffsetSeconds(tz, mid * BUCKET) === prevO) lo = mid;
        else hi = mid;
      }
      at.push(hi * BUCKET);
      offset.push(zoneOffsetSeconds(tz, hi * BUCKET));
      prevO = offset[offset.length - 1];
    }
    prevT = Math.min(t, end - BUCKET);
  }
  const y = { start, end, at, offset };
  years.set(key, y);
  return y;
}

/** local − UTC in seconds at the 15-minute bucket containing `utc`. */
export class ZoneOffsets {
  private cur: ZoneYear = { start: Infinity, end: -Infinity, at: [], offset: [] };

  constructor(readonly tz: string) {}

  at(utc: number): number {
    const b = Math.floor(utc / BUCKET) * BUCKET;
    if (b < this.cur.start || b >= this.cur.end) this.cur = loadYear(this.tz, utcYearOf(b));
    const { at, offset } = this.cur;
    let k = 0;
    while (k + 1 < at.length && at[k + 1] <= b) k++;
    return offset[k];
  }
}
