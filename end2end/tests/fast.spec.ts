import { test } from '@playwright/test';
import { expect, hydrated } from './helpers';

test('the sign-in page loads its hashed, brotli-compressed files, kept for a year', async ({ page }) => {
  const pkg: { url: string; encoding?: string; cache?: string }[] = [];
  page.on('response', async (res) => {
    if (new URL(res.url()).pathname.startsWith('/pkg/')) {
      const headers = await res.allHeaders();
      pkg.push({ url: res.url(), encoding: headers['content-encoding'], cache: headers['cache-control'] });
    }
  });
  const doc = await page.goto('/');
  const docHeaders = await doc!.allHeaders();
  expect(docHeaders['content-encoding']).toBe('br');
  expect(docHeaders['cache-control']).toBe('private, no-cache');
  await hydrated(page);
  const wasm = pkg.find((r) => r.url.endsWith('.wasm'));
  const css = pkg.find((r) => r.url.endsWith('.css'));
  expect(wasm, JSON.stringify(pkg)).toBeTruthy();
  // The candidate's bundle; the site's one stylesheet.
  expect(wasm!.url).toMatch(/\/pkg\/candidate\/vigil\.[A-Za-z0-9_-]{22}\.wasm$/);
  expect(css!.url).toMatch(/\/pkg\/vigil\.[A-Za-z0-9_-]{22}\.css$/);
  for (const file of [wasm!, css!]) {
    expect(file.encoding).toBe('br');
    expect(file.cache).toBe('public, max-age=31536000, immutable');
  }
});

const STAFF_CODE = /split___(admin_|proctor_rooms|room_grid|candidate_detail|candidate_report|exam_form|paper|report|roster|slips)/;
const CANDIDATE_CODE = /^\/pkg\/candidate\//;

test('candidate pages load the candidate bundle only, and the journey code only on the journey', async ({ page }) => {
  const wasm: string[] = [];
  page.on('request', (req) => {
    const url = new URL(req.url()).pathname;
    if (url.startsWith('/pkg/') && url.endsWith('.wasm')) wasm.push(url);
  });
  await page.goto('/');
  await hydrated(page);
  expect(wasm.length).toBeGreaterThan(0);
  expect(wasm.filter((u) => !CANDIDATE_CODE.test(u))).toEqual([]);
  expect(wasm.filter((u) => u.includes('split___journey'))).toEqual([]);
  await page.getByLabel('Exam ID').fill('DEMO01');
  await page.getByLabel('Admission ticket number').fill('T2026-0162');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/exam$/);
  await expect(page.getByRole('heading', { name: 'Check your information' })).toBeVisible();
  // The heading can be the server's rendering, there before the browser asks for the piece.
  await expect.poll(() => wasm.some((u) => u.includes('split___journey')), { timeout: 15_000 }).toBe(true);
  expect(wasm.filter((u) => !CANDIDATE_CODE.test(u) || STAFF_CODE.test(u))).toEqual([]);
  // Rendered on the server, the journey names its pieces in the page's head, so the browser
  // fetches them beside the bundle, not after it (both once the page, its photo, has loaded).
  const html = await (await page.request.get('/exam')).text();
  expect(html).toMatch(/"\/pkg\/candidate\/split___journey[^"]*\.wasm"/);
  expect(html).toMatch(/<link[^>]*as="image"[^>]*href="\/media\/candidates\/\d+\/photo"/);
  // The heavy steps come in pieces of their own, when their step comes.
  expect(wasm.filter((u) => /split_(exam_screen_view|device_check_step)_/.test(u))).toEqual([]);
});

test('the phone page loads its own small bundle and nothing of the site bundle', async ({ page }) => {
  const pkg: { path: string; encoding?: string; cache?: string }[] = [];
  page.on('response', async (res) => {
    const path = new URL(res.url()).pathname;
    if (path.startsWith('/pkg/')) {
      const headers = await res.allHeaders();
      pkg.push({ path, encoding: headers['content-encoding'], cache: headers['cache-control'] });
    }
  });
  await page.goto('/phone?t=00');
  await hydrated(page);
  const code = pkg.filter((r) => /\.(wasm|js)$/.test(r.path));
  const kinds = code.map((r) => r.path.match(/^\/pkg\/phone\/vigil\.[A-Za-z0-9_-]{22}\.(js|wasm)$/)?.[1]);
  expect(kinds.sort(), JSON.stringify(pkg)).toEqual(['js', 'wasm']);
  for (const file of code) {
    expect(file.encoding).toBe('br');
    expect(file.cache).toBe('public, max-age=31536000, immutable');
  }
  // The page works: a wrong pairing link gets its typed error in the page.
  await page.locator('#id_card').fill('11010519491231002X');
  await page.locator('#exam_code').fill('DEMO01');
  await page.locator('#phone-pair button[type=submit]').click();
  await expect(page.locator('#phone-pair [role=alert]')).toBeVisible();
  // A link out of the phone page (the brand) loads that page with its own bundle.
  const candidateWasm = page.waitForResponse((r) => /^\/pkg\/candidate\/vigil\.[A-Za-z0-9_-]{22}\.wasm$/.test(new URL(r.url()).pathname));
  await page.locator('a.brand').click();
  await candidateWasm;
  await hydrated(page);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByLabel('Admission ticket number')).toBeVisible();
});

test('staff pages load the site bundle only, and a link to a candidate page loads the candidate bundle', async ({ page }) => {
  const wasm: string[] = [];
  page.on('request', (req) => {
    const url = new URL(req.url()).pathname;
    if (url.startsWith('/pkg/') && url.endsWith('.wasm')) wasm.push(url);
  });
  await page.goto('/staff/login');
  await hydrated(page);
  expect(wasm.length).toBeGreaterThan(0);
  expect(wasm.filter((u) => /^\/pkg\/(candidate|phone)\//.test(u))).toEqual([]);
  // The brand leads to the candidate's sign-in, another application: the page is loaded anew.
  await page.evaluate(() => { (window as any).__vigil_hydrated = false; });
  await page.locator('a.brand').click();
  await expect(page).toHaveURL(/\/$/);
  await hydrated(page);
  await expect(page.getByLabel('Admission ticket number')).toBeVisible();
  expect(wasm.some((u) => CANDIDATE_CODE.test(u))).toBe(true);
});

test('the language chosen with the switch stays after a reload, on every page', async ({ page }) => {
  // The browser writes the language cookie itself (the WASM carries no cookie library); the
  // server reads it for the next page it renders.
  await page.goto('/');
  await hydrated(page);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.locator('#lang-switch').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh');
  await expect(page.locator('#lang-switch')).toHaveText('English');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh');
  await page.goto('/staff/login');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh');
  await hydrated(page);
  await page.locator('#lang-switch').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
});

test('a tab left open across a deploy reloads itself once, onto the new build', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  const mine = await page.locator('meta[name=vigil-build]').getAttribute('content');
  expect(mine).toBeTruthy();
  // The server answers with its own build: nothing happens.
  await page.evaluate(() => { (window as any).__vigil_before_deploy = true; window.dispatchEvent(new Event('online')); });
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => (window as any).__vigil_before_deploy)).toBe(true);
  // A deploy: the server now runs another build. Coming back online, the page reloads.
  await page.route('**/build', (route) => route.fulfill({ status: 200, body: 'a-newer-build', headers: { 'cache-control': 'no-store' } }));
  const reloaded = page.waitForEvent('load');
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await reloaded;
  await hydrated(page);
  expect(await page.evaluate(() => (window as any).__vigil_before_deploy)).toBeUndefined();
  // A proxy still serving the old page cannot make it loop: once per new build.
  await page.evaluate(() => { (window as any).__vigil_after_reload = true; window.dispatchEvent(new Event('online')); });
  await page.waitForTimeout(1000);
  expect(await page.evaluate(() => (window as any).__vigil_after_reload)).toBe(true);
});

for (const [locale, xKey] of [['en-GB', 'Type the letter X'], ['zh-CN', '输入字母 X']]) {
  test(`the phone's ID card field opens the numeric keypad and has an X key (${locale})`, async ({ browser }) => {
    const context = await browser.newContext({ locale, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto('/phone?t=' + '0'.repeat(64));
    await hydrated(page);
    const field = page.locator('#id_card');
    await expect(field).toHaveAttribute('inputmode', 'numeric');
    await field.fill('11010519491231002');
    await page.getByRole('button', { name: xKey }).click();
    await expect(field).toHaveValue('11010519491231002X');
    await expect(field).toBeFocused();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `test-results/phone-pair-${locale}.png` });
    await context.close();
  });
}
