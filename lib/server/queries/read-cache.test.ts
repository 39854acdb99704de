import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '@/db/open';
import { createTempDb } from '@/lib/testing/temp-db';
import { ReadCache } from './read-cache';

let db: Db;
let file: string;
let cleanup: () => void;
beforeEach(() => {
  ({ db, file, cleanup } = createTempDb());
  db.$client.exec('CREATE TABLE t (x INTEGER)');
});
afterEach(() => cleanup());

describe('ReadCache', () => {
  const count = () => db.$client.prepare('SELECT count(*) FROM t').pluck().get() as number;

  it('answers from the cache until a write on this connection or another, or the time limit', () => {
    const cache = new ReadCache<number>(1_000);
    let computed = 0;
    const read = (now = 0) => cache.get(db, 'k', () => (computed++, count()), now);
    expect(read()).toBe(0);
    expect(read(10)).toBe(0);
    expect(computed).toBe(1);
    db.$client.prepare('INSERT INTO t VALUES (1)').run();
    expect(read(20)).toBe(1);
    expect(computed).toBe(2);
    const other = openDatabase(file);
    other.$client.prepare('INSERT INTO t VALUES (2)').run();
    other.$client.close();
    expect(read(30)).toBe(2);
    expect(read(40)).toBe(2);
    expect(computed).toBe(3);
    expect(read(2_000)).toBe(2);
    expect(computed).toBe(4);
  });
});
