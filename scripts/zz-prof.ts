import { openDatabase } from '@/db/open';
import { bandCounts, accountWhere } from '@/lib/server/queries/accounts';
import { liveSource, historySource } from '@/lib/server/queries/score-source';

const db = openDatabase(process.argv[2]);
function time(label: string, f: () => unknown, n = 15) {
  f();
  const xs: number[] = [];
  for (let i = 0; i < n; i++) { const t = performance.now(); f(); xs.push(performance.now() - t); }
  xs.sort((a, b) => a - b);
  console.log(label.padEnd(40), 'median', xs[n >> 1].toFixed(1), 'min', xs[0].toFixed(1));
}
for (const [name, src] of [['live', liveSource()], ['asof', historySource(20574, 30)]] as const) {
  const { sql, params } = accountWhere({}, { skipBand: true, source: src });
  const q = `SELECT coalesce(o.band, ${src.col.band}, 'no_data') AS band, count(*) AS accounts, coalesce(sum(a.arr), 0) AS arr FROM ${src.from} ${sql} GROUP BY 1`;
  console.log(db.$client.prepare(`EXPLAIN QUERY PLAN ${q}`).all(...src.params, ...params).map((r: any) => r.detail).join(' | '));
  time(`counts ${name}`, () => db.$client.prepare(q).all(...src.params, ...params));
}
time('bandCounts()', () => bandCounts(db, {}));
time('counts no override join', () => db.$client.prepare("SELECT coalesce(s.band,'no_data'), count(*), sum(a.arr) FROM accounts a LEFT JOIN scores s ON s.account_pk = a.pk WHERE a.churned_at IS NULL GROUP BY 1").all());
