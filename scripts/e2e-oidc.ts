/**
 * A real OpenID Connect provider for the e2e suite (panva's oidc-provider): in memory, on
 * http://localhost:--port, with one confidential client registered for --redirect-uri and the
 * accounts of e2e/support/oidc.ts. Its built-in development login and consent pages stand in for a
 * company's identity provider: any password is accepted for a known login.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import Provider, { type Account } from 'oidc-provider';
import { OIDC_ACCOUNTS, OIDC_CLIENT, type OidcTestAccount } from '@/e2e/support/oidc';
import { run, UsageError } from './cli';

const accounts = new Map<string, OidcTestAccount>(Object.values(OIDC_ACCOUNTS).map((a) => [a.login, a]));

run(async () => {
  const { values } = parseArgs({ options: { port: { type: 'string' }, 'redirect-uri': { type: 'string', multiple: true } } });
  const port = Number(values.port);
  const redirectUris = values['redirect-uri'] ?? [];
  if (!Number.isInteger(port) || port <= 0 || !redirectUris.length) throw new UsageError('usage: tsx scripts/e2e-oidc.ts --port N --redirect-uri URL [--redirect-uri URL …]');

  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(`http://localhost:${port}`, {
    clients: [{ client_id: OIDC_CLIENT.id, client_secret: OIDC_CLIENT.secret, redirect_uris: redirectUris, response_types: ['code'], grant_types: ['authorization_code'] }],
    jwks: { keys: [{ ...signingKey, kid: 'e2e', alg: 'RS256', use: 'sig' }] },
    // `role` and `groups` are sent with the profile, as many company providers do: Trellis must ignore them.
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'role', 'groups'] },
    async findAccount(_ctx, sub): Promise<Account | undefined> {
      const account = accounts.get(sub);
      return account && { accountId: sub, claims: async () => ({ sub, ...account.claims }) };
    },
    features: { devInteractions: { enabled: true } },
    pkce: { methods: ['S256'], required: () => true },
    // Over plain http a browser drops `SameSite=None` cookies (the default for the provider's session
    // cookie, which needs `Secure`): Lax keeps the provider's session between its login and consent pages.
    cookies: { keys: [randomBytes(32).toString('base64url')], long: { signed: true, sameSite: 'lax' }, short: { signed: true, sameSite: 'lax' } },
  });
  const server = provider.listen(port);
  console.log(`OpenID provider on http://localhost:${port} (client ${OIDC_CLIENT.id})`);
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
});
