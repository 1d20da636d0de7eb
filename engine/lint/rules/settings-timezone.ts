/**
 * invalid-value on Settings.timezone: calendar months are counted in that zone, so it must be
 * an IANA time zone name (checked with Intl, as trace time zones are).
 */
import { checkTimeZone } from '../../traffic/trace-file';
import { Rule, at } from './rule';

export const settingsTimezone: Rule = {
  ids: ['invalid-value'],
  check(ctx) {
    const { settings } = ctx.model;
    if (!settings.src) return;
    try {
      checkTimeZone(settings.timezone);
    } catch {
      ctx.report(at(settings.src, ['spec', 'timezone'], 'invalid-value', 'error', `timezone "${settings.timezone}" is not an IANA time zone name such as UTC or Asia/Seoul`));
    }
  },
};
