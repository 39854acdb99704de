import 'server-only';
import type { z } from 'zod';
import { getDb } from '@/db/client';
import type { Db } from '@/db/open';
import type { Role } from '@/lib/roles';
import { AppError } from './errors';
import { requireApiRole, type CurrentUser } from './session';

export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; message: string; fieldErrors: Record<string, string> };

/**
 * Builds a server action. A server action is a public POST endpoint, so the session and role are
 * checked first, then the input is validated with the shared zod schema, then the command runs.
 * Works with `useActionState` (prev state, FormData) and with direct calls (an object).
 */
export function action<S extends z.ZodType, T>(
  minRole: Role,
  schema: S,
  run: (input: z.infer<S>, ctx: { db: Db; user: CurrentUser }) => T | Promise<T>,
) {
  return async (...args: unknown[]): Promise<ActionResult<Awaited<T>>> => {
    let user: CurrentUser;
    try {
      user = await requireApiRole(minRole);
    } catch (error) {
      return { ok: false, message: error instanceof AppError ? error.message : 'Not allowed', fieldErrors: {} };
    }
    const raw = args.length === 2 ? args[1] : args[0];
    const input = raw instanceof FormData ? Object.fromEntries(raw) : raw;
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      const fieldErrors: Record<string, string> = {};
      for (const issue of parsed.error.issues) fieldErrors[issue.path.join('.') || 'form'] ??= issue.message;
      return { ok: false, message: 'Please correct the highlighted fields', fieldErrors };
    }
    try {
      return { ok: true, data: await run(parsed.data, { db: getDb(), user }) };
    } catch (error) {
      if (error instanceof AppError) {
        return { ok: false, message: error.message, fieldErrors: Object.fromEntries(error.details.map((d) => [d.path, d.message])) };
      }
      console.error('Server action failed', error);
      return { ok: false, message: 'Something went wrong on our side; the error has been logged', fieldErrors: {} };
    }
  };
}
