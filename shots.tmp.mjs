// usage: node shots.mjs BASE out-prefix path1 path2 ...
import { chromium } from '@playwright/test';
const [base, prefix, ...paths] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
await page.goto(`${base}/login`);
await page.getByLabel('Email').fill(process.env.EMAIL ?? 'admin@example.com');
await page.getByLabel('Password').fill(process.env.PASSWORD ?? 'trellis-demo');
await page.getByRole('button', { name: 'Sign in', exact: true }).click();
await page.waitForURL((u) => !u.pathname.startsWith('/login'));
for (const p of paths) {
  await page.goto(`${base}${p}`);
  await page.waitForLoadState('networkidle');
  const name = `${prefix}-${p.replace(/[^a-z0-9]+/gi, '_')}.png`;
  await page.screenshot({ path: name, fullPage: process.env.FULL === '1' });
  console.log(name);
}
await browser.close();
