import { test } from '@playwright/test';
import { EXAM, expect } from './helpers';

// Run by the `no-js` project: JavaScript is off, as for a click made before the WASM arrived.
// Every sign-in form still works as a plain HTML form: the server answers with a redirect,
// on to the next page or back to the form with the error and what was typed.

test('a candidate signs in without JavaScript and sees a wrong ticket explained', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Exam ID').fill(EXAM);
  await page.getByLabel('Admission ticket number').fill('T2026-9998');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('This admission ticket number is not on the roster of this exam.');
  await expect(page.getByLabel('Exam ID')).toHaveValue(EXAM);
  await page.getByLabel('Admission ticket number').fill('T2026-0160');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/exam$/);
  const cookies = await page.context().cookies();
  expect(cookies.some((c) => c.name === 'vigil_candidate' && c.httpOnly)).toBe(true);
});

test('a Chinese candidate on a phone signs in without JavaScript', async ({ browser }) => {
  const context = await browser.newContext({
    locale: 'zh-CN',
    javaScriptEnabled: false,
    viewport: { width: 390, height: 844 },
  });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByLabel('考试 ID').fill(EXAM);
  await page.getByLabel('准考证号').fill('T2026-0161');
  await page.screenshot({ path: 'test-results/nojs-login-zh-phone.png' });
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/exam$/);
  await context.close();
});

test('staff sign in without JavaScript', async ({ page }) => {
  await page.goto('/staff/login');
  await page.getByLabel('Username').fill('proctor1');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong username or password.');
  await expect(page.getByLabel('Username')).toHaveValue('proctor1');
  await page.getByLabel('Password').fill('vigil-proctor');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/proctor$/);
});
