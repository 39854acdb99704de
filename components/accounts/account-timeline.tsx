'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { RelativeTime } from '@/components/ui/relative-time';
import { MEETING_ATTRIBUTES } from '@/lib/programme/touchpoints';
import { accountTimelineQueryOptions } from '@/lib/queries/account';
import type { TimelineEvent, TimelinePage } from '@/lib/server/queries/timeline';
import { SERVER_ROWS, useHydrated } from '@/lib/use-hydrated';

const ATTRIBUTES = new Map<string, string>(MEETING_ATTRIBUTES.map((a) => [a.key, a.label]));
/** Properties shown in words rather than listed as `key: value`. */
const SHOWN_APART = new Set(['text', 'loggedBy', 'loggedByName', 'channel', 'minutes', ...ATTRIBUTES.keys()]);

function EventLine({ e }: { e: TimelineEvent }) {
  const p = e.properties ?? {};
  const by = typeof p.loggedByName === 'string' ? p.loggedByName : typeof p.loggedBy === 'string' ? p.loggedBy : null;
  const qualities = [...ATTRIBUTES].filter(([key]) => p[key] === true).map(([, label]) => label);
  const rest = Object.entries(p).filter(([k]) => !SHOWN_APART.has(k));
  const note = typeof p.text === 'string' ? p.text : null;
  return (
    <li className="py-1.5" data-testid="timeline-event">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <span>
          <span className="font-medium" title={e.type}>{e.label}</span>
          {typeof p.channel === 'string' ? <span className="text-gray-700"> ({p.channel})</span> : null}
          {e.count > 1 ? <span className="tabular"> ×{e.count}</span> : null}
          {e.contact ? <span className="text-gray-700"> · with {e.contact}</span> : null}
          {by ? <span className="text-gray-700"> · logged by {by}</span> : null}
          {typeof p.minutes === 'number' ? <span className="text-gray-700"> · {p.minutes} min</span> : null}
          {qualities.length ? <span className="text-gray-600"> · {qualities.join(', ')}</span> : null}
          {rest.length ? <span className="text-gray-600"> · {rest.map(([k, v]) => `${k}: ${String(v)}`).join(', ')}</span> : null}
        </span>
        <span className="text-gray-600"><RelativeTime iso={e.occurredAt} /></span>
      </div>
      {note ? <p className="mt-0.5 whitespace-pre-line border-l-2 border-gray-200 pl-2 text-gray-800">{note}</p> : null}
    </li>
  );
}

/**
 * The account's events, 25 a page (Older / Newer), filtered by trigger and searched in notes.
 * The first unfiltered page comes with the account (refreshed with it); the others are asked for.
 */
export function AccountTimeline({ accountId, asOf, first, triggers }: { accountId: string; asOf: string; first: TimelinePage; triggers: { key: string; label: string }[] }) {
  const [types, setTypes] = useState('');
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  // The cursors of the pages before the one shown: Newer goes back one.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1] ?? '';
  const own = !!(types || q || cursor);
  const { data, isFetching, error } = useQuery({ ...accountTimelineQueryOptions(accountId, { types, q, cursor, asOf }), enabled: own, placeholderData: keepPreviousData });
  const hydrated = useHydrated();

  useEffect(() => {
    const trimmed = search.trim();
    if (trimmed === q) return;
    const t = setTimeout(() => {
      setQ(trimmed);
      setCursors([]);
    }, 300);
    return () => clearTimeout(t);
  }, [search, q]);

  const page = own ? data : first;
  const events = page?.data ?? [];
  const pageNumber = cursors.length + 1;
  return (
    <div>
      <div className="mb-3 flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="timeline-type" className="block text-xs font-medium text-gray-700">Show</label>
          <select id="timeline-type" value={types} onChange={(e) => { setTypes(e.target.value); setCursors([]); }} className="mt-1 rounded-md border border-gray-300 bg-white px-2 py-1.5 text-sm">
            <option value="">All events</option>
            {triggers.map((t) => <option key={t.key} value={t.key}>{t.label}</option>)}
          </select>
        </div>
        <div className="min-w-56 flex-1">
          <label htmlFor="timeline-search" className="block text-xs font-medium text-gray-700">Search notes</label>
          <input id="timeline-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} maxLength={200} placeholder="Words in a note"
            className="mt-1 block w-full rounded-md border border-gray-300 px-2 py-1.5 text-sm focus:border-accent focus:outline-none focus:ring-1 focus:ring-accent" />
        </div>
      </div>
      {error ? (
        <p role="alert" className="text-sm text-red-800">{(error as Error).message}</p>
      ) : own && !data ? (
        <p role="status" className="text-sm text-gray-700">Loading events…</p>
      ) : events.length === 0 ? (
        <p className="text-sm text-gray-700">
          {q ? `No notes contain “${q}”${types ? ' among these events' : ''}.` : types ? 'No events of this kind.' : 'Nothing recorded yet.'}
        </p>
      ) : (
        <ol className="divide-y divide-gray-100 text-sm" aria-label="Events, newest first" aria-busy={isFetching && own}>
          {(hydrated ? events : events.slice(0, SERVER_ROWS)).map((e, i) => <EventLine key={e.id ?? `${e.occurredAt}-${i}`} e={e} />)}
        </ol>
      )}
      {cursors.length || page?.nextCursor ? (
        <nav aria-label="Timeline pages" className="mt-3 flex items-center justify-between text-sm">
          <button type="button" disabled={!cursors.length} onClick={() => setCursors((c) => c.slice(0, -1))}
            className="rounded-md border border-gray-300 bg-white px-3 py-1 font-medium text-gray-800 hover:bg-gray-50 disabled:opacity-50">
            ← Newer
          </button>
          <span className="text-gray-700">Page {pageNumber}</span>
          <button type="button" disabled={!page?.nextCursor} onClick={() => page?.nextCursor && setCursors((c) => [...c, page.nextCursor!])}
            className="rounded-md border border-gray-300 bg-white px-3 py-1 font-medium text-gray-800 hover:bg-gray-50 disabled:opacity-50">
            Older →
          </button>
        </nav>
      ) : null}
    </div>
  );
}
