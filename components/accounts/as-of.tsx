'use client';

import Link from 'next/link';
import { useEffect, useEffectEvent, useState } from 'react';
import { formatUtcDay } from '@/lib/format';

/** "2014-03-01" -> "1 Mar 2014" (the date is a UTC day; formatted without the local time zone). */
export function formatDay(day: string): string {
  return formatUtcDay(`${day}T00:00:00Z`);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * The date the accounts page stands at: today (the live scores) or an earlier day of the history.
 * Typing a date passes through other valid dates (a year typed digit by digit), so the URL follows
 * the field after a short pause, and only for plausible dates.
 */
export function AsOfPicker({ asOf, today, onChange }: { asOf: string | undefined; today: string; onChange: (asOf: string | undefined) => void }) {
  const [value, setValue] = useState(asOf ?? today);
  // The URL can change the date too (back button, a link): follow it when it does.
  const [urlValue, setUrlValue] = useState(asOf);
  if (asOf !== urlValue) {
    setUrlValue(asOf);
    setValue(asOf ?? today);
  }
  // The parent's callback changes identity on every render; the pause must not restart with it.
  const commit = useEffectEvent((next: string | undefined) => onChange(next));
  useEffect(() => {
    if (!/^(19[7-9]\d|2\d{3})-\d{2}-\d{2}$/.test(value) || value > today) return;
    const next = value < today ? value : undefined;
    if (next === asOf) return;
    const t = setTimeout(() => commit(next), 400);
    return () => clearTimeout(t);
  }, [value, asOf, today]);
  return (
    <div className="flex items-end gap-2">
      <div>
        <label htmlFor="as-of" className="block text-xs font-medium text-gray-700">As of</label>
        <input
          id="as-of"
          type="date"
          max={today}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          className="mt-1 block rounded-md border border-gray-300 bg-white px-2 py-1 text-sm tabular focus:border-accent focus:outline-none focus:ring-1 focus:ring-accent"
        />
      </div>
      {asOf ? (
        <button type="button" onClick={() => onChange(undefined)} className="rounded-md border border-gray-300 bg-white px-3 py-1.5 text-sm font-medium text-gray-800 hover:bg-gray-50">
          Today
        </button>
      ) : null}
    </div>
  );
}

/** Says where the numbers come from when the page stands at an earlier day. */
export function AsOfBanner({ asOf, onToday }: { asOf: string; onToday: () => void }) {
  return (
    <div role="status" data-testid="as-of-banner" className="rounded-md border border-accent/40 bg-blue-50 px-4 py-2 text-sm text-gray-900">
      <p>
        <span className="font-semibold">As of {formatDay(asOf)}</span> (end of that day, UTC): scores, bands and score changes come from the daily
        history; churn and overrides are as they stood then. Velocity and flags are not kept in the history, so they are left out here: open an
        account to see them computed for that day.{' '}
        <button type="button" onClick={onToday} className="font-medium text-accent-strong underline">Back to today</button>
      </p>
    </div>
  );
}

/** When the data stops well before today, every account looks quiet today: offer the last active day. */
export function StaleDataNotice({ latestActivity, today, href }: { latestActivity: string | null; today: string; href: string }) {
  if (!latestActivity) return null;
  const days = daysBetween(latestActivity, today);
  if (days < 7) return null;
  return (
    <div role="note" data-testid="stale-data" className="rounded-md border border-yellow-300 bg-band-yellow px-4 py-2 text-sm text-gray-900">
      The latest activity is on <span className="font-semibold tabular">{latestActivity}</span> ({days.toLocaleString('en-US')} days ago), so today&apos;s
      scores show every account as quiet. <Link href={href} className="font-medium underline">View the portfolio as of {formatDay(latestActivity)}</Link>
    </div>
  );
}
