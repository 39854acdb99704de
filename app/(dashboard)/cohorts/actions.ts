'use server';

import { z } from 'zod';
import { action } from '@/lib/server/action';
import { refitRisk, setRiskHorizon } from '@/lib/server/commands/risk';
import { MAX_RISK_HORIZON, MIN_RISK_HORIZON } from '@/lib/server/queries/risk';

const horizonMessage = `A whole number of days from ${MIN_RISK_HORIZON} to ${MAX_RISK_HORIZON}`;

export const refitRiskAction = action('admin', z.object({}), async (_input, { db, user, ip }) => refitRisk(db, user, ip));

export const setRiskHorizonAction = action(
  'admin',
  z.object({
    horizonDays: z.coerce.number({ error: horizonMessage }).int(horizonMessage).min(MIN_RISK_HORIZON, horizonMessage).max(MAX_RISK_HORIZON, horizonMessage),
  }),
  async ({ horizonDays }, { db, user, ip }) => setRiskHorizon(db, horizonDays, user, ip),
);
