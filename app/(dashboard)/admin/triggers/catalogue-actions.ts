'use server';

import { catalogueKeySchema, createFeatureSchema, createTriggerSchema, renameTriggerSchema, updateFeatureSchema } from '@/lib/catalogue-schemas';
import { action, type ActionContext } from '@/lib/server/action';
import { createFeature, createTrigger, renameTrigger, setRetired, updateFeature } from '@/lib/server/commands/catalogue-admin';
import { startLiveRecomputeJob } from '@/lib/server/commands/model-job';

const PATH = '/admin/triggers';
const actor = ({ user, ip }: ActionContext) => ({ actor: user.email, actorUserPk: user.pk, ip });

/** Every catalogue action answers the key and, when scores are being recomputed, the job doing it. */
type Done = { key: string; job: number | null };

/** The adoption measure reads the feature catalogue: scores and history are recomputed after a change to it. */
function recompute(ctx: ActionContext): Promise<number> {
  return startLiveRecomputeJob(ctx.db, ctx.user.pk);
}

export const createTriggerAction = action('admin', createTriggerSchema, async (input, ctx): Promise<Done> => {
  await createTrigger(ctx.db, input, actor(ctx));
  return { key: input.key, job: null };
}, { revalidate: PATH });

export const renameTriggerAction = action('admin', renameTriggerSchema, async (input, ctx): Promise<Done> => {
  await renameTrigger(ctx.db, input, actor(ctx));
  return { key: input.key, job: null };
}, { revalidate: PATH });

export const retireTriggerAction = action('admin', catalogueKeySchema, async ({ key }, ctx): Promise<Done> => {
  await setRetired(ctx.db, 'trigger', key, true, actor(ctx));
  return { key, job: null };
}, { revalidate: PATH });

export const restoreTriggerAction = action('admin', catalogueKeySchema, async ({ key }, ctx): Promise<Done> => {
  await setRetired(ctx.db, 'trigger', key, false, actor(ctx));
  return { key, job: null };
}, { revalidate: PATH });

export const createFeatureAction = action('admin', createFeatureSchema, async (input, ctx): Promise<Done> => {
  await createFeature(ctx.db, input, actor(ctx));
  return { key: input.key, job: await recompute(ctx) };
}, { revalidate: PATH });

export const updateFeatureAction = action('admin', updateFeatureSchema, async (input, ctx): Promise<Done> => {
  const { tierChanged } = await updateFeature(ctx.db, input, actor(ctx));
  return { key: input.key, job: tierChanged ? await recompute(ctx) : null };
}, { revalidate: PATH });

export const retireFeatureAction = action('admin', catalogueKeySchema, async ({ key }, ctx): Promise<Done> => {
  await setRetired(ctx.db, 'feature', key, true, actor(ctx));
  return { key, job: await recompute(ctx) };
}, { revalidate: PATH });

export const restoreFeatureAction = action('admin', catalogueKeySchema, async ({ key }, ctx): Promise<Done> => {
  await setRetired(ctx.db, 'feature', key, false, actor(ctx));
  return { key, job: await recompute(ctx) };
}, { revalidate: PATH });
