import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { oidcEnabled } from '@/lib/auth';
import { safeCallbackPath } from '@/lib/safe-redirect';
import { getCurrentUser } from '@/lib/server/session';
import { LoginForm } from './login-form';

export const metadata: Metadata = { title: 'Sign in' };

const ERRORS: Record<string, string> = {
  NoTrellisUser: 'Single sign-on worked, but there is no Trellis user with that email. Ask an admin to add you.',
  EmailNotVerified: 'Your identity provider has not verified your email address, so it cannot be matched to a Trellis user.',
  OAuthSignin: 'Single sign-on could not start. Try again.',
  OAuthCallback: 'Single sign-on did not complete. Try again.',
  SessionRequired: 'Please sign in to continue.',
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackPath = safeCallbackPath(params.callbackUrl);
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
          <LoginForm callbackPath={callbackPath} oidc={oidcEnabled() ? (process.env.OIDC_NAME ?? 'Single sign-on') : null} initialError={errorKey ? (ERRORS[errorKey] ?? null) : null} />
        </div>
      </div>
    </main>
  );
}
