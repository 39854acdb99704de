'use client';

import { useState } from 'react';
import { dueWords } from '@/lib/due';
import { formatDay } from './as-of';

/** "12 Mar 2026" for an ISO instant (UTC, as the rest of the page). */
export function dayOf(iso: string): string {
  return formatDay(iso.slice(0, 10));
}

/** `dueWords` with the exact day beside it; overdue is a badge (said, not only coloured). */
export function DueLabel({ iso, testId, neverDone = false }: { iso: string; testId?: string; neverDone?: boolean }) {
  const [now] = useState(() => Date.now());
  const { overdue, words } = dueWords(iso, now, neverDone);
  if (overdue) {
    return (
      <span className="inline-flex flex-wrap items-baseline gap-1.5">
        <span data-testid={testId} suppressHydrationWarning className="rounded-full border border-red-300 bg-red-50 px-2 py-0.5 text-xs font-semibold text-red-800">
          {words}
        </span>
        <span className="text-xs text-gray-600">was due {dayOf(iso)}</span>
      </span>
    );
  }
  return (
    <span className="text-xs text-gray-700" data-testid={testId} suppressHydrationWarning>
      {words} · {dayOf(iso)}
    </span>
  );
}
