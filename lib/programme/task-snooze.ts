/** How long a task can be snoozed from the account page, in days (shared by the buttons and the action). */
export const TASK_SNOOZE_DAYS = [1, 3, 7] as const;
