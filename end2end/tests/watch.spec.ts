import { chromium, test } from '@playwright/test';
import { expect, hydrated, staffLogin, staffPage, watchConsole } from './helpers';
import { phoneJoins, signIn, upToSecondView } from './steps';

// Runs in the 'face' project: the candidate's fake camera shows a face and passes
// verification. Then the same candidate signs in from a second browser whose fake camera
// shows Chromium's test pattern (no face): the face checks raise "face not visible" on the
// proctor's tile and in the timeline with evidence frames, and the candidate is told.
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

test('the face checks flag a camera without a face on the proctor tile and in the timeline, with evidence and the prompt', async ({ page, browser }) => {
  test.setTimeout(240_000);
  // The admin makes the checks fast for this test: a picture every 2 s, 4 s without a face.
  const admin = await staffPage(browser, 'admin', 'vigil-admin');
  await admin.goto('/admin/exams/1/settings');
  await hydrated(admin);
  await expect(admin.locator('#watch-face')).toBeChecked();
  for (const [id, value] of [['#watch-check', '2'], ['#watch-absent', '4'], ['#watch-several', '2']]) {
    await admin.locator(id).fill(value);
    await admin.locator(id).blur();
  }
  await admin.locator('#exam-save').click();
  await expect(admin.locator('#exam-saved')).toBeVisible();
  await admin.reload();
  await hydrated(admin);
  await expect(admin.locator('#watch-check')).toHaveValue('2');
  await admin.screenshot({ path: '../target/e2e-watch-settings.png', fullPage: true });

  // The candidate, with a face, into the exam.
  const url = await upToSecondView(page, 'T2026-0005');
  const { phone } = await phoneJoins(browser, url, 5);
  await page.getByLabel('I have read and understood the instructions').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.locator('#time-left')).toBeVisible();

  // The proctor watches the room grid.
  const staff = await browser.newContext();
  const proctor = await staff.newPage();
  const proctorErrors = watchConsole(proctor);
  await staffLogin(proctor, 'proctor1', 'vigil-proctor');
  await proctor.getByRole('link', { name: 'Open' }).click();
  await hydrated(proctor);
  const tile = proctor.locator('article.tile', { hasText: 'T2026-0005' });
  await expect(tile).toBeVisible();
  // With the face in front of the camera, nothing is raised.
  await page.waitForTimeout(6_000);
  await expect(tile.locator('.tile-flag')).toHaveCount(0);
  await expect(page.locator('#face-prompt')).toHaveCount(0);

  // The same candidate on a computer whose camera shows no face.
  const noFace = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  });
  const pc = await (await noFace.newContext()).newPage();
  await signIn(pc, 'T2026-0005');
  await expect(pc.locator('#time-left')).toBeVisible();
  await expect(pc.locator('#face-prompt')).toBeVisible({ timeout: 30_000 });
  await expect(pc.locator('#face-prompt')).toContainText('We cannot see your face');
  await expect(tile.locator('.tile-flag[data-flag="face_absent"]')).toBeVisible({ timeout: 10_000 });
  await expect(tile.locator('.tile-integrity')).toBeVisible();
  await pc.screenshot({ path: '../target/e2e-watch-prompt.png' });
  await proctor.screenshot({ path: '../target/e2e-watch-grid.png' });

  // The candidate page: the flag marked automatic, its evidence frames, the prompt on the
  // timeline, and the integrity score with its parts.
  await tile.locator('.tile-link').click({ force: true });
  await expect(proctor).toHaveURL(/\/candidates\/\d+$/);
  await hydrated(proctor);
  await expect(proctor.locator('.open-flags li[data-flag="face_absent"] .chip')).toHaveText('automatic');
  const flagLine = proctor.locator('.timeline-list li.tl-flag', { hasText: 'Face not visible' });
  await expect(flagLine.locator('.tl-evidence img').first()).toBeVisible({ timeout: 15_000 });
  await expect(proctor.locator('.timeline-list', { hasText: 'Told “we cannot see your face”' })).toBeVisible();
  await expect(proctor.locator('#integrity-score')).not.toHaveText('100');
  await expect(proctor.locator('.integrity-table tr[data-flag="face_absent"]')).toBeVisible();
  // The fake microphone's steady tone is not talking: no "noise" flag.
  await expect(proctor.locator('.integrity-table tr[data-flag="noise"]')).toHaveCount(0);
  await proctor.screenshot({ path: '../target/e2e-watch-detail.png', fullPage: true });

  // The proctor confirms it: the decision counts in the report's precision.
  await proctor.locator('.integrity-table tr[data-flag="face_absent"] .integrity-confirm').click();
  await expect(proctor.locator('.integrity-table tr[data-flag="face_absent"]')).toContainText('confirmed', { timeout: 10_000 });
  await admin.goto('/admin/exams/1/report');
  await hydrated(admin);
  const row = admin.locator('#report-precision tr[data-flag="face_absent"]');
  await expect(row.locator('.confirmed')).toHaveText('1');
  await admin.screenshot({ path: '../target/e2e-watch-report.png', fullPage: true });

  // The demo exam's checks back to their defaults.
  await admin.goto('/admin/exams/1/settings');
  await hydrated(admin);
  for (const [id, value] of [['#watch-check', '60'], ['#watch-absent', '20'], ['#watch-several', '10']]) {
    await admin.locator(id).fill(value);
    await admin.locator(id).blur();
  }
  await admin.locator('#exam-save').click();
  await expect(admin.locator('#exam-saved')).toBeVisible();

  await noFace.close();
  await phone.close();
  expect(proctorErrors).toEqual([]);
});
