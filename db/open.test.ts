/** The connection settings every process opens the database with. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/db/open';
import { createTempDb } from '@/lib/testing/temp-db';

let db: Db;
let cleanup: () => void;
beforeEach(() => ({ db, cleanup } = createTempDb()));
afterEach(() => cleanup());

it('commits are synced to disk before they return (WAL with synchronous FULL)', () => {
  expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
  expect(db.$client.pragma('synchronous', { simple: true })).toBe(2);
  const again = openDatabase(db.$client.name);
  try {
    expect(again.$client.pragma('synchronous', { simple: true })).toBe(2);
  } finally {
    again.$client.close();
  }
});
