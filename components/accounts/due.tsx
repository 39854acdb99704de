'use client';

import { useState } from 'react';
import { formatDay } from './as-of';

const DAY_MS = 86_400_000;

/** "12 Mar 2026" for an ISO instant (UTC, as the rest of the page). */
export function dayOf(iso: string): string {
  return formatDay(iso.slice(0, 10));
}

/** Calendar days (UTC, as the day shown beside) from now to `iso`: 0 the same day, 1 tomorrow, -1 yesterday. */
function daysFrom(iso: string, now: number): number {
  return Math.floor(Date.parse(iso) / DAY_MS) - Math.floor(now / DAY_MS);
}

/**
 * When something is due, in words: "Overdue by 3 days" (a badge: said, not only coloured),
 * "Due today", "Due in 5 days", with the exact day beside it. Something never done is "Overdue:
 * never done" (its due day counts from the account's start, which can be years back).
 */
export function DueLabel({ iso, testId, neverDone = false }: { iso: string; testId?: string; neverDone?: boolean }) {
  const [now] = useState(() => Date.now());
  const past = Date.parse(iso) < now;
  const days = daysFrom(iso, now);
  if (past) {
    const late = -days;
    return (
      <span className="inline-flex flex-wrap items-baseline gap-1.5">
        <span data-testid={testId} suppressHydrationWarning className="rounded-full border border-red-300 bg-red-50 px-2 py-0.5 text-xs font-semibold text-red-800">
          {neverDone ? 'Overdue: never done' : late === 0 ? 'Overdue since today' : `Overdue by ${late} day${late === 1 ? '' : 's'}`}
        </span>
        <span className="text-xs text-gray-600">was due {dayOf(iso)}</span>
      </span>
    );
  }
  return (
    <span className="text-xs text-gray-700" data-testid={testId} suppressHydrationWarning>
      {days === 0 ? 'Due today' : `Due in ${days} day${days === 1 ? '' : 's'}`} · {dayOf(iso)}
    </span>
  );
}
