'use client';

import { format, formatDistanceStrict } from 'date-fns';
import { useState } from 'react';

/** "3 days ago", with the exact date on hover and for assistive technology. */
export function RelativeTime({ iso }: { iso: string | null }) {
  const [now] = useState(() => Date.now());
  if (!iso) return <span className="text-gray-500">never</span>;
  const date = new Date(iso);
  const exact = format(date, 'yyyy-MM-dd HH:mm');
  const days = (now - date.getTime()) / 86_400_000;
  return (
    // The server and the browser may disagree by a minute about "now".
    <time dateTime={iso} title={exact} suppressHydrationWarning>
      {Math.abs(days) < 45 ? formatDistanceStrict(date, now, { addSuffix: true }) : format(date, 'd MMM yyyy')}
    </time>
  );
}
