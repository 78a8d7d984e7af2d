import { Browser, Page, test } from '@playwright/test';
import { expect, hydrated, staffLogin, watchConsole } from './helpers';
import { signIn, upToSecondView } from './steps';

// Runs in the 'face' project (the candidate passes face verification and switches the PC
// camera on, so flags get evidence frames). Two browser contexts: proctor and candidate.

async function proctorOnGrid(browser: Browser, user = 'proctor1'): Promise<Page> {
  const staff = await browser.newContext();
  const proctor = await staff.newPage();
  await staffLogin(proctor, user, 'vigil-proctor');
  await expect(proctor).toHaveURL(/\/proctor$/);
  await proctor.getByRole('link', { name: 'Open' }).click();
  await hydrated(proctor);
  await expect(proctor.locator('.feed-status')).toHaveAttribute('data-status', 'live');
  return proctor;
}

test('raise hand reaches the proctor; a message is acknowledged and shows read; a flag carries evidence; force-submit locks the screen', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const errors = watchConsole(page);
  await upToSecondView(page, 'T2026-0008');
  const proctor = await proctorOnGrid(browser);
  const proctorErrors = watchConsole(proctor);

  // Raise hand → an alert, the tile, and the tab title count.
  await page.locator('#raise-hand').click();
  await expect(page.locator('#hand-raised')).toBeVisible();
  const alert = proctor.locator('.alert[data-alert="hand_raised"]').first();
  await expect(alert).toBeVisible();
  const tile = proctor.locator('article.tile', { hasText: 'T2026-0008' });
  await expect(tile.locator('.tile-hand')).toBeVisible();
  await expect(proctor).toHaveTitle(/^\(\d+\) /);
  await proctor.screenshot({ path: '../target/e2e-console-grid.png' });

  // The alert opens the candidate; the proctor answers by message.
  await alert.locator('a').click();
  await expect(proctor).toHaveURL(/\/candidates\/\d+$/);
  await hydrated(proctor);
  await proctor.locator('#message-text').fill('Please show your desk with the phone camera.');
  await proctor.locator('#message-text-send').click();
  await expect(proctor.locator('#action-result')).toHaveText('Message sent.');
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toContainText('Please show your desk with the phone camera.');
  await expect(page.locator('#raise-hand')).toBeVisible(); // the message answered the hand
  await page.locator('#inbox-ack').click();
  await expect(dialog).toHaveCount(0);
  await expect(proctor.locator('.timeline-list .chip.delivery[data-delivery="read"]')).toBeVisible({ timeout: 10_000 });

  // A flag: on the tile data and in the timeline, with the frames of the moment.
  await proctor.locator('#action-flag').click();
  await proctor.locator('#flag-kind').selectOption('another_person');
  await proctor.locator('#flag-note').fill('Someone behind the candidate');
  await proctor.locator('#flag-send').click();
  await expect(proctor.locator('#action-result')).toContainText('Flag raised');
  await expect(proctor.locator('.open-flags li[data-flag="another_person"]')).toBeVisible();
  const flagLine = proctor.locator('.timeline-list li.tl-flag', { hasText: 'Someone behind the candidate' });
  await expect(flagLine.locator('.tl-evidence img').first()).toBeVisible({ timeout: 15_000 });
  await expect(flagLine.locator('.tl-evidence img').first()).toHaveJSProperty('complete', true);
  await proctor.screenshot({ path: '../target/e2e-console-detail.png', fullPage: true });

  // Force-submit, confirmed: the candidate's screen locks within a second.
  await proctor.locator('#action-force').click();
  await proctor.locator('#force-reason').fill('Another person in the room');
  await proctor.locator('#force-send').click();
  await expect(proctor.getByRole('alertdialog')).toBeVisible();
  const clicked = Date.now();
  await proctor.locator('#force-confirm').click();
  await page.waitForSelector('#submitted[data-kind="forced"]', { timeout: 5_000 });
  const lockedAfter = Date.now() - clicked;
  console.log(`force-submit locked the candidate's screen after ${lockedAfter} ms`);
  expect(lockedAfter).toBeLessThan(1_000);
  await expect(page.locator('#forced-reason')).toHaveText('Reason: Another person in the room');
  await expect(proctor.locator('#action-result')).toHaveText('Submitted by you.');
  // Doing it again submits nothing more.
  await proctor.locator('#force-send').click();
  await proctor.locator('#force-confirm').click();
  await expect(proctor.locator('#action-result')).toHaveText('This exam was already submitted.');
  // Back on the grid, the flag shows on the tile.
  await proctor.goto(proctor.url().replace(/\/candidates\/\d+$/, ''));
  await hydrated(proctor);
  await expect(proctor.locator('article.tile', { hasText: 'T2026-0008' }).locator('.tile-flag[data-flag="another_person"]')).toBeVisible();
  expect(errors).toEqual([]);
  expect(proctorErrors).toEqual([]);
});

test('a broadcast reaches every candidate of the room and no one else', async ({ browser }) => {
  test.setTimeout(120_000);
  const open = async (ticket: string) => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await signIn(p, ticket);
    await expect(p.locator('#connection')).toHaveAttribute('data-connected', 'true');
    return p;
  };
  // Room B (tickets 101-200), so that the candidates of room A used by other specs get no
  // message they would have to acknowledge first.
  const a1 = await open('T2026-0150');
  const a2 = await open('T2026-0151');
  const b1 = await open('T2026-0009'); // room A
  const proctor = await proctorOnGrid(browser, 'proctor2');
  await proctor.locator('#broadcast-open').click();
  await proctor.locator('#broadcast-text').fill('Ten minutes have passed.');
  await proctor.locator('#broadcast-text-send').click();
  await expect(proctor.locator('#broadcast-result')).toHaveText('Sent to 100 candidates.');
  for (const p of [a1, a2]) {
    await expect(p.getByRole('alertdialog')).toContainText('Ten minutes have passed.');
    await p.locator('#inbox-ack').click();
    await expect(p.getByRole('alertdialog')).toHaveCount(0);
  }
  await b1.waitForTimeout(2_000);
  await expect(b1.getByRole('alertdialog')).toHaveCount(0);
  // After a reload, an acknowledged message does not come back.
  await a1.reload();
  await hydrated(a1);
  await expect(a1.locator('#connection')).toHaveAttribute('data-connected', 'true');
  await a1.waitForTimeout(1_500);
  await expect(a1.getByRole('alertdialog')).toHaveCount(0);
});
