import 'server-only';
import type { NextAuthOptions, Session } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import type { OAuthConfig } from 'next-auth/providers/oauth';
import { getStore } from '@/db/client';
import type { Role } from '@/lib/roles';
import { sameSitePath } from '@/lib/safe-redirect';
import { clientAddress } from '@/lib/server/client-address';
import { authenticate, checkOidcSignIn, endSessions, sessionCurrent, SignInError } from '@/lib/server/commands/sign-in';
import { findUserByEmail, findUserByPk } from '@/lib/server/queries/users';

declare module 'next-auth' {
  interface Session {
    user: { id: number; email: string; name?: string | null; role: Role };
  }
  interface User {
    role?: Role;
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    uid?: number;
    role?: Role;
    /** the user's session version at sign-in; signing out increments the user's, ending this session */
    sv?: number;
  }
}

interface OidcProfile {
  sub: string;
  email?: string;
  email_verified?: boolean | string;
  name?: string;
}

/**
 * An OpenID Connect provider, switched on when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET
 * are set. Only people who already have a Trellis user (same email) may sign in through it, so the
 * role always comes from Trellis, never from the identity provider.
 */
function oidcProvider(): OAuthConfig<OidcProfile> | null {
  const issuer = process.env.OIDC_ISSUER;
  const clientId = process.env.OIDC_CLIENT_ID;
  const clientSecret = process.env.OIDC_CLIENT_SECRET;
  if (!issuer || !clientId || !clientSecret) return null;
  return {
    id: 'oidc',
    name: process.env.OIDC_NAME ?? 'Single sign-on',
    type: 'oauth',
    wellKnown: `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
    clientId,
    clientSecret,
    idToken: true,
    checks: ['pkce', 'state'],
    authorization: { params: { scope: 'openid email profile' } },
    profile(profile) {
      return { id: profile.sub, email: profile.email ?? null, name: profile.name ?? null };
    },
  };
}

export function oidcEnabled(): boolean {
  return oidcProvider() !== null;
}

/** The client address of a sign-in request (next-auth passes its headers as a plain object); see client-address.ts. */
function clientIp(headers: Record<string, unknown> | undefined): string | null {
  return clientAddress({ get: (name) => (typeof headers?.[name] === 'string' ? headers[name] : null) });
}

const oidc = oidcProvider();

export const authOptions: NextAuthOptions = {
  session: { strategy: 'jwt', maxAge: 8 * 60 * 60 },
  pages: { signIn: '/login', error: '/login' },
  providers: [
    CredentialsProvider({
      id: 'credentials',
      name: 'Email and password',
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      async authorize(credentials, req) {
        const email = String(credentials?.email ?? '');
        const password = String(credentials?.password ?? '');
        try {
          const user = await authenticate(await getStore(), email, password, clientIp(req?.headers));
          return { id: String(user.pk), email: user.email, name: user.name, role: user.role };
        } catch (error) {
          // next-auth passes the message of an Error thrown here back to the sign-in form.
          if (error instanceof SignInError) throw new Error(error.message);
          throw error;
        }
      },
    }),
    ...(oidc ? [oidc] : []),
  ],
  events: {
    async signOut({ token }) {
      if (typeof token?.uid === 'number') await endSessions(await getStore(), token.uid, token.email ?? 'anonymous');
    },
  },
  callbacks: {
    async signIn({ account, profile }) {
      if (account?.provider !== 'oidc') return true;
      return checkOidcSignIn(await getStore(), profile as OidcProfile | undefined);
    },
    /** Only paths on this site, whatever callbackUrl asked for (see safe-redirect.ts). */
    async redirect({ url, baseUrl }) {
      const path = url.startsWith(`${baseUrl}/`) ? url.slice(baseUrl.length) : url;
      return `${baseUrl}${sameSitePath(path) ?? '/'}`;
    },
    async jwt({ token, user, account }) {
      if (user && account) {
        const row = await findUserByEmail(await getStore(), user.email ?? '');
        if (row) {
          token.uid = row.pk;
          token.role = row.role;
          token.email = row.email;
          token.sv = row.sessionVersion;
        }
      }
      return token;
    },
    /** /api/auth/session: the user as the database knows them now; nothing for an ended session. */
    async session({ session, token }) {
      const row = typeof token.uid === 'number' ? await findUserByPk(await getStore(), token.uid) : undefined;
      if (!row || row.disabledAt || !sessionCurrent(row, token.sv)) return { expires: session.expires } as Session;
      session.user = { id: row.pk, email: row.email, name: row.name, role: row.role };
      return session;
    },
  },
};
