import { defineConfig } from '@playwright/test';
import path from 'node:path';

// The server under test, with a fresh demo database on its own port: the release binary, or
// the one the integration tests built (VIGIL_E2E_BIN=target/debug/vigil, as scripts/test.sh
// does), serving the release site (split, precompressed WASM) with its hash file.
export const BASE_URL = 'http://127.0.0.1:3100';
export const SERVER_BIN = process.env.VIGIL_E2E_BIN || './target/release/vigil';
// The database: the demo's SQLite file in target/e2e-data, or a fresh PostgreSQL database
// (VIGIL_E2E_DATABASE=postgres://…, made empty by the caller, as scripts/test.sh does).
const DATABASE = process.env.VIGIL_E2E_DATABASE ? ` --database '${process.env.VIGIL_E2E_DATABASE}'` : '';
// NATS (VIGIL_E2E_NATS=nats://…, as scripts/test.sh sets when it runs here): the server joins
// the bus, and tests/cluster.spec.ts starts a second instance beside it (SECOND_URL).
export const BUS = process.env.VIGIL_E2E_NATS ? { url: process.env.VIGIL_E2E_NATS, prefix: 'vigil_e2e' } : null;
const BUS_ARGS = BUS ? ` --bus ${BUS.url} --bus-prefix ${BUS.prefix}` : '';
export const SECOND_URL = 'http://127.0.0.1:3101';
// Without NATS there is no second instance: tests/cluster.spec.ts is left out of the run, and
// said so loudly (as scripts/test.sh says it).
if (!BUS) console.warn('\x1b[1;33m!!! VIGIL_E2E_NATS is not set: the two-instance test (cluster.spec.ts) does not run\x1b[0m');
/** The arguments of an instance on the same database, data directory and bus. */
export function instanceArgs(addr: string): string[] {
  const args = ['serve', '--hash-file', 'target/release/hash.txt', '--data-dir', 'target/e2e-data', '--addr', addr];
  if (process.env.VIGIL_E2E_DATABASE) args.push('--database', process.env.VIGIL_E2E_DATABASE);
  if (BUS) args.push('--bus', BUS.url, '--bus-prefix', BUS.prefix);
  return args;
}

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
];
const FIXTURES = path.resolve(__dirname, '..', 'target', 'face-fixtures');
const FACE_Y4M = path.join(FIXTURES, 'obama.y4m');

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: BASE_URL,
    headless: true,
    locale: 'en-US',
    launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS },
  },
  projects: [
    // Chromium's default fake camera: a test pattern with no face.
    { name: 'default', testIgnore: /(journey|camera|console|admin|cluster|watch|nojs)\.spec\.ts/ },
    // JavaScript off: the sign-in forms work as plain HTML forms.
    { name: 'no-js', testMatch: /nojs\.spec\.ts/, use: { javaScriptEnabled: false } },
    // The fake camera shows a real face (made by scripts/face-assets.sh from a packaged photo).
    {
      name: 'face',
      testMatch: BUS ? /(journey|camera|console|admin|cluster|watch)\.spec\.ts/ : /(journey|camera|console|admin|watch)\.spec\.ts/,
      use: {
        launchOptions: {
          executablePath: CHROMIUM,
          args: [...CHROMIUM_ARGS, `--use-file-for-fake-video-capture=${FACE_Y4M}`],
        },
      },
    },
  ],
  webServer: {
    command:
      `rm -rf target/e2e-data && ${SERVER_BIN} serve --hash-file target/release/hash.txt` +
      ' --demo --demo-candidates 200 --demo-starts-in -60 --demo-earliest-submit 0 ' +
      '--demo-face-photo target/face-fixtures/obama2.jpg --data-dir target/e2e-data --addr 127.0.0.1:3100' +
      DATABASE +
      BUS_ARGS,
    cwd: '..',
    url: `${BASE_URL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
