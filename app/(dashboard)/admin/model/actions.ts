'use server';

import { z } from 'zod';
import { action } from '@/lib/server/action';
import { discardDraft, saveDraft } from '@/lib/server/commands/model-drafts';
import { insertModelVersion } from '@/lib/server/commands/model';
import { startRecomputeJob } from '@/lib/server/commands/model-job';
import { AppError } from '@/lib/server/errors';
import { getModelVersion } from '@/lib/server/queries/model';
import { checkModel } from '@/lib/server/queries/model-check';
import { suggestWeights } from '@/lib/server/queries/suggested-weights';

const PATH = '/admin/model';
const modelText = z.string().min(1, 'the model is empty').max(1024 * 1024, 'the model is over 1 MB');
const note = z.string().trim().min(1, 'say what changed and why').max(500);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError('invalid', 'The model is not valid JSON', [{ path: 'model', message: (error as Error).message }]);
  }
}

/**
 * Saves the admin's draft as written (it may be invalid while being edited) and says what is wrong
 * with it, unknown trigger keys included.
 */
export const saveDraftAction = action('admin', z.object({ model: modelText, baseVersion: z.coerce.number().int().positive().nullable().optional() }), async ({ model, baseVersion }, { db, user }) => {
  const json = parseJson(model);
  await saveDraft(db, user.pk, baseVersion ?? null, json);
  const checked = await checkModel(db, json);
  return { savedAt: Date.now(), errors: checked.ok ? [] : checked.errors };
});

export const discardDraftAction = action('admin', z.object({}), async (_input, { db, user }) => {
  await discardDraft(db, user.pk);
  return { discarded: true };
}, { revalidate: PATH });

/**
 * Publishes the draft as a new version; scores and history are recomputed by a job the page polls.
 * Refused like `PUT /api/v1/model` (a trigger key not in the catalogue: its path as the field).
 */
export const publishAction = action('admin', z.object({ model: modelText, note }), async ({ model, note }, { db, user, ip }) => {
  const version = await insertModelVersion(db, { model: parseJson(model), note, author: user.email, actorUserPk: user.pk, ip });
  await discardDraft(db, user.pk);
  return { version, job: await startRecomputeJob(db, version, user.pk) };
}, { revalidate: PATH });

/** Restores an earlier version as a new one (rollbackOf set), recomputed like a publish. */
export const rollbackAction = action('admin', z.object({ version: z.coerce.number().int().positive(), note }), async ({ version, note }, { db, user, ip }) => {
  const earlier = await getModelVersion(db, version);
  if (!earlier) throw new AppError('not_found', `There is no version ${version}`, [{ path: 'version', message: 'no such version' }]);
  const restored = await insertModelVersion(db, { model: earlier.model, note, author: user.email, actorUserPk: user.pk, rollbackOf: version, ip });
  await discardDraft(db, user.pk);
  return { version: restored, job: await startRecomputeJob(db, restored, user.pk) };
}, { revalidate: PATH });

/** Weights fitted on earlier outcomes, for the editor to load as a draft (never published here). */
export const suggestWeightsAction = action('admin', z.object({}), async (_input, { db }) => suggestWeights(db));
