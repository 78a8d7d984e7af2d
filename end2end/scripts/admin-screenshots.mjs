// Screenshots of the administration pages for docs/guides/admin.md, in English and Chinese.
// Run against a demo server (default http://127.0.0.1:3200) started with
// --demo-face-photo target/face-fixtures/obama2.jpg, after scripts/face-assets.sh.
// Usage: node scripts/admin-screenshots.mjs [base-url]
import { chromium } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const base = process.argv[2] || 'http://127.0.0.1:3200';
const out = new URL('../../docs/images/', import.meta.url).pathname;
const fixtures = new URL('../../target/face-fixtures/', import.meta.url).pathname;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const hydrated = (page) => page.waitForFunction(() => window.__vigil_hydrated === true);

// Two candidates whose roster photo has no face fail verification three times: two cases
// in the review queue.
const api = await browser.newContext();
for (const ticket of ['T2026-0031', 'T2026-0032']) {
  const res = await api.request.post(`${base}/api/candidate/login`, { form: { exam_code: 'DEMO01', ticket } });
  if (res.status() !== 200) throw new Error(`login ${ticket}: ${res.status()}`);
  await api.request.post(`${base}/api/journey/confirm`, { form: {} });
  const jpeg = fs.readFileSync(path.join(fixtures, 'obama.jpg'));
  for (let i = 0; i < 3; i++) {
    await api.request.post(`${base}/api/candidate/face?view=pc`, { data: jpeg, headers: { 'content-type': 'image/jpeg' } });
  }
  await api.request.post(`${base}/api/journey/face-done`, { form: {} });
  await api.clearCookies();
}

// A roster file with problems, for the check's screenshot.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-shots-'));
const csv = path.join(dir, 'roster.csv');
fs.writeFileSync(csv, '\ufeff准考证号,姓名,身份证号,考场\nT2026-0901,张伟,110101200001010011,Room A\nT2026-0902,王芳,11010120000101002X,Room C\nT2026-0901,李娜,110101200001010038,Room B\n');

const paper = JSON.stringify({
  format: 1, title: 'Mock paper', sections: [{ title: 'Part I', questions: [
    { id: 'q1', kind: 'single_choice', prompt: 'Which planet is largest?', points: 2, options: [{ id: 'a', text: 'Jupiter' }, { id: 'b', text: 'Mars' }] },
    { id: 'q1', kind: 'essay', prompt: 'Explain.', points: 10, max_chars: 500 },
  ] }],
}, null, 2);

for (const [locale, suffix] of [['en-US', 'en'], ['zh-CN', 'zh']]) {
  const ctx = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const shot = (name) => page.screenshot({ path: `${out}admin-${name}-${suffix}.png` });
  await page.goto(`${base}/staff/login`);
  await hydrated(page);
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', 'vigil-admin');
  await page.click('button[type=submit]');
  await page.waitForURL('**/proctor');
  const exam = 1;

  await page.goto(`${base}/admin`);
  await hydrated(page);
  await page.waitForSelector('.exam-card');
  await shot('exams');
  await page.goto(`${base}/admin/exams/${exam}/settings`);
  await hydrated(page);
  await page.waitForSelector('#exam-title');
  await shot('exam');
  await page.goto(`${base}/admin/exams/${exam}/roster`);
  await hydrated(page);
  await page.setInputFiles('#roster-file', csv);
  await page.click('#roster-check');
  await page.waitForSelector('#roster-errors');
  await shot('roster');
  await page.goto(`${base}/admin/exams/${exam}/paper`);
  await hydrated(page);
  await page.fill('#paper-json', paper);
  await page.click('#paper-check');
  await page.waitForSelector('#paper-error');
  await shot('paper');
  await page.goto(`${base}/admin/review`);
  await hydrated(page);
  await page.waitForSelector('#review-case figure.attempt img');
  await page.waitForTimeout(500);
  await shot('review');
  await page.goto(`${base}/admin/staff`);
  await hydrated(page);
  await page.waitForSelector('#staff-table');
  await shot('staff');
  await page.goto(`${base}/admin/exams/${exam}/report`);
  await hydrated(page);
  await page.waitForSelector('#report-phases');
  await shot('report');
  await page.goto(`${base}/admin/audit`);
  await hydrated(page);
  await page.waitForSelector('#audit-table');
  await shot('audit');
  await ctx.close();
}
await browser.close();
console.log('admin screenshots written to', out);
