// Screenshots of the candidate journey for docs/guides/candidate.md, in English and Chinese.
// Run against a demo server started with --demo-face-photo target/face-fixtures/obama2.jpg
// --demo-starts-in -60 --demo-earliest-submit 0 (default http://127.0.0.1:3200), after
// scripts/face-assets.sh. Usage: node scripts/journey-screenshots.mjs [base-url]
import { chromium } from '@playwright/test';
import path from 'node:path';

const base = process.argv[2] || 'http://127.0.0.1:3200';
const out = new URL('../../docs/images/', import.meta.url).pathname;
const y4m = path.resolve(new URL('../../target/face-fixtures/obama.y4m', import.meta.url).pathname);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-video-capture=${y4m}`],
});
const hydrated = (page) => page.waitForFunction(() => window.__vigil_hydrated === true);
const idCard = (n) => `1101011998${String(1 + (n % 12)).padStart(2, '0')}${String(1 + (n % 28)).padStart(2, '0')}${1000 + n}`;

for (const [locale, suffix, n] of [['en-US', 'en', 7], ['zh-CN', 'zh', 8]]) {
  const ctx = await browser.newContext({ locale, viewport: { width: 1280, height: 860 } });
  const page = await ctx.newPage();
  const shot = (name) => page.screenshot({ path: `${out}journey-${name}-${suffix}.png` });
  await page.goto(`${base}/`);
  await hydrated(page);
  await page.fill('input[name=exam_code]', 'DEMO01');
  await page.fill('input[name=ticket]', `T2026-000${n}`);
  await page.click('button[type=submit]');
  await page.waitForURL('**/exam');
  await hydrated(page);
  await page.waitForSelector('#confirm-identity');
  await shot('identity');
  await page.click('#confirm-identity');
  await page.waitForSelector('#take-face-photo:not([disabled])');
  await page.click('#take-face-photo');
  await page.waitForSelector('#face-result');
  await shot('face');
  await page.click('#face-continue');
  await page.waitForSelector('.camera[data-state=live]');
  await shot('devices');
  // Answer "yes" to each item, then wait for the report.
  while (!(await page.locator('#dev-finish').count())) {
    await page.locator('.dev-actions button.primary:not([disabled])').first().click({ timeout: 30_000 });
    await page.waitForTimeout(300);
  }
  await shot('device-report');
  await page.click('#dev-finish');
  await page.waitForSelector('#take-identity-photo:not([disabled])');
  await page.click('#take-identity-photo');
  await page.waitForSelector('#photo-saved');
  await shot('first-view');
  await page.click('#start-first-view');
  await page.waitForSelector('#pairing-qr svg');
  await shot('second-view');
  const url = await page.textContent('#pairing-url');

  const phoneCtx = await browser.newContext({ locale, viewport: { width: 390, height: 844 }, isMobile: true });
  const phone = await phoneCtx.newPage();
  await phone.goto(url);
  await hydrated(phone);
  await phone.fill('#id_card', idCard(n));
  await phone.fill('#exam_code', 'DEMO01');
  await phone.screenshot({ path: `${out}journey-phone-pair-${suffix}.png` });
  await phone.click('button[type=submit]');
  await phone.waitForSelector('#take-face-photo:not([disabled])');
  await phone.click('#take-face-photo');
  await phone.waitForSelector('#enter-monitoring');
  await phone.click('#enter-monitoring');
  await phone.waitForSelector('#monitoring-status[data-connected=true]');
  await phone.screenshot({ path: `${out}journey-phone-monitoring-${suffix}.png` });

  await page.waitForSelector('#phone-connected');
  await shot('instructions');
  await page.check('#instructions-read');
  await page.click('#instructions-continue');
  await page.waitForSelector('#time-left');
  await page.locator('.question input[type=radio]').first().check();
  await page.locator('.question input[type=radio]').nth(5).check();
  await page.waitForSelector('#save-state[data-state=saved]');
  await page.waitForTimeout(1500);
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot('exam');

  // The proctor's side while this candidate is in the exam: the grid with both camera views,
  // then the candidate close up (evidence frames and, in the demo, the video recording).
  const staffCtx = await browser.newContext({ locale, viewport: { width: 1280, height: 860 } });
  const staff = await staffCtx.newPage();
  await staff.goto(`${base}/staff/login`);
  await hydrated(staff);
  await staff.fill('input[name=username]', 'proctor1');
  await staff.fill('input[name=password]', 'vigil-proctor');
  await staff.click('button[type=submit]');
  await staff.waitForURL('**/proctor');
  await staff.click('a.button, .room-card a');
  await hydrated(staff);
  const tile = staff.locator('article.tile', { hasText: `T2026-000${n}` });
  await tile.locator('.live-view[data-state=live]').nth(1).waitFor({ timeout: 20_000 });
  await tile.scrollIntoViewIfNeeded();
  await staff.evaluate(() => window.scrollTo(0, 0));
  await staff.screenshot({ path: `${out}proctor-cameras-${suffix}.png` });
  // The console: the candidate raises a hand, the proctor sees the alert and the tile.
  await page.click('#raise-hand');
  await staff.locator('.alert[data-alert=hand_raised]').first().waitFor();
  await staff.locator('#grid-sort').selectOption('attention');
  await staff.evaluate(() => window.scrollTo(0, 0));
  await staff.waitForTimeout(800);
  await staff.screenshot({ path: `${out}proctor-console-${suffix}.png` });
  await tile.locator('a.tile-link').click();
  await hydrated(staff);
  await staff.locator('.recording video').first().waitFor({ timeout: 40_000 });
  await staff.waitForTimeout(1500);
  await staff.screenshot({ path: `${out}proctor-detail-${suffix}.png`, fullPage: true });
  // A quick message, read by the candidate; a flag with its evidence.
  await staff.locator('.preset').first().click();
  await staff.click('#message-text-send');
  await page.locator('#inbox-ack').waitFor();
  await page.screenshot({ path: `${out}candidate-message-${suffix}.png` });
  await page.click('#inbox-ack');
  await staff.click('#action-flag');
  await staff.selectOption('#flag-kind', 'material');
  await staff.fill('#flag-note', locale === 'zh-CN' ? '桌上有手机' : 'Phone on the desk');
  await staff.click('#flag-send');
  await staff.locator('.timeline-list .tl-evidence img').first().waitFor({ timeout: 20_000 });
  await staff.locator('.chip.delivery[data-delivery=read]').first().waitFor({ timeout: 20_000 });
  // Every evidence picture on screen loaded (they are fetched lazily).
  await staff.evaluate(() => document.querySelectorAll('.tl-evidence img').forEach((i) => { i.loading = 'eager'; }));
  await staff.waitForFunction(() => [...document.querySelectorAll('.tl-evidence img')].every((i) => i.complete && i.naturalWidth > 0), null, { timeout: 20_000 });
  await staff.waitForTimeout(1000);
  await staff.screenshot({ path: `${out}proctor-console-detail-${suffix}.png`, fullPage: true });
  await staffCtx.close();
  await page.click('#submit-exam');
  await page.waitForSelector('#confirm-submit');
  await shot('submit-confirm');
  await page.click('#confirm-submit');
  await page.waitForSelector('#submitted');
  await shot('submitted');
  await phoneCtx.close();
  await ctx.close();
}
await browser.close();
console.log('screenshots written to', out);
