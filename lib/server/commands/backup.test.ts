import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/db/open';
import { eventSchema } from '@/lib/ingest/schemas';
import { createTempDb } from '@/lib/testing/temp-db';
import { aggregatedEventCount } from '../queries/aggregate-reader';
import { upsertAccounts } from './accounts';
import { backupDatabase, integrityCheck, restoreDatabase } from './backup';
import { prepareDatabase } from './catalogue';
import { ingestEvents } from './events';

let db: Db;
let file: string;
let cleanup: () => void;
beforeEach(() => {
  ({ db, file, cleanup } = createTempDb());
  prepareDatabase(db);
  upsertAccounts(db, [{ id: 'A', name: 'Alpha' }]);
});
afterEach(() => cleanup());

const events = (n: number, from: number) =>
  Array.from({ length: n }, (_, i) => eventSchema.parse({ id: `e${from + i}`, accountId: 'A', type: 'product.login', occurredAt: new Date(Date.now() - i * 60_000).toISOString() }));

describe('backup and restore', () => {
  it('backs up a live database consistently and restores it over a changed one', async () => {
    ingestEvents(db, events(500, 0));
    const dir = path.dirname(file);
    const backup = path.join(dir, 'backups', 'one.db');
    // Writes keep arriving while the backup runs.
    const writing = (async () => {
      for (let k = 1; k <= 5; k++) {
        ingestEvents(db, events(100, k * 1000));
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    const result = await backupDatabase(db, backup);
    await writing;
    expect(integrityCheck(result.file)).toBe('ok');
    const copy = openDatabase(result.file, { readonly: true });
    const backedUp = copy.$client.prepare('SELECT count(*) FROM events').pluck().get() as number;
    // Consistent: the aggregates of the copy match its own events (count 1 each) exactly.
    expect(aggregatedEventCount(copy)).toBe(backedUp);
    copy.$client.close();
    expect(backedUp).toBeGreaterThanOrEqual(500);
    await expect(backupDatabase(db, backup)).rejects.toThrowError(/already exists/);

    ingestEvents(db, events(50, 90_000));
    db.$client.close();
    restoreDatabase(result.file, file);
    const restored = openDatabase(file);
    expect(restored.$client.prepare('SELECT count(*) FROM events').pluck().get()).toBe(backedUp);
    expect(integrityCheck(file)).toBe('ok');
    restored.$client.close();
    db = openDatabase(file);
  });

  it('refuses to restore a damaged backup, leaving the database alone', () => {
    const damaged = path.join(path.dirname(file), 'damaged.db');
    fs.writeFileSync(damaged, 'this is not a database');
    expect(() => restoreDatabase(damaged, file)).toThrowError();
    expect(integrityCheck(file)).toBe('ok');
  });
});
