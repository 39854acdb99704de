'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { ROLES } from '@/lib/roles';
import { action } from '@/lib/server/action';
import { updateUser, upsertUser } from '@/lib/server/commands/users';

const role = z.enum(ROLES, { error: 'Pick a role' });

export const createUserAction = action(
  'admin',
  z.object({
    email: z.email('Enter an email address like name@example.com').max(300),
    name: z.string().trim().max(200).optional(),
    role,
    password: z.string().min(8, 'At least 8 characters').max(256),
  }),
  async (input, { db, user }) => {
    const created = await upsertUser(db, { email: input.email, role: input.role, password: input.password, name: input.name || null }, { actor: user.email, actorUserPk: user.pk });
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
