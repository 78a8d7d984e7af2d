import { test } from '@playwright/test';
import { EXAM, expect, hydrated, watchConsole } from './helpers';

test('a candidate signs in with exam ID and ticket, in any case, and sees their record', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/');
  await hydrated(page);
  await page.getByLabel('Exam ID').fill(' demo01 ');
  await page.getByLabel('Admission ticket number').fill('t2026-0005');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/exam$/);
  await hydrated(page);
  await expect(page.getByText('T2026-0005', { exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Check your information' })).toBeVisible();
  await expect(page.locator('#connection')).toHaveText('Connected');
  await expect(page.getByRole('img', { name: 'Roster photo' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('an unknown ticket gets a clear message, in English and in Chinese', async ({ page, context }) => {
  await page.goto('/');
  await hydrated(page);
  await page.getByLabel('Exam ID').fill(EXAM);
  await page.getByLabel('Admission ticket number').fill('T2026-9999');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('This admission ticket number is not on the roster of this exam.');

  await page.getByRole('button', { name: '中文' }).click();
  await expect(page.getByRole('heading', { name: '登录考试' })).toBeVisible();
  await page.getByLabel('考试 ID').fill('NOPE99');
  await page.getByLabel('准考证号').fill('T2026-0001');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('alert')).toContainText('没有此考试 ID 对应的考试');
  // The choice is remembered: a fresh load renders Chinese on the server.
  await page.reload();
  await expect(page.getByRole('heading', { name: '登录考试' })).toBeVisible();
});

test('a Chinese browser gets the Chinese page first', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByRole('heading', { name: '登录考试' })).toBeVisible();
  await expect(page.getByLabel('准考证号')).toBeVisible();
  await context.close();
});

test('a candidate can log out and back in without losing progress', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await page.getByLabel('Exam ID').fill(EXAM);
  await page.getByLabel('Admission ticket number').fill('T2026-0006');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/exam$/);
  await hydrated(page);
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto('/exam');
  await expect(page).toHaveURL(/\/$/);
  await hydrated(page);
  await page.getByLabel('Exam ID').fill(EXAM);
  await page.getByLabel('Admission ticket number').fill('T2026-0006');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Check your information' })).toBeVisible();
});

test('a candidate whose face check fails three times continues for an admin review', async ({ page }) => {
  // The default fake camera shows no face: every attempt fails.
  await page.goto('/');
  await hydrated(page);
  await page.getByLabel('Exam ID').fill(EXAM);
  await page.getByLabel('Admission ticket number').fill('T2026-0002');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/exam$/);
  await hydrated(page);
  await page.getByRole('button', { name: 'This is me: confirm' }).click();
  const take = page.getByRole('button', { name: 'Take photo and verify' });
  for (const left of ['2', '1']) {
    await take.click();
    await expect(page.getByRole('alert')).toContainText('No face was found');
    await expect(page.locator('#attempts-left')).toContainText(`Attempts left: ${left}`);
  }
  await take.click();
  await expect(take).toHaveCount(0);
  await page.getByRole('button', { name: 'Continue: an administrator will review' }).click();
  await expect(page.getByRole('heading', { name: 'Device check' })).toBeVisible();
});

test('"my record is wrong" is sent to the admins and the candidate is told what happens next', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await page.getByLabel('Exam ID').fill(EXAM);
  await page.getByLabel('Admission ticket number').fill('T2026-0012');
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Wait for the exam page itself: the sign-in page was hydrated too.
  await expect(page).toHaveURL(/\/exam$/);
  await hydrated(page);
  // The journey may reload its state once the socket connects, re-rendering the step: click
  // again if the form did not open (or was reset by that re-render).
  await expect(async () => {
    if (!(await page.getByLabel('What is wrong?').isVisible())) {
      await page.getByRole('button', { name: 'My record is wrong' }).click();
    }
    await expect(page.getByLabel('What is wrong?')).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  await page.getByLabel('What is wrong?').fill('My name is spelled wrong.');
  await page.getByRole('button', { name: 'Send report' }).click();
  await expect(page.locator('#report-sent')).toContainText('sent to the exam administrators');
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Check your information' })).toBeVisible();
});
