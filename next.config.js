// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Loaded from node_modules at run time, never bundled: better-sqlite3 is a native addon,
  // graphile-worker loads its SQL migrations from its own folder; pino (its worker-thread
  // transports resolve files beside it) and prom-client are one copy per process for every bundle.
  serverExternalPackages: ['better-sqlite3', 'proper-lockfile', 'graphile-worker', 'pg', 'pino', 'prom-client'],
  poweredByHeader: false,
  // `npm run typecheck` checks the whole project (scripts and tests too) before the build.
  typescript: { ignoreBuildErrors: true },
  // forbidden() answers 403 with app/forbidden.tsx when a signed-in user lacks the role.
  experimental: { authInterrupts: true },
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
          { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
          { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
};

module.exports = nextConfig;
