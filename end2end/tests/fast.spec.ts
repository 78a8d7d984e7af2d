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
  for (const file of [wasm!, css!]) {
    expect(file.url).toMatch(/\/pkg\/vigil\.[A-Za-z0-9_-]{22}\.(wasm|css)$/);
    expect(file.encoding).toBe('br');
    expect(file.cache).toBe('public, max-age=31536000, immutable');
  }
});
