/**
 * missing-exchange-rate (warning): a rate given for the reporting currency itself is never
 * used (1 unit is 1 unit); a value other than 1 there usually means the wrong currency was meant.
 */
import { Rule, at } from './rule';

export const reportingCurrencyRate: Rule = {
  ids: ['missing-exchange-rate'],
  check(ctx) {
    const { settings, scenarios } = ctx.model;
    const cur = settings.reportingCurrency;
    const docs = [...(settings.src ? [{ src: settings.src, rates: settings.exchangeRates }] : []), ...[...scenarios.values()].flatMap((s) => (s.src ? [{ src: s.src, rates: s.exchangeRates }] : []))];
    for (const d of docs) {
      if (d.rates[cur] === undefined) continue;
      ctx.report(at(d.src, ['spec', 'exchangeRates', cur], 'missing-exchange-rate', 'warning', `an exchange rate for ${cur}, the reporting currency itself, is ignored (${cur} converts at 1); did you mean another currency?`));
    }
  },
};
