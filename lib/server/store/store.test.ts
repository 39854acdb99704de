import { describe, expect, it } from 'vitest';
import { describeEngines } from '@/lib/testing/engines';
import { postgresStore, sqliteStore } from './index';
import { toPostgres } from './sql-text';

describe('SQL text for PostgreSQL', () => {
  it('numbers ? parameters and leaves literals, quoted names and comments alone', () => {
    expect(toPostgres("SELECT a FROM t WHERE b = ? AND c = '?' AND \"d?\" = ? -- ?\n AND e = ?").text).toBe(
      "SELECT a FROM t WHERE b = $1 AND c = '?' AND \"d?\" = $2 -- ?\n AND e = $3",
    );
  });

  it('numbers @name parameters, reusing the number of a name seen before', () => {
    expect(toPostgres('SELECT * FROM t WHERE a = @a AND b = @b OR a > @a')).toMatchObject({ text: 'SELECT * FROM t WHERE a = $1 AND b = $2 OR a > $1', names: ['a', 'b'] });
  });

  it('quotes mixed-case identifiers so that aliases keep their case, and nothing else', () => {
    expect(toPostgres('SELECT account_pk AS accountPk, COUNT(*) AS n FROM t ORDER BY accountPk').text).toBe(
      'SELECT account_pk AS "accountPk", COUNT(*) AS n FROM t ORDER BY "accountPk"',
    );
    expect(toPostgres("SELECT 'camelCase' AS x").text).toBe("SELECT 'camelCase' AS x");
  });

  it('keeps escaped quotes inside literals', () => {
    expect(toPostgres("SELECT 'it''s ?' , ?").text).toBe("SELECT 'it''s ?' , $1");
  });

  it('refuses a query that mixes the two kinds of parameter', () => {
    expect(() => toPostgres('SELECT ? , @a')).toThrow(/mixes/);
  });
});

describeEngines('the store', (t) => {
  async function table() {
    await t.store.run('CREATE TABLE things (pk integer PRIMARY KEY, name text NOT NULL, big bigint, ratio real, flag integer NOT NULL DEFAULT 0, data bytea)'.replace('bytea', t.engine === 'sqlite' ? 'blob' : 'bytea'));
  }

  it('reads back integers, reals, flags, text and blobs as the same JS values on both engines', async () => {
    await table();
    await t.store.run('INSERT INTO things (pk, name, big, ratio, flag, data) VALUES (?, ?, ?, ?, ?, ?)', [1, 'a', 1_700_000_000_123, 0.25, true, Buffer.from([1, 2, 255])]);
    const row = await t.store.get('SELECT pk, name, big, ratio, flag, data, count(*) OVER () AS total, sum(big) OVER () AS summed FROM things');
    expect(row).toEqual({ pk: 1, name: 'a', big: 1_700_000_000_123, ratio: 0.25, flag: 1, data: Buffer.from([1, 2, 255]), total: 1, summed: 1_700_000_000_123 });
  });

  it('reads rows as arrays of their columns in the order selected, in and out of a transaction', async () => {
    await table();
    await t.store.run('INSERT INTO things (pk, name, big, ratio, flag, data) VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)', [1, 'a', 1_700_000_000_123, 0.25, true, Buffer.from([1]), 2, 'b', null, null, false, null]);
    const sql = 'SELECT data, flag, ratio, big, name, pk FROM things ORDER BY pk DESC';
    expect(await t.store.rows(sql)).toEqual([[null, 0, null, null, 'b', 2], [Buffer.from([1]), 1, 0.25, 1_700_000_000_123, 'a', 1]]);
    // The same text asked for as objects keeps answering objects: each form has its own statement.
    expect(await t.store.all('SELECT pk, name FROM things WHERE pk = ?', [1])).toEqual([{ pk: 1, name: 'a' }]);
    expect(await t.store.rows('SELECT pk, name FROM things WHERE pk = ?', [1])).toEqual([[1, 'a']]);
    expect(await t.store.all('SELECT pk, name FROM things WHERE pk = ?', [1])).toEqual([{ pk: 1, name: 'a' }]);
    await t.store.tx(async (tx) => {
      await tx.run('UPDATE things SET name = ? WHERE pk = ?', ['c', 2]);
      expect(await tx.rows('SELECT name FROM things WHERE pk = @pk', { pk: 2 })).toEqual([['c']]);
    });
  });

  it('joins the blobs of a group byte for byte, in the order asked for', async () => {
    await table();
    // Every byte value, including NUL and bytes that are not UTF-8 on their own.
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i));
    const parts = [bytes.subarray(0, 1), bytes.subarray(1, 100), bytes.subarray(100, 101), bytes.subarray(101)];
    await t.store.runMany('INSERT INTO things (pk, name, big, data) VALUES (?, ?, ?, ?)', parts.map((data, i) => [i + 1, i === 3 ? 'other' : 'one', parts.length - i, data]));
    const sql = `SELECT name, ${t.store.dialect.concatBlobs('data', 'big')} FROM things GROUP BY name ORDER BY name`;
    expect(await t.store.rows(sql)).toEqual([
      ['one', Buffer.concat([parts[2]!, parts[1]!, parts[0]!])],
      ['other', parts[3]],
    ]);
  });

  it('keeps the case of aliases and takes named parameters', async () => {
    await table();
    await t.store.run('INSERT INTO things (pk, name) VALUES (@pk, @name)', { pk: 7, name: 'seven' });
    expect(await t.store.all('SELECT pk AS thingPk, name AS thingName FROM things WHERE pk = @pk AND pk >= @pk', { pk: 7 })).toEqual([{ thingPk: 7, thingName: 'seven' }]);
    expect(await t.store.value('SELECT name FROM things WHERE pk = ?', [7])).toBe('seven');
    expect(await t.store.column('SELECT pk FROM things')).toEqual([7]);
    expect(await t.store.get('SELECT pk FROM things WHERE pk = ?', [8])).toBeUndefined();
  });

  it('counts the rows a statement changed, and the rows of runMany', async () => {
    await table();
    expect(await t.store.runMany('INSERT INTO things (pk, name) VALUES (?, ?)', [[1, 'a'], [2, 'b'], [3, 'c']])).toBe(3);
    expect((await t.store.run('UPDATE things SET flag = 1 WHERE pk > ?', [1])).changes).toBe(2);
    expect((await t.store.run('INSERT INTO things (pk, name) VALUES (?, ?) ON CONFLICT (pk) DO NOTHING', [1, 'again'])).changes).toBe(0);
  });

  it('commits a transaction, and rolls all of it back when it throws', async () => {
    await table();
    await t.store.tx(async (tx) => {
      await tx.run('INSERT INTO things (pk, name) VALUES (1, ?)', ['kept']);
    });
    await expect(
      t.store.tx(async (tx) => {
        await tx.run('INSERT INTO things (pk, name) VALUES (2, ?)', ['lost']);
        // a call on the outer store from inside the transaction joins it
        await t.store.run('INSERT INTO things (pk, name) VALUES (3, ?)', ['lost too']);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await t.store.column('SELECT name FROM things ORDER BY pk')).toEqual(['kept']);
  });

  it('rolls back a nested transaction alone (a savepoint)', async () => {
    await table();
    await t.store.tx(async (tx) => {
      await tx.run("INSERT INTO things (pk, name) VALUES (1, 'outer')");
      await tx.tx(async (inner) => {
        await inner.run("INSERT INTO things (pk, name) VALUES (2, 'inner')");
        throw new Error('inner fails');
      }).catch(() => undefined);
      await tx.run("INSERT INTO things (pk, name) VALUES (3, 'after')");
    });
    expect(await t.store.column('SELECT name FROM things ORDER BY pk')).toEqual(['outer', 'after']);
  });

  it('runs concurrent transactions one after the other without mixing their writes', async () => {
    await table();
    await t.store.run("INSERT INTO things (pk, name, big) VALUES (1, 'counter', 0)");
    const bump = () =>
      t.store.tx(async (tx) => {
        const now = (await tx.value<number>('SELECT big FROM things WHERE pk = 1 FOR UPDATE'.replace(' FOR UPDATE', t.engine === 'postgres' ? ' FOR UPDATE' : '')))!;
        await new Promise((r) => setTimeout(r, 1));
        await tx.run('UPDATE things SET big = ? WHERE pk = 1', [now + 1]);
      });
    await Promise.all(Array.from({ length: 20 }, bump));
    expect(await t.store.value('SELECT big FROM things WHERE pk = 1')).toBe(20);
  });

  it('answers a read outside a transaction while another caller\'s transaction is open, with what was committed', async () => {
    await table();
    await t.store.run("INSERT INTO things (pk, name) VALUES (1, 'committed')");
    let inside!: () => void;
    const open = new Promise<void>((resolve) => (inside = resolve));
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const writer = t.store.tx(async (tx) => {
      await tx.run("UPDATE things SET name = 'uncommitted' WHERE pk = 1");
      await tx.run("INSERT INTO things (pk, name) VALUES (2, 'uncommitted')");
      inside();
      await finished;
    });
    await open;
    // Answered while the transaction is still open (it ends only after these reads).
    expect(await t.store.all('SELECT pk, name FROM things ORDER BY pk')).toEqual([{ pk: 1, name: 'committed' }]);
    expect(await t.store.value('SELECT count(*) FROM things')).toBe(1);
    finish();
    await writer;
    expect(await t.store.column('SELECT name FROM things ORDER BY pk')).toEqual(['uncommitted', 'uncommitted']);
    // A write outside a transaction still goes to the writer.
    expect(await t.store.all("UPDATE things SET name = 'again' WHERE pk = 2 RETURNING pk")).toEqual([{ pk: 2 }]);
    expect(await t.store.value('SELECT name FROM things WHERE pk = 2')).toBe('again');
  });

  it('gives a read-only transaction one snapshot while others commit, leaves the writer free and refuses writes in it', async () => {
    await table();
    await t.store.run("INSERT INTO things (pk, name) VALUES (1, 'one')");
    // Another process on the same database.
    const other = t.engine === 'sqlite' ? sqliteStore(t.url, { migrate: false }) : await postgresStore(t.url, { migrate: false, poolSize: 2 });
    try {
      let reading!: () => void;
      const began = new Promise<void>((resolve) => (reading = resolve));
      let committed!: () => void;
      const others = new Promise<void>((resolve) => (committed = resolve));
      const seen = t.store.tx(
        async (tx) => {
          const first = await tx.value('SELECT count(*) FROM things');
          reading();
          await others;
          const names = await tx.column('SELECT name FROM things ORDER BY pk');
          // A plain read through the store, from inside: the same snapshot.
          const count = await t.store.value('SELECT count(*) FROM things');
          await expect(tx.run("INSERT INTO things (pk, name) VALUES (9, 'nine')")).rejects.toThrow();
          return { first, names, count };
        },
        { readOnly: true },
      );
      await began;
      // While the snapshot is open: the other process commits, and so does this store's own writer.
      await other.run("INSERT INTO things (pk, name) VALUES (2, 'two')");
      await t.store.tx((tx) => tx.run("UPDATE things SET name = 'uno' WHERE pk = 1"));
      // A plain read from outside sees both commits at once.
      expect(await t.store.column('SELECT name FROM things ORDER BY pk')).toEqual(['uno', 'two']);
      committed();
      expect(await seen).toEqual({ first: 1, names: ['one'], count: 1 });
      expect(await t.store.column('SELECT name FROM things ORDER BY pk')).toEqual(['uno', 'two']);
    } finally {
      await other.close();
    }
  });

  it('runs many read-only transactions at once, each to its end, beside writes', async () => {
    await table();
    let firstRead!: () => void;
    const readOnce = new Promise<void>((resolve) => (firstRead = resolve));
    const reads = Array.from({ length: 8 }, (_, i) =>
      t.store.tx(
        async (tx) => {
          const first = await tx.value<number>('SELECT count(*) FROM things');
          if (i === 0) firstRead();
          await new Promise((resolve) => setTimeout(resolve, 5));
          return [first, await tx.value<number>('SELECT count(*) FROM things'), i];
        },
        { readOnly: true },
      ),
    );
    // The writes commit after the first transaction's first read, before its second.
    await readOnce;
    const writes = Array.from({ length: 8 }, (_, i) => t.store.run('INSERT INTO things (pk, name) VALUES (?, ?)', [i + 1, `w${i}`]));
    await Promise.all(writes);
    const answers = await Promise.all(reads);
    expect(answers[0]).toEqual([0, 0, 0]);
    // Each saw one count twice, whatever the writes committed meanwhile.
    for (const [first, second] of answers) expect(second).toBe(first);
    expect(answers.map((a) => a[2])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(await t.store.value('SELECT count(*) FROM things')).toBe(8);
  });

  it("spells each engine's differences through the dialect", async () => {
    await table();
    const d = t.store.dialect;
    await t.store.runMany('INSERT INTO things (pk, name) VALUES (?, ?)', [[1, 'Alpha'], [2, 'beta'], [3, 'Gamma']]);
    expect(await t.store.column(`SELECT pk FROM things WHERE ${d.inJsonArray('pk', 'int')} ORDER BY pk`, [JSON.stringify([1, 3, 99])])).toEqual([1, 3]);
    expect(await t.store.column(`SELECT pk FROM things WHERE ${d.inJsonArray('name', 'text')}`, [JSON.stringify(['beta'])])).toEqual([2]);
    expect(await t.store.column(`SELECT pk FROM things WHERE name ${d.ilike} ? ORDER BY pk`, ['%A%'])).toEqual([1, 2, 3]);
    expect(await t.store.value(`SELECT ${d.greatest('1', '5', '3')}`)).toBe(5);
    expect(await t.store.value(`SELECT ${d.least('4', '2')}`)).toBe(2);
    expect(await t.store.value(`SELECT ${d.groupConcat('name', ',')} FROM (SELECT name FROM things ORDER BY pk) x`)).toMatch(/^(Alpha,beta,Gamma)$/);
    expect(await t.store.value(`SELECT ${d.toInt("'42'")}`)).toBe(42);
    const flags = JSON.stringify([{ key: 'no_login', severity: 'red' }]);
    expect(await t.store.value(`SELECT CASE WHEN ${d.jsonArrayHasKeyIn('?', 2)} THEN 1 ELSE 0 END`, [flags, 'x', 'no_login'])).toBe(1);
    expect(await t.store.value(`SELECT CASE WHEN ${d.jsonArrayHasKeyIn('?', 1)} THEN 1 ELSE 0 END`, [flags, 'x'])).toBe(0);
    const props = JSON.stringify({ text: 'Said "yes" – 100%', n: 3 });
    expect(await t.store.value(`SELECT ${d.jsonText('?', 'text')}`, [props])).toBe('Said "yes" – 100%');
    expect(await t.store.value(`SELECT ${d.jsonText('?', 'missing')}`, [props])).toBeNull();
    expect(() => d.jsonText('x', "text') OR ('1")).toThrow();
    const num = (json: string, key: string) => t.store.value(`SELECT ${d.jsonNumber('x.p', key)} FROM (SELECT CAST(? AS text) AS p) x`, [json]);
    expect(await num(props, 'n')).toBe(3);
    expect(await num(JSON.stringify({ n: 2.5 }), 'n')).toBe(2.5);
    expect(await num(props, 'text')).toBeNull();
    expect(await num(JSON.stringify({ n: '30' }), 'n')).toBeNull();
    expect(await num(JSON.stringify([1]), 'n')).toBeNull();
    expect(await num(props, 'missing')).toBeNull();
  });
});
