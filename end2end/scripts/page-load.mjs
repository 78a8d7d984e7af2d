// Page-load benchmark: bytes transferred per kind and time to interactive (hydrated) for the
// candidate sign-in page, the journey's first step, the device check, the phone page, the staff
// sign-in page, the proctor's room list and grid and the admin home,
// unthrottled and on "Slow 4G" (1.6 Mbit/s down, 750 kbit/s up, 150 ms RTT, 4x CPU slowdown),
// with an empty cache each time. Median of --runs (default 3) per page and profile.
// Against a running demo server (scripts/bench-page-load.sh starts one):
//   node end2end/scripts/page-load.mjs http://127.0.0.1:3300 [--runs 3]
import { chromium } from '@playwright/test';

const base = process.argv[2] || 'http://127.0.0.1:3300';
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const PROFILES = {
  unthrottled: null,
  'slow-4g': { down: (1.6 * 1e6) / 8, up: (750 * 1e3) / 8, latency: 150, cpu: 4 },
};

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});

/** Signs in through `path` with `form`; the browser state (cookie) and the answer. */
async function signedIn(path, form) {
  const ctx = await browser.newContext({ baseURL: base });
  const res = await ctx.request.post(path, { form });
  if (res.status() !== 200) throw new Error(`${path}: ${res.status()}`);
  const state = await ctx.storageState();
  await ctx.close();
  return state;
}

/** The first room of proctor1 (for the grid). */
async function firstRoom(state) {
  const ctx = await browser.newContext({ baseURL: base, storageState: state });
  const rooms = await (await ctx.request.post('/api/rooms/mine', { form: {} })).json();
  await ctx.close();
  return rooms[0].id;
}

const kindOf = (type, url) => {
  if (type === 'Document') return 'html';
  if (url.endsWith('.wasm')) return 'wasm';
  if (type === 'Script') return 'js';
  if (type === 'Stylesheet') return 'css';
  return 'other';
};

async function measure(path, profile, storageState) {
  const ctx = await browser.newContext({ baseURL: base, storageState, viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (profile) {
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: profile.latency,
      downloadThroughput: profile.down,
      uploadThroughput: profile.up,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpu });
  }
  const types = new Map();
  const bytes = { html: 0, js: 0, wasm: 0, css: 0, other: 0 };
  cdp.on('Network.responseReceived', (e) => types.set(e.requestId, kindOf(e.type, e.response.url)));
  cdp.on('Network.loadingFinished', (e) => {
    const kind = types.get(e.requestId) || 'other';
    bytes[kind] += e.encodedDataLength;
  });
  const start = Date.now();
  await page.goto(path);
  await page.waitForFunction(() => window.__vigil_hydrated === true, null, { timeout: 120_000 });
  const interactive = Date.now() - start;
  await page.waitForLoadState('networkidle');
  await ctx.close();
  return { interactive, bytes };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const proctor = await signedIn('/api/staff/login', { username: 'proctor1', password: 'vigil-proctor' });
const admin = await signedIn('/api/staff/login', { username: 'admin', password: 'vigil-admin' });
const candidate = await signedIn('/api/candidate/login', { exam_code: 'DEMO01', ticket: 'T2026-0040' });
const room = await firstRoom(proctor);
const pages = [
  ['candidate sign-in `/`', '/', undefined],
  ['journey, first step `/exam`', '/exam', candidate],
  ['device check `/device-check`', '/device-check', candidate],
  ['phone pairing `/phone?t=…`', '/phone?t=0000000000000000000000000000000000000000000000000000000000000000', undefined],
  ['staff sign-in `/staff/login`', '/staff/login', undefined],
  ['proctor rooms `/proctor`', '/proctor', proctor],
  ['proctor grid `/proctor/rooms/:id`', `/proctor/rooms/${room}`, proctor],
  ['admin home `/admin`', '/admin', admin],
];
console.log('| page | profile | HTML KB | JS KB | WASM KB | CSS KB | total KB | interactive ms (median) |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
for (const [name, path, state] of pages) {
  for (const [pname, profile] of Object.entries(PROFILES)) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await measure(path, profile, state));
    const kb = (k) => (median(runs.map((r) => r.bytes[k])) / 1024).toFixed(1);
    const total = median(runs.map((r) => Object.values(r.bytes).reduce((a, b) => a + b, 0))) / 1024;
    const tti = median(runs.map((r) => r.interactive));
    console.log(`| ${name} | ${pname} | ${kb('html')} | ${kb('js')} | ${kb('wasm')} | ${kb('css')} | ${total.toFixed(1)} | ${tti} |`);
  }
}
await browser.close();
