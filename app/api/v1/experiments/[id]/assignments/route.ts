import { NextResponse } from 'next/server';
import { z } from 'zod';
import { dictFrom } from '@/lib/dict';
import { MAX_ASSIGNMENTS_PAGE } from '@/lib/experiments/definition';
import { apiRoute, parseStrict } from '@/lib/server/api';
import { findExperiment } from '@/lib/server/commands/experiments';
import { AppError } from '@/lib/server/errors';
import { listAssignments } from '@/lib/server/queries/experiments';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

const pageSize = `a whole number from 1 to ${MAX_ASSIGNMENTS_PAGE}`;
const querySchema = z.strictObject({
  arm: z.string().min(1).max(40, 'at most 40 characters').regex(/^[a-z0-9][a-z0-9_-]*$/, 'an arm key').optional(),
  limit: z.coerce.number({ error: pageSize }).int(pageSize).min(1, pageSize).max(MAX_ASSIGNMENTS_PAGE, pageSize).optional(),
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'not a cursor this list gave').optional(),
});

/** The experiment's accounts and their arms, in account order, a page at a time. */
export const GET = apiRoute<{ id: string }>('read', async ({ db, request }, { id }) => {
  const query = parseStrict(querySchema, dictFrom(request.nextUrl.searchParams));
  const experiment = await findExperiment(db, decodeURIComponent(id));
  if (!experiment) throw new AppError('not_found', `There is no experiment "${id.slice(0, 60)}"`);
  return NextResponse.json(await listAssignments(db, experiment.pk, query));
});
