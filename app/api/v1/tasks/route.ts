import { NextResponse } from 'next/server';
import { taskQuerySchema } from '@/lib/task-schemas';
import { apiRoute, parseStrict } from '@/lib/server/api';
import { taskJson } from '@/lib/server/api-shapes';
import { listTasks } from '@/lib/server/queries/tasks';
import { dictFrom } from '@/lib/dict';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

/** Tasks by due date (done ones: most recently done first), a page at a time; a snooze that has ended reads as open. */
export const GET = apiRoute('read', async ({ db, request }) => {
  const query = parseStrict(taskQuerySchema, dictFrom(request.nextUrl.searchParams));
  const page = await listTasks(db, query);
  return NextResponse.json({ data: page.data.map(taskJson), nextCursor: page.nextCursor });
});
