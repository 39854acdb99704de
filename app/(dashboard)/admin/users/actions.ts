'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { oidcEnabled } from '@/lib/auth';
import { ROLES } from '@/lib/roles';
import { action } from '@/lib/server/action';
import { AppError } from '@/lib/server/errors';
import { updateUser, upsertUser } from '@/lib/server/commands/users';

const role = z.enum(ROLES, { error: 'Pick a role' });

export const createUserAction = action(
  'admin',
  z.object({
    email: z.email('Enter an email address like name@example.com').max(300),
    name: z.string().trim().max(200).optional(),
    role,
    // Empty: no password, for someone who signs in through single sign-on only.
    password: z.union([z.literal(''), z.string().min(8, 'At least 8 characters').max(256)]).optional(),
  }),
  async (input, { db, user }) => {
    const password = input.password || null;
    if (password === null && !oidcEnabled()) throw new AppError('invalid', 'Check the highlighted fields.', [{ path: 'password', message: 'At least 8 characters' }]);
    const created = await upsertUser(db, { email: input.email, role: input.role, password, name: input.name || null }, { actor: user.email, actorUserPk: user.pk });
    revalidatePath('/admin/users');
    return created;
  },
);

export const updateUserAction = action(
  'admin',
  z.object({ pk: z.coerce.number().int().positive(), role: role.optional(), disabled: z.boolean().optional() }),
  async (input, { db, user }) => {
    await updateUser(db, input, { email: user.email, pk: user.pk });
    revalidatePath('/admin/users');
  },
);
