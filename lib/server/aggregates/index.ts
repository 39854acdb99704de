/**
 * The per-account, per-day aggregates that scores are computed from (never from scans of raw
 * events). This is the module's only entry point; the blob format stays inside.
 *
 * What is stored:
 *  - `agg_packed`: per account and block of 8 UTC days (day = ms since the epoch / DAY_MS), one
 *    row whose blob holds each day's trigger counts by type with their property statistics
 *    (counts of true flags, sums and counts of numbers, the values kept for medians), its counts
 *    by contact and its counts by type and feature (format.ts);
 *  - `agg_names`: the ids the blobs name types, property names and features by (append-only);
 *  - `account_activity`: per account, its first and last event and how many events it has.
 *
 * Who writes it:
 *  - every event batch, in the transaction that writes its events (`applyEventsToAggregates`,
 *    after `lockAccounts` on PostgreSQL): the batch is merged into the blocks it touches (apply.ts);
 *  - `rebuildAggregates`, from the raw events, for all accounts (bulk loads, a database upgraded
 *    from before packing: `packedAggregatesMissing`) or some (rebuild.ts).
 *
 * Who reads it (read.ts): `AggregateReader` streams accounts' days into sinks, one account
 * (`read`) or many per query (`readMany`, for loops over accounts): scoring inputs (rescoring,
 * history, previews, the account page) and the cohorts' companion metrics. `contactActivity`
 * serves the account page; `readAccountDays`, `storedDays` and `aggregatedEventCount` serve
 * checks, scripts and tests.
 */
export { DAY_MS, dayOf, type AggregatableEvent } from './days';
export type { DayAgg, PropMap } from './format';
export { applyEventsToAggregates, lockAccounts } from './apply';
export { packedAggregatesMissing, rebuildAggregates } from './rebuild';
export { aggregatedEventCount, AggregateReader, contactActivity, readAccountDays, storedDays, type AggregateReaderOptions, type AggregateSink } from './read';
