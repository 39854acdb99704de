/**
 * A model may only read triggers of the catalogue: `PUT /api/v1/model` and
 * `POST /api/v1/model/preview` refuse one that names any other key, with the path of each, and
 * write nothing. Retired triggers are known history; event names mapped to triggers are not keys.
 */
import { beforeEach, expect, it, vi } from 'vitest';
import { DEFAULT_MODEL, type ModelInput } from '@/lib/scoring';
import { createApiKey } from '@/lib/server/commands/api-keys';
import { prepareDatabase } from '@/lib/server/commands/catalogue';
import { callRoute } from '@/lib/testing/api-route';
import { describeEngines } from '@/lib/testing/engines';

const state = vi.hoisted(() => ({ store: null as unknown }));
vi.mock('@/db/client', () => ({ getStore: async () => state.store }));

const model = await import('./route');
const preview = await import('./preview/route');
const triggers = await import('../triggers/route');
const aliases = await import('../trigger-aliases/route');

/** The default model with the first measure reading `event` and the response rate's denominator `denominator`. */
function reading(event: string | string[], denominator = 'outreach.sent'): ModelInput {
  const m = structuredClone(DEFAULT_MODEL) as ModelInput;
  Object.assign(m.dimensions[0]!.measures[0]!, { event });
  Object.assign(m.dimensions[1]!.measures[0]!, { denominator });
  return m;
}

describeEngines('models that read triggers outside the catalogue', (t) => {
  let admin = '';
  const versions = () => t.store.value<number>('SELECT count(*) FROM model_versions');
  const put = (body: unknown) => callRoute(model.PUT, { path: '/api/v1/model', method: 'PUT', body, key: admin });

  beforeEach(async () => {
    state.store = await prepareDatabase(t.store);
    admin = (await createApiKey(t.store, { name: 'Setup', scope: 'admin' }, { actor: 'cli' })).key;
  });

  it('are refused by PUT /api/v1/model with each unknown key by its path, and nothing is stored', async () => {
    const answer = await put({ model: reading(['meeting.held', 'meeting.hled', 'webinar.attended'], 'outreach.snt'), note: 'typos' });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain('not in the catalogue');
    expect(answer.body.error.details).toEqual([
      { path: 'dimensions[0].measures[0].event[1]', message: expect.stringContaining('no trigger "meeting.hled"') },
      { path: 'dimensions[0].measures[0].event[2]', message: expect.stringContaining('no trigger "webinar.attended"') },
      { path: 'dimensions[1].measures[0].denominator', message: expect.stringContaining('no trigger "outreach.snt"') },
    ]);
    expect(await versions()).toBe(1);
    expect(await t.store.value("SELECT count(*) FROM audit_log WHERE target_type = 'model'")).toBe(0);

    // Schema problems and unknown keys are listed together.
    const both = await put({ ...reading('nope'), windowDays: 0 });
    expect(both.body.error.details.map((d: { path: string }) => d.path)).toEqual(['windowDays', 'dimensions[0].measures[0].event']);

    // Once the catalogue has the trigger, the same model is published.
    expect((await callRoute(triggers.POST, { path: '/api/v1/triggers', body: [{ key: 'webinar.attended', label: 'Webinar' }], key: admin })).status).toBe(200);
    expect((await put(reading(['meeting.held', 'webinar.attended']))).status).toBe(200);
    expect(await versions()).toBe(2);
  });

  it('name the trigger an event name is mapped to, and accept retired triggers', async () => {
    await callRoute(aliases.POST, { path: '/api/v1/trigger-aliases', body: [{ name: 'Meeting Completed', trigger: 'meeting.held' }], key: admin });
    const mapped = await put(reading('Meeting Completed'));
    expect(mapped.status).toBe(400);
    expect(mapped.body.error.details).toEqual([{ path: 'dimensions[0].measures[0].event', message: expect.stringContaining('mapped to the trigger "meeting.held"') }]);

    await callRoute(triggers.POST, { path: '/api/v1/triggers', body: [{ key: 'old.signal', label: 'Old signal', retired: true }], key: admin });
    const retired = await put(reading('old.signal'));
    expect(retired.status).toBe(200);
    expect(retired.body.model.dimensions[0].measures[0].event).toBe('old.signal');
  });

  it('are refused by POST /api/v1/model/preview the same way', async () => {
    for (const body of [reading('meeting.hled'), { model: reading('meeting.hled'), horizonDays: 90 }]) {
      const answer = await callRoute(preview.POST, { path: '/api/v1/model/preview', body, key: admin });
      expect(answer.status).toBe(400);
      expect(answer.body.error.details).toEqual([{ path: 'dimensions[0].measures[0].event', message: expect.stringContaining('no trigger "meeting.hled"') }]);
    }
    expect((await callRoute(preview.POST, { path: '/api/v1/model/preview', body: DEFAULT_MODEL, key: admin })).status).toBe(200);
  });
});
