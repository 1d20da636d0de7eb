/** Time constants of the format (shared/spec/format.md): a month is 365.2425 / 12 days, a year 12 months. */
export const SECONDS_PER_MONTH = 2_629_746;
export const SECONDS_PER_YEAR = 12 * SECONDS_PER_MONTH;
export const SECONDS_PER_DAY = 86_400;
export const SECONDS_PER_HOUR = 3_600;
