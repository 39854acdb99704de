/** Activity summarised per window must score exactly like the day buckets it summarises. */
import { describe, expect, it } from 'vitest';
import { buildActivity, typesReadBy } from './activity';
import { DEFAULT_MODEL } from './default-model';
import { scoreAccount, type ScoreInput } from './engine';
import { activityDays, activityNeeds } from './needs';
import { ev, KINDS_MODEL, many, RANDOM_CONTACTS, RANDOM_FEATURES, randomEvents, rng, T } from './test-helpers';
import { DAY_MS } from './window';
import { WindowedActivityBuilder } from './windowed-activity';

describe('typesReadBy', () => {
  it('names every type that can change a result: dropping the others changes nothing', () => {
    const rand = rng(17);
    const flagged = new Set(typesReadBy(DEFAULT_MODEL, { flags: true }));
    const scored = new Set(typesReadBy(DEFAULT_MODEL));
    expect([...scored].sort()).toEqual(['email.exchanged', 'feature.used', 'meeting.held', 'outreach.replied', 'outreach.sent', 'product.login', 'support.interaction', 'training.attended']);
    expect([...flagged].filter((t) => !scored.has(t)).sort()).toEqual(['meeting.canceled', 'qbr.declined', 'qbr.no_show']);
    for (let i = 0; i < 100; i++) {
      const activity = buildActivity(randomEvents(rand), { resolution: 'day' });
      const only = (types: Set<string>) => ({ ...activity, types: activity.types.filter((b) => types.has(b.type)), features: activity.features.filter((b) => types.has(b.type)) });
      const input: ScoreInput = {
        model: DEFAULT_MODEL,
        profile: { id: 'a', tier: 'core', lifecycleStage: null, startedAt: null },
        contacts: RANDOM_CONTACTS,
        catalogue: RANDOM_FEATURES,
        activity,
        asOf: T,
      };
      expect(scoreAccount({ ...input, activity: only(flagged) })).toEqual(scoreAccount(input));
      expect(scoreAccount({ ...input, activity: only(scored), detail: 'score' })).toEqual(scoreAccount({ ...input, detail: 'score' }));
    }
  });
});

describe('WindowedActivityBuilder', () => {
  it('gives the full result of the day buckets for many random activities', () => {
    const rand = rng(42);
    let flags = 0;
    for (let i = 0; i < 300; i++) {
      const day = buildActivity(randomEvents(rand), { resolution: 'day' });
      // As of a day's end (live scores) and inside a day (an API asOf).
      const asOf = i % 4 === 0 ? T - 7 * 3_600_000 : T - (i % 3) * DAY_MS;
      const input: ScoreInput = {
        model: DEFAULT_MODEL,
        profile: { id: `a${i}`, tier: 'growth', lifecycleStage: null, startedAt: T - 100 * DAY_MS },
        contacts: RANDOM_CONTACTS,
        catalogue: RANDOM_FEATURES,
        activity: day,
        asOf,
      };
      const windowed = new WindowedActivityBuilder(asOf, DEFAULT_MODEL.windowDays).addActivity(day).build(day.firstActivityAt);
      const full = scoreAccount(input);
      expect(scoreAccount({ ...input, activity: windowed }), `activity ${i}`).toEqual(full);
      expect(windowed.types.length).toBeLessThanOrEqual(day.types.length);
      flags += full.flags.length;
    }
    expect(flags).toBeGreaterThan(50);
  });

  it('with a model of active days, recency and trend: the full result of the day buckets, from only the days activityDays names', () => {
    const rand = rng(7);
    const needs = activityNeeds(KINDS_MODEL);
    expect(needs).toEqual({
      dayTypes: ['meeting.held', 'outreach.sent', 'product.login'],
      recencyTypes: ['meeting.held', 'outreach.sent'],
      trendTypes: ['email.exchanged', 'product.login'],
      recencyDays: 100,
    });
    // Recency reaches 100 days back from the previous window's end: 131 days, more than three windows.
    expect(activityDays(KINDS_MODEL)).toBe(131);
    let seen = 0;
    for (let i = 0; i < 200; i++) {
      const events = randomEvents(rand);
      // meetings up to 140 days back, so that the 100-day recency tier is reached from beyond the windows
      if (i % 2) events.push({ type: 'meeting.held', occurredAt: T - Math.floor(rand() * 140) * DAY_MS - 3_600_000, properties: { onTime: rand() < 0.5 } });
      const day = buildActivity(events, { resolution: 'day' });
      const asOf = i % 4 === 0 ? T - 7 * 3_600_000 : T - (i % 3) * DAY_MS;
      // What a loader reads: the days [toDay - activityDays - 1, toDay), with the account's first activity of all time.
      const toDay = Math.ceil(asOf / DAY_MS);
      const from = (toDay - activityDays(KINDS_MODEL) - 1) * DAY_MS;
      const loaded = buildActivity(events.filter((e) => (e.occurredAt as number) >= from), { resolution: 'day' });
      const input: ScoreInput = {
        model: KINDS_MODEL,
        profile: { id: `a${i}`, tier: i % 3 ? 'strategic' : 'growth', lifecycleStage: null, startedAt: T - 100 * DAY_MS },
        contacts: RANDOM_CONTACTS,
        catalogue: RANDOM_FEATURES,
        activity: day,
        asOf,
      };
      const windowed = new WindowedActivityBuilder(asOf, KINDS_MODEL.windowDays, needs).addActivity(loaded).build(day.firstActivityAt);
      const full = scoreAccount(input);
      expect(scoreAccount({ ...input, activity: windowed }), `activity ${i}`).toEqual(full);
      const last = full.dimensions[4].measures[1];
      if (last.inputs.daysSince > 60 || (last.previous?.inputs.daysSince ?? 0) > 30) seen++;
    }
    expect(seen).toBeGreaterThan(20);
  });

  it('keeps the buckets of the types read day by day, with the last one before the windows for a recency', () => {
    const day = buildActivity(
      [ev('meeting.held', T - 120 * DAY_MS), ev('meeting.held', T - 100 * DAY_MS), ...many(3, 'meeting.held', T - 40 * DAY_MS), ev('meeting.held', T - 2 * DAY_MS), ev('product.login', T - 70 * DAY_MS), ev('product.login', T - 50 * DAY_MS), ev('product.login', T - 3 * DAY_MS)],
      { resolution: 'day' },
    );
    const w = new WindowedActivityBuilder(T, 30, { dayTypes: ['meeting.held'], recencyTypes: ['meeting.held'], trendTypes: ['product.login'] }).addActivity(day).build(day.firstActivityAt);
    expect(w.types.map((b) => [b.type, (T - b.t) / DAY_MS, b.n])).toEqual([
      ['meeting.held', 100, 1],
      ['product.login', 90, 1],
      ['product.login', 60, 1],
      ['meeting.held', 40, 3],
      ['product.login', 30, 1],
      ['meeting.held', 2, 1],
    ]);
  });

  it('keeps outreach per day, replies before both windows included', () => {
    const day = buildActivity(
      [ev('outreach.replied', T - 90 * DAY_MS), ...many(4, 'outreach.sent', T - 40 * DAY_MS), ev('outreach.sent', T - 2 * DAY_MS), ev('meeting.held', T - 3 * DAY_MS)],
      { resolution: 'day' },
    );
    const w = new WindowedActivityBuilder(T, 30).addActivity(day).build(day.firstActivityAt);
    expect(w.types.map((b) => [b.type, (T - b.t) / DAY_MS])).toEqual([
      ['outreach.replied', 90],
      ['outreach.sent', 40],
      ['meeting.held', 30],
      ['outreach.sent', 2],
    ]);
    const input = { model: DEFAULT_MODEL, profile: { id: 'a', tier: null, lifecycleStage: null, startedAt: null }, contacts: [], catalogue: [], asOf: T };
    expect(scoreAccount({ ...input, activity: w }).flags).toEqual(scoreAccount({ ...input, activity: day }).flags);
  });

  it('merges property statistics in day order and drops buckets outside both windows', () => {
    const day = buildActivity(
      [
        ev('nps.response', T - 70 * DAY_MS, { properties: { score: 5, sentiment: 0.5 } }),
        ev('nps.response', T - 5 * DAY_MS, { properties: { score: 10, sentiment: 0.1 } }),
        ev('nps.response', T - 4 * DAY_MS, { count: 2, properties: { score: 6, sentiment: 0.2 } }),
        ev('nps.response', T - 4 * DAY_MS, { properties: { score: 9, sentiment: 0.3 } }),
      ],
      { resolution: 'day' },
    );
    const [bucket, ...rest] = new WindowedActivityBuilder(T, 30).addActivity(day).build(day.firstActivityAt).types;
    expect(rest).toEqual([]);
    expect(bucket).toEqual({
      t: T - 30 * DAY_MS,
      type: 'nps.response',
      n: 4,
      props: { score: { t: 0, s: 10 + (12 + 9), c: 4, v: [10, 6, 9], w: [1, 2, 1] }, sentiment: { t: 0, s: 0.1 + (0.4 + 0.3), c: 4 } },
    });
  });
});
