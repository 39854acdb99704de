/** The states of an alert, as they appear in the Alerts page's URL. */
export const ALERT_STATES = ['open', 'snoozed', 'acknowledged'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export function parseAlertState(value: string | null | undefined): AlertState {
  return (ALERT_STATES as readonly string[]).includes(value ?? '') ? (value as AlertState) : 'open';
}
