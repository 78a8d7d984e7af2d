import { test } from '@playwright/test';
import path from 'node:path';
import { expect, exited, hydrated, simulate, staffLogin, watchConsole } from './helpers';

test('a wrong staff password shows a clear message', async ({ page }) => {
  await staffLogin(page, 'proctor1', 'not-the-password');
  await expect(page.getByRole('alert')).toHaveText('Wrong username or password.');
  await expect(page).toHaveURL(/\/staff\/login$/);
});

test('a proctor sees their room, and a simulated candidate appears online and goes offline live', async ({ page }) => {
  const errors = watchConsole(page);
  await staffLogin(page, 'proctor1', 'vigil-proctor');
  await expect(page).toHaveURL(/\/proctor$/);
  await expect(page.getByRole('heading', { name: 'Room A' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Room B' })).toHaveCount(0);

  await page.getByRole('link', { name: 'Open' }).click();
  await expect(page).toHaveURL(/\/proctor\/rooms\/\d+$/);
  await hydrated(page);
  await expect(page.locator('.feed-status')).toHaveText('Live');
  const tiles = page.getByRole('article');
  await expect(tiles).toHaveCount(100);

  const tile = page.locator('article', { hasText: 'T2026-0003' });
  await expect(tile.locator('.tile-phase')).toHaveText('Not signed in');
  await expect(tile).toHaveClass(/offline/);
  const name = await tile.getAttribute('aria-label');
  expect(name).toBeTruthy();
  await expect(page.getByRole('article', { name: name! })).toHaveCount(1);

  // One simulated candidate, no random drops, for 25 seconds: it walks the whole journey
  // (its face photo is the demo's roster photo) into the exam, with pictures from both views.
  const sim = simulate(['--candidates', '1', '--first', '3', '--duration', '25', '--drop-chance', '0', '--step-secs', '1',
    '--face-photo', path.resolve(__dirname, '..', '..', 'target', 'face-fixtures', 'obama2.jpg')]);
  try {
    await expect(tile).not.toHaveClass(/offline/);
    await expect(tile.locator('.view').first()).toHaveAttribute('data-online', 'true');
    await expect(tile.locator('.tile-phase')).not.toHaveText('Not signed in');
    await expect(tile.locator('.tile-phase')).toHaveText('In exam', { timeout: 20_000 });
    await expect(tile.locator('.view[data-online="true"]')).toHaveCount(2);
    await expect(tile.locator('figure.live-view[data-state="live"] img')).toHaveCount(2, { timeout: 10_000 });
    await expect(page.locator('.online-count')).toHaveText('1 of 100 online');
    expect(await exited(sim)).toBe(0);
  } finally {
    sim.kill();
  }
  // The simulator closed its sockets: offline without a reload.
  await expect(tile).toHaveClass(/offline/, { timeout: 10_000 });
  await expect(page.locator('.online-count')).toHaveText('0 of 100 online');
  expect(errors).toEqual([]);
});

test('the grid stays usable at 100 tiles with every candidate online at once', async ({ page }) => {
  const errors = watchConsole(page);
  await staffLogin(page, 'admin', 'vigil-admin');
  await expect(page.getByRole('heading', { name: 'Room B' })).toBeVisible();
  await page.getByRole('listitem').filter({ hasText: 'Room B' }).getByRole('link', { name: 'Open' }).click();
  await hydrated(page);
  await expect(page.getByRole('article')).toHaveCount(100);
  const sim = simulate(['--candidates', '100', '--first', '101', '--duration', '12', '--drop-chance', '0']);
  try {
    await expect(page.locator('.online-count')).toHaveText('100 of 100 online');
    // Still responsive while 100 candidates heartbeat: switching language re-renders every tile.
    await page.getByRole('button', { name: '中文' }).click();
    await expect(page.locator('.online-count')).toHaveText('100/100 在线');
    const last = page.locator('article', { hasText: 'T2026-0200' });
    await last.scrollIntoViewIfNeeded();
    await expect(last.locator('.view').first()).toHaveAttribute('data-online', 'true');
    await page.getByRole('button', { name: 'English' }).click();
    expect(await exited(sim)).toBe(0);
  } finally {
    sim.kill();
  }
  await expect(page.locator('.online-count')).toHaveText('0 of 100 online');
  expect(errors).toEqual([]);
});

test('logging out ends the staff session', async ({ page }) => {
  await staffLogin(page, 'proctor2', 'vigil-proctor');
  await expect(page.getByRole('heading', { name: 'Room B' })).toBeVisible();
  await hydrated(page);
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/staff\/login$/);
  // The rooms page now sends the visitor back to sign in.
  await page.goto('/proctor');
  await expect(page).toHaveURL(/\/staff\/login$/);
});
