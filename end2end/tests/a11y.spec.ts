import { Browser, Page, test } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { EXAM, expect, hydrated } from './helpers';

// axe-core on every page, in English and in Chinese, at desktop and phone widths: no serious
// or critical violation of WCAG 2.1 A/AA (contrast, names, labels, structure); at phone width
// no page scrolls sideways.

const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

/** Violations found so far in this test (each test checks them all at its end). */
let found: string[] = [];

async function audit(page: Page, what: string) {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${what}: ${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  found.push(...bad);
  const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  if (scroll > width) found.push(`${what}: the page is ${scroll}px wide in a ${width}px window`);
}

test.beforeEach(() => {
  found = [];
});
test.afterEach(() => {
  expect(found).toEqual([]);
});

async function context(browser: Browser, locale: string, size: keyof typeof SIZES) {
  return browser.newContext({ locale, viewport: SIZES[size] });
}

for (const [locale, lang] of [['en-US', 'en'], ['zh-CN', 'zh']] as const) {
  for (const size of ['desktop', 'phone'] as const) {
    test(`candidate pages pass axe (${lang}, ${size})`, async ({ browser }) => {
      const ctx = await context(browser, locale, size);
      const page = await ctx.newPage();
      for (const path of ['/', '/device-check', '/phone?t=00', '/staff/login']) {
        await page.goto(path);
        await hydrated(page);
        await audit(page, `${path} ${lang} ${size}`);
      }
      // A sign-in error (as a form posted before the page was ready gets it back, so no failed
      // attempt counts against this address's limit), then the first journey step.
      const err = Buffer.from(JSON.stringify({ kind: 'unknown_ticket' })).toString('base64');
      await page.goto(`/?__path=%2Fapi%2Fcandidate%2Flogin&__err=${encodeURIComponent(err)}&exam_code=${EXAM}`);
      await hydrated(page);
      await expect(page.getByRole('alert')).toBeVisible();
      await audit(page, `/ error ${lang} ${size}`);
      const ticket = `T2026-01${lang === 'en' ? 7 : 8}${size === 'desktop' ? 0 : 1}`;
      await page.locator('input[name=ticket]').fill(ticket);
      await page.locator('button[type=submit]').click();
      await expect(page).toHaveURL(/\/exam$/);
      await hydrated(page);
      await audit(page, `/exam ${lang} ${size}`);
      await ctx.close();
    });

    test(`staff pages pass axe (${lang}, ${size})`, async ({ browser }) => {
      const ctx = await context(browser, locale, size);
      const page = await ctx.newPage();
      await page.goto('/staff/login');
      await hydrated(page);
      await page.locator('input[name=username]').fill('admin');
      await page.locator('input[name=password]').fill('vigil-admin');
      await page.locator('button[type=submit]').click();
      await expect(page).toHaveURL(/\/proctor$/);
      await hydrated(page);
      await audit(page, `/proctor ${lang} ${size}`);
      const exams = await (await page.request.post('/api/admin/exams', { form: {} })).json();
      const demo = exams.find((e: { code: string }) => e.code === EXAM);
      const rooms = (await (await page.request.post('/api/admin/rooms', { form: {} })).json())
        .filter((r: { exam_id: number }) => r.exam_id === demo.id);
      const paths = [
        `/proctor/rooms/${rooms[0].id}`,
        '/admin',
        '/admin/staff',
        '/admin/audit',
        '/admin/review',
        '/admin/exams/new',
        `/admin/exams/${demo.id}/settings`,
        `/admin/exams/${demo.id}/paper`,
        `/admin/exams/${demo.id}/roster`,
        `/admin/exams/${demo.id}/report`,
        `/admin/exams/${demo.id}/slips`,
        `/admin/exams/${demo.id}/candidates/T2026-0001`,
      ];
      for (const path of paths) {
        await page.goto(path);
        await hydrated(page);
        await page.waitForLoadState('networkidle');
        await audit(page, `${path} ${lang} ${size}`);
      }
      await ctx.close();
    });
  }
}
