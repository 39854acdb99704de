/**
 * Property-based tests of the CSV import (fast-check, fixed seed): generated files with hostile
 * headers and cells (prototype keys, control characters, quotes and line breaks, long text, odd
 * dates and counts) against a real database, fresh for each file. For every file: the check writes nothing and never
 * fails "on our side"; an import blocked by bad rows writes nothing; an import of a clean file
 * writes every row with its aggregates; nothing reaches Object.prototype.
 * FUZZ_SEED and FUZZ_RUNS choose another seed and number of cases (docs/operations.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import Papa from 'papaparse';
import { afterAll, expect, it, vi } from 'vitest';
import { DEFAULT_DATABASE_FILE } from '@/db/open';
import { guessMapping, type ImportKind } from '@/lib/ingest/csv';
import type { Store } from '@/lib/server/store';
import { describeEngines, freshStore } from '@/lib/testing/engines';
import { aggregatedEventCount } from '../aggregates';
import { upsertAccounts } from '../commands/accounts';
import { prepareDatabase } from '../commands/catalogue';
import { importStatus, saveUpload, startCheck, startImport, type ImportStatus } from './csv-import';
import { AppError } from '../errors';

const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
/**
 * Cases per engine: parsing and checking are the engine's no matter which; what PostgreSQL adds
 * (the same writes through another engine, a database per case) takes fewer cases to cover.
 */
const runsOn = (engine: string) => Number(process.env.FUZZ_RUNS ?? (engine === 'postgres' ? 50 : 200));
const USER = 1;
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
const ODD_DATES = ['0001-01-01', '2026-99-99', '+275760-09-13T00:00:00Z', '-271821-04-20T00:00:00Z', '2026-02-30', '1970-01-01', '9999-12-31T23:59:59Z', 'yesterday', ''];
const ran: Record<string, number> = {};

const hostileText = fc.oneof(
  fc.constantFrom(...PROTO_KEYS),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('a,b', '"quoted"', 'line\nbreak', 'cr\rhere', '\u0000', '\u0007bell', ' ', '=cmd|calc', 'x'.repeat(5_000)),
);

/** A plausible value for a column (by its header), so that many files get past the check. */
function goodCell(column: string, row: number): fc.Arbitrary<string> {
  switch (column) {
    case 'id':
      return fc.constantFrom(`R${row}`, `R${row}`, 'R0');
    case 'name':
      return fc.constantFrom('Acme', 'Globex Ltd', ' padded ');
    case 'tier':
      return fc.constantFrom('core', 'Growth', '');
    case 'arr':
      return fc.constantFrom('1000', '"1,000"', '0', '');
    case 'account':
      return fc.constantFrom('A', 'A', 'NEW-1');
    case 'type':
      return fc.constantFrom('meeting.held', 'product.login');
    case 'date':
      return fc.constantFrom('2026-01-05', '2026-01-07 10:00', '2025-12-31T23:59:59Z');
    case 'count':
      return fc.constantFrom('1', '3', '');
    default:
      return fc.constantFrom('x', '1', 'true', '');
  }
}

const hostileCell = fc.oneof(
  hostileText,
  fc.constantFrom(...ODD_DATES),
  fc.oneof(fc.integer().map(String), fc.double().map(String), fc.constantFrom('1e308', '-1', '0', '1.5', 'NaN', 'Infinity', '99999999999999999999')),
);

const cell = (column: string, row: number) => fc.oneof({ weight: 6, arbitrary: goodCell(column, row) }, { weight: 1, arbitrary: hostileCell });

/** A CSV file of one kind: the usual columns (optional ones sometimes left out), hostile extra headers and rows. */
const csvFile = fc
  .constantFrom<ImportKind>('accounts', 'events')
  .chain((kind) => {
    const [required, optional] = kind === 'events' ? [['account', 'type', 'date'], ['count', 'id']] : [['id', 'name'], ['tier', 'arr']];
    return fc
      .tuple(
        fc.oneof({ weight: 5, arbitrary: fc.constant(required) }, { weight: 1, arbitrary: fc.subarray(required) }),
        fc.subarray(optional),
        fc.array(fc.oneof(fc.constantFrom(...PROTO_KEYS), hostileText), { maxLength: 3 }),
        fc.nat({ max: 8 }),
      )
      .chain(([a, b, c, rows]) => {
        const header = [...a, ...b, ...c];
        return fc.record({
          kind: fc.constant(kind),
          header: fc.constant(header),
          rows: fc.tuple(...Array.from({ length: rows }, (_, r) => fc.tuple(...header.map((h) => cell(h, r))))),
          quoted: fc.boolean(),
          extras: fc.boolean(),
          createAccounts: fc.boolean(),
          skipInvalid: fc.boolean(),
        });
      });
  })
  .map(withText);

type CsvFile = { kind: ImportKind; header: string[]; rows: string[][]; quoted: boolean; extras: boolean; createAccounts: boolean; skipInvalid: boolean };
function withText(f: CsvFile) {
  return { ...f, text: f.quoted ? Papa.unparse({ fields: f.header, data: f.rows }) : [f.header.join(','), ...f.rows.map((r) => r.join(','))].join('\n') };
}

/** Known hostile files, always checked before the generated ones. */
const EXAMPLES = [
  // Prototype keys as extra columns: they become account attributes and event properties.
  withText({ kind: 'accounts', header: ['id', 'name', '__proto__', 'constructor', 'prototype'], rows: [['P1', 'Proto', '1', 'true', 'x']], quoted: true, extras: true, createAccounts: false, skipInvalid: false }),
  withText({ kind: 'events', header: ['account', 'type', 'date', '__proto__', 'toString'], rows: [['A', 'meeting.held', '2026-01-05', '5', 'true']], quoted: true, extras: true, createAccounts: false, skipInvalid: false }),
  // The largest count allowed, with a numeric property.
  withText({ kind: 'events', header: ['account', 'type', 'date', 'count', 'seats'], rows: [['A', 'meeting.held', '2026-01-05', '1000000', '3']], quoted: true, extras: true, createAccounts: false, skipInvalid: false }),
  withText({ kind: 'events', header: ['account', 'type', 'date'], rows: [['__proto__', 'meeting.held', '+275760-09-13T00:00:00Z'], ['A', '__proto__', '0001-01-01']], quoted: true, extras: false, createAccounts: true, skipInvalid: true }),
];

async function fingerprint(db: Store) {
  const one = (sql: string): Promise<unknown> => db.get(sql);
  return {
    accounts: await one('SELECT count(*) AS n, coalesce(sum(length(name)), 0) AS names, coalesce(sum(arr), 0) AS arr FROM accounts'),
    contacts: await one('SELECT count(*) AS n FROM contacts'),
    events: await one('SELECT count(*) AS n, coalesce(sum(count), 0) AS counted FROM events'),
    outcomes: await one('SELECT count(*) AS n FROM outcomes'),
    aggPacked: await one('SELECT count(*) AS n, coalesce(sum(length(data)), 0) AS bytes FROM agg_packed'),
    activity: await one('SELECT count(*) AS n, coalesce(sum(events), 0) AS events FROM account_activity'),
    aggregated: { n: await aggregatedEventCount(db) },
    aggNames: await one('SELECT count(*) AS n FROM agg_names'),
  };
}

function prototypeSnapshot() {
  return Object.getOwnPropertyNames(Object.prototype).map((name) => [name, Object.getOwnPropertyDescriptor(Object.prototype, name)?.value]);
}

async function settle(token: string): Promise<ImportStatus> {
  for (let i = 0; i < 1_000; i++) {
    const s = importStatus(token, USER);
    if (s.phase !== 'checking' && s.phase !== 'importing') return s;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('the import did not finish within 5 s');
}

const ON_OUR_SIDE = /on our side/;
afterAll(() => {
  console.log(`CSV import fuzz (seed ${SEED}): ${Object.entries(ran).map(([k, n]) => `${k}: ${n}`).join(', ')}`);
});

describeEngines('CSV import under hostile files', (t) => {
  it('never fails on our side, writes nothing when refused and everything when accepted', async () => {
    const prototypeBefore = prototypeSnapshot();
    await fc.assert(
      fc.asyncProperty(csvFile, async (file) => {
        const { store: db, dispose } = await freshStore(t.engine);
        let token: string | null = null;
        try {
          token = await checkAndImport(db, file);
        } finally {
          // The background rescore of what was imported ends before the database goes.
          await vi.waitFor(async () => expect(await db.value('SELECT count(*) FROM rescore_pending')).toBe(0), { timeout: 5_000, interval: 5 });
          await dispose();
          if (token && t.engine === 'postgres') fs.rmSync(path.join(path.dirname(path.resolve(DEFAULT_DATABASE_FILE)), 'imports', `${token}.csv`), { force: true });
        }
      }),
      { seed: SEED, numRuns: runsOn(t.engine), examples: EXAMPLES.map((e) => [e] as [typeof e]), interruptAfterTimeLimit: 90_000, markInterruptAsFailure: false },
    );
    expect(prototypeSnapshot()).toEqual(prototypeBefore);

    /** One file through the check and the import, on a fresh database; answers the upload's token. */
    async function checkAndImport(db: Store, file: CsvFile & { text: string }): Promise<string> {
      const tally = (outcome: string) => (ran[`${file.kind} ${outcome}`] = (ran[`${file.kind} ${outcome}`] ?? 0) + 1);
      await prepareDatabase(db);
      if (file.kind === 'events') await upsertAccounts(db, [{ id: 'A', name: 'A' }]);
      const before = await fingerprint(db);

      const token = await saveUpload(db, new Blob([file.text]).stream(), { filename: `${file.kind}.csv`, userPk: USER, actor: 'fuzz' });
      const settings = { kind: file.kind, mapping: guessMapping(file.kind, file.header), extras: file.extras, createAccounts: file.createAccounts };
      try {
        startCheck(db, token, USER, settings);
      } catch (error) {
        // A mapping without the required columns is refused with a clear message, before any work.
        expect(error).toBeInstanceOf(AppError);
        expect(await fingerprint(db)).toEqual(before);
        tally('mapping refused');
        return token;
      }
      const checked = await settle(token);
      expect(checked.message ?? '').not.toMatch(ON_OUR_SIDE);
      expect(['checked', 'failed']).toContain(checked.phase);
      expect(await fingerprint(db), 'the check writes nothing').toEqual(before);
      if (checked.phase !== 'checked') {
        tally('file refused');
        return token;
      }

      const skip = file.skipInvalid && checked.badRows > 0;
      try {
        startImport(db, token, USER, skip);
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        expect(checked.badRows, String(error)).toBeGreaterThan(0);
        expect(await fingerprint(db), 'a refused import writes nothing').toEqual(before);
        tally('import refused');
        return token;
      }
      const done = await settle(token);
      expect(done.message ?? '').not.toMatch(ON_OUR_SIDE);
      expect(done.phase, done.message ?? '').toBe('done');
      const after = (await fingerprint(db)) as Record<string, { n: number; counted?: number }>;
      const b = before as Record<string, { n: number; counted?: number }>;
      expect(done.result!.written + done.result!.skipped).toBe(checked.rows);
      if (file.kind === 'accounts') {
        expect(after.accounts!.n - b.accounts!.n, 'every account written').toBe(done.result!.written);
      } else {
        expect(after.events!.n - b.events!.n, 'every event written').toBe(done.result!.written);
        expect(after.aggregated!.n - b.aggregated!.n, 'the aggregates hold every count written').toBe(after.events!.counted! - b.events!.counted!);
      }
      expect(prototypeSnapshot(), 'nothing reaches Object.prototype').toEqual(prototypeBefore);
      tally(done.result!.skipped ? 'imported, rows skipped' : 'imported');
      return token;
    }
  }, 180_000);
});
