import { NextResponse } from 'next/server';
import { apiRoute, parseStrict, readJsonBody } from '@/lib/server/api';
import { taskJson } from '@/lib/server/api-shapes';
import { clientAddress } from '@/lib/server/client-address';
import { taskChangeSchema } from '@/lib/task-schemas';
import { updateTask } from '@/lib/server/commands/tasks';
import { AppError } from '@/lib/server/errors';
import { getTask } from '@/lib/server/queries/tasks';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

/** A task id is the number the tasks list answers; anything else names no task. */
function taskPk(id: string): number {
  if (!/^[1-9]\d{0,14}$/.test(id)) throw new AppError('not_found', `There is no task "${id.slice(0, 40)}"`);
  return Number(id);
}

/** Marks a task done, snoozes it, opens it again and/or adds a note; answers the task as it now is. */
export const PATCH = apiRoute<{ id: string }>('ingest', async ({ db, key, request }, { id }) => {
  const pk = taskPk(id);
  const change = parseStrict(taskChangeSchema, await readJsonBody(request, 16 * 1024, 'a JSON object, e.g. { "state": "done" }'));
  await updateTask(
    db,
    pk,
    { state: change.state, snoozeUntil: change.snoozeUntil === undefined ? undefined : Date.parse(change.snoozeUntil), note: change.note },
    { kind: 'key', name: key.name, ip: clientAddress(request.headers) },
  );
  const task = await getTask(db, pk);
  if (!task) throw new AppError('not_found', `There is no task ${pk}`);
  return NextResponse.json(taskJson(task));
});
