import { test, Page } from '@playwright/test';
import { expect, hydrated, watchConsole } from './helpers';

// The practice device check at /device-check, with Chromium's fake camera and microphone.

/** Goes from the camera step to the report, answering yes everywhere. */
async function passEveryItem(page: Page) {
  await expect(page.locator('.camera')).toHaveAttribute('data-state', 'live');
  await expect(page.locator('#dev-camera-resolution')).toHaveText(/^\d+ × \d+$/);
  await expect(page.locator('#dev-camera-label')).not.toHaveText('—');
  await page.getByRole('button', { name: 'I can see myself' }).click();

  await expect(page.getByRole('heading', { name: 'Can you hear the test sound?' })).toBeVisible();
  await page.getByRole('button', { name: 'Play again' }).click();
  await page.getByRole('button', { name: 'I can hear it' }).click();

  await expect(page.getByRole('heading', { name: 'Does the meter move when you speak?' })).toBeVisible();
  await expect(page.locator('#dev-mic-label')).not.toHaveText('—');
  // The fake microphone beeps: the meter sees it.
  await expect(page.locator('#dev-mic-status')).toHaveAttribute('data-heard', 'true');
  await page.getByRole('button', { name: 'I can see it move' }).click();

  await expect(page.locator('#dev-net-rtt')).toHaveText(/^\d+ ms$/);
  await expect(page.locator('#dev-net-upload')).toHaveText(/\d+(\.\d)? (k|M)bit\/s/);
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(page.locator('#dev-browser-name')).toHaveText(/^Chrome \d+$/);
  await expect(page.locator('#dev-browser-os')).toHaveText('Linux');
  await page.getByRole('button', { name: 'Next' }).click();
}

function row(page: Page, item: string) {
  return page.locator(`.dev-table tbody tr[data-item="${item}"]`);
}

test('every item passes and the report shows what was measured', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/device-check');
  await hydrated(page);
  await passEveryItem(page);

  await expect(page.getByRole('heading', { name: 'Check report' })).toBeVisible();
  await expect(page.locator('.dev-table tbody tr')).toHaveCount(5);
  for (const item of ['camera', 'speaker', 'microphone', 'network', 'browser']) {
    await expect(row(page, item)).toHaveAttribute('data-outcome', 'pass');
  }
  await expect(row(page, 'camera')).toContainText('640 × 480');
  await expect(row(page, 'microphone')).toContainText(/peak level \d+%/);
  await expect(row(page, 'network')).toContainText(/Round trip \d+ ms · Upload/);
  await expect(row(page, 'browser')).toContainText(/Chrome \d+ on Linux/);
  await expect(page.getByRole('button', { name: 'Retry' })).toHaveCount(0);
  await expect(page.locator('.dev-summary')).toHaveText('All checks passed.');

  await page.getByRole('button', { name: 'Finish check' }).click();
  await expect(page.locator('#dev-verdict')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByRole('heading', { name: 'Your devices are ready' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('a failed item can be re-run alone from the report', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/device-check');
  await hydrated(page);
  await expect(page.locator('.camera')).toHaveAttribute('data-state', 'live');
  await page.getByRole('button', { name: 'I can see myself' }).click();
  await expect(page.getByRole('heading', { name: 'Can you hear the test sound?' })).toBeVisible();
  await page.getByRole('button', { name: "I can't" }).click();
  await expect(page.locator('#dev-mic-status')).toHaveAttribute('data-heard', 'true');
  await page.getByRole('button', { name: 'I can see it move' }).click();
  await expect(page.locator('#dev-net-rtt')).toHaveText(/^\d+ ms$/);
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.locator('#dev-browser-name')).toHaveText(/^Chrome \d+$/);
  await page.getByRole('button', { name: 'Next' }).click();

  await expect(row(page, 'speaker')).toHaveAttribute('data-outcome', 'fail');
  await expect(page.locator('.dev-summary')).toContainText('1 of 5 checks failed');
  await expect(page.getByRole('button', { name: 'Retry' })).toHaveCount(1);
  await row(page, 'speaker').getByRole('button', { name: 'Retry' }).click();

  // Only the speaker runs again, then straight back to the report.
  await expect(page.getByRole('heading', { name: 'Can you hear the test sound?' })).toBeVisible();
  await page.getByRole('button', { name: 'I can hear it' }).click();
  await expect(page.getByRole('heading', { name: 'Check report' })).toBeVisible();
  await expect(row(page, 'speaker')).toHaveAttribute('data-outcome', 'pass');
  await expect(page.locator('.dev-summary')).toHaveText('All checks passed.');
  expect(errors).toEqual([]);
});

test('a blocked camera gets a clear message and a Retry that works once allowed', async ({ page }) => {
  // --use-fake-ui-for-media-stream accepts every prompt, so refusal is simulated in the page:
  // getUserMedia for video rejects as a browser does when the user blocks the camera.
  await page.addInitScript(() => {
    (window as any).__blockCamera = true;
    const devices = navigator.mediaDevices;
    const original = devices.getUserMedia.bind(devices);
    devices.getUserMedia = (constraints?: MediaStreamConstraints) =>
      constraints?.video && (window as any).__blockCamera
        ? Promise.reject(new DOMException('Permission denied', 'NotAllowedError'))
        : original(constraints);
  });
  await page.goto('/device-check');
  await hydrated(page);
  await expect(page.locator('.camera')).toHaveAttribute('data-state', 'failed');
  await expect(page.getByRole('alert')).toContainText('Camera access is blocked');
  await expect(page.getByRole('alert')).toContainText('choose Allow, then press Retry');
  await expect(page.getByRole('button', { name: 'I can see myself' })).toBeDisabled();

  await page.getByRole('button', { name: 'Retry' }).click();
  await expect(page.locator('.camera')).toHaveAttribute('data-state', 'failed');
  await expect(page.getByRole('button', { name: 'Retry' })).toBeVisible();

  await page.evaluate(() => ((window as any).__blockCamera = false));
  await page.getByRole('button', { name: 'Retry' }).click();
  await expect(page.locator('.camera')).toHaveAttribute('data-state', 'live');
  await expect(page.getByRole('button', { name: 'I can see myself' })).toBeEnabled();

  // Saying "I can't" records a failed camera item.
  await page.getByRole('button', { name: "I can't" }).click();
  await expect(page.getByRole('heading', { name: 'Can you hear the test sound?' })).toBeVisible();
  await expect(page.locator('.dev-pill[data-item="camera"]')).toHaveAttribute('data-status', 'fail');
});

test('a missing camera is told apart from a blocked one, in Chinese too', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  await page.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () =>
      Promise.reject(new DOMException('Requested device not found', 'NotFoundError'));
  });
  await page.goto('/device-check');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: '设备检测' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('未检测到摄像头');
  await expect(page.getByRole('button', { name: '重试' })).toBeVisible();
  await context.close();
});

test('the sign-in page links to the device check', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'Check your camera, microphone and network before the exam' }).click();
  await expect(page).toHaveURL(/\/device-check$/);
  await expect(page.getByRole('heading', { name: 'Check your devices' })).toBeVisible();
});
