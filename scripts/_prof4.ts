import { createTempDb } from '@/lib/testing/temp-db';
import { prepareDatabase } from '@/lib/server/commands/catalogue';
import { upsertAccounts } from '@/lib/server/commands/accounts';
import { ingestEvents } from '@/lib/server/commands/events';
import { processHistoryQueue } from '@/lib/server/commands/history-queue';
import { eventSchema } from '@/lib/ingest/schemas';
const { db, cleanup } = createTempDb();
prepareDatabase(db);
const N = 1000;
upsertAccounts(db, Array.from({ length: N }, (_, i) => ({ id: `A${i}`, name: `Acc ${i}`, tier: 'core', startedAt: Date.now() - 400 * 86400000 })));
const types = ['product.login', 'meeting.held', 'email.exchanged', 'support.interaction', 'feature.used'];
const now = Date.now();
let seq = 0;
function batch() {
  return Array.from({ length: 1000 }, () => ({ id: `e${seq++}`, accountId: `A${Math.floor(Math.random() * N)}`, type: types[seq % 5], occurredAt: new Date(now - Math.random() * 60 * 86400000).toISOString(), count: 1 + (seq % 3), properties: seq % 5 === 4 ? { feature: 'f1' } : undefined }));
}
const c = db.$client;
const origTx = db.transaction.bind(db);
let commitMs = 0;
for (let r = 0; r < 30; r++) {
  const items = batch().map((x) => eventSchema.parse(x));
  const t = performance.now();
  ingestEvents(db, items);
  const ti = performance.now() - t;
  const t2 = performance.now();
  const h = process.env.HQ ? processHistoryQueue(db) : 0;
  const th = performance.now() - t2;
  const wal = c.pragma('wal_checkpoint(PASSIVE)', { simple: false });
  if (r % 5 === 0) console.log(`batch ${r}: ingest ${ti.toFixed(0)} ms, history ${h} in ${th.toFixed(0)} ms`, JSON.stringify(wal));
}
cleanup();
