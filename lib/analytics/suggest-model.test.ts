import { describe, expect, it } from 'vitest';
import { Rng } from '@/db/seed/random';
import { DAY_MS, nonIncreasing, recencyBin, RECENCY_BEYOND, RECENCY_EDGES, suggestModel, triggerInputs, type ModelSample } from './suggest-model';

const T = Date.UTC(2026, 5, 1);
const day = (d: number) => T - d * DAY_MS;

describe('triggerInputs', () => {
  it('counts the window half-open, days distinctly, and the last event before the instant', () => {
    const buckets = [
      { t: day(0), n: 5 }, // at the instant: not before it
      { t: day(1), n: 2 },
      { t: day(1), n: 1 }, // the same day again (raw events): one active day
      { t: day(28), n: 4 }, // exactly at the window's start: in
      { t: day(29), n: 7 }, // before the window: only recency sees it
    ];
    expect(triggerInputs(buckets, T, 28)).toEqual({ n: 7, days: 2, since: 0 });
    expect(triggerInputs([{ t: day(40), n: 1 }], T, 28)).toEqual({ n: 0, days: 0, since: 39 });
    expect(triggerInputs([{ t: day(1) + 5 * 3_600_000, n: 1 }], T, 28).since).toBe(0);
    expect(triggerInputs([], T, 28)).toEqual({ n: 0, days: 0, since: null });
    expect(triggerInputs([{ t: day(3), n: 0 }], T, 28).since).toBeNull();
  });
});

describe('recencyBin', () => {
  it('puts each edge in its own bin and anything older, or never, in the baseline', () => {
    expect(RECENCY_EDGES.map((e) => recencyBin(e))).toEqual([0, 1, 2, 3]);
    expect(recencyBin(8)).toBe(1);
    expect(recencyBin(RECENCY_BEYOND)).toBe(RECENCY_EDGES.length);
    expect(recencyBin(null)).toBe(RECENCY_EDGES.length);
  });
});

describe('nonIncreasing', () => {
  it('pools adjacent violators by weight', () => {
    expect(nonIncreasing([3, 1, 2, 0], [1, 1, 1, 1])).toEqual([3, 1.5, 1.5, 0]);
    expect(nonIncreasing([1, 3], [3, 1])).toEqual([1.5, 1.5]);
    expect(nonIncreasing([4, 3, 2], [1, 1, 1])).toEqual([4, 3, 2]);
  });
});

/** Accounts whose logins protect (active days) and whose tickets raise the risk; a noise trigger. */
function portfolio(seed: number, n: number): ModelSample[] {
  const rng = new Rng(seed);
  const out: ModelSample[] = [];
  for (let i = 0; i < n; i++) {
    const loginDays = Math.floor(rng.next() * 21);
    const tickets = Math.floor(rng.next() * 6);
    const noise = Math.floor(rng.next() * 10);
    const since = loginDays > 0 ? Math.floor(rng.next() * 7) + 1 : rng.next() < 0.5 ? null : 40;
    const eta = 1 - 0.25 * loginDays + 0.5 * tickets;
    out.push({
      inputs: [
        { n: loginDays * 3, days: loginDays, since },
        { n: tickets, days: Math.min(tickets, 28), since: tickets ? 3 : null },
        { n: noise, days: Math.min(noise, 28), since: noise ? 2 : null },
      ],
      y: rng.next() < 1 / (1 + Math.exp(-eta)),
      group: i % 8,
    });
  }
  return out;
}
const TRIGGERS = [
  { key: 'login', label: 'Login' },
  { key: 'ticket.opened', label: 'Ticket opened' },
  { key: 'noise', label: 'Noise' },
];

describe('suggestModel', () => {
  it('rewards what protects, penalises what raises the risk, and ranks like the fit', async () => {
    const fit = await suggestModel(portfolio(1, 4000), TRIGGERS, 28);
    const measures = fit.dimensions.flatMap((d) => d.measures);
    const loginDays = measures.find((m) => m.key === 'login.days');
    expect(loginDays?.kind).toBe('active_days');
    expect(loginDays!.points!).toBeGreaterThan(0);
    expect(loginDays!.cap).toBeCloseTo(loginDays!.points! * 19, 1); // the 90th percentile of 1..20 days
    const tickets = measures.find((m) => m.key === 'ticket.opened.count');
    expect(tickets?.points).toBeLessThan(0);
    expect(tickets?.cap).toBeLessThan(0);
    expect(fit.dimensions.reduce((a, d) => a + d.weight, 0)).toBe(100);
    for (const d of fit.dimensions) expect(d.measures.some((m) => (m.kind === 'recency' ? Math.max(...m.tiers!.map((t) => t.points)) : m.cap!) > 0)).toBe(true);
    for (const m of measures) expect(m.key).toMatch(/^[a-z0-9][a-z0-9_.-]*$/);
    expect(fit.trainAuc).toBeGreaterThan(0.7);
    expect(fit.samples).toBe(4000);
  });

  it('gives recency tiers that never reward an older event more than a newer one', async () => {
    const fit = await suggestModel(portfolio(2, 3000), TRIGGERS, 28);
    for (const m of fit.dimensions.flatMap((d) => d.measures).filter((m) => m.kind === 'recency')) {
      const points = m.tiers!.map((t) => t.points);
      for (let i = 1; i < points.length; i++) expect(points[i]).toBeLessThanOrEqual(points[i - 1]!);
      expect(Math.min(...points)).toBe(0);
      expect(m.tiers!.map((t) => t.maxDays)).toEqual([...RECENCY_EDGES, RECENCY_BEYOND]);
    }
  });

  it('refuses samples with one outcome only', async () => {
    const samples = portfolio(3, 100).map((s) => ({ ...s, y: false }));
    await expect(suggestModel(samples, TRIGGERS, 28)).rejects.toThrow(/both outcomes/);
  });
});
