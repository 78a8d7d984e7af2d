// Steps of the candidate journey shared by the specs that walk it.
import { Browser, Page } from '@playwright/test';
import { EXAM, expect, hydrated } from './helpers';

/** The demo's ID card number of candidate `n` (server/src/demo.rs). */
export function idCard(n: number): string {
  const p2 = (x: number) => String(x).padStart(2, '0');
  return `1101011998${p2(1 + (n % 12))}${p2(1 + (n % 28))}${String(1000 + n).padStart(4, '0')}`;
}

export async function signIn(page: Page, ticket: string, exam: string = EXAM) {
  await page.goto('/');
  await hydrated(page);
  await page.getByLabel('Exam ID').fill(exam);
  await page.getByLabel('Admission ticket number').fill(ticket);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/exam$/);
  await hydrated(page);
}

/** Goes through the device check with the fake devices, answering "yes" everywhere. */
export async function passDeviceCheck(page: Page) {
  await page.getByRole('button', { name: 'I can see myself' }).click();
  await page.getByRole('button', { name: 'I can hear it' }).click();
  await page.getByRole('button', { name: 'I can see it move' }).click();
  await page.locator('#dev-net-next').click({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Next' }).click();
  await page.locator('#dev-finish').click();
}

/** The phone: opens the pairing link, pairs, verifies and enters monitoring. */
export async function phoneJoins(browser: Browser, url: string, n: number) {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const page = await phone.newPage();
  await page.goto(url);
  await hydrated(page);
  await page.getByLabel('ID card number').fill(idCard(n));
  await page.getByLabel('Exam ID').fill(EXAM.toLowerCase());
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.locator('#phone-name')).toBeVisible();
  await page.getByRole('button', { name: 'Take photo and verify' }).click();
  await expect(page.locator('#face-result')).toHaveText(/Verified/);
  await page.getByRole('button', { name: 'Enter exam monitoring' }).click();
  await expect(page.locator('#monitoring-status')).toHaveAttribute('data-connected', 'true');
  return { phone, page };
}


/** From sign-in to "first view on" with the face camera (candidates 1-10 match it). */
export async function upToSecondView(page: Page, ticket: string) {
  await signIn(page, ticket);
  await page.getByRole('button', { name: 'This is me: confirm' }).click();
  await page.getByRole('button', { name: 'Take photo and verify' }).click();
  await expect(page.locator('#face-result')).toHaveText(/Verified/);
  await page.getByRole('button', { name: 'Continue' }).click();
  await passDeviceCheck(page);
  await page.getByRole('button', { name: 'Take identity photo' }).click();
  await expect(page.locator('#photo-saved')).toBeVisible();
  await page.getByRole('button', { name: 'Switch on first view' }).click();
  await expect(page.locator('#pairing-qr svg')).toBeVisible();
  return (await page.locator('#pairing-url').textContent()) ?? '';
}
