'use server';

import { z } from 'zod';
import { populationSchema } from '@/lib/experiments/definition';
import { action, type ActionContext } from '@/lib/server/action';
import { createExperiment, stopExperiment } from '@/lib/server/commands/experiments';
import { previewPopulation } from '@/lib/server/queries/experiments';

const PATH = '/experiments';
const actor = ({ user, ip }: ActionContext) => ({ actor: user.email, actorUserPk: user.pk, ip });

/** Defines an experiment (its population is assigned at once); answers its key and arm sizes. */
export const createExperimentAction = action(
  'manager',
  z.object({ definition: z.custom<object>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'Send the experiment to define') }),
  async ({ definition }, ctx) => createExperiment(ctx.db, definition, actor(ctx)),
  { revalidate: PATH },
);

/** How many accounts a population holds now (the form's preview). */
export const previewPopulationAction = action('manager', z.object({ population: populationSchema }), async ({ population }, { db }) => previewPopulation(db, population));

/** Ends an experiment now. */
export const stopExperimentAction = action(
  'manager',
  z.object({ key: z.string().trim().min(1, 'Name the experiment').max(60) }),
  async ({ key }, ctx) => {
    const stopped = await stopExperiment(ctx.db, key, actor(ctx));
    return { key: stopped.key };
  },
  { revalidate: PATH },
);
