/** The access table (lib/access-control.ts) says exactly what the code checks, for every file. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTIONS, PAGES, ROUTES } from './access-control';

const ROOT = path.resolve(import.meta.dirname, '..');

function files(dir: string, name: RegExp): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...files(rel, name));
    else if (name.test(entry.name)) out.push(rel);
  }
  return out;
}

/** app/(dashboard)/accounts/[id]/page.tsx -> /accounts/[id] */
function routeOf(file: string): string {
  const parts = path.dirname(file).split(path.sep).slice(1).filter((p) => !/^\(.*\)$/.test(p));
  return `/${parts.join('/')}`;
}

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

describe('the access table', () => {
  it('lists every page with the role the page requires', () => {
    const pages = files('app', /^page\.tsx$/).filter((f) => f !== path.join('app', 'page.tsx'));
    expect(pages.map(routeOf).sort()).toEqual(PAGES.map((p) => p.route).sort());
    for (const file of pages) {
      const entry = PAGES.find((p) => p.route === routeOf(file))!;
      const checked = read(file).match(/requirePageRole\('(\w+)'/)?.[1] ?? 'anyone';
      expect(`${entry.route}: ${checked}`).toBe(`${entry.route}: ${entry.minRole}`);
    }
  });

  it('lists every route handler and method with the guard the code uses', () => {
    const routes = files('app', /^route\.ts$/).filter((f) => !f.includes('[...nextauth]'));
    const found: string[] = [];
    for (const file of routes) {
      const source = read(file);
      for (const m of source.matchAll(/export const (GET|POST|PUT|PATCH|DELETE) = (\w+)(?:<[^>]*>)?\((?:'(\w+)')?/g)) {
        const [, method, wrapper, arg] = m;
        const guard = wrapper === 'sessionRoute' ? `session:${arg}` : wrapper === 'apiRoute' ? `key:${arg}` : wrapper === 'segmentRoute' ? 'segment-key' : 'anyone';
        found.push(`${method} ${routeOf(file)} ${guard}`);
      }
      for (const m of source.matchAll(/export (?:async )?function (GET|POST|PUT|PATCH|DELETE)\b/g)) {
        const guard = /authorizeKey\(db, writeKey\(request\), 'ingest'/.test(source) ? 'segment-key' : /metricsAccess\(\)/.test(source) ? 'metrics-token' : 'anyone';
        found.push(`${m[1]} ${routeOf(file)} ${guard}`);
      }
    }
    expect(found.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.route} ${r.guard}`).sort());
  });

  it('lists every server action with the role its wrapper checks', () => {
    const actionFiles = files('app', /\.tsx?$/).filter((f) => /^['"]use server['"]/.test(read(f).trimStart()));
    const found: string[] = [];
    for (const file of actionFiles) {
      for (const m of read(file).matchAll(/export const (\w+) = action\(\s*'(\w+)'/g)) found.push(`${file} ${m[1]} ${m[2]}`);
      // Anything exported from a 'use server' file is callable: it must be built by the wrapper.
      const exported = [...read(file).matchAll(/export (?:const|async function|function) (\w+)/g)].map((m) => m[1]);
      const wrapped = [...read(file).matchAll(/export const (\w+) = action\(/g)].map((m) => m[1]);
      expect(exported.filter((e) => !wrapped.includes(e)), file).toEqual([]);
    }
    expect(found.sort()).toEqual(ACTIONS.map((a) => `${a.file} ${a.name} ${a.minRole}`).sort());
  });
});
