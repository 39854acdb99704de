/** Multi-row inserts: every kind of value arrives as sent, in order, on both engines. */
import { expect, it } from 'vitest';
import { describeEngines } from '@/lib/testing/engines';
import type { SqlParam } from '@/lib/server/store';
import { insertInto } from './row-writer';

const TEXTS = ['plain', '', 'quote " and \' and \\ backslash', '{braces}, commas, NULL', 'ünïcødé ✓', 'null', ' spaced '];

describeEngines('insertInto', (t) => {
  it('inserts rows of every kind of value in order, upserts, and answers what RETURNING says', async () => {
    const db = t.store;
    const blob = t.engine === 'sqlite' ? 'blob' : 'bytea';
    await db.run(`CREATE TABLE row_writer_things (pk integer PRIMARY KEY, name text, big bigint, ratio double precision, data ${blob}, n bigint NOT NULL DEFAULT 0)`);
    // 700 rows: more than one statement's worth on SQLite (256 per statement).
    const rows: SqlParam[][] = Array.from({ length: 700 }, (_, i) => [
      i + 1,
      i % 9 === 8 ? null : `${TEXTS[i % TEXTS.length]}#${i}`,
      i % 5 === 0 ? null : 2 ** 52 + i,
      i % 3 === 0 ? null : i / 7,
      i % 4 === 0 ? null : Buffer.from([i % 256, 0, 255, 92, 34, 123, 44]),
      true,
    ]);
    const returned = await insertInto<{ pk: number }>(db, 'row_writer_things', ['pk', 'name', 'big', 'ratio', 'data', 'n'], rows, 'RETURNING pk');
    expect(returned.map((r) => Number(r.pk))).toEqual(rows.map((r) => r[0]));
    const stored = await db.all<{ pk: number; name: string | null; big: number | null; ratio: number | null; data: Buffer | null; n: number }>('SELECT pk, name, big, ratio, data, n FROM row_writer_things ORDER BY pk');
    expect(stored.map((r) => [Number(r.pk), r.name, r.big === null ? null : Number(r.big), r.ratio, r.data === null ? null : Buffer.from(r.data), Number(r.n)])).toEqual(
      rows.map((r) => [...r.slice(0, 5), 1]),
    );

    // An upsert: rows already there take the new values, new ones are added.
    await insertInto(db, 'row_writer_things', ['pk', 'name', 'n'], [[2, 'two again', 5], [701, 'new', 6]], 'ON CONFLICT (pk) DO UPDATE SET name = excluded.name, n = row_writer_things.n + excluded.n');
    expect(await db.all('SELECT pk, name, n FROM row_writer_things WHERE pk IN (2, 701) ORDER BY pk')).toEqual([
      { pk: 2, name: 'two again', n: 6 },
      { pk: 701, name: 'new', n: 6 },
    ]);
    expect(await insertInto(db, 'row_writer_things', ['pk', 'name'], [])).toEqual([]);
  });

  it('refuses rows of another width on both engines, and an unknown column', async () => {
    const db = t.store;
    await expect(insertInto(db, 'accounts', ['id', 'name'], [['a', 'b'], ['c', 'd', 'e']])).rejects.toThrow('insertInto accounts: row 1 has 3 values for 2 columns');
    await expect(insertInto(db, 'accounts', ['id', 'name', 'tier'], [['a', 'b']])).rejects.toThrow('row 0 has 2 values for 3 columns');
    // SQLite names the column in its own words; PostgreSQL's column types are read first.
    await expect(insertInto(db, 'accounts', ['id', 'nope'], [['a', 'b']])).rejects.toThrow(t.engine === 'sqlite' ? 'no column named nope' : 'has no column nope');
    expect(await db.value('SELECT count(*) FROM accounts')).toBe(0);
  });
});
