import { chromium } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
const base = 'http://localhost:3500';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } }); const page = await ctx.newPage();
await page.goto(`${base}/login`);
await page.getByLabel('Email').fill('manager@example.com');
await page.getByLabel('Password').fill('trellis-demo');
await page.getByRole('button', { name: 'Sign in', exact: true }).click();
await page.waitForURL(/accounts/);
for (const p of process.argv.slice(2)) {
  await page.goto(`${base}${p}`);
  await page.waitForTimeout(1000);
  const r = await new AxeBuilder({ page }).analyze();
  console.log(p, 'violations:', r.violations.map((v) => `${v.id}/${v.impact}/${v.nodes.length}`).join(' '), 'passes:', r.passes.length);
  for (const v of r.violations) console.log('  ', v.id, v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' :: ' + n.failureSummary?.slice(0, 200)).join('\n    '));
}
await browser.close();
