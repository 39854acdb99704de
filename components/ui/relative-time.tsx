'use client';

import { format, formatDistanceToNowStrict } from 'date-fns';

/** "3 days ago", with the exact date on hover and for assistive technology. */
export function RelativeTime({ iso }: { iso: string | null }) {
  if (!iso) return <span className="text-gray-500">never</span>;
  const date = new Date(iso);
  const exact = format(date, 'yyyy-MM-dd HH:mm');
  const days = (Date.now() - date.getTime()) / 86_400_000;
  return (
    <time dateTime={iso} title={exact}>
      {Math.abs(days) < 45 ? formatDistanceToNowStrict(date, { addSuffix: true }) : format(date, 'd MMM yyyy')}
    </time>
  );
}
