import { redirect } from 'next/navigation';
import { landingPath } from '@/lib/roles';
import { getCurrentUser } from '@/lib/server/session';

/** `/` sends each user to their landing page (sign-in lands here unless it was sent elsewhere). */
export default async function Home() {
  const user = await getCurrentUser();
  redirect(user ? landingPath(user.role) : '/login');
}
