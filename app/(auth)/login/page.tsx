import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { oidcEnabled } from '@/lib/auth';
import { safeCallbackPath } from '@/lib/safe-redirect';
import { getCurrentUser } from '@/lib/server/session';
import { LoginForm } from './login-form';

export const metadata: Metadata = { title: 'Sign in' };

/**
 * What the sign-in page says for each `error` next-auth or the OpenID Connect check sends back
 * (lib/server/commands/sign-in.ts); any other value gets the generic message. A Map: the key comes from the URL.
 */
const ERRORS = new Map<string, string>([
  ['NoTrellisUser', 'Single sign-on worked, but there is no Trellis user with that email. Ask an admin to add you.'],
  ['NoEmail', 'Your identity provider did not send an email address, so you cannot be matched to a Trellis user.'],
  ['EmailNotVerified', 'Your identity provider has not verified your email address, so it cannot be matched to a Trellis user.'],
  ['UserDisabled', 'Your Trellis user is disabled. Ask an admin to enable it.'],
  ['OAuthSignin', 'Single sign-on could not start. Try again, or ask an admin to check the single sign-on settings.'],
  ['Callback', 'Single sign-on did not complete (it was cancelled, or the identity provider refused it). Try again.'],
  ['OAuthCallback', 'Single sign-on did not complete: the identity provider’s answer could not be checked. Try again, or ask an admin to check the single sign-on settings.'],
  ['Unavailable', 'Sign-in is unavailable right now. Try again in a moment.'],
  ['AccessDenied', 'Sign-in was refused.'],
  ['Configuration', 'Sign-in is not configured correctly. Ask an admin.'],
  ['SessionRequired', 'Please sign in to continue.'],
]);
const GENERIC_ERROR = 'Sign-in failed. Try again.';

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  // Without a callback, `/` picks the landing page by role (a CSM's day, the accounts for others).
  const callbackPath = safeCallbackPath(params.callbackUrl, '/');
  if (await getCurrentUser()) redirect(callbackPath);
  const errorKey = typeof params.error === 'string' ? params.error : undefined;
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <p className="text-2xl font-semibold tracking-tight">Trellis</p>
          <p className="mt-1 text-sm text-gray-600">Customer engagement you can explain.</p>
        </div>
        <div className="rounded-lg border border-gray-200 bg-white p-6 shadow-sm">
          <h1 className="mb-4 text-lg font-semibold">Sign in</h1>
          <LoginForm callbackPath={callbackPath} oidc={oidcEnabled() ? (process.env.OIDC_NAME ?? 'Single sign-on') : null} initialError={errorKey ? (ERRORS.get(errorKey) ?? GENERIC_ERROR) : null} />
        </div>
      </div>
    </main>
  );
}
