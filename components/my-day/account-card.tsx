'use client';

import Link from 'next/link';
import { useState } from 'react';
import { AlertActions } from '@/components/alerts/alert-actions';
import { BandBadge } from '@/components/ui/band-badge';
import { RelativeTime } from '@/components/ui/relative-time';
import { formatDue, formatScore } from '@/lib/format';
import type { MyDayEntry } from '@/lib/server/queries/my-day';
import { TaskActions, type Assignee } from '@/components/tasks/task-actions';

const SEVERITY_BORDER: Record<MyDayEntry['severity'], string> = {
  red: 'border-band-red-solid',
  overdueTask: 'border-band-orange-solid',
  overdueCadence: 'border-band-orange-solid',
  yellow: 'border-band-yellow-solid',
  task: 'border-gray-300',
  none: 'border-gray-300',
};

const exactDay = (iso: string) => new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });

function GroupHeading({ children }: { children: React.ReactNode }) {
  return <h4 className="text-xs font-semibold uppercase tracking-wide text-gray-600">{children}</h4>;
}

/** One account of the day: why it ranks where it does, then its alerts, tasks and overdue touchpoints. */
export function AccountCard({ entry, bands, showOwner, assignees }: { entry: MyDayEntry; bands: { key: string; label: string }[]; showOwner: boolean; assignees: Assignee[] | null }) {
  const [now] = useState(() => Date.now());
  const { account } = entry;
  const bandIndex = bands.findIndex((b) => b.key === account.band);
  const headingId = `day-${account.id}`;
  return (
    <article aria-labelledby={headingId} data-testid="day-account" className={`rounded-lg border-l-4 bg-white p-4 shadow-sm ${SEVERITY_BORDER[entry.severity]}`}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <h3 id={headingId} className="text-sm font-semibold text-gray-900">
            <span className="mr-2 tabular text-gray-600">{entry.rank}.</span>
            <Link href={`/accounts/${encodeURIComponent(account.id)}`} className="hover:underline">{account.name}</Link>
          </h3>
          <p className="mt-0.5 text-sm text-gray-800" data-testid="day-why">{entry.why}</p>
        </div>
        <div className="flex flex-wrap items-center gap-2 text-xs text-gray-700">
          {account.tier ? <span className="rounded bg-gray-100 px-1.5 py-0.5 capitalize">{account.tier}</span> : null}
          {account.band ? <BandBadge band={account.band} label={bands[bandIndex]?.label ?? account.band} rank={bandIndex < 0 ? undefined : bandIndex} /> : null}
          <span className="tabular">score {formatScore(account.score)}</span>
          {showOwner ? <span>{account.owner ?? 'no owner'}</span> : null}
        </div>
      </div>

      <div className="mt-3 space-y-3">
        {entry.alerts.length ? (
          <section aria-label={`Alerts on ${account.name}`} className="space-y-1.5">
            <GroupHeading>Alerts</GroupHeading>
            <ul className="space-y-2">
              {entry.alerts.map((a) => (
                <li key={a.pk} className="flex flex-wrap items-start justify-between gap-2">
                  <div className="min-w-0 text-sm">
                    <span className={`mr-2 rounded px-1.5 py-0.5 text-xs font-semibold ${a.severity === 'red' ? 'bg-band-red text-band-red-fg' : 'bg-band-yellow text-band-yellow-fg'}`}>
                      {a.severity === 'red' ? 'Red' : 'Yellow'}
                    </span>
                    <span className="font-medium text-gray-900">{a.title}</span>
                    <span className="text-xs text-gray-600"> · <RelativeTime iso={a.createdAt} /></span>
                    {a.evidence ? <p className="mt-0.5 text-xs text-gray-700">{a.evidence}</p> : null}
                  </div>
                  <AlertActions pk={a.pk} state="open" label={`${a.title} on ${account.name}`} />
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        {entry.tasks.length ? (
          <section aria-label={`Tasks on ${account.name}`} className="space-y-1.5">
            <GroupHeading>Tasks</GroupHeading>
            <ul className="space-y-2.5">
              {entry.tasks.map((t) => {
                const due = Date.parse(t.dueAt);
                const last = t.notes[t.notes.length - 1];
                return (
                  <li key={t.id} data-testid="day-task" className="flex flex-wrap items-start justify-between gap-2">
                    <div className="min-w-0 space-y-0.5">
                      <p className="text-sm">
                        <span className="font-medium text-gray-900">{t.title}</span>
                        <span className={`ml-2 text-xs ${due < now ? 'font-semibold text-red-800' : 'text-gray-600'}`} title={exactDay(t.dueAt)} suppressHydrationWarning>{formatDue(due, now)}</span>
                      </p>
                      <p className="text-xs text-gray-600">
                        {t.playbookName ? `${t.playbookName} · ` : 'Added by hand · '}
                        {t.reason ?? ''}
                        {showOwner || (t.owner && t.owner !== account.owner) ? ` · for ${t.owner ?? 'nobody'}` : ''}
                      </p>
                      {last ? (
                        <p className="text-xs text-gray-700">
                          Note{t.notes.length > 1 ? ` (latest of ${t.notes.length})` : ''}: “{last.body}” — {last.author ?? 'someone'}, <RelativeTime iso={last.at} />
                        </p>
                      ) : null}
                    </div>
                    <TaskActions pk={t.id} label={`${t.title} on ${account.name}`} owner={t.owner} assignees={assignees} />
                  </li>
                );
              })}
            </ul>
          </section>
        ) : null}

        {entry.cadence.length ? (
          <section aria-label={`Overdue touchpoints on ${account.name}`} className="space-y-1.5">
            <GroupHeading>Overdue touchpoints</GroupHeading>
            <ul className="space-y-1 text-sm">
              {entry.cadence.map((c) => (
                <li key={c.key}>
                  <span className="font-medium text-gray-900">{c.label}</span>
                  <span className="text-xs text-gray-700">
                    {' '}({c.every}) · <span className="font-semibold text-red-800">{c.lastAt === null ? 'never done' : c.daysOverdue === 0 ? 'due today' : `${c.daysOverdue} day${c.daysOverdue === 1 ? '' : 's'} overdue`}</span>
                    {c.lastAt ? <>{' '}· last done <RelativeTime iso={c.lastAt} /></> : null}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </div>
    </article>
  );
}
