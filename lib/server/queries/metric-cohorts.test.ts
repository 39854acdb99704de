/** Metric cohorts read from the stored aggregates on both engines: a trigger and a measure that separate churn rank their deciles in order. */
import { beforeEach, expect, it } from 'vitest';
import { eventSchema } from '@/lib/ingest/schemas';
import { describeEngines } from '@/lib/testing/engines';
import { AppError } from '../errors';
import { prepareDatabase } from '../commands/catalogue';
import { ingestEvents } from '../commands/events';
import { metricCohortAnalysis } from './metric-cohorts';

const DAY = 86_400_000;
const AS_OF_DAY = Math.floor(Date.now() / DAY) - 120;
const AS_OF = AS_OF_DAY * DAY;
const ACCOUNTS = 100;

describeEngines('metric cohorts', (t) => {
  beforeEach(async () => {
    await prepareDatabase(t.store);
    const db = t.store;
    // Account i logs in i % 20 times in the 30 days before D; the fewer logins, the likelier it churns after D.
    const events = [];
    for (let i = 0; i < ACCOUNTS; i++) {
      const id = `M${String(i).padStart(3, '0')}`;
      events.push(eventSchema.parse({ id: `${id}-start`, accountId: id, type: 'email.exchanged', occurredAt: new Date(AS_OF - 200 * DAY).toISOString() }));
      for (let k = 0; k < i % 20; k++) events.push(eventSchema.parse({ id: `${id}-l${k}`, accountId: id, type: 'product.login', occurredAt: new Date(AS_OF - (1 + k) * DAY).toISOString() }));
    }
    await ingestEvents(db, events, { createAccounts: true });
    const pks = await db.all<{ pk: number; id: string }>('SELECT pk, id FROM accounts ORDER BY id');
    for (const { pk, id } of pks) {
      const logins = Number(id.slice(1)) % 20;
      await db.run('UPDATE accounts SET started_at = ? WHERE pk = ?', [AS_OF - 300 * DAY, pk]);
      // churn for the few-logins accounts, more often the fewer they have
      if (logins < 8 && Number(id.slice(1)) % 8 >= logins) await db.run("INSERT INTO outcomes (account_pk, type, occurred_at) VALUES (?, 'churned', ?)", [pk, AS_OF + 30 * DAY]);
    }
  });

  const asOf = new Date(AS_OF).toISOString().slice(0, 10);

  it('ranks a separating trigger’s deciles in order, with its AUC', async () => {
    const m = await metricCohortAnalysis(t.store, { trigger: 'product.login', asOf, horizonDays: 90 });
    expect(m.signal).toMatchObject({ kind: 'trigger', key: 'product.login' });
    expect(m.accounts).toBe(ACCOUNTS);
    expect(m.noValue).toBe(0);
    expect(m.deciles.reduce((a, d) => a + d.samples, 0)).toBe(ACCOUNTS);
    // the lowest counts first, churn falling decile by decile to none at the top
    expect(m.deciles[0]!.from).toBe(0);
    for (let i = 1; i < m.deciles.length; i++) {
      expect(m.deciles[i]!.from).toBeGreaterThan(m.deciles[i - 1]!.to);
      expect(m.deciles[i]!.observed).toBeLessThanOrEqual(m.deciles[i - 1]!.observed);
    }
    expect(m.deciles[0]!.observed).toBeGreaterThan(0.5);
    expect(m.deciles.at(-1)!.observed).toBe(0);
    expect(m.auc!).toBeGreaterThan(0.8);
    expect(m.direction).toBe('higher_stays');
    expect(m.options.triggers.map((o) => o.value)).toContain('product.login');
  });

  it('evaluates one measure of the live model with the engine: its points, ties kept together', async () => {
    // logins: 1 point per 5 logins, capped: values 0..3, fewer distinct values than deciles
    const m = await metricCohortAnalysis(t.store, { measure: 'frequency/logins', asOf, horizonDays: 90 });
    expect(m.signal).toMatchObject({ kind: 'measure', key: 'frequency/logins', unit: 'points' });
    expect(m.fewValues).toBe(true);
    expect(m.distinctValues).toBe(4);
    expect(m.deciles.map((d) => [d.from, d.to])).toEqual([[0, 0], [1, 1], [2, 2], [3, 3]]);
    expect(m.deciles[0]!.observed).toBeGreaterThan(m.deciles.at(-1)!.observed);
    expect(m.direction).toBe('higher_stays');
  });

  it('refuses an unknown measure or trigger, naming the field', async () => {
    await expect(metricCohortAnalysis(t.store, { measure: 'frequency/nothing', asOf, horizonDays: 90 })).rejects.toMatchObject({ details: [{ path: 'measure' }] });
    await expect(metricCohortAnalysis(t.store, { trigger: 'no.such', asOf, horizonDays: 90 })).rejects.toBeInstanceOf(AppError);
  });
});
