import { Browser, Page, test } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { EXAM, expect, hydrated } from './helpers';

// axe-core on every page, in English and in Chinese, at desktop and phone widths: no serious
// or critical violation of WCAG 2.1 A/AA (contrast, names, labels, structure).

const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

async function audit(page: Page, what: string) {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  expect(bad, `${what}: ${bad.join('\n')}`).toEqual([]);
}

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
      // A sign-in error, then the first journey step.
      await page.goto('/');
      await hydrated(page);
      await page.locator('input[name=exam_code]').fill(EXAM);
      await page.locator('input[name=ticket]').fill('T2026-9997');
      await page.locator('button[type=submit]').click();
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
