/** For server-action tests that fake the session: a real user row of a role, as the session would name it. */
import type { Role } from '@/lib/roles';
import type { Store } from '@/lib/server/store';

export interface ActionUser { pk: number; email: string; name: string | null; role: Role }

export async function insertActionUser(store: Store, role: Role): Promise<ActionUser> {
  const email = `${role}@example.com`;
  const pk = (await store.value<number>('INSERT INTO users (email, name, role) VALUES (?, ?, ?) RETURNING pk', [email, role, role]))!;
  return { pk, email, name: role, role };
}
