import fs from 'node:fs';
import path from 'node:path';
import { request, type APIRequestContext } from '@playwright/test';

export type Scope = 'ingest' | 'read' | 'admin';
/** The e2e servers' databases (see scripts/e2e-server.ts). */
export type Fixture = 'demo' | 'examples' | 'fuzz';

/** API keys the e2e server wrote for its database (see scripts/e2e-server.ts). */
export function apiKeys(fixture: Fixture): Record<Scope, string> {
  return JSON.parse(fs.readFileSync(path.resolve(`data/e2e-${fixture}/keys.json`), 'utf8')) as Record<Scope, string>;
}

export async function apiClient(baseURL: string, key: string): Promise<APIRequestContext> {
  return request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${key}` } });
}

const DAY = 86_400_000;
/** An instant `days` days before now (inside the live window when below the window length). */
export const daysAgo = (days: number, now = Date.now()) => new Date(now - days * DAY).toISOString();
