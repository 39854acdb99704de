/**
 * While a published model is being applied, the accounts it has not reached keep the previous
 * version's scores: every page's header says so. The job is written as a server killed mid-publish
 * leaves it (running, part-way) in the demo server's database, read by the running server.
 */
import path from 'node:path';
import { expect, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { signInAs } from './pages/login-page';

const file = path.resolve('data/e2e-demo/trellis.db');

test('the header shows a publish in progress, and nothing once it is done', async ({ page }) => {
  const db = new Database(file, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const version = db.prepare('SELECT max(version) FROM model_versions').pluck().get() as number;
  const total = db.prepare('SELECT count(*) FROM accounts').pluck().get() as number;
  const job = Number(db.prepare("INSERT INTO jobs (kind, status, progress, model_version, done_items, total_items, started_at) VALUES ('model.publish', 'running', ?, ?, 40, ?, ?) RETURNING pk").pluck().get(40 / total, version, total, Date.now()));
  try {
    await signInAs(page, 'csm@example.com');
    await page.goto('/accounts');
    await expect(page.getByTestId('publish-progress')).toHaveText(`Recomputing scores with model version ${version}: 40 of ${total.toLocaleString('en')} accounts done; the others still show the previous version's scores.`);
    db.prepare("UPDATE jobs SET status = 'done', progress = 1, done_items = total_items, finished_at = ? WHERE pk = ?").run(Date.now(), job);
    await page.reload();
    await expect(page.getByRole('navigation', { name: 'Main' }).first()).toBeVisible();
    await expect(page.getByTestId('publish-progress')).toHaveCount(0);
  } finally {
    db.prepare("UPDATE jobs SET status = 'failed', finished_at = ? WHERE pk = ? AND status = 'running'").run(Date.now(), job);
    db.close();
  }
});
