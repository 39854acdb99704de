import { readJsonBody, sessionRoute } from '@/lib/server/api';
import { AppError } from '@/lib/server/errors';
import { logger } from '@/lib/server/log';
import { parseSuggestRequest, suggestFullModel } from '@/lib/server/queries/suggested-model';

export const dynamic = 'force-dynamic';
export * from '@/lib/server/method-not-allowed';

/** The request was abandoned (the admin closed the panel or the page): the work stops. */
class Abandoned extends Error {}

/**
 * The model editor's "Suggest a model" (the same computation as POST /api/v1/model/suggest), as
 * newline-delimited JSON so the editor can show how far it has come: `{ "progress", "message" }`
 * lines while it reads and fits (a minute on a large portfolio), then one `{ "result" }` or
 * `{ "error": { code, message, details? } }` line, the API's error shape. A body that is not JSON,
 * or whose fields are wrong, is refused with a plain error answer before anything is streamed.
 */
export const POST = sessionRoute('admin', async ({ db, request }) => {
  // Refused fields answer at once, with the API's error (400 and the fields that are wrong).
  const body = parseSuggestRequest(await readJsonBody(request, 16 * 1024, 'a JSON object'));
  const encoder = new TextEncoder();
  let gone = false;
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (line: unknown) => {
        if (!gone) controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
      };
      try {
        const result = await suggestFullModel(db, body, Date.now(), ({ fraction, message }) => {
          if (gone || request.signal.aborted) throw new Abandoned();
          send({ progress: Math.round(fraction * 1000) / 1000, message });
        });
        send({ result });
      } catch (error) {
        if (error instanceof AppError) {
          send({ error: { code: error.code, message: error.message, ...(error.details.length ? { details: error.details } : {}) } });
        } else if (!(error instanceof Abandoned)) {
          logger.error({ err: error, path: request.nextUrl.pathname }, 'Suggesting a model failed');
          send({ error: { code: 'internal', message: 'Something went wrong on our side; the error has been logged' } });
        }
      }
      if (!gone) controller.close();
    },
    cancel() {
      gone = true;
    },
  });
  // X-Accel-Buffering: a reverse proxy (nginx) passes the lines on as they come.
  return new Response(stream, { headers: { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' } });
});
