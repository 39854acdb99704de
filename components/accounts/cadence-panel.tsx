'use client';

import { useState } from 'react';
import type { AccountCadenceItem } from '@/lib/server/queries/cadence';
import { RelativeTime } from '@/components/ui/relative-time';
import { dayOf, DueLabel } from './due';

/** " (9 days ago)" after a date within the last 45 days (RelativeTime writes older ones as the date itself). */
function Recent({ iso }: { iso: string }) {
  const [now] = useState(() => Date.now());
  return now - Date.parse(iso) < 45 * 86_400_000 ? <> (<RelativeTime iso={iso} />)</> : null;
}

/** The touchpoints the account's tier calls for: how often, when last done and by what, when next due. */
export function CadencePanel({ items, tier }: { items: AccountCadenceItem[]; tier: string | null }) {
  if (!items.length) {
    return (
      <p className="text-sm text-gray-700">
        {tier ? `The ${tier} tier calls for no regular touchpoints.` : 'This account has no tier, so no touchpoint cadence applies.'}
      </p>
    );
  }
  const overdue = items.filter((i) => i.overdue).length;
  return (
    <>
      <p className="mb-2 text-sm text-gray-700" data-testid="cadence-summary">
        {overdue ? `${overdue} of ${items.length} touchpoints overdue.` : `On cadence: none of ${items.length} touchpoints overdue.`}
      </p>
      <ul className="divide-y divide-gray-100 text-sm">
        {items.map((item) => (
          <li key={item.key} className="py-2" data-testid={`cadence-${item.key}`}>
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <span>
                <span className="font-medium text-gray-900">{item.label}</span> <span className="text-gray-700">· {item.every}</span>
              </span>
              <DueLabel iso={item.dueAt} neverDone={item.lastAt === null} />
            </div>
            <p className="mt-0.5 text-xs text-gray-700">
              {item.lastAt ? (
                <>Last done {dayOf(item.lastAt)}<Recent iso={item.lastAt} />{item.lastTouchLabel ? <>: {item.lastTouchLabel}</> : null}</>
              ) : (
                'Never done yet'
              )}
            </p>
          </li>
        ))}
      </ul>
    </>
  );
}
