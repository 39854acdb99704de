/**
 * Checkpoints of the SQLite file's write-ahead log, on a thread of their own. SQLite's automatic
 * checkpoint runs inside the COMMIT of whichever connection finds the log past its limit: it copies
 * the log's pages into the file and syncs it, 30 to 300 ms in which that process's thread answers
 * nothing; once readers keep the log from being fully copied, every commit tries again. A server
 * process (web or worker) turns it off on its connection and runs this thread instead, which
 * copies the log (`wal_checkpoint(PASSIVE)`: never waiting for readers or writers) whenever it has
 * grown past `limitBytes`. The log file is cut back to that size when SQLite starts it over
 * (`journal_size_limit`), so its size on disk tells how much is waiting.
 *
 * Several processes on one file may each run one: a checkpoint finding another under way does
 * nothing. When the thread cannot start or stops, the connection checkpoints by itself again.
 * Command-line tools keep SQLite's automatic checkpoint.
 */
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { logger } from '../log';

/** The automatic checkpoint's limit, in pages, that the connections of db/open.ts use. */
const AUTOCHECKPOINT_PAGES = 10_000;

/**
 * The thread, plain CommonJS (a server bundle ships no separate module file for it): it opens
 * its own connection to the file and checks the log's size every `everyMs`.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require('better-sqlite3');
const { file, limitBytes, everyMs } = workerData;
const db = new Database(file);
db.pragma('wal_autocheckpoint = 0');
const wal = file + '-wal';
let stopped = false;
parentPort.on('message', (m) => { if (m === 'stop') { stopped = true; db.close(); process.exit(0); } });
parentPort.postMessage({ ready: true });
const tick = () => {
  if (stopped) return;
  try {
    let size = 0;
    try { size = fs.statSync(wal).size; } catch {}
    if (size > limitBytes) {
      const started = Date.now();
      const [row] = db.pragma('wal_checkpoint(PASSIVE)');
      parentPort.postMessage({ checkpoint: { ms: Date.now() - started, frames: row.log, copied: row.checkpointed } });
    }
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) });
  }
  setTimeout(tick, everyMs);
};
tick();
`;

export interface Checkpointer {
  /** checkpoints done so far, for tests and the logs */
  readonly checkpoints: number;
  stop(): Promise<void>;
}

/**
 * Moves the checkpoints of `client`'s file (its writing connection) to a thread: `client` stops
 * checkpointing by itself once the thread runs, and again checkpoints by itself when it stops.
 */
export function checkpointInThread(client: Database.Database, options: { everyMs?: number; limitPages?: number } = {}): Checkpointer {
  const limitPages = options.limitPages ?? AUTOCHECKPOINT_PAGES;
  const limitBytes = limitPages * Number(client.pragma('page_size', { simple: true }));
  const selfCheckpoint = (on: boolean) => {
    if (!client.open) return;
    client.pragma(`wal_autocheckpoint = ${on ? limitPages : 0}`);
    client.pragma(`journal_size_limit = ${limitBytes}`);
  };
  const state = { checkpoints: 0, stopped: false };
  const worker = new Worker(THREAD, { eval: true, workerData: { file: client.name, limitBytes, everyMs: options.everyMs ?? 250 } });
  worker.unref();
  worker.on('message', (m: { ready?: boolean; checkpoint?: { ms: number; frames: number; copied: number }; error?: string }) => {
    if (m.ready && !state.stopped) selfCheckpoint(false);
    if (m.checkpoint) {
      state.checkpoints++;
      logger.debug({ job: 'checkpoint', ...m.checkpoint }, 'checkpoint');
    }
    if (m.error) logger.warn({ job: 'checkpoint' }, `Checkpointing the SQLite log failed: ${m.error}`);
  });
  const fallBack = (error?: unknown) => {
    if (!state.stopped) {
      logger.warn({ err: error, job: 'checkpoint' }, 'The SQLite checkpoint thread stopped; the connection checkpoints by itself again');
      state.stopped = true;
    }
    selfCheckpoint(true);
  };
  worker.on('error', fallBack);
  worker.on('exit', () => fallBack());
  return {
    get checkpoints() {
      return state.checkpoints;
    },
    async stop() {
      if (state.stopped) return;
      state.stopped = true;
      selfCheckpoint(true);
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage('stop');
      await exited;
    },
  };
}
