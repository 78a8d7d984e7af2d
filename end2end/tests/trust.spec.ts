import { test } from '@playwright/test';
import { expect, hydrated, staffPage, watchConsole } from './helpers';

// Access is checked for open pages too: a proctor whose room is taken away while the grid is
// open sees the grid close with a clear message within a second.

test('a proctor whose room is taken away sees the open grid close with a clear message', async ({ browser }) => {
  const admin = await staffPage(browser, 'admin', 'vigil-admin');
  const adminErrors = watchConsole(admin);
  // An exam, a room and a proctor of this test only (the demo's stay as they are).
  const api = async (path: string, data: object) => {
    const res = await admin.request.post(path, { data });
    expect(res.status(), path).toBe(200);
    return res.json();
  };
  const settings = await api('/api/admin/exam-settings', { exam: null });
  const exam = await api('/api/admin/save-exam', { exam: null, settings: { ...settings, code: 'E2E13', title: 'Revocation' } });
  const room = await api('/api/admin/create-room', { exam, name: 'Hall R' });
  const staff = await api('/api/admin/create-staff', { username: 'proctor13', display_name: 'Proctor Thirteen', role: 'proctor', password: 'proctor-13-pass' });
  await api('/api/admin/assign', { room, staff, assigned: true });

  const proctor = await staffPage(browser, 'proctor13', 'proctor-13-pass');
  const proctorErrors = watchConsole(proctor);
  await proctor.goto(`/proctor/rooms/${room}`);
  await hydrated(proctor);
  await expect(proctor.locator('.feed-status')).toHaveAttribute('data-status', 'live');

  await admin.goto('/admin/staff');
  await hydrated(admin);
  const remove = admin.getByRole('button', { name: 'Take proctor13 off Hall R' });
  await expect(remove).toBeVisible();
  await remove.click();
  const notice = proctor.locator('#revoked');
  await expect(notice).toBeVisible({ timeout: 1_000 });
  await expect(notice).toContainText('You no longer have access to this room.');
  await expect(proctor.locator('.grid')).toHaveCount(0);
  await expect(notice.getByRole('link', { name: 'Sign in again' })).toBeVisible();
  await proctor.screenshot({ path: '../target/e2e-grid-revoked.png' });
  // No reconnect attempts behind the notice.
  await proctor.waitForTimeout(2_000);
  await expect(notice).toBeVisible();
  expect(proctorErrors.filter((e) => !/WebSocket|4403/.test(e))).toEqual([]);
  expect(adminErrors).toEqual([]);
});
