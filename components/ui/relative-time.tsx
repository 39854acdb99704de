'use client';

import { formatDistanceStrict } from 'date-fns';
import { useState } from 'react';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

// Local time, as date-fns' `yyyy-MM-dd HH:mm` and `d MMM yyyy` write it, without parsing a
// format string for every date of a page.
const exactTime = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
const dayMonthYear = (d: Date) => `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}`;

/** "3 days ago", with the exact date on hover and for assistive technology. */
export function RelativeTime({ iso }: { iso: string | null }) {
  const [now] = useState(() => Date.now());
  if (!iso) return <span className="text-gray-500">never</span>;
  const date = new Date(iso);
  const days = (now - date.getTime()) / 86_400_000;
  return (
    // The server and the browser may disagree by a minute about "now".
    <time dateTime={iso} title={exactTime(date)} suppressHydrationWarning>
      {Math.abs(days) < 45 ? formatDistanceStrict(date, now, { addSuffix: true }) : dayMonthYear(date)}
    </time>
  );
}
