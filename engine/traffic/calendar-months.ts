/**
 * Calendar months of a horizon (format.md, "Calendar months"): every monthly series groups steps
 * by the calendar month that contains the step's start, in Settings.timezone, labelled YYYY-MM.
 * A month the horizon covers only in part is marked partial, with the seconds it covers.
 *
 * Month boundaries are local midnights on the 1st, converted to UTC with the zone's offset at
 * that instant (Intl, so DST and historical offsets follow the IANA database).
 */
import { zoneOffsetSeconds } from './trace-file';

export interface CalendarMonth {
  /** YYYY-MM in the time zone. */
  label: string;
  /** First step of the horizon whose start lies in this month. */
  startStep: number;
  /** Seconds of the horizon inside the month. */
  coveredSeconds: number;
  /** The horizon covers less than the whole month. */
  partial: boolean;
}

/** UTC seconds of local midnight on the 1st of (year, month0) in tz. */
function monthStartUtc(tz: string, year: number, month0: number): number {
  const wall = Date.UTC(year, month0, 1) / 1000;
  if (tz === 'UTC') return wall;
  // two fixed-point rounds settle the offset (one DST change at most between guess and answer)
  let utc = wall - zoneOffsetSeconds(tz, wall);
  utc = wall - zoneOffsetSeconds(tz, utc);
  return utc;
}

/** Year and 0-based month of a UTC instant, in tz. */
function localYearMonth(tz: string, utc: number): { year: number; month0: number } {
  const d = new Date((utc + (tz === 'UTC' ? 0 : zoneOffsetSeconds(tz, utc))) * 1000);
  return { year: d.getUTCFullYear(), month0: d.getUTCMonth() };
}

/**
 * The calendar months that steps of [start, start + steps·step) fall in, in order; every step
 * belongs to exactly one (the month of its start instant).
 */
export function calendarMonths(start: number, step: number, steps: number, tz: string): CalendarMonth[] {
  const end = start + steps * step;
  let { year, month0 } = localYearMonth(tz, start);
  const out: CalendarMonth[] = [];
  let from = monthStartUtc(tz, year, month0);
  while (from < end) {
    const ny = month0 === 11 ? year + 1 : year;
    const nm = (month0 + 1) % 12;
    const to = monthStartUtc(tz, ny, nm);
    const startStep = Math.max(0, Math.ceil((from - start) / step - 1e-9));
    if (startStep < steps && (out.length === 0 || startStep > out[out.length - 1].startStep)) {
      const covered = Math.min(to, end) - Math.max(from, start);
      out.push({ label: `${String(year).padStart(4, '0')}-${String(month0 + 1).padStart(2, '0')}`, startStep, coveredSeconds: covered, partial: covered < to - from });
    } else if (out.length > 0) {
      // a step longer than a month: its month holds no step start, so its seconds count with the month before
      out[out.length - 1].coveredSeconds += Math.min(to, end) - Math.max(from, start);
    }
    year = ny;
    month0 = nm;
    from = to;
  }
  if (out.length === 0) out.push({ label: localLabel(tz, start), startStep: 0, coveredSeconds: Math.max(0, end - start), partial: true });
  return out;
}

function localLabel(tz: string, utc: number): string {
  const { year, month0 } = localYearMonth(tz, utc);
  return `${String(year).padStart(4, '0')}-${String(month0 + 1).padStart(2, '0')}`;
}
