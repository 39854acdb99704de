/** Names of the early-warning flags, importable by client components without the engine. */
import type { FlagKey } from './types';

export const FLAG_LABELS: Record<FlagKey, string> = {
  unanswered_outreach: 'Unanswered outreach',
  canceled_meetings: 'Canceled meetings',
  qbr_declined: 'Business review declined',
  sponsor_silent: 'Executive sponsor silent',
  login_drop: 'Login drop',
  slow_responses: 'Slow responses',
  participation_drop: 'Participation drop',
  single_threaded: 'Single-threaded',
  tactical_only: 'Tactical meetings only',
  sentiment_drop: 'Sentiment drop',
};

export const RED_FLAGS: readonly FlagKey[] = ['unanswered_outreach', 'canceled_meetings', 'qbr_declined', 'sponsor_silent', 'login_drop'];
