import { Locator, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { BASE_URL, SECOND_URL, SERVER_BIN, instanceArgs } from '../playwright.config';
import { expect, hydrated, staffLogin, watchConsole } from './helpers';
import { phoneJoins, upToSecondView } from './steps';

// Runs in the 'face' project when NATS is here (VIGIL_E2E_NATS; playwright.config.ts leaves
// it out otherwise, loudly): a second instance on the same database, data directory and bus. The candidate's PC page is on the first instance,
// the phone and the proctor on the second; the grid shows both views and a message crosses.

const seq = async (view: Locator) => Number((await view.getAttribute('data-seq')) || '0');

test('two instances serve one exam: the PC page on one, the phone and the proctor on the other', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const bin = path.resolve(__dirname, '..', '..', SERVER_BIN);
  const second = spawn(bin, instanceArgs('127.0.0.1:3101'), {
    cwd: path.resolve(__dirname, '..', '..'),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await expect.poll(async () => (await fetch(`${SECOND_URL}/healthz`).catch(() => null))?.status, { timeout: 30_000 }).toBe(200);
    const errors = watchConsole(page);
    const pairing = await upToSecondView(page, 'T2026-0010');
    expect(pairing.startsWith(BASE_URL)).toBe(true);
    await phoneJoins(browser, pairing.replace(BASE_URL, SECOND_URL), 10);

    const staff = await browser.newContext({ baseURL: SECOND_URL });
    const proctor = await staff.newPage();
    const proctorErrors = watchConsole(proctor);
    await staffLogin(proctor, 'proctor1', 'vigil-proctor');
    await expect(proctor).toHaveURL(`${SECOND_URL}/proctor`);
    await proctor.getByRole('link', { name: 'Open' }).click();
    await hydrated(proctor);
    const tile = proctor.locator('article.tile', { hasText: 'T2026-0010' });
    await expect(tile).toBeVisible();
    // Both views are live on the second instance's grid: the PC's frames cross from the first.
    const pc = tile.locator('.live-view').nth(0);
    const ph = tile.locator('.live-view').nth(1);
    await expect.poll(() => seq(pc), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => seq(ph), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect(pc).toHaveAttribute('data-state', 'live');
    await proctor.getByPlaceholder('Search name or ticket').fill('T2026-0010');
    await proctor.screenshot({ path: '../target/e2e-cluster-grid.png' });

    // The proctor on the second instance writes; the PC page on the first reads it.
    await tile.locator('a.tile-link').click();
    await expect(proctor).toHaveURL(/\/candidates\/\d+$/);
    await hydrated(proctor);
    await proctor.locator('#message-text').fill('Both of your cameras are fine.');
    await proctor.locator('#message-text-send').click();
    await expect(proctor.locator('#action-result')).toHaveText('Message sent.');
    await expect(page.getByRole('alertdialog')).toContainText('Both of your cameras are fine.');
    expect(errors).toEqual([]);
    expect(proctorErrors).toEqual([]);
  } finally {
    second.kill('SIGTERM');
  }
});
