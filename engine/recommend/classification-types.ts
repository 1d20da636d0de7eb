/** The workload classes of the Toss hybrid-cloud table (format.md, "Classification"). */
export type WorkloadClass = 'sovereign' | 'experimental' | 'gpu' | 'bursty' | 'steady';
