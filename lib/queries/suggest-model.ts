/**
 * The model editor's "Suggest a model" in the browser: posts the request to
 * `/api/app/model/suggest` and reads its newline-delimited answer, telling `onProgress` how far
 * the server has come, and answers the suggested model or the refusal with its fields, as a
 * server action would.
 */
import type { ActionResult } from '@/lib/action-result';
import { dict } from '@/lib/dict';
import type { SuggestedModel, SuggestProgress } from '@/lib/server/queries/suggested-model';

interface ApiError {
  code?: string;
  message?: string;
  details?: { path?: string; message?: string }[];
}

type Line = { progress: number; message: string } | { result: SuggestedModel } | { error: ApiError };

function refused(error: ApiError | undefined, fallback: string): ActionResult<SuggestedModel> {
  const fieldErrors = dict<string[]>();
  for (const d of error?.details ?? []) {
    const key = !d.path || d.path === '(root)' ? '_form' : d.path;
    (fieldErrors[key] ??= []).push(d.message ?? 'is not valid');
  }
  return { ok: false, message: error?.message ?? fallback, fieldErrors };
}

export async function suggestModelWithProgress(input: Record<string, unknown>, onProgress: (progress: SuggestProgress) => void, signal?: AbortSignal): Promise<ActionResult<SuggestedModel>> {
  let response: Response;
  try {
    response = await fetch('/api/app/model/suggest', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input), signal });
  } catch {
    return refused(undefined, 'Trellis could not be reached. Check the connection and try again.');
  }
  if (!response.ok || !response.body) {
    const body = (await response.json().catch(() => null)) as { error?: ApiError } | null;
    return refused(body?.error, `The suggestion was refused (HTTP ${response.status}).`);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (value) pending += value;
      let end: number;
      while ((end = pending.indexOf('\n')) >= 0) {
        const line = JSON.parse(pending.slice(0, end)) as Line;
        pending = pending.slice(end + 1);
        if ('result' in line) return { ok: true, data: line.result };
        if ('error' in line) return refused(line.error, 'The suggestion failed.');
        onProgress({ fraction: line.progress, message: line.message });
      }
      if (done) break;
    }
  } catch {
    if (signal?.aborted) return refused(undefined, 'Stopped.');
    return refused(undefined, 'The connection was lost before the suggestion was ready. Try again.');
  }
  return refused(undefined, 'The connection was lost before the suggestion was ready. Try again.');
}
