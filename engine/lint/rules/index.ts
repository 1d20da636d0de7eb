/** The semantic rules, in the order they run. */
import { Rule } from './rule';
import { duplicateName } from './duplicate-name';
import { multipleSettings } from './multiple-settings';
import { unknownReference } from './unknown-reference';
import { workloadSiteFit } from './workload-site-fit';
import { sharesSum } from './shares-sum';
import { sovereignPlacement } from './sovereign-placement';
import { flavorFitsNoHost } from './flavor-fits-no-host';
import { reservedExceedsHost } from './reserved-exceeds-host';
import { allocationRatioRange } from './allocation-ratio-range';
import { missingExchangeRate } from './missing-exchange-rate';
import { horizon } from './horizon';
import { traceFiles } from './trace-files';
import { overflow } from './overflow';
import { workloadNotes } from './workload-notes';
import { eventOutsideHorizon } from './event-outside-horizon';
import { hostsRemovedBelowZero } from './hosts-removed-below-zero';
import { settingsTimezone } from './settings-timezone';
import { calendarTimes } from './calendar-times';
import { reportingCurrencyRate } from './reporting-currency-rate';

export const RULE_SET: readonly Rule[] = [
  duplicateName, multipleSettings, unknownReference, workloadSiteFit, sharesSum, sovereignPlacement,
  flavorFitsNoHost, reservedExceedsHost, allocationRatioRange, missingExchangeRate, horizon, traceFiles,
  overflow, workloadNotes, eventOutsideHorizon, hostsRemovedBelowZero, settingsTimezone, calendarTimes, reportingCurrencyRate,
];
export type { Rule, RuleContext } from './rule';
