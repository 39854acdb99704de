/**
 * When this process last wrote a group of event batches. Background work that competes for the
 * one thread takes smaller steps while batches stream in, and read caches may answer slightly
 * older figures instead of rescanning after every commit.
 */

// On globalThis: the route handlers and the background scheduler may be bundled apart, each with
// its own copy of this module, and must still see the same moment.
const activity = globalThis as unknown as { trellisLastIngestAt?: number };

export function markIngestActivity(now = Date.now()): void {
  activity.trellisLastIngestAt = now;
}

/** True while event batches are arriving (one written in the last `ms`). */
export function ingestIsBusy(ms = 3_000, now = Date.now()): boolean {
  return now - (activity.trellisLastIngestAt ?? 0) < ms;
}
