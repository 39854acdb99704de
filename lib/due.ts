const DAY_MS = 86_400_000;

/** Calendar days (UTC, as the day shown beside) from now to `iso`: 0 the same day, 1 tomorrow, -1 yesterday. */
function daysFrom(iso: string, now: number): number {
  return Math.floor(Date.parse(iso) / DAY_MS) - Math.floor(now / DAY_MS);
}

/**
 * When something due at `iso` is, seen at `now`, in words: "Overdue by 3 days", "Overdue since
 * today", "Due today", "Due in 5 days" (calendar days, UTC). Something never done is "Overdue:
 * never done" (its due day counts from the account's start, which can be years back).
 */
export function dueWords(iso: string, now: number, neverDone = false): { overdue: boolean; words: string } {
  const days = daysFrom(iso, now);
  if (Date.parse(iso) < now) {
    const late = -days;
    return { overdue: true, words: neverDone ? 'Overdue: never done' : late === 0 ? 'Overdue since today' : `Overdue by ${late} day${late === 1 ? '' : 's'}` };
  }
  return { overdue: false, words: days === 0 ? 'Due today' : `Due in ${days} day${days === 1 ? '' : 's'}` };
}
