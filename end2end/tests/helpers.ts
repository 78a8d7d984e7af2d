import { Browser, Page, expect } from '@playwright/test';
import { spawn, ChildProcess } from 'node:child_process';
import path from 'node:path';
import { BASE_URL, SERVER_BIN } from '../playwright.config';

export const EXAM = 'DEMO01';

/** Fails the test on any console error or uncaught exception in the page. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

/** Waits until the WASM bundle has hydrated the page. */
export async function hydrated(page: Page) {
  await page.waitForFunction(() => (window as any).__vigil_hydrated === true, null, { timeout: 20_000 });
}

export async function staffLogin(page: Page, user: string, password: string) {
  await page.goto('/staff/login');
  await hydrated(page);
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A staff member signed in on a page of their own browser context. */
export async function staffPage(browser: Browser, user: string, password: string): Promise<Page> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await staffLogin(page, user, password);
  await expect(page).toHaveURL(/\/proctor$/);
  return page;
}

/** Starts `vigil simulate` against the test server. */
export function simulate(args: string[]): ChildProcess {
  const bin = path.resolve(__dirname, '..', '..', SERVER_BIN);
  return spawn(bin, ['simulate', '--url', BASE_URL, '--exam', EXAM, ...args], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

export async function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

export { expect };
