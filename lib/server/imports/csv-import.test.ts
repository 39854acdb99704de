/**
 * The CSV import through the real commands: check writes nothing, bad rows block or are skipped and
 * reported; a run stopped mid-file goes on after a restart without counting a row twice.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/db/open';
import { guessMapping, type ImportKind } from '@/lib/ingest/csv';
import { createTempDb } from '@/lib/testing/temp-db';
import { upsertAccounts } from '../commands/accounts';
import { prepareDatabase } from '../commands/catalogue';
import { startImportRun } from '../commands/import-runs';
import { getImportRun } from '../queries/import-runs';
import { aggregatedEventCount } from '../queries/aggregate-reader';
import { importStatus, resumeImports, saveUpload, startCheck, startImport } from './csv-import';

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

describe('CSV import after a crash', () => {
  const eventsCsv = (rows: number) =>
    ['account,type,date,count', ...Array.from({ length: rows }, (_, i) => `A${i % 20},meeting.held,2026-01-${String(1 + (i % 28)).padStart(2, '0')},${1 + (i % 3)}`)].join('\n');

  it('goes on after the last committed chunk, each row exactly once, and the same file again adds nothing', async () => {
    const rows = 5_500;
    const { token, checked } = await upload(eventsCsv(rows), 'events', { createAccounts: true });
    expect(checked).toMatchObject({ phase: 'checked', rows, problemCount: 0 });
    // A second connection, as the restarted server would open.
    const after = openDatabase(db.$client.name);
    try {
      startImport(db, token, USER, false);
      const written = () => after.$client.prepare('SELECT written_rows FROM import_runs').pluck().get() as number | undefined;
      while (!written()) await new Promise((r) => setImmediate(r));
      // The process stops between two chunks: its connection is gone, the run still says running.
      db.$client.close();
      const stopped = written()!;
      expect(stopped).toBeGreaterThan(0);
      expect(stopped).toBeLessThan(rows);
      expect(after.$client.prepare('SELECT count(*) FROM events').pluck().get()).toBe(stopped);
      await settle(token);
      expect(after.$client.prepare('SELECT status FROM import_runs').pluck().get()).toBe('running');

      const resumed = resumeImports(after);
      expect(resumed).toHaveLength(1);
      await Promise.all(resumed);
      const run = getImportRun(after, 1)!;
      expect(run).toMatchObject({ status: 'done', totalRows: rows, writtenRows: rows, skippedRows: 0, message: null });
      const c = after.$client;
      expect(c.prepare('SELECT count(*), count(DISTINCT id) FROM events').raw().get()).toEqual([rows, rows]);
      expect(aggregatedEventCount(after)).toBe(c.prepare('SELECT sum(count) FROM events').pluck().get());
      expect(c.prepare("SELECT count(*) FROM events WHERE id NOT LIKE 'csv-%'").pluck().get()).toBe(0);
      expect(resumeImports(after)).toHaveLength(0);

      // The same file again, uploaded anew: every row is recognised.
      db = after;
      const again = await upload(eventsCsv(rows), 'events', { createAccounts: true });
      startImport(db, again.token, USER, false);
      expect(await settle(again.token)).toMatchObject({ phase: 'done', result: { written: 0, duplicates: rows } });
      expect(c.prepare('SELECT count(*) FROM events').pluck().get()).toBe(rows);
    } finally {
      if (db !== after) after.$client.close();
    }
  });

  it('marks failed, saying what to do, the runs that cannot go on; leaves those of a live process alone', async () => {
    const { token } = await upload(eventsCsv(10), 'events', { createAccounts: true });
    const gone = startImportRun(db, { kind: 'events', filename: 'gone.csv', totalRows: 10, actor: 'a', resume: { file: '/nonexistent/gone.csv', hash: 'x', settings: {}, skipInvalid: false, badRows: [] } });
    const dead = startImportRun(db, { kind: 'oulad', filename: 'x', totalRows: 0, actor: 'cli' });
    const live = startImportRun(db, { kind: 'oulad', filename: 'y', totalRows: 0, actor: 'cli' });
    // dead: its process is this one, as a restarted server whose previous self had this pid; live: the test runner's parent.
    db.$client.prepare("UPDATE import_runs SET report = json_set(report, '$.pid', ?) WHERE pk = ?").run(process.ppid, live);
    const garbled = startImportRun(db, { kind: 'accounts', filename: 'z', totalRows: 0, actor: 'a' });
    db.$client.prepare("UPDATE import_runs SET report = '{not json' WHERE pk = ?").run(garbled);
    await Promise.all(resumeImports(db));
    expect(getImportRun(db, garbled)).toMatchObject({ status: 'failed', message: expect.stringMatching(/stopped before it finished/) });
    expect(getImportRun(db, gone)).toMatchObject({ status: 'failed', message: expect.stringMatching(/its file is gone; 0 rows were written\. Upload the same file again/) });
    expect(getImportRun(db, dead)).toMatchObject({ status: 'failed', message: expect.stringMatching(/stopped before it finished; 0 rows were written/) });
    expect(getImportRun(db, live)!.status).toBe('running');
    expect(importStatus(token, USER).phase).toBe('checked');
  });
});
