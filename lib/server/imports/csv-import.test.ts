/** The CSV import through the real commands: check writes nothing, bad rows block or are skipped and reported. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@/db/open';
import { guessMapping, type ImportKind } from '@/lib/ingest/csv';
import { createTempDb } from '@/lib/testing/temp-db';
import { upsertAccounts } from '../commands/accounts';
import { prepareDatabase } from '../commands/catalogue';
import { getImportRun } from '../queries/import-runs';
import { importStatus, saveUpload, startCheck, startImport } from './csv-import';

let db: Db;
let cleanup: () => void;
const USER = 1;
beforeEach(() => {
  ({ db, cleanup } = createTempDb());
  prepareDatabase(db);
});
afterEach(() => cleanup());

const count = (table: string) => db.$client.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

async function settle(token: string) {
  for (let i = 0; i < 500; i++) {
    const s = importStatus(token, USER);
    if (s.phase !== 'checking' && s.phase !== 'importing') return s;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the import did not finish');
}

async function upload(text: string, kind: ImportKind, options: { extras?: boolean; createAccounts?: boolean } = {}) {
  const token = await saveUpload(db, new Blob([text]).stream(), { filename: `${kind}.csv`, userPk: USER, actor: 'admin@example.com' });
  const header = text.split('\n')[0]!.split(',');
  startCheck(db, token, USER, { kind, mapping: guessMapping(kind, header), extras: options.extras ?? false, createAccounts: options.createAccounts ?? false });
  return { token, checked: await settle(token) };
}

describe('CSV import', () => {
  it('imports a clean file of accounts in chunks', async () => {
    const lines = ['id,name,tier,arr,plan', ...Array.from({ length: 2500 }, (_, i) => `A${i},Account ${i},core,"1,000",p${i % 3}`)];
    const { token, checked } = await upload(lines.join('\n'), 'accounts', { extras: true });
    expect(checked).toMatchObject({ phase: 'checked', rows: 2500, problemCount: 0 });
    expect(count('accounts')).toBe(0);
    startImport(db, token, USER, false);
    const done = await settle(token);
    expect(done).toMatchObject({ phase: 'done', result: { written: 2500, skipped: 0 } });
    expect(db.$client.prepare("SELECT arr, attributes FROM accounts WHERE id = 'A7'").get()).toEqual({ arr: 1000, attributes: '{"plan":"p1"}' });
    expect(getImportRun(db, done.runPk!)).toMatchObject({ status: 'done', totalRows: 2500, writtenRows: 2500, skippedRows: 0 });
  });

  it('finds every bad row, writes nothing while they remain, and reports them when skipped', async () => {
    upsertAccounts(db, [{ id: 'A', name: 'A' }]);
    const csv = [
      'account,type,date,count,id',
      'A,meeting.held,2026-01-05,1,e1',
      'A,no.such.trigger,2026-01-05,1,e2',
      'B,meeting.held,2026-01-05,1,e3',
      'A,meeting.held,05/01/2026,0,e4',
      'A,meeting.held,2026-01-06,2,e1',
      'A,product.login,2026-01-07 10:00,3,e5',
    ].join('\n');
    const { token, checked } = await upload(csv, 'events');
    expect(checked.phase).toBe('checked');
    expect(checked.problems.map((p) => [p.row, p.field])).toEqual([[3, 'type'], [4, 'accountId'], [5, 'occurredAt, count'], [6, 'id']]);
    expect(checked.problems[3]!.message).toBe('id "e1" is already in row 2');
    expect(() => startImport(db, token, USER, false)).toThrowError(/4 rows have problems/);
    expect(count('events')).toBe(0);

    startImport(db, token, USER, true);
    const done = await settle(token);
    expect(done).toMatchObject({ phase: 'done', result: { written: 2, skipped: 4 } });
    expect(count('events')).toBe(2);
    const run = getImportRun(db, done.runPk!)!;
    expect(run.skipped.map((s) => s.row)).toEqual([3, 4, 5, 6]);
    expect(run.skipped[0]!.values).toEqual({ account: 'A', type: 'no.such.trigger', date: '2026-01-05', count: '1', id: 'e2' });
  });

  it('refuses a mapping without the required columns, and files whose rows are longer than the header', async () => {
    const token = await saveUpload(db, new Blob(['name\nx']).stream(), { filename: 'c.csv', userPk: USER, actor: 'a' });
    expect(() => startCheck(db, token, USER, { kind: 'contacts', mapping: { name: 'name' }, extras: false, createAccounts: false })).toThrowError(/Contact id/);
    const { checked } = await upload('id,accountId\nc1,A,extra', 'contacts');
    expect(checked.problems.map((p) => p.message)).toEqual(['the row has more cells than the header has columns']);
  });
});
