/**
 * invalid-value on a time that matches the ISO 8601 pattern but is no real instant: 2027-02-30
 * (Date.parse would roll it into 2 March), 24:00, month 13. Checks every horizon, event and
 * burst time of the valid documents.
 */
import { calendarProblem } from '../../model/model';
import { Rule, at } from './rule';

const TIME_KEYS = new Set(['start', 'end', 'at']);

export const calendarTimes: Rule = {
  ids: ['invalid-value'],
  check(ctx) {
    for (const doc of ctx.docs) {
      if (!doc.valid) continue;
      // the path walked so far, pushed and popped (copied only for a diagnostic)
      const p: (string | number)[] = [];
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) {
            p.push(i);
            walk(v[i]);
            p.pop();
          }
        } else if (v && typeof v === 'object') {
          for (const k in v) {
            if (!Object.hasOwn(v, k)) continue;
            const x = (v as Record<string, unknown>)[k];
            p.push(k);
            if (TIME_KEYS.has(k) && typeof x === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(x)) {
              const problem = calendarProblem(x);
              if (problem) ctx.report(at(doc.source, [...p], 'invalid-value', 'error', problem));
            } else walk(x);
            p.pop();
          }
        }
      };
      walk(doc.value);
    }
  },
};
