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
 * The discovery document of an issuer (`https://login.example.com/realms/x` →
 * `…/realms/x/.well-known/openid-configuration`); an operator may also give the document's own URL.
 */
export function discoveryUrl(issuer: string): string {
  const base = issuer.trim().replace(/\/+$/, '');
  return base.endsWith('/.well-known/openid-configuration') ? base : `${base}/.well-known/openid-configuration`;
}

/**
 * An OpenID Connect provider, switched on when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET
 * are set; its endpoints and keys come from the issuer's discovery document. The callback URL to
 * register at the provider is `<NEXTAUTH_URL>/api/auth/callback/oidc`. Only people who already
 * have a Trellis user (same email, verified by the provider) may sign in through it, and the role
 * always comes from Trellis: claims such as `role` or `groups` are never read.
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
    wellKnown: discoveryUrl(issuer),
    clientId,
    clientSecret,
    // The ID token is checked (signature, issuer, audience, expiry, nonce); the code is bound to this browser by PKCE and state.
    idToken: true,
    checks: ['pkce', 'state', 'nonce'],
    authorization: { params: { scope: 'openid email profile' } },
    userinfo: {
      // A provider that follows OpenID Connect to the letter sends the claims of the `email` and
      // `profile` scopes from its UserInfo endpoint only, not in the ID token of a code flow: the
      // profile is the ID token's claims with the UserInfo answer over them (about the same subject).
      async request({ client, tokens }) {
        // With `idToken: true` next-auth passes the token set of a checked ID token (openid-client's TokenSet).
        const claims = (tokens as typeof tokens & { claims(): { sub: string } }).claims();
        if (!tokens.access_token || !client.issuer.metadata.userinfo_endpoint) return claims;
        const info = await client.userinfo(tokens.access_token);
        if (info.sub !== claims.sub) throw new Error('The UserInfo answer is about another subject than the ID token');
        return { ...claims, ...info };
      },
    },
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
      try {
        return await checkOidcSignIn(await getStore(), profile as OidcProfile | undefined);
      } catch (error) {
        // next-auth would put the message of an error thrown here in the address bar.
        console.error('OpenID Connect sign-in failed', error);
        return '/login?error=Unavailable';
      }
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
