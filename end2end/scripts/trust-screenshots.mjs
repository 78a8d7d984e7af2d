// Screenshots of the trust features for docs/ (sign-in with an access code, admission slips,
// a grid closed by revocation), in English and Chinese, at desktop and phone widths.
// Against a throwaway demo server (it switches DEMO01 to access-code sign-in):
//   ./target/release/vigil serve --demo --data-dir target/shots --addr 127.0.0.1:3200 &
//   node end2end/scripts/trust-screenshots.mjs http://127.0.0.1:3200
import { chromium } from '@playwright/test';

const base = process.argv[2] || 'http://127.0.0.1:3200';
const out = new URL('../../docs/images/', import.meta.url).pathname;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const hydrated = (page) => page.waitForFunction(() => window.__vigil_hydrated === true);
const sizes = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

async function staff(locale, viewport, user, password) {
  const ctx = await browser.newContext({ locale, viewport, baseURL: base });
  const page = await ctx.newPage();
  await page.goto('/staff/login');
  await hydrated(page);
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL('**/proctor');
  return page;
}

const admin = await staff('en-US', sizes.desktop, 'admin', 'vigil-admin');
const api = async (path, data) => {
  const res = await admin.request.post(path, { data });
  if (res.status() !== 200) throw new Error(`${path}: ${res.status()} ${await res.text()}`);
  return res.json();
};
const list = await admin.request.post('/api/admin/exams', { form: {} });
const exams = await list.json();
const demo = exams.find((e) => e.code === 'DEMO01');
const settings = await api('/api/admin/exam-settings', { exam: demo.id });
await api('/api/admin/save-exam', { exam: demo.id, settings: { ...settings, sign_in: 'ticket_access_code' } });
const room = await api('/api/admin/create-room', { exam: demo.id, name: 'Room R' });
const proctorId = await api('/api/admin/create-staff', { username: 'proctorshot', display_name: 'Proctor', role: 'proctor', password: 'proctor-shot-pass' });

for (const [locale, suffix] of [['en-US', 'en'], ['zh-CN', 'zh']]) {
  for (const [size, viewport] of Object.entries(sizes)) {
    const tag = size === 'desktop' ? suffix : `${suffix}-phone`;
    const ctx = await browser.newContext({ locale, viewport, baseURL: base });
    const page = await ctx.newPage();
    await page.goto('/');
    await hydrated(page);
    await page.fill('input[name=exam_code]', 'DEMO01');
    await page.fill('input[name=ticket]', 'T2026-0001');
    await page.click('button[type=submit]');
    await page.waitForSelector('#login-secret');
    await page.screenshot({ path: `${out}candidate-login-code-${tag}.png` });
    await ctx.close();

    // A grid closed because the room was taken away.
    await api('/api/admin/assign', { room, staff: proctorId, assigned: true });
    const proctor = await staff(locale, viewport, 'proctorshot', 'proctor-shot-pass');
    await proctor.goto(`/proctor/rooms/${room}`);
    await hydrated(proctor);
    await proctor.waitForSelector('.feed-status[data-status=live]');
    await api('/api/admin/assign', { room, staff: proctorId, assigned: false });
    await proctor.waitForSelector('#revoked');
    await proctor.screenshot({ path: `${out}proctor-revoked-${tag}.png` });
    await proctor.context().close();
  }
  const slips = await staff(locale, sizes.desktop, 'admin', 'vigil-admin');
  await slips.goto(`/admin/exams/${demo.id}/slips`);
  await hydrated(slips);
  await slips.waitForSelector('.slip');
  await slips.screenshot({ path: `${out}admin-slips-${suffix}.png` });
  await slips.context().close();
}
await browser.close();
