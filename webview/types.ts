/** The report JSON as the webview reads it (schemas/report.schema.json). */
export type { Report, ReportSite, ReportWorkload, ReportSeries, Recommendation } from '../engine/report/report-types';
