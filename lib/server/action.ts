/**
 * The one way server actions are built. A server action is a public POST endpoint, so the
 * wrapper checks the session and the role before anything else, then validates the input with a
 * zod schema, runs the command and answers `{ ok: true, data } | { ok: false, message,
 * fieldErrors }`. It is called by forms through `useActionState` (previous state, FormData) or
 * directly from client code with one object of fields. Errors of the command (AppError) become the message and
 * field errors; anything else is logged and answered without details.
 */
import 'server-only';
import { revalidatePath } from 'next/cache';
import { headers } from 'next/headers';
import type { z } from 'zod';
import { getStore } from '@/db/client';
import type { ActionResult } from '@/lib/action-result';
import { hasRole, type Role } from '@/lib/roles';
import { REQUEST_ID_HEADER } from '@/lib/request-id';
import { clientAddress } from './client-address';
import { AppError } from './errors';
import { logger } from './log';
import { getCurrentUser, type CurrentUser } from './session';
import type { Store } from '@/lib/server/store';
import { dict } from '@/lib/dict';

export interface ActionContext {
  db: Store;
  user: CurrentUser;
  /** the client's address, for the audit log */
  ip: string | null;
}

/** Form fields as an object; a field sent several times becomes an array. Next's own fields are left out. */
export function formDataToObject(form: FormData): Record<string, unknown> {
  const out = dict<unknown>();
  for (const [key, value] of form.entries()) {
    if (key.startsWith('$ACTION')) continue;
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else out[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

function fieldErrorsOf(issues: { path: PropertyKey[]; message: string }[]): Record<string, string[]> {
  const out = dict<string[]>();
  for (const issue of issues) {
    const key = issue.path.map(String).join('.') || '_form';
    (out[key] ??= []).push(issue.message);
  }
  // A plain object again: React serialises only plain objects into what an action answers.
  return Object.fromEntries(Object.entries(out));
}

/** The client address for the audit log, as TRUST_PROXY says to read it (see client-address.ts). */
async function clientIp(): Promise<string | null> {
  return clientAddress(await headers());
}

export function action<S extends z.ZodType, T>(
  minRole: Role,
  schema: S,
  run: (input: z.infer<S>, ctx: ActionContext) => T | Promise<T>,
  options: { revalidate?: string } = {},
) {
  return async (first: ActionResult<T> | Record<string, unknown> | null, form?: FormData): Promise<ActionResult<T>> => {
    const user = await getCurrentUser();
    if (!user) return { ok: false, message: 'Your session has ended. Sign in again.', fieldErrors: {} };
    if (!hasRole(user.role, minRole)) return { ok: false, message: 'Your role does not allow this.', fieldErrors: {} };
    const raw = form instanceof FormData ? formDataToObject(form) : ((first ?? {}) as Record<string, unknown>);
    const values = Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return { ok: false, message: 'Check the highlighted fields.', fieldErrors: fieldErrorsOf(parsed.error.issues), values };
    try {
      const data = await run(parsed.data, { db: await getStore(), user, ip: await clientIp() });
      if (options.revalidate) revalidatePath(options.revalidate);
      return { ok: true, data };
    } catch (error) {
      if (error instanceof AppError) {
        return { ok: false, message: error.message, fieldErrors: fieldErrorsOf(error.details.map((d) => ({ path: d.path === '(root)' ? [] : [d.path], message: d.message }))), values };
      }
      logger.error({ err: error, reqId: (await headers()).get(REQUEST_ID_HEADER), user: user.email }, 'Server action failed');
      return { ok: false, message: 'Something went wrong on our side; the error has been logged. Try again.', fieldErrors: {}, values };
    }
  };
}
