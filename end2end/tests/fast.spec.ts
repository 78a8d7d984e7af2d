import { test } from '@playwright/test';
import { expect, hydrated } from './helpers';

test('the sign-in page loads its hashed, brotli-compressed files, kept for a year', async ({ page }) => {
  const pkg: { url: string; encoding?: string; cache?: string }[] = [];
  page.on('response', async (res) => {
    if (new URL(res.url()).pathname.startsWith('/pkg/')) {
      const headers = await res.allHeaders();
      pkg.push({ url: res.url(), encoding: headers['content-encoding'], cache: headers['cache-control'] });
    }
  });
  const doc = await page.goto('/');
  const docHeaders = await doc!.allHeaders();
  expect(docHeaders['content-encoding']).toBe('br');
  expect(docHeaders['cache-control']).toBe('private, no-cache');
  await hydrated(page);
  const wasm = pkg.find((r) => r.url.endsWith('.wasm'));
  const css = pkg.find((r) => r.url.endsWith('.css'));
  expect(wasm, JSON.stringify(pkg)).toBeTruthy();
  for (const file of [wasm!, css!]) {
    expect(file.url).toMatch(/\/pkg\/vigil\.[A-Za-z0-9_-]{22}\.(wasm|css)$/);
    expect(file.encoding).toBe('br');
    expect(file.cache).toBe('public, max-age=31536000, immutable');
  }
});

const STAFF_CODE = /split___(admin_|proctor_rooms|room_grid|candidate_detail|candidate_report|exam_form|paper|report|roster|slips)/;

test('candidate pages load no staff code, and the journey code only on the journey', async ({ page }) => {
  const wasm: string[] = [];
  page.on('request', (req) => {
    const url = new URL(req.url()).pathname;
    if (url.startsWith('/pkg/') && url.endsWith('.wasm')) wasm.push(url);
  });
  await page.goto('/');
  await hydrated(page);
  expect(wasm.filter((u) => STAFF_CODE.test(u))).toEqual([]);
  expect(wasm.filter((u) => u.includes('split___journey'))).toEqual([]);
  await page.getByLabel('Exam ID').fill('DEMO01');
  await page.getByLabel('Admission ticket number').fill('T2026-0162');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/exam$/);
  await expect(page.getByRole('heading', { name: 'Check your information' })).toBeVisible();
  expect(wasm.some((u) => u.includes('split___journey'))).toBe(true);
  expect(wasm.filter((u) => STAFF_CODE.test(u))).toEqual([]);
  // The phone page too.
  wasm.length = 0;
  await page.goto('/phone?t=00');
  await hydrated(page);
  expect(wasm.some((u) => u.includes('split___phone'))).toBe(true);
  expect(wasm.filter((u) => STAFF_CODE.test(u))).toEqual([]);
});
