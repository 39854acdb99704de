/**
 * When this process last wrote a group of event batches. Background work that competes for the
 * one thread takes smaller steps while batches stream in, and read caches may answer slightly
 * older figures instead of rescanning after every commit.
 */

// On globalThis: the route handlers and the background scheduler may be bundled apart, each with
// its own copy of this module, and must still see the same moment.
const activity = globalThis as unknown as { trellisLastIngestAt?: number; trellisIngestWriting?: number };

/**
 * Runs `write` (a group of event batches) counted as ingest activity: from its start to its end,
 * however long the transaction takes (on a busy PostgreSQL a group can wait seconds for its
 * accounts' locks), and for a while after.
 */
export async function duringIngest<T>(write: () => Promise<T>, now = Date.now): Promise<T> {
  activity.trellisLastIngestAt = now();
  activity.trellisIngestWriting = (activity.trellisIngestWriting ?? 0) + 1;
  try {
    return await write();
  } finally {
    activity.trellisIngestWriting -= 1;
    activity.trellisLastIngestAt = now();
  }
}

/** True while event batches are arriving (one being written, or one written in the last `ms`). */
export function ingestIsBusy(ms = 3_000, now = Date.now()): boolean {
  return (activity.trellisIngestWriting ?? 0) > 0 || now - (activity.trellisLastIngestAt ?? 0) < ms;
}
