/**
 * The route template a request path was answered by (`/api/v1/accounts/[id]`, `/accounts/[id]`),
 * for metrics and logs: a label from a fixed set, never the raw path (ids would give every account
 * its own time series). The templates come from the build's routes manifest
 * (`.next/routes-manifest.json`: the pages and route handlers Next matches requests against, with
 * their patterns, in the order it tries them; a development server's lists none, so there they
 * are read from the app folder), plus the files of `public/` and Next's own assets. A path that
 * matches none of them is `(unmatched)`.
 */
import fs from 'node:fs';
import path from 'node:path';

// The files read here (the build's manifest, app/ and public/) are found at run time:
// `turbopackIgnore` keeps the build from tracing every file of the project into its output.

export const UNMATCHED = '(unmatched)';

interface RoutesManifest {
  staticRoutes?: { page: string }[];
  dynamicRoutes?: { page: string; regex: string }[];
}

export interface RouteTable {
  exact: Set<string>;
  dynamic: { page: string; regex: RegExp }[];
}

export function routeTable(manifest: RoutesManifest, publicFiles: Iterable<string> = []): RouteTable {
  return {
    exact: new Set([...(manifest.staticRoutes ?? []).map((r) => r.page), ...publicFiles]),
    dynamic: (manifest.dynamicRoutes ?? []).flatMap((r) => {
      try {
        return [{ page: r.page, regex: new RegExp(r.regex) }];
      } catch {
        return [];
      }
    }),
  };
}

/** The paths of the files in `dir` (`/favicon.ico`, `/icons/a.png`), at most `limit` of them. */
function publicFiles(dir: string, limit = 1_000): string[] {
  const found: string[] = [];
  const walk = (sub: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(/*turbopackIgnore: true*/ path.join(dir, sub), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (found.length >= limit) return;
      const rel = `${sub}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else found.push(rel);
    }
  };
  walk('');
  return found;
}

/** The routes of the app folder, as `next build` would list them: pages and route handlers, with their patterns. */
export function appRoutes(appDir: string): Required<RoutesManifest> {
  const routes: { page: string; kinds: number[]; regex: string }[] = [];
  const walk = (dir: string, page: string[], kinds: number[], pattern: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(/*turbopackIgnore: true*/ dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.isFile() && /^(page|route)\.(tsx?|jsx?)$/.test(e.name))) {
      routes.push({ page: `/${page.join('/')}`, kinds, regex: `^${pattern || '/'}${pattern ? '(?:/)?' : ''}$` });
    }
    for (const e of entries) {
      // Private folders (_x) and parallel-route slots (@x) are no segments of a URL; groups ((x)) add none.
      if (!e.isDirectory() || e.name.startsWith('_') || e.name.startsWith('@')) continue;
      const sub = path.join(dir, e.name);
      const name = e.name;
      if (/^\(.*\)$/.test(name)) walk(sub, page, kinds, pattern);
      else if (/^\[\[\.\.\..+\]\]$/.test(name)) walk(sub, [...page, name], [...kinds, 3], `${pattern}(?:/(.+?))?`);
      else if (/^\[\.\.\..+\]$/.test(name)) walk(sub, [...page, name], [...kinds, 2], `${pattern}/(.+?)`);
      else if (/^\[.+\]$/.test(name)) walk(sub, [...page, name], [...kinds, 1], `${pattern}/([^/]+?)`);
      else walk(sub, [...page, name], [...kinds, 0], `${pattern}/${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
    }
  };
  walk(appDir, [], [], '');
  // Next tries the more specific first: at the first segment where two routes differ, static before
  // dynamic, before catch-all, before optional catch-all.
  const order = (a: number[], b: number[]) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  };
  const isStatic = (r: { kinds: number[] }) => r.kinds.every((k) => k === 0);
  return {
    staticRoutes: routes.filter(isStatic).map((r) => ({ page: r.page })),
    dynamicRoutes: routes.filter((r) => !isStatic(r)).sort((a, b) => order(a.kinds, b.kinds)).map((r) => ({ page: r.page, regex: r.regex })),
  };
}

/**
 * The route table of the app in `root`: the routes of its build (`.next/routes-manifest.json`),
 * or, for a development server (whose manifest lists no routes) or before any build, those of its
 * app folder.
 */
export function loadRouteTable(root = process.cwd()): RouteTable {
  let manifest: RoutesManifest = {};
  if (process.env.NODE_ENV !== 'development') {
    try {
      manifest = JSON.parse(fs.readFileSync(/*turbopackIgnore: true*/ path.join(root, '.next', 'routes-manifest.json'), 'utf8')) as RoutesManifest;
    } catch {
      // no build here
    }
  }
  if (!manifest.staticRoutes?.length && !manifest.dynamicRoutes?.length) manifest = appRoutes(path.join(root, 'app'));
  return routeTable(manifest, publicFiles(path.join(root, 'public')));
}

function match(table: RouteTable, pathname: string): string | null {
  if (table.exact.has(pathname)) return pathname;
  for (const r of table.dynamic) if (r.regex.test(pathname)) return r.page;
  return null;
}

/** The label of a request's URL (`/accounts/acme?tab=x` → `/accounts/[id]`). */
export function routeLabel(table: RouteTable, url: string | undefined): string {
  let pathname: string;
  try {
    pathname = new URL(url ?? '/', 'http://localhost').pathname;
  } catch {
    return UNMATCHED;
  }
  if (pathname.startsWith('/_next/static/')) return '/_next/static/[...path]';
  if (pathname === '/_next/image') return pathname;
  if (pathname.startsWith('/_next/')) return '/_next/[...path]';
  // Next redirects `/accounts/` to `/accounts`: the same route.
  if (pathname.length > 1 && pathname.endsWith('/')) pathname = pathname.slice(0, -1);
  const direct = match(table, pathname);
  if (direct) return direct;
  // The React Server Component payloads of a page (`/accounts.rsc`, `/accounts.segments/...`).
  const page = pathname.replace(/\.segments\/.*$/, '').replace(/(\.prefetch)?\.rsc$/, '');
  if (page !== pathname) return match(table, page === '/index' ? '/' : page) ?? UNMATCHED;
  return UNMATCHED;
}
