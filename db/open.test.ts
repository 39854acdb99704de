/** The connection settings every process opens the database with. */
import { expect, it } from 'vitest';
import { openDatabase } from '@/db/open';
import { SqliteStore } from '@/lib/server/store';
import { describeEngines } from '@/lib/testing/engines';

describeEngines(
  'opening the SQLite file',
  (t) => {
    it('commits are synced to disk before they return (WAL with synchronous FULL)', () => {
      const client = (t.store as SqliteStore).client;
      expect(client.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(client.pragma('synchronous', { simple: true })).toBe(2);
      const again = openDatabase(client.name);
      try {
        expect(again.$client.pragma('synchronous', { simple: true })).toBe(2);
      } finally {
        again.$client.close();
      }
    });
  },
  { engines: ['sqlite'] },
);
