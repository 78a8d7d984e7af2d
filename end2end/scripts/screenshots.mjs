// Takes the screenshots used in docs/ against a running server (default http://127.0.0.1:3200
// Needs a CJK font for the Chinese pages (Debian: apt-get install fonts-noto-cjk).
// with the demo and a simulator running). Usage: node scripts/screenshots.mjs [base-url]
import { chromium } from '@playwright/test';

const base = process.argv[2] || 'http://127.0.0.1:3200';
const out = new URL('../../docs/images/', import.meta.url).pathname;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
});
const hydrated = (page) => page.waitForFunction(() => window.__vigil_hydrated === true);

for (const [locale, suffix] of [['en-US', 'en'], ['zh-CN', 'zh']]) {
  const ctx = await browser.newContext({ locale, viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await page.goto(`${base}/`);
  await hydrated(page);
  await page.screenshot({ path: `${out}candidate-login-${suffix}.png` });
  await page.fill('input[name=exam_code]', 'DEMO01');
  await page.fill('input[name=ticket]', 'T2026-9999');
  await page.click('button[type=submit]');
  await page.waitForSelector('[role=alert]');
  await page.screenshot({ path: `${out}candidate-login-error-${suffix}.png` });
  await page.fill('input[name=ticket]', suffix === 'en' ? 'T2026-0039' : 'T2026-0040');
  await page.click('button[type=submit]');
  await page.waitForURL('**/exam');
  await hydrated(page);
  await page.waitForSelector('#connection[data-connected=true]');
  await page.screenshot({ path: `${out}candidate-exam-${suffix}.png` });

  const staff = await ctx.newPage();
  await staff.goto(`${base}/staff/login`);
  await hydrated(staff);
  await staff.screenshot({ path: `${out}staff-login-${suffix}.png` });
  await staff.fill('input[name=username]', 'proctor1');
  await staff.fill('input[name=password]', 'vigil-proctor');
  await staff.click('button[type=submit]');
  await staff.waitForURL('**/proctor');
  await staff.waitForSelector('.room-card');
  await staff.screenshot({ path: `${out}proctor-rooms-${suffix}.png` });
  await staff.click('.room-card a');
  await hydrated(staff);
  await staff.waitForSelector('.feed-status[data-status=live]');
  await staff.waitForTimeout(3000);
  await staff.screenshot({ path: `${out}proctor-grid-${suffix}.png`, fullPage: true });
  await ctx.close();
}
await browser.close();
