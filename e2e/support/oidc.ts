/**
 * The OpenID Connect provider the e2e suite signs in through (scripts/e2e-oidc.ts, oidc-provider
 * on OIDC_PORT) and how the demo server is registered with it. The provider's own login form takes
 * an account's `login` and any password.
 */
export const OIDC_CLIENT = { id: 'trellis-e2e', secret: 'e2e-oidc-client-secret-not-for-production', name: 'Test IdP' } as const;

export interface OidcTestAccount {
  login: string;
  claims: { email: string; email_verified: boolean; name: string; role?: string; groups?: string[] };
}

export const OIDC_ACCOUNTS = {
  /** A Trellis CSM (the spec adds the user); the provider says admin in every way it can. */
  csm: { login: 'sso-csm', claims: { email: 'sso.csm@example.com', email_verified: true, name: 'Sam Sso', role: 'admin', groups: ['admin', 'trellis-admins'] } },
  /** A verified email no Trellis user has. */
  stranger: { login: 'stranger', claims: { email: 'stranger@example.com', email_verified: true, name: 'Stan Stranger' } },
  /** The demo admin's email, which the provider has not verified. */
  unverified: { login: 'unverified', claims: { email: 'admin@example.com', email_verified: false, name: 'Not Ada' } },
} satisfies Record<string, OidcTestAccount>;
