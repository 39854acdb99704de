import { chromium } from '@playwright/test';
const base = 'http://localhost:3500';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
page.on('response', (r) => { if (r.status() >= 400) console.log('HTTP', r.status(), r.url()); });
await page.goto(`${base}/login`);
await page.getByLabel('Email').fill('manager@example.com');
await page.getByLabel('Password').fill('trellis-demo');
await page.getByRole('button', { name: 'Sign in', exact: true }).click();
await page.waitForURL(/accounts/);
for (const p of process.argv.slice(2)) {
  await page.goto(`${base}${p}`);
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `/tmp/an-shots/${p.replace(/[^a-z0-9]+/gi, '_')}.png`, fullPage: true });
  for (const region of await page.getByRole('button', { name: 'Download PNG' }).all()) {
    const dl = page.waitForEvent('download');
    await region.click();
    const d = await dl;
    await d.saveAs(`/tmp/an-shots/dl-${d.suggestedFilename()}`);
    console.log('saved', d.suggestedFilename());
  }
}
await browser.close();
