import { test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, hydrated, staffPage, watchConsole } from './helpers';
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

/** Console errors other than the browser's note on the refusals these tests provoke on purpose. */
function unexpected(errors: string[]): string[] {
  return errors.filter((e) => !/Failed to load resource: .* status of (400|422)/.test(e));
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
  // A weight the field cannot hold is said under the input and changes nothing.
  const weight = admin.locator('#weight-other');
  await weight.fill('300');
  await weight.blur();
  await expect(weight).toHaveAttribute('aria-invalid', 'true');
  await expect(admin.locator('label', { has: weight }).locator('.field-error')).toHaveText('Not a number this field can hold: the value was not changed.');
  await weight.fill('5');
  await weight.blur();
  await expect(admin.locator('.field-error')).toHaveCount(0);
  await admin.locator('#exam-save').click();
  await expect(admin).toHaveURL(/\/admin\/exams\/\d+\/settings$/);
  await expect(admin.locator('#exam-title')).toHaveValue('End-to-end mock exam');
  await expect(admin.locator('#exam-duration')).toHaveValue('90');
  const exam = Number(/exams\/(\d+)\//.exec(admin.url())?.[1]);
  await admin.goto('/admin');
  await hydrated(admin);
  await expect(admin.locator('.exam-card', { hasText: 'E2E01' })).toContainText('90 min');

  // Its room and proctor (through the API, as the staff page would), apart from the demo's.
  const api = async (path: string, data: object) => {
    const res = await admin.request.post(path, { data });
    expect(res.status(), path).toBe(200);
    return res.json();
  };
  const room = await api('/api/admin/create-room', { exam, name: 'Hall 1' });
  const staff = await api('/api/admin/create-staff', { username: 'proctor8', display_name: 'Proctor Eight', role: 'proctor', password: 'proctor-eight-pass' });
  await api('/api/admin/assign', { room, staff, assigned: true });

  await admin.locator('.exam-card', { hasText: 'E2E01' }).getByRole('link', { name: 'Roster' }).click();
  await expect(admin).toHaveURL(/\/admin\/exams\/\d+\/roster$/);
  await hydrated(admin);

  // A bad file: the preview lists every problem with its line, and offers no import.
  const bad = files(
    'bad',
    'ticket,name,id_card,room\n' +
      `T2026-0901,测试考生一,${idCard(901).slice(0, 17)}${idCard(901).endsWith('1') ? '2' : '1'},Hall 1\n` +
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
      `T2026-0901,测试考生一,${idCard(901)},Hall 1\n` +
      `T2026-0902,测试考生二,${idCard(902)},Hall 1\n`,
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
  expect(await exported.text()).toContain(`T2026-0902,测试考生二,${idCard(902)},Hall 1,rostered,not_started`);

  // The exam's proctor watches the new candidate's tile.
  const proctor = await staffPage(browser, 'proctor8', 'proctor-eight-pass');
  await proctor.getByRole('link', { name: 'Open' }).click();
  await hydrated(proctor);
  await expect(proctor.locator('.feed-status')).toHaveAttribute('data-status', 'live');
  const tile = proctor.locator('article.tile', { hasText: 'T2026-0902' });

  // The candidate: Joe Biden on the roster photo, Barack Obama in front of the camera.
  const candidateErrors = watchConsole(page);
  await signIn(page, 'T2026-0902', 'E2E01');
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

  expect(unexpected(adminErrors)).toEqual([]);
  expect(candidateErrors).toEqual([]);
});

test('an admin checks a paper with a line-numbered error, previews and saves it; manages staff; reads the report', async ({ browser }) => {
  test.setTimeout(120_000);
  const admin = await staffPage(browser, 'admin', 'vigil-admin');
  const errors = watchConsole(admin);
  // An exam that starts tomorrow (through the API, as the form would save it).
  const settings = await (await admin.request.post('/api/admin/exam-settings', { data: { exam: null } })).json();
  const saved = await admin.request.post('/api/admin/save-exam', {
    data: { exam: null, settings: { ...settings, code: 'E2E02', title: 'Paper check' } },
  });
  expect(saved.status()).toBe(200);
  const id = await saved.json();

  await admin.goto(`/admin/exams/${id}/paper`);
  await hydrated(admin);
  const paper = {
    format: 1,
    title: 'Mock paper',
    sections: [
      {
        title: 'Part I',
        questions: [
          { id: 'q1', kind: 'single_choice', prompt: 'Which one?', points: 2, options: [{ id: 'a', text: 'Alpha' }, { id: 'b', text: 'Beta' }] },
          { id: 'q2', kind: 'essay', prompt: 'Explain.', points: 10, max_chars: 500 },
        ],
      },
    ],
  };
  const bad = JSON.stringify(paper, null, 2).replace('"q2"', '"q1"');
  await admin.locator('#paper-json').fill(bad);
  await admin.locator('#paper-check').click();
  await expect(admin.locator('#paper-error')).toContainText('another question has the same id');
  await expect(admin.locator('#paper-error')).toContainText('Line 25,');
  await expect(admin.locator('#paper-save')).toBeDisabled();
  await admin.locator('#paper-json').fill(JSON.stringify(paper, null, 2));
  await admin.locator('#paper-check').click();
  await expect(admin.locator('#paper-ok')).toContainText('2 questions, 12 points');
  await expect(admin.locator('#paper-preview')).toContainText('Which one?');
  await admin.locator('#paper-preview').getByText('Beta').click();
  await admin.locator('#paper-save').click();
  await expect(admin.locator('#paper-saved')).toHaveText('Saved: 2 questions.');

  // Staff: a new proctor appears in the list.
  await admin.goto('/admin/staff');
  await hydrated(admin);
  await admin.locator('#staff-username').fill('proctor9');
  await admin.locator('#staff-name').fill('Proctor Nine');
  await admin.locator('#staff-password').fill('proctor-nine-pass');
  await admin.locator('#staff-create').click();
  await expect(admin.locator('#staff-table tr[data-staff="proctor9"]')).toContainText('Proctor Nine');

  // The report of the demo exam.
  await admin.goto('/admin');
  await hydrated(admin);
  await admin.locator('.exam-card', { hasText: 'DEMO01' }).getByRole('link', { name: 'Report' }).click();
  await hydrated(admin);
  await expect(admin.locator('#stat-candidates')).not.toHaveText('0');
  await expect(admin.locator('#report-phases li').first()).toBeVisible();
  const answers = await admin.request.get((await admin.locator('#export-answers-json').getAttribute('href')) ?? '');
  expect(answers.status()).toBe(200);
  expect(Array.isArray(await answers.json())).toBe(true);
  expect(unexpected(errors)).toEqual([]);
});
