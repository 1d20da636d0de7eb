/**
 * missing-exchange-rate: a site whose currency is not the reporting currency needs a rate
 * in Settings.exchangeRates, or in every Scenario (a Scenario's rates override Settings).
 */
import { Rule, at } from './rule';

export const missingExchangeRate: Rule = {
  ids: ['missing-exchange-rate'],
  check(ctx) {
    const { settings, sites, scenarios } = ctx.model;
    if (ctx.model.settingsBroken) return;
    for (const site of sites.values()) {
      const cur = site.currency;
      if (!cur || cur === settings.reportingCurrency) continue;
      if (settings.exchangeRates[cur] !== undefined) continue;
      const lacking = [...scenarios.values()].filter((s) => s.exchangeRates[cur] === undefined);
      if (scenarios.size > 0 && lacking.length === 0) continue;
      const where = settings.src ? 'in Settings.exchangeRates' : 'in a Settings document (exchangeRates)';
      ctx.report(at(site.src, ['spec', 'currency'], 'missing-exchange-rate', 'error', `site ${site.name} is priced in ${cur} but there is no ${cur} rate to ${settings.reportingCurrency}; add it ${where}`));
    }
  },
};
