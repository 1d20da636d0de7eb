/**
 * Money (format.md, "Site" cost rules): private hosts cost
 * Σ hosts × (hostCapex / amortizationMonths + hostOpexMonthly) per month, paid whether used
 * or not; public instances pay committed instances always at their `hourly`, running
 * instances up to the committed count are covered, the rest pay on-demand (or spot);
 * egress = requests × egressGiBPerMillionRequests / 10^6 × egressPerGiB. Everything is
 * converted to the reporting currency with `exchangeRates` (reporting units per 1 unit).
 */
import { OpenStackSite, PublicSite, Site } from '../model/model';

export class CurrencyError extends Error {}

/** Reporting-currency units per one unit of `currency`. */
export function rateFor(currency: string, reporting: string, rates: Record<string, number>): number {
  if (!currency || currency === reporting) return 1;
  const r = rates[currency];
  if (!(r > 0)) throw new CurrencyError(`no exchange rate from ${currency} to ${reporting}`);
  return r;
}


/** Cost of one host for one month in the site currency, before any price multiplier on opex. */
export function hostMonthly(site: OpenStackSite, opexMultiplier = 1): number {
  return site.cost.hostCapex / site.cost.amortizationMonths + site.cost.hostOpexMonthly * opexMultiplier;
}

/** Per instance type of a public site: committed count and committed cost per hour. */
export function commitmentsByType(site: PublicSite): Map<string, { count: number; hourly: number }> {
  const m = new Map<string, { count: number; hourly: number }>();
  for (const c of site.commitments) {
    const e = m.get(c.instanceType) ?? { count: 0, hourly: 0 };
    e.count += c.count;
    e.hourly += c.count * c.hourly;
    m.set(c.instanceType, e);
  }
  return m;
}

/** Egress cost per served unit-second (one request) in the site currency. */
export function egressPerRequest(site: Site, egressGiBPerMillionRequests: number, unit: string): number {
  if (site.type !== 'public' || unit !== 'rps') return 0;
  return (egressGiBPerMillionRequests / 1e6) * site.egressPerGiB;
}
