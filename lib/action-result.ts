/** What every server action answers (built by lib/server/action.ts, read by forms with `useActionState`). */
export type ActionResult<T> =
  | { ok: true; data: T }
  | { ok: false; message: string; fieldErrors: Record<string, string[]>; values?: Record<string, string> };

/** The first error of a field, for the message under its input. */
export function fieldError<T>(state: ActionResult<T> | null, field: string): string | undefined {
  return state && !state.ok ? state.fieldErrors[field]?.[0] : undefined;
}

/** What the user had typed, so a refused form keeps it (React resets forms after an action). */
export function submittedValue<T>(state: ActionResult<T> | null, field: string, fallback = ''): string {
  return state && !state.ok ? (state.values?.[field] ?? fallback) : fallback;
}

/** The first error of every field, for forms that show one message per field. */
export function firstErrors<T>(state: ActionResult<T> | null): Record<string, string> {
  if (!state || state.ok) return {};
  return Object.fromEntries(Object.entries(state.fieldErrors).map(([field, messages]) => [field, messages[0]]));
}
