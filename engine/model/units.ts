/**
 * Quantities with units. A field's name carries its unit (`memoryMiB`, `diskGiB`,
 * `...Seconds`, `...Days`); a string with a unit ("512 GiB", "5m", "90 days") is converted
 * to it with mathjs units (never eval). Durations accept the short forms s, m, h, d, w.
 * The mathjs instance is created on first use: a workspace of plain numbers never pays for it
 * (the static import lets the bundler keep only mathjs's unit machinery).
 */

import { create, unitDependencies } from 'mathjs';

type MathUnits = { unit(value: number, name: string): { toNumber(name: string): number } };
let mathUnits: MathUnits | undefined;
function units(): MathUnits {
  if (!mathUnits) {
    mathUnits = create({ unitDependencies }) as unknown as MathUnits;
  }
  return mathUnits;
}

/** The unit a field holds, from its name; undefined for fields that are not unit quantities. */
export function fieldUnit(key: string): 'MiB' | 'GiB' | 's' | 'day' | undefined {
  if (key.endsWith('MiB')) return 'MiB';
  if (key.endsWith('GiB')) return 'GiB';
  if (key.endsWith('Seconds') || key === 'step' || key === 'duration' || key === 'countPer' || key === 'every') return 's';
  if (key.endsWith('Days')) return 'day';
  return undefined;
}

const DURATION_SHORT: Record<string, string> = { s: 's', sec: 's', m: 'min', min: 'min', h: 'h', d: 'day', w: 'week' };
const QUANTITY = /^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-z]+)?\s*$/;

export type Converted = { ok: true; value: number } | { ok: false; message: string };

/** Converts "512 GiB" to the target unit. A bare number string converts as a number of the target unit. */
/** Seconds per short duration unit, for the common whole-number forms ("5m", "1h", "30s", "7d"). */
const SECONDS_OF: Record<string, number> = { s: 1, sec: 1, m: 60, min: 60, h: 3600, d: 86400, w: 604800 };
const WHOLE_DURATION = /^\s*(\d{1,9})\s*(s|sec|m|min|h|d|w)\s*$/;

export function convertQuantity(text: string, target: 'MiB' | 'GiB' | 's' | 'day'): Converted {
  // whole-number durations are exact integer products: no need to start mathjs for them
  const whole = target === 's' ? WHOLE_DURATION.exec(text) : null;
  if (whole) return { ok: true, value: Number(whole[1]) * SECONDS_OF[whole[2]] };
  const m = QUANTITY.exec(text);
  if (!m) return { ok: false, message: `"${text}" is not a number with a unit (like "${example(target)}")` };
  const value = Number(m[1]);
  let unit = m[2];
  if (unit === undefined) return { ok: true, value };
  if (target === 's' || target === 'day') unit = DURATION_SHORT[unit] ?? unit;
  try {
    const out = units().unit(value, unit).toNumber(target);
    if (!Number.isFinite(out)) return { ok: false, message: `"${text}" is not a finite quantity` };
    return { ok: true, value: out };
  } catch (e) {
    const msg = (e as Error).message;
    if (/not found/i.test(msg)) return { ok: false, message: `unknown unit "${m[2]}" in "${text}"` };
    return { ok: false, message: `"${text}" does not convert to ${target === 's' ? 'a duration' : target}` };
  }
}

function example(target: string): string {
  return target === 'MiB' ? '512 GiB' : target === 'GiB' ? '3.84 TB' : target === 's' ? '5m' : '90 days';
}

/** Parses a duration: seconds as a number, or a string like "30s", "5m", "1h", "7d". */
export function parseDuration(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const r = convertQuantity(v, 's');
  return r.ok ? r.value : undefined;
}

export { SECONDS_PER_DAY, SECONDS_PER_HOUR, SECONDS_PER_MONTH, SECONDS_PER_YEAR } from './time-constants';
