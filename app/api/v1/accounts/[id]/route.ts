import { NextResponse } from 'next/server';
import { z } from 'zod';
import { apiRoute } from '@/lib/server/api';
import { accountDetailJson, cadenceJson, taskJson } from '@/lib/server/api-shapes';
import { AppError } from '@/lib/server/errors';
import { accountDetailOf } from '@/lib/server/queries/account-detail';
import { findAccountPk } from '@/lib/server/queries/accounts';
import { accountCadence } from '@/lib/server/queries/cadence';
import { experimentsOfAccount } from '@/lib/server/queries/experiments';
import { listTasks, MAX_TASKS_PAGE } from '@/lib/server/queries/tasks';
import { dictFrom } from '@/lib/dict';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

const querySchema = z.object({ asOf: z.iso.datetime({ offset: true, message: 'asOf must be an ISO 8601 instant, e.g. 2026-03-01T00:00:00Z' }).optional() }).strict();

export const GET = apiRoute<{ id: string }>('read', async ({ db, request }, { id }) => {
  const query = querySchema.parse(dictFrom(request.nextUrl.searchParams));
  const pk = await findAccountPk(db, decodeURIComponent(id));
  if (pk === null) throw new AppError('not_found', `No account with id "${id}"`);
  const now = Date.now();
  // The cadence and the open tasks are today's, whatever `asOf` says of the score.
  const [detail, cadence, tasks, experiments] = await Promise.all([
    accountDetailOf(db, pk, { asOf: query.asOf ? Date.parse(query.asOf) : undefined }),
    accountCadence(db, pk, now),
    listTasks(db, { accountPk: pk, state: 'open', now, limit: MAX_TASKS_PAGE }),
    experimentsOfAccount(db, pk, now),
  ]);
  return NextResponse.json({
    ...accountDetailJson(detail),
    cadence: cadence.map(cadenceJson),
    tasks: tasks.data.map(taskJson),
    experiments: experiments.map(({ id, key, name, state, arm, armLabel }) => ({ id, key, name, state, arm, armLabel })),
  });
});
