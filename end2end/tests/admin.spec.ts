import { Browser, Page, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, hydrated, staffLogin, watchConsole } from './helpers';
import { signIn } from './steps';

// Runs in the 'face' project: the fake camera shows Barack Obama. The admin imports two new
// candidates with roster photos; the one whose roster photo is Joe Biden fails verification
// three times, and the admin approves the case while the proctor watches the tile change.

const FIXTURES = path.resolve(__dirname, '..', '..', 'target', 'face-fixtures');

/** A valid resident ID card number (GB 11643 check character). */
function idCard(serial: number): string {
  const body = `11010120000101${String(serial).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

/** Writes the files to upload: a roster CSV and a ZIP of photos (made with Python's zipfile). */
function files(name: string, csv: string, photos: Record<string, string>): { csv: string; zip: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `vigil-${name}-`));
  const csvPath = path.join(dir, `${name}.csv`);
  fs.writeFileSync(csvPath, '\ufeff' + csv);
  const zipPath = path.join(dir, `${name}.zip`);
  const entries = Object.entries(photos).map(([arc, src]) => [path.join(FIXTURES, src), arc]);
  const script =
    'import sys, zipfile, json\n' +
    'with zipfile.ZipFile(sys.argv[1], "w") as z:\n' +
    '    for src, arc in json.loads(sys.argv[2]): z.write(src, arc)\n';
  execFileSync('python3', ['-c', script, zipPath, JSON.stringify(entries)]);
  return { csv: csvPath, zip: zipPath };
}

async function staffPage(browser: Browser, user: string, password: string): Promise<Page> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await staffLogin(page, user, password);
  await expect(page).toHaveURL(/\/proctor$/);
  return page;
}

test('an admin imports a roster with photos, approves a failed verification, and the proctor sees it live', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const admin = await staffPage(browser, 'admin', 'vigil-admin');
  const adminErrors = watchConsole(admin);

  // The exam list links to the roster.
  await admin.goto('/admin');
  await hydrated(admin);
  await expect(admin.locator('.exam-card', { hasText: 'DEMO01' })).toBeVisible();

  // A new exam: a field error first, then saved and listed.
  await admin.locator('#exam-new').click();
  await expect(admin).toHaveURL(/\/admin\/exams\/new$/);
  await expect(admin.locator('#exam-code')).toBeVisible();
  await admin.locator('#exam-code').fill('E2E01');
  await admin.locator('#exam-save').click();
  await expect(admin.getByRole('alert')).toContainText('Title');
  await admin.locator('#exam-title').fill('End-to-end mock exam');
  await admin.locator('#exam-duration').fill('90');
  await admin.locator('#exam-duration').blur();
  await admin.locator('#exam-save').click();
  await expect(admin).toHaveURL(/\/admin\/exams\/\d+\/settings$/);
  await expect(admin.locator('#exam-title')).toHaveValue('End-to-end mock exam');
  await expect(admin.locator('#exam-duration')).toHaveValue('90');
  await admin.goto('/admin');
  await hydrated(admin);
  await expect(admin.locator('.exam-card', { hasText: 'E2E01' })).toContainText('90 min');
  await admin.locator('.exam-card', { hasText: 'DEMO01' }).getByRole('link', { name: 'Roster' }).click();
  await expect(admin).toHaveURL(/\/admin\/exams\/\d+\/roster$/);
  await hydrated(admin);

  // A bad file: the preview lists every problem with its line, and offers no import.
  const bad = files(
    'bad',
    'ticket,name,id_card,room\n' +
      `T2026-0901,测试考生一,${idCard(901).slice(0, 17)}${idCard(901).endsWith('1') ? '2' : '1'},Room A\n` +
      `T2026-0902,测试考生二,${idCard(902)},Room Z\n`,
    { 'T2026-0901.jpg': 'obama.jpg' },
  );
  await admin.locator('#roster-file').setInputFiles(bad.csv);
  await admin.locator('#photos-file').setInputFiles(bad.zip);
  await admin.locator('#roster-check').click();
  await expect(admin.locator('#roster-problems')).toContainText('3 problems');
  const errors = admin.locator('#roster-errors tbody tr');
  await expect(errors).toHaveCount(3);
  await expect(errors.nth(0)).toContainText('check digit');
  await expect(admin.locator('#roster-errors tr[data-line="3"]', { hasText: 'No room of this name' })).toBeVisible();
  await expect(admin.locator('#roster-errors tr[data-line="3"]', { hasText: 'No photo' })).toBeVisible();
  await expect(admin.locator('#roster-import')).toHaveCount(0);

  // A good file: imported, then in the export.
  const good = files(
    'good',
    '准考证号,姓名,身份证号,考场\n' +
      `T2026-0901,测试考生一,${idCard(901)},Room A\n` +
      `T2026-0902,测试考生二,${idCard(902)},Room B\n`,
    { 'T2026-0901.jpg': 'obama.jpg', 'T2026-0902.jpg': 'biden.jpg' },
  );
  await admin.locator('#roster-file').setInputFiles(good.csv);
  await admin.locator('#photos-file').setInputFiles(good.zip);
  await admin.locator('#roster-check').click();
  await expect(admin.locator('#roster-summary')).toHaveText('2 rows: 2 new, 0 updates, 2 photos');
  await admin.locator('#roster-import').click();
  await expect(admin.locator('#roster-imported')).toHaveText('Imported: 2 added, 0 updated, 2 photos.');
  const href = await admin.locator('#roster-export').getAttribute('href');
  const exported = await admin.request.get(href ?? '');
  expect(exported.status()).toBe(200);
  expect(await exported.text()).toContain(`T2026-0902,测试考生二,${idCard(902)},Room B,rostered,not_started`);

  // The proctor of room B watches the new candidate's tile.
  const proctor = await staffPage(browser, 'proctor2', 'vigil-proctor');
  await proctor.getByRole('link', { name: 'Open' }).click();
  await hydrated(proctor);
  await expect(proctor.locator('.feed-status')).toHaveAttribute('data-status', 'live');
  const tile = proctor.locator('article.tile', { hasText: 'T2026-0902' });

  // The candidate: Joe Biden on the roster photo, Barack Obama in front of the camera.
  const candidateErrors = watchConsole(page);
  await signIn(page, 'T2026-0902');
  await page.getByRole('button', { name: 'This is me: confirm' }).click();
  for (const left of [2, 1]) {
    await page.getByRole('button', { name: 'Take photo and verify' }).click();
    await expect(page.locator('#attempts-left')).toContainText(`Attempts left: ${left}.`);
    await expect(page.locator('#face-result')).toHaveText('The photo does not match your roster photo.');
  }
  await page.getByRole('button', { name: 'Take photo and verify' }).click();
  await page.getByRole('button', { name: 'Continue: an administrator will review' }).click();
  await expect(tile.locator('.chip.verification')).toHaveAttribute('data-verification', 'pending_review');

  // The review queue: the count on every admin page, the case with its photos, one key.
  await admin.goto('/admin/review');
  await hydrated(admin);
  await expect(admin.locator('#queue-length')).not.toHaveText('0');
  // Other specs may have left cases: pick this one from the list.
  await admin.locator('#review-list button', { hasText: '测试考生二' }).click();
  const kase = admin.locator('#review-case');
  await expect(kase).toContainText('测试考生二');
  await expect(kase.locator('figure.photo.attempt')).toHaveCount(3);
  await expect(kase.locator('figure.photo.roster img')).toBeVisible();
  await admin.keyboard.press('a');
  await expect(admin.locator('#review-last')).toHaveText('测试考生二: approved.');
  await expect(tile.locator('.chip.verification')).toHaveAttribute('data-verification', 'approved');

  expect(adminErrors).toEqual([]);
  expect(candidateErrors).toEqual([]);
});
