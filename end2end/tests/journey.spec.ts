import { test } from '@playwright/test';
import { EXAM, expect, hydrated, watchConsole } from './helpers';
import { idCard, phoneJoins, signIn, passDeviceCheck } from './steps';

// Runs in the 'face' project: the fake camera shows a packaged photo of a person whose other
// photo is the roster photo of the first ten demo candidates, so verification passes.

test('the whole PC journey with the phone as second view, to "Submitted successfully"', async ({ page, browser, context }) => {
  test.setTimeout(180_000);
  const errors = watchConsole(page);
  await signIn(page, 'T2026-0001');

  // Identity.
  await expect(page.getByRole('heading', { name: 'Check your information' })).toBeVisible();
  await expect(page.locator('#id-card')).toHaveText(/^\*+1001$/);
  await page.getByRole('button', { name: 'This is me: confirm' }).click();

  // Face verification against the roster photo.
  await expect(page.getByRole('heading', { name: 'Face verification' })).toBeVisible();
  await page.getByRole('button', { name: 'Take photo and verify' }).click();
  await expect(page.locator('#face-result')).toHaveText(/Verified/);
  await page.getByRole('button', { name: 'Continue' }).click();

  // Device check.
  await expect(page.getByRole('heading', { name: 'Device check' })).toBeVisible();
  await passDeviceCheck(page);

  // Identity photo and first view.
  await expect(page.getByRole('heading', { name: 'First view' })).toBeVisible();
  await page.getByRole('button', { name: 'Take identity photo' }).click();
  await expect(page.locator('#photo-saved')).toBeVisible();
  await page.getByRole('button', { name: 'Switch on first view' }).click();

  // Second view: the QR code's link, opened on the "phone".
  await expect(page.locator('#pairing-qr svg')).toBeVisible();
  const url = (await page.locator('#pairing-url').textContent()) ?? '';
  expect(url).toMatch(/\/phone\?t=[0-9a-f]{64}$/);
  const { phone, page: phonePage } = await phoneJoins(browser, url, 1);
  // The PC notices within a second (plus rendering).
  await expect(page.locator('#phone-connected')).toBeVisible({ timeout: 3_000 });

  // A second device with the same link is refused.
  const thief = await browser.newContext();
  const tp = await thief.newPage();
  await tp.goto(url);
  await hydrated(tp);
  await tp.getByLabel('ID card number').fill(idCard(1));
  await tp.getByLabel('Exam ID').fill(EXAM);
  await tp.getByRole('button', { name: 'Continue' }).click();
  await expect(tp.getByRole('alert')).toContainText('already used');
  await thief.close();

  // Instructions in the page's language (the demo exam gives both), then the exam (already
  // started in the test server).
  const instructions = page.locator('#instructions');
  await expect(instructions).toContainText('Sit alone in a quiet, well-lit room');
  await expect(instructions).not.toContainText('独自');
  await expect(instructions.locator('ol > li')).toHaveCount(5);
  await page.locator('#lang-switch').click();
  await expect(instructions).toContainText('独自在安静、光线充足的房间参加考试');
  await expect(instructions).not.toContainText('Sit alone');
  await page.locator('#lang-switch').click();
  await expect(instructions).toContainText('Sit alone');
  await page.getByLabel('I have read and understood the instructions').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.locator('#time-left')).toBeVisible();
  const first = page.locator('.question').first();
  await first.locator('input[type=radio]').first().check();
  await expect(page.locator('#save-state')).toHaveAttribute('data-state', 'saved');
  await expect(page.locator('#answered')).toContainText('Answered 1 of');

  // The self-view switches to the phone's picture (sent by the phone every 2 s).
  await page.locator('.self-view-toggle').getByRole('button', { name: 'Phone' }).click();
  await expect
    .poll(() => page.locator('#self-view-phone').evaluate((img: HTMLImageElement) => img.naturalWidth), { timeout: 15_000 })
    .toBeGreaterThan(0);
  await page.locator('.self-view-toggle').getByRole('button', { name: 'PC' }).click();

  // Offline: the edit is kept in the browser and sent when the connection is back.
  await context.setOffline(true);
  const essay = page.locator('textarea.essay').first();
  await essay.fill('Written while the network was down.');
  await expect(page.locator('#save-state')).toHaveAttribute('data-state', 'offline', { timeout: 10_000 });
  await context.setOffline(false);
  await expect(page.locator('#save-state')).toHaveAttribute('data-state', 'saved', { timeout: 10_000 });
  await expect(page.locator('#save-state')).toHaveText('All answers saved');

  // A reload resumes on the exam screen with every answer.
  await page.reload();
  await hydrated(page);
  await expect(page.locator('textarea.essay').first()).toHaveValue('Written while the network was down.');
  await expect(page.locator('.question').first().locator('input[type=radio]').first()).toBeChecked();

  // Submit, confirmed.
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  await expect(page.getByRole('dialog')).toContainText('You have answered 2 of');
  await page.getByRole('button', { name: 'Submit now' }).click();
  await expect(page.getByRole('heading', { name: 'Submitted successfully' })).toBeVisible();
  // The phone is told at once: its camera stops and it says why, also after a reload.
  const finished = phonePage.locator('#phone-finished[data-kind="selfsubmitted"]');
  await expect(finished).toContainText('You submitted your answers');
  await expect(phonePage.locator('.phone-camera')).toHaveCount(0);
  await phonePage.reload();
  await hydrated(phonePage);
  await expect(finished).toBeVisible();
  await phonePage.screenshot({ path: 'test-results/phone-finished-en-phone.png' });
  await phone.close();
  // The only console errors: the requests refused while the browser was offline.
  expect(errors.filter((e) => !e.includes('ERR_INTERNET_DISCONNECTED'))).toEqual([]);
});

test('answers typed while the page was closed offline are sent when it opens again', async ({ page, context }) => {
  test.setTimeout(120_000);
  await signIn(page, 'T2026-0004');
  // Straight to the exam through the real steps is long; this test reuses the journey's
  // building blocks only up to the exam screen.
  await page.getByRole('button', { name: 'This is me: confirm' }).click();
  await page.getByRole('button', { name: 'Take photo and verify' }).click();
  await expect(page.locator('#face-result')).toHaveText(/Verified/);
  await page.getByRole('button', { name: 'Continue' }).click();
  await passDeviceCheck(page);
  await page.getByRole('button', { name: 'Take identity photo' }).click();
  await expect(page.locator('#photo-saved')).toBeVisible();
  await page.getByRole('button', { name: 'Switch on first view' }).click();
  const url = (await page.locator('#pairing-url').textContent()) ?? '';
  const { phone } = await phoneJoins(page.context().browser()!, url, 4);
  await page.getByLabel('I have read and understood the instructions').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.locator('#time-left')).toBeVisible();

  await context.setOffline(true);
  await page.locator('textarea.essay').first().fill('Kept in the browser.');
  await expect(page.locator('#save-state')).toHaveAttribute('data-state', 'offline', { timeout: 10_000 });
  await page.close();
  await context.setOffline(false);
  const again = await context.newPage();
  await again.goto('/exam');
  await hydrated(again);
  await expect(again.locator('#save-state')).toHaveText('All answers saved', { timeout: 10_000 });
  // A second fresh page (no local copy needed) shows it from the server.
  await again.evaluate(() => localStorage.clear());
  await again.reload();
  await hydrated(again);
  await expect(again.locator('textarea.essay').first()).toHaveValue('Kept in the browser.');
  await phone.close();
});
