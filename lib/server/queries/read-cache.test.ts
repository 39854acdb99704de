import { expect, it } from 'vitest';
import { openStore } from '@/lib/server/store';
import { describeEngines } from '@/lib/testing/engines';
import { ReadCache } from './read-cache';

describeEngines('ReadCache', (t) => {
  const count = async () => (await t.store.value<number>('SELECT count(*) FROM t'))!;

  it('answers from the cache until a write on this store or another, or the time limit', async () => {
    await t.store.run('CREATE TABLE t (x INTEGER)');
    const cache = new ReadCache<number>(1_000);
    let computed = 0;
    const read = (now = 0) => cache.get(t.store, 'k', () => (computed++, count()), now);
    /**
     * A read served from the cache. On PostgreSQL a write in any database of the server (tests
     * running beside this one) also moves the stamp: then a few reads until one is a hit.
     */
    const cached = async (now: number, expected: number) => {
      for (let attempt = 0; attempt < (t.engine === 'postgres' ? 20 : 1); attempt++) {
        const before = computed;
        expect(await read(now)).toBe(expected);
        if (computed === before) return;
      }
      expect.fail('every read computed its answer again');
    };
    expect(await read()).toBe(0);
    await cached(10, 0);
    await t.store.run('INSERT INTO t VALUES (1)');
    let before = computed;
    expect(await read(20)).toBe(1);
    expect(computed).toBe(before + 1);
    // Another store on the same database: another process, as far as the cache can tell.
    const other = await openStore(t.url);
    try {
      await other.run('INSERT INTO t VALUES (2)');
    } finally {
      await other.close();
    }
    before = computed;
    expect(await read(30)).toBe(2);
    expect(computed).toBe(before + 1);
    await cached(40, 2);
    before = computed;
    expect(await read(2_000)).toBe(2);
    expect(computed).toBe(before + 1);
  });

  it('answers an entry up to `stale.ms` old after a write only while `stale.when()` holds', async () => {
    await t.store.run('CREATE TABLE t (x INTEGER)');
    let streaming = true;
    const cache = new ReadCache<number>(30_000, 10, undefined, { ms: 1_000, when: () => streaming });
    expect(await cache.get(t.store, 'k', count, 0)).toBe(0);
    await t.store.run('INSERT INTO t VALUES (1)');
    // Written since, but the entry is younger than a second and writes are streaming.
    expect(await cache.get(t.store, 'k', count, 500)).toBe(0);
    // Older than a second: computed again.
    expect(await cache.get(t.store, 'k', count, 1_200)).toBe(1);
    await t.store.run('INSERT INTO t VALUES (2)');
    streaming = false;
    expect(await cache.get(t.store, 'k', count, 1_300)).toBe(2);
  });

  it('lets reads that miss while an answer is being computed wait for it, unless the data changed since it began', async () => {
    await t.store.run('CREATE TABLE t (x INTEGER)');
    const cache = new ReadCache<number>(30_000);
    let computed = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = async () => {
      computed++;
      await gate;
      return count();
    };
    const first = cache.get(t.store, 'k', slow, 0);
    // On PostgreSQL a write in another database of the server moves the stamp too: then the
    // second read computes its own answer, which is right but not what this test looks at.
    const second = cache.get(t.store, 'k', slow, 10);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const shared = computed === 1;
    release();
    expect(await first).toBe(0);
    expect(await second).toBe(0);
    if (t.engine === 'sqlite') expect(shared).toBe(true);
    // Written while an answer is computed: a read after the write does not take it.
    let open!: () => void;
    const held = new Promise<void>((resolve) => (open = resolve));
    const before = computed;
    const stale = cache.get(t.store, 'j', async () => {
      computed++;
      const n = await count();
      await held;
      return n;
    }, 20);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await t.store.run('INSERT INTO t VALUES (1)');
    const fresh = cache.get(t.store, 'j', async () => (computed++, count()), 30);
    expect(await fresh).toBe(1);
    open();
    expect(await stale).toBe(0);
    expect(computed).toBe(before + 2);
  });

  it('does not answer a transaction that has written from the cache', async () => {
    await t.store.run('CREATE TABLE t (x INTEGER)');
    const cache = new ReadCache<number>(1_000);
    expect(await cache.get(t.store, 'k', count, 0)).toBe(0);
    await t.store.tx(async (tx) => {
      expect(await cache.get(tx, 'k', count, 10)).toBe(0);
      await tx.run('INSERT INTO t VALUES (1)');
      expect(await cache.get(tx, 'k', count, 20)).toBe(1);
    });
    expect(await cache.get(t.store, 'k', count, 30)).toBe(1);
  });
});
