// Lighthouse (mobile: its default Moto G Power profile with simulated Slow 4G, 150 ms RTT,
// 1.6 Mbit/s and 4x CPU slowdown) on every candidate page: performance and accessibility
// scores, median of --runs (default 3). Run by scripts/bench-lighthouse.sh, which installs
// Lighthouse beside this file and starts a demo server.
//   node lighthouse.mjs http://127.0.0.1:3300 [--runs 3]
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const base = process.argv[2] || 'http://127.0.0.1:3300';
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;

/** The session cookie the sign-in gives (`name=value`). */
async function signIn(path, form) {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form),
    redirect: 'manual',
  });
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  if (!cookie) throw new Error(`${path}: ${res.status}, no cookie`);
  return cookie;
}

const candidate = await signIn('/api/candidate/login', { exam_code: 'DEMO01', ticket: 'T2026-0039' });
const pages = [
  ['candidate sign-in `/`', '/', null],
  ['phone pairing `/phone?t=…`', '/phone?t=' + '0'.repeat(64), null],
  ['journey, first step `/exam`', '/exam', candidate],
  ['device check `/device-check`', '/device-check', null],
];

const chrome = await chromeLauncher.launch({
  chromePath: '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'],
});
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log('| page | performance | accessibility | FCP ms | TTI ms | TBT ms | transfer KB |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const [name, path, cookie] of pages) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const result = await lighthouse(base + path, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance', 'accessibility'],
      extraHeaders: cookie ? { Cookie: cookie } : undefined,
    });
    const lhr = result.lhr;
    const a = lhr.audits;
    runs.push({
      perf: Math.round(lhr.categories.performance.score * 100),
      a11y: Math.round(lhr.categories.accessibility.score * 100),
      fcp: a['first-contentful-paint'].numericValue,
      tti: a['interactive'].numericValue,
      tbt: a['total-blocking-time'].numericValue,
      kb: a['total-byte-weight'].numericValue / 1024,
      failed: Object.values(a)
        .filter((x) => x.score === 0 && lhr.categories.accessibility.auditRefs.some((r) => r.id === x.id))
        .map((x) => x.id),
    });
  }
  const m = (k) => median(runs.map((r) => r[k]));
  console.log(`| ${name} | ${m('perf')} | ${m('a11y')} | ${Math.round(m('fcp'))} | ${Math.round(m('tti'))} | ${Math.round(m('tbt'))} | ${m('kb').toFixed(1)} |`);
  const failed = [...new Set(runs.flatMap((r) => r.failed))];
  if (failed.length) console.log(`|  ↳ accessibility audits failed: ${failed.join(', ')} | | | | | | |`);
}
await chrome.kill();
