import type { Metadata } from 'next';
import { headers } from 'next/headers';
import Link from 'next/link';
import { PageHeader } from '@/components/ui/page-header';
import { curlExample } from '@/lib/api/curl';
import { API_ROUTES, type RouteDoc } from '@/lib/api/routes';
import { INGEST_LIMITS } from '@/lib/ingest/limits';
import { MAX_JSON_DEPTH } from '@/lib/ingest/json-depth';
import { MAX_PROPERTIES } from '@/lib/ingest/schemas';
import { rateLimitConfig } from '@/lib/server/rate-limit';
import { requirePageRole } from '@/lib/server/session';

export const metadata: Metadata = { title: 'API' };

const METHOD_STYLE: Record<RouteDoc['method'], string> = { get: 'bg-gray-100 text-gray-800', post: 'bg-blue-50 text-blue-900', put: 'bg-amber-50 text-amber-900', patch: 'bg-violet-50 text-violet-900' };
const GROUPS: RouteDoc['group'][] = ['Ingest', 'Segment', 'Read', 'Model', 'Catalogue', 'Experiments', 'Service'];
const mb = (bytes: number) => `${bytes / 1024 / 1024} MB`;

function Code({ children, label }: { children: string; label: string }) {
  return (
    <pre aria-label={label} tabIndex={0} className="overflow-x-auto rounded-md bg-gray-900 px-3 py-2 text-xs leading-relaxed text-gray-100"><code>{children}</code></pre>
  );
}

/** The descriptions use `backticks` for code (they are Markdown in the OpenAPI document). */
function Text({ children }: { children: string }) {
  return <>{children.split('`').map((part, i) => (i % 2 ? <code key={i} className="rounded bg-gray-100 px-1 text-xs">{part}</code> : part))}</>;
}

function Route({ route, base }: { route: RouteDoc; base: string }) {
  const anchor = route.id;
  return (
    <article id={anchor} aria-labelledby={`${anchor}-title`} className="scroll-mt-6 rounded-lg border border-gray-200 bg-white p-4">
      <h3 id={`${anchor}-title`} className="flex flex-wrap items-center gap-2 text-sm font-semibold text-gray-900">
        <span className={`rounded px-1.5 py-0.5 font-mono text-xs uppercase ${METHOD_STYLE[route.method]}`}>{route.method}</span>
        <span className="font-mono">{route.path}</span>
        <span className="rounded bg-gray-100 px-1.5 py-0.5 text-xs font-medium text-gray-700">{route.scope === 'none' ? 'no key' : `scope: ${route.scope}`}</span>
      </h3>
      <p className="mt-1 text-sm font-medium text-gray-800">{route.summary}</p>
      <p className="mt-1 text-sm text-gray-700"><Text>{route.description}</Text></p>
      {route.query?.length ? (
        <table className="mt-3 min-w-full text-sm">
          <caption className="sr-only">Query parameters of {route.method.toUpperCase()} {route.path}</caption>
          <thead><tr><th scope="col" className="pr-4 text-left text-xs font-semibold uppercase text-gray-600">Query</th><th scope="col" className="text-left text-xs font-semibold uppercase text-gray-600">Meaning</th></tr></thead>
          <tbody>{route.query.map((q) => <tr key={q.name}><td className="pr-4 align-top font-mono text-xs">{q.name}</td><td className="text-gray-700">{q.description}</td></tr>)}</tbody>
        </table>
      ) : null}
      {route.body ? <p className="mt-3 text-sm text-gray-700">Body: {route.body.description} (schema <span className="font-mono text-xs">{route.body.schema}</span> in the OpenAPI document).</p> : null}
      <div className="mt-3"><Code label={`curl example for ${route.method.toUpperCase()} ${route.path}`}>{curlExample(route, base)}</Code></div>
    </article>
  );
}

export default async function Page() {
  await requirePageRole('admin', '/admin/api');
  const h = await headers();
  const base = `${h.get('x-forwarded-proto') ?? 'http'}://${h.get('x-forwarded-host') ?? h.get('host') ?? 'localhost:3000'}`;
  const limit = rateLimitConfig();
  const segmentExample = `import { Analytics } from '@segment/analytics-node';

const analytics = new Analytics({
  writeKey: process.env.TRELLIS_KEY,      // an ingest API key
  host: '${base}',
  path: '/api/segment/v1/batch',
});
analytics.group({ userId: 'u-42', groupId: 'acme', traits: { name: 'Acme Inc', tier: 'growth', arr: 48000 } });
analytics.identify({ userId: 'u-42', traits: { name: 'Ada Lovelace', email: 'ada@acme.test', role: 'champion' } });
analytics.track({ userId: 'u-42', event: 'Meeting Completed', properties: { onTime: true } });
await analytics.closeAndFlush();`;
  const errorExample = `{ "error": { "code": "invalid", "message": "1 invalid item in the batch; nothing was written",
    "details": [{ "index": 3, "path": "occurredAt", "message": "must be an ISO 8601 date-time like 2026-03-01T09:30:00Z" }] } }`;
  return (
    <>
      <PageHeader title="API" description={<>Everything other systems need to send data to Trellis and read scores. The machine-readable version is the <a href={`${base}/api/v1/openapi.json`} className="text-accent-strong underline">OpenAPI 3.1 document</a>.</>} />
      <div className="grid gap-6 lg:grid-cols-[14rem_1fr]">
        <nav aria-label="API sections" className="text-sm lg:sticky lg:top-6 lg:self-start">
          <ul className="space-y-1">
            {['Basics', ...GROUPS].map((g) => <li key={g}><a href={`#${g.toLowerCase()}`} className="text-gray-700 hover:text-accent-strong hover:underline">{g}</a></li>)}
          </ul>
        </nav>
        <div className="min-w-0 space-y-8">
          <section id="basics" aria-labelledby="basics-title" className="scroll-mt-6 space-y-3 rounded-lg border border-gray-200 bg-white p-5 text-sm text-gray-700">
            <h2 id="basics-title" className="text-base font-semibold text-gray-900">Basics</h2>
            <dl className="grid gap-x-6 gap-y-2 sm:grid-cols-[10rem_1fr]">
              <dt className="font-medium text-gray-900">Base URL</dt><dd className="font-mono text-xs">{base}</dd>
              <dt className="font-medium text-gray-900">Authentication</dt>
              <dd>An API key in <code>Authorization: Bearer &lt;key&gt;</code>; Segment endpoints take an ingest key as the HTTP Basic user name. Create keys under <Link href="/admin/api-keys" className="text-accent-strong underline">API keys</Link>. Scopes: <em>ingest</em> sends data, <em>read</em> reads, <em>admin</em> does both and publishes models. 401: no key or a revoked one; 403: the scope does not allow the call.</dd>
              <dt className="font-medium text-gray-900">Rate limit</dt>
              <dd>Per key: {limit.burst} requests at once, then {limit.perSecond} per second. Over it: 429 with <code>Retry-After</code> (seconds). Every answer carries <code>X-RateLimit-Limit</code> and <code>X-RateLimit-Remaining</code>.</dd>
              <dt className="font-medium text-gray-900">Batches</dt>
              <dd>JSON arrays: accounts up to {INGEST_LIMITS.accounts.maxItems.toLocaleString('en')} ({mb(INGEST_LIMITS.accounts.maxBytes)}), contacts and outcomes up to {INGEST_LIMITS.contacts.maxItems.toLocaleString('en')} ({mb(INGEST_LIMITS.contacts.maxBytes)}), events up to {INGEST_LIMITS.events.maxItems.toLocaleString('en')} ({mb(INGEST_LIMITS.events.maxBytes)}); larger bodies get 413. A batch is atomic: one invalid item and nothing is written. Event ids make re-sending safe.</dd>
              <dt className="font-medium text-gray-900">Properties</dt>
              <dd>Event <code>properties</code> and account <code>attributes</code>: at most {MAX_PROPERTIES} per item, names of 1 to 100 characters (not <code>__proto__</code>), values a string (at most 2,000 characters), number, boolean or null, never nested. An event&rsquo;s <code>count</code> (1 to 1,000,000) weighs its numeric properties; it never multiplies the work. Bodies nest at most {MAX_JSON_DEPTH} levels. Each problem is a 400 naming the item and field.</dd>
              <dt className="font-medium text-gray-900">Times and numbers</dt><dd>ISO 8601 instants (<code>2026-03-01T09:30:00Z</code>) or dates; scores have one decimal; velocity is a fraction (-0.333 = -33.3%).</dd>
            </dl>
            <p>Errors look like this, naming every bad item by its index and field:</p>
            <Code label="Error example">{errorExample}</Code>
          </section>
          {GROUPS.map((group) => (
            <section key={group} id={group.toLowerCase()} aria-labelledby={`${group}-title`} className="scroll-mt-6 space-y-3">
              <h2 id={`${group}-title`} className="text-base font-semibold text-gray-900">{group}</h2>
              {group === 'Segment' ? (
                <div className="space-y-2 text-sm text-gray-700">
                  <p>Official Segment libraries send to Trellis unmodified: set <code>host</code> to this server, <code>path</code> to <code>/api/segment/v1/batch</code> and an ingest key as the write key. Map your event names to triggers under <Link href="/admin/triggers" className="text-accent-strong underline">Triggers</Link>; names that are not mapped are skipped and listed there.</p>
                  <Code label="Segment client example">{segmentExample}</Code>
                </div>
              ) : null}
              {API_ROUTES.filter((r) => r.group === group).map((r) => <Route key={r.id} route={r} base={base} />)}
            </section>
          ))}
        </div>
      </div>
    </>
  );
}
