/**
 * Group commit for event batches. Requests that arrive together (several senders, or one sender
 * with parallel requests) are written in one transaction: each batch is still checked and
 * written all-or-nothing on its own, but the database commits once. A request is answered after
 * that commit (its events are durable); the accounts they touch are rescored just after it by
 * the background drainer (`rescore-drainer.ts`), normally well within a second.
 *
 * A lone request waits SETTLE_MS for company; a batch waits longer only while others keep
 * arriving or are still reading their bodies, and never longer than MAX_WAIT_MS.
 */
import type { EventInput } from '@/lib/ingest/schemas';
import { SqliteStore, type Store } from '@/lib/server/store';
import { ingestEventGroup, type IngestOptions, type IngestResult } from './commands/events';
import { rescoreSoon } from './rescore-drainer';
import { duringIngest } from './ingest-activity';
import { retryWhenBusy } from './worker-mode';

export { ingestIsBusy } from './ingest-activity';

/** a batch waits this long for others to join, and again while more keep arriving */
const SETTLE_MS = 2;
const MAX_WAIT_MS = 25;
/**
 * Bounds one transaction, so one commit never holds the database for too long. On SQLite a group
 * is written without giving the thread to anyone else (better-sqlite3 is synchronous): page
 * requests wait for it, so groups are small there, with a turn of the event loop between them. On
 * PostgreSQL a group holds its accounts' locks until it commits: batches of other processes that
 * share accounts with it wait that long.
 */
const MAX_GROUP_EVENTS = { sqlite: 2_500, postgres: 5_000 } as const;

interface Job {
  items: EventInput[];
  options: IngestOptions;
  resolve: (result: IngestResult) => void;
  reject: (error: unknown) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * SQLite: waits, without blocking the event loop, until the write lock is free, so that the
 * synchronous write that follows seldom has to wait for it (better-sqlite3 would wait with the
 * thread stopped, pages and all). Only another process can hold it between our transactions (a
 * worker, `npm run rescore`, a backup): it probes with `BEGIN IMMEDIATE` and no busy timeout, every
 * millisecond, for at most `maxMs`; after that the write waits as usual. PostgreSQL locks rows as
 * they are written and waits without blocking: nothing to wait for here.
 */
export async function writeLockFree(db: Store, maxMs = 5_000): Promise<void> {
  if (!(db instanceof SqliteStore)) return;
  const c = db.client;
  const deadline = Date.now() + maxMs;
  const asked = performance.now();
  try {
    for (;;) {
      // A transaction of this process holds the connection: the write waits for it without blocking.
      if (c.inTransaction) return;
      const saved = c.pragma('busy_timeout', { simple: true }) as number;
      c.pragma('busy_timeout = 0');
      try {
        c.exec('BEGIN IMMEDIATE');
        c.exec('ROLLBACK');
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) return;
      } finally {
        c.pragma(`busy_timeout = ${saved}`);
      }
      await sleep(1);
    }
  } finally {
    db.writeLock.waitSeconds += (performance.now() - asked) / 1000;
  }
}

class IngestQueue {
  private jobs: Job[] = [];
  private reading = 0;
  private flushing = false;
  private timer: NodeJS.Timeout | null = null;
  private firstQueuedAt = 0;
  private lastQueuedAt = 0;

  constructor(private readonly db: Store) {}

  /** Reads a batch (`read` validates it) and writes it with whatever else is ready. */
  async submit(read: () => Promise<EventInput[]>, options: IngestOptions): Promise<IngestResult> {
    this.reading += 1;
    let items: EventInput[];
    try {
      items = await read();
    } finally {
      this.reading -= 1;
      this.schedule();
    }
    return new Promise<IngestResult>((resolve, reject) => {
      this.jobs.push({ items, options, resolve, reject });
      this.lastQueuedAt = Date.now();
      this.schedule();
    });
  }

  private schedule(): void {
    if (!this.jobs.length || this.timer || this.flushing) return;
    this.firstQueuedAt = Date.now();
    this.timer = setTimeout(() => this.tick(), SETTLE_MS);
  }

  /** Waits while batches keep arriving or are being read, up to MAX_WAIT_MS after the first. */
  private tick(): void {
    this.timer = null;
    const waited = Date.now() - this.firstQueuedAt;
    const arriving = this.reading > 0 || Date.now() - this.lastQueuedAt < SETTLE_MS;
    if (arriving && waited < MAX_WAIT_MS) {
      this.timer = setTimeout(() => this.tick(), SETTLE_MS);
      return;
    }
    void this.flush();
  }

  /** Writes the waiting batches, group by group; batches arriving meanwhile join the next group. */
  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      await writeLockFree(this.db);
      const max = MAX_GROUP_EVENTS[this.db.engine];
      for (let first = true; this.jobs.length; first = false) {
        // Requests waiting for the thread (pages, other batches' bodies) get it between groups.
        if (!first && this.db.engine === 'sqlite') await new Promise((resolve) => setImmediate(resolve));
        let events = 0;
        let n = 0;
        while (n < this.jobs.length && (n === 0 || events + this.jobs[n]!.items.length <= max)) events += this.jobs[n++]!.items.length;
        const group = this.jobs.splice(0, n);
        try {
          const outcomes = await duringIngest(() => retryWhenBusy(() => ingestEventGroup(this.db, group.map((j) => ({ items: j.items, options: j.options })))));
          outcomes.forEach((o, i) => (o.ok ? group[i]!.resolve(o.result) : group[i]!.reject(o.error)));
        } catch (error) {
          for (const job of group) job.reject(error);
        }
        rescoreSoon(this.db);
      }
    } finally {
      this.flushing = false;
    }
  }
}

const queues = new WeakMap<Store, IngestQueue>();

export function ingestQueue(db: Store): IngestQueue {
  let queue = queues.get(db);
  if (!queue) queues.set(db, (queue = new IngestQueue(db)));
  return queue;
}
