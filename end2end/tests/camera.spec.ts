import { Locator, Page, test } from '@playwright/test';
import { expect, hydrated, staffLogin, watchConsole } from './helpers';
import { phoneJoins, upToSecondView } from './steps';

// Runs in the 'face' project (the fake camera shows a face, so verification passes).
// A candidate's PC page and phone page send frames; the proctor's grid shows both views
// updating, the detail page raises the rate, and a closed phone turns the view offline.

const seq = async (view: Locator) => Number((await view.getAttribute('data-seq')) || '0');

/** Waits until `view` shows a picture newer than sequence number `after`; returns it. */
async function newer(view: Locator, after: number, timeout = 15_000): Promise<number> {
  await expect.poll(() => seq(view), { timeout }).toBeGreaterThan(after);
  await expect(view.locator('img')).toHaveJSProperty('complete', true);
  return seq(view);
}

async function tileOf(page: Page, ticket: string): Promise<Locator> {
  const tile = page.locator('article.tile', { hasText: ticket });
  await expect(tile).toBeVisible();
  return tile;
}

test('both camera views reach the proctor grid, the detail page raises the rate, a closed phone goes offline', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const errors = watchConsole(page);
  const url = await upToSecondView(page, 'T2026-0007');
  // The PC camera is on from "first view on": its frames are sent while the phone pairs.
  await expect.poll(async () => Number(await page.locator('.camera-dock').getAttribute('data-sent')), { timeout: 15_000 }).toBeGreaterThan(0);
  const { phone } = await phoneJoins(browser, url, 7);

  const staff = await browser.newContext();
  const proctor = await staff.newPage();
  const proctorErrors = watchConsole(proctor);
  await staffLogin(proctor, 'proctor1', 'vigil-proctor');
  await expect(proctor).toHaveURL(/\/proctor$/);
  await proctor.getByRole('link', { name: 'Open' }).click();
  await hydrated(proctor);
  const tile = await tileOf(proctor, 'T2026-0007');
  const pc = tile.locator('.live-view').nth(0);
  const ph = tile.locator('.live-view').nth(1);
  // Both views show pictures, and the pictures change (new frames at the grid rate).
  const pc1 = await newer(pc, 0);
  const ph1 = await newer(ph, 0);
  const src1 = await pc.locator('img').getAttribute('src');
  await newer(pc, pc1);
  await newer(ph, ph1);
  expect(await pc.locator('img').getAttribute('src')).not.toEqual(src1);
  await expect(pc).toHaveAttribute('data-state', 'live');
  await expect(pc).toHaveAttribute('data-size', '320x240');
  await proctor.screenshot({ path: '../target/e2e-grid-cameras.png' });

  // The detail page: both views large, at the focus rate (5 a second).
  await tile.locator('a.tile-link').click();
  await expect(proctor).toHaveURL(/\/candidates\/\d+$/);
  await hydrated(proctor);
  const bigPc = proctor.locator('.cams.large .live-view').nth(0);
  await expect(bigPc).toHaveAttribute('data-size', '640x480', { timeout: 10_000 });
  const start = await seq(bigPc);
  await proctor.waitForTimeout(3_000);
  const perSecond = ((await seq(bigPc)) - start) / 3;
  expect(perSecond).toBeGreaterThanOrEqual(3);
  await expect(proctor.locator('.evidence-row[data-view="pc"] img').first()).toBeVisible({ timeout: 20_000 });
  // The demo exam records video: the PC's recording is listed and plays.
  const video = proctor.locator('.recording[data-view="pc"] video').first();
  await expect(video).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
  await proctor.screenshot({ path: '../target/e2e-candidate-detail.png', fullPage: true });

  // Back on the grid: closing the phone page turns the second view offline and flags it.
  await proctor.getByRole('link', { name: /Back to the room/ }).click();
  await hydrated(proctor);
  const tile2 = await tileOf(proctor, 'T2026-0007');
  await phone.close();
  await expect(tile2.locator('.live-view').nth(1)).toHaveAttribute('data-state', 'offline', { timeout: 10_000 });
  await expect(tile2.locator('[data-flag="phone_lost"]')).toContainText('Second view lost');
  // The PC view is still live at the grid rate again.
  await newer(tile2.locator('.live-view').nth(0), await seq(tile2.locator('.live-view').nth(0)));
  await staff.close();
  expect(errors).toEqual([]);
  expect(proctorErrors).toEqual([]);
});
