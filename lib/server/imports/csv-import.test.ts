/**
 * The CSV import through the real commands: check writes nothing, bad rows block or are skipped and
 * reported; a run stopped mid-file goes on after a restart without counting a row twice.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DEFAULT_DATABASE_FILE } from '@/db/open';
import { guessMapping, type ImportKind } from '@/lib/ingest/csv';
import { openStore, sqliteStore, type Store } from '@/lib/server/store';
import { describeEngines, type EngineTest } from '@/lib/testing/engines';
import { aggregatedEventCount } from '../aggregates';
import { upsertAccounts } from '../commands/accounts';
import { prepareDatabase } from '../commands/catalogue';
import { startImportRun } from '../commands/import-runs';
import { getImportRun } from '../queries/import-runs';
import { importStatus, resumeImports, saveUpload, startCheck, startImport } from './csv-import';

let db: Store;
const USER = 1;
/** Uploads of a test: on PostgreSQL they are kept in ./data/imports, not in the test's folder. */
let tokens: string[] = [];

const count = async (table: string) => (await db.value<number>(`SELECT count(*) FROM ${table}`))!;

async function settle(token: string) {
  for (let i = 0; i < 500; i++) {
    const s = importStatus(token, USER);
    if (s.phase !== 'checking' && s.phase !== 'importing') return s;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the import did not finish');
}

async function save(on: Store, text: string, filename: string, actor = 'admin@example.com') {
  const token = await saveUpload(on, new Blob([text]).stream(), { filename, userPk: USER, actor });
  tokens.push(token);
  return token;
}

async function upload(text: string, kind: ImportKind, options: { extras?: boolean; createAccounts?: boolean; on?: Store } = {}) {
  const on = options.on ?? db;
  const token = await save(on, text, `${kind}.csv`);
  const header = text.split('\n')[0]!.split(',');
  startCheck(on, token, USER, { kind, mapping: guessMapping(kind, header), extras: options.extras ?? false, createAccounts: options.createAccounts ?? false });
  return { token, checked: await settle(token) };
}

/** Each test's database, prepared; another connection to it (as another, or a restarted, server opens it). */
function prepared(t: EngineTest): { connect: () => Promise<Store> } {
  beforeEach(async () => {
    db = t.store;
    tokens = [];
    await prepareDatabase(db);
  });
  afterEach(() => {
    if (t.engine === 'postgres') for (const token of tokens) fs.rmSync(path.join(path.dirname(path.resolve(DEFAULT_DATABASE_FILE)), 'imports', `${token}.csv`), { force: true });
  });
  return { connect: () => (t.engine === 'sqlite' ? Promise.resolve(sqliteStore(t.url)) : openStore(t.url)) };
}

describeEngines('CSV import', (t) => {
  prepared(t);

  it('imports a clean file of accounts in chunks', async () => {
    const lines = ['id,name,tier,arr,plan', ...Array.from({ length: 2500 }, (_, i) => `A${i},Account ${i},core,"1,000",p${i % 3}`)];
    const { token, checked } = await upload(lines.join('\n'), 'accounts', { extras: true });
    expect(checked).toMatchObject({ phase: 'checked', rows: 2500, problemCount: 0 });
    expect(await count('accounts')).toBe(0);
    startImport(db, token, USER, false);
    const done = await settle(token);
    expect(done).toMatchObject({ phase: 'done', result: { written: 2500, skipped: 0 } });
    expect(await db.get("SELECT arr, attributes FROM accounts WHERE id = 'A7'")).toEqual({ arr: 1000, attributes: '{"plan":"p1"}' });
    expect(await getImportRun(db, done.runPk!)).toMatchObject({ status: 'done', totalRows: 2500, writtenRows: 2500, skippedRows: 0 });
  });

  it('finds every bad row, writes nothing while they remain, and reports them when skipped', async () => {
    await upsertAccounts(db, [{ id: 'A', name: 'A' }]);
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
    expect(await count('events')).toBe(0);

    startImport(db, token, USER, true);
    const done = await settle(token);
    expect(done).toMatchObject({ phase: 'done', result: { written: 2, skipped: 4 } });
    expect(await count('events')).toBe(2);
    const run = (await getImportRun(db, done.runPk!))!;
    expect(run.skipped.map((s) => s.row)).toEqual([3, 4, 5, 6]);
    expect(run.skipped[0]!.values).toEqual({ account: 'A', type: 'no.such.trigger', date: '2026-01-05', count: '1', id: 'e2' });
  });

  it('refuses a mapping without the required columns, and files whose rows are longer than the header', async () => {
    const token = await save(db, 'name\nx', 'c.csv', 'a');
    expect(() => startCheck(db, token, USER, { kind: 'contacts', mapping: { name: 'name' }, extras: false, createAccounts: false })).toThrowError(/Contact id/);
    const { checked } = await upload('id,accountId\nc1,A,extra', 'contacts');
    expect(checked.problems.map((p) => p.message)).toEqual(['the row has more cells than the header has columns']);
  });
});

describeEngines('CSV import after a crash', (t) => {
  const { connect } = prepared(t);

  const eventsCsv = (rows: number) =>
    ['account,type,date,count', ...Array.from({ length: rows }, (_, i) => `A${i % 20},meeting.held,2026-01-${String(1 + (i % 28)).padStart(2, '0')},${1 + (i % 3)}`)].join('\n');

  it('goes on after the last committed chunk, each row exactly once, and the same file again adds nothing', async () => {
    const rows = 5_500;
    // The server that stops: a connection of its own. The test's store is the restarted server's.
    const first = await connect();
    const after = db;
    const { token, checked } = await upload(eventsCsv(rows), 'events', { createAccounts: true, on: first });
    expect(checked).toMatchObject({ phase: 'checked', rows, problemCount: 0 });
    startImport(first, token, USER, false);
    const written = () => after.value<number>('SELECT written_rows FROM import_runs');
    while (!(await written())) await new Promise((r) => setImmediate(r));
    // The process stops between two chunks: its connection is gone, the run still says running.
    await first.close();
    const stopped = (await written())!;
    expect(stopped).toBeGreaterThan(0);
    expect(stopped).toBeLessThan(rows);
    expect(await after.value('SELECT count(*) FROM events')).toBe(stopped);
    await settle(token);
    expect(await after.value('SELECT status FROM import_runs')).toBe('running');

    const resumed = await resumeImports(after);
    expect(resumed).toHaveLength(1);
    await Promise.all(resumed);
    const run = (await getImportRun(after, 1))!;
    expect(run).toMatchObject({ status: 'done', totalRows: rows, writtenRows: rows, skippedRows: 0, message: null });
    expect(await after.get('SELECT count(*) AS n, count(DISTINCT id) AS ids FROM events')).toEqual({ n: rows, ids: rows });
    expect(await aggregatedEventCount(after)).toBe(await after.value('SELECT sum(count) FROM events'));
    expect(await after.value("SELECT count(*) FROM events WHERE id NOT LIKE 'csv-%'")).toBe(0);
    expect(await resumeImports(after)).toHaveLength(0);

    // The same file again, uploaded anew: every row is recognised.
    const again = await upload(eventsCsv(rows), 'events', { createAccounts: true });
    startImport(db, again.token, USER, false);
    expect(await settle(again.token)).toMatchObject({ phase: 'done', result: { written: 0, duplicates: rows } });
    expect(await after.value('SELECT count(*) FROM events')).toBe(rows);
  });

  it('marks failed, saying what to do, the runs that cannot go on; leaves those of a live process alone', async () => {
    const { token } = await upload(eventsCsv(10), 'events', { createAccounts: true });
    const gone = await startImportRun(db, { kind: 'events', filename: 'gone.csv', totalRows: 10, actor: 'a', resume: { file: '/nonexistent/gone.csv', hash: 'x', settings: {}, skipInvalid: false, badRows: [] } });
    const dead = await startImportRun(db, { kind: 'oulad', filename: 'x', totalRows: 0, actor: 'cli' });
    const live = await startImportRun(db, { kind: 'oulad', filename: 'y', totalRows: 0, actor: 'cli' });
    // dead: its process is this one, as a restarted server whose previous self had this pid; live: the test runner's parent.
    const report = JSON.parse((await db.value<string>('SELECT report FROM import_runs WHERE pk = ?', [live]))!) as Record<string, unknown>;
    await db.run('UPDATE import_runs SET report = ? WHERE pk = ?', [JSON.stringify({ ...report, pid: process.ppid }), live]);
    const garbled = await startImportRun(db, { kind: 'accounts', filename: 'z', totalRows: 0, actor: 'a' });
    await db.run("UPDATE import_runs SET report = '{not json' WHERE pk = ?", [garbled]);
    await Promise.all(await resumeImports(db));
    expect(await getImportRun(db, garbled)).toMatchObject({ status: 'failed', message: expect.stringMatching(/stopped before it finished/) });
    expect(await getImportRun(db, gone)).toMatchObject({ status: 'failed', message: expect.stringMatching(/its file is gone; 0 rows were written\. Upload the same file again/) });
    expect(await getImportRun(db, dead)).toMatchObject({ status: 'failed', message: expect.stringMatching(/stopped before it finished; 0 rows were written/) });
    expect((await getImportRun(db, live))!.status).toBe('running');
    expect(importStatus(token, USER).phase).toBe('checked');
  });
});
