// pnpm bench:console — server-rendered pages' time to first byte over 10,000 tenants, and the JavaScript the
// login and tenants pages ship. One JSON line on stdout; progress on stderr.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { benchDatabase, report, spawnServer } from '../../api/bench/harness.ts';
import { seedBench } from '../../api/bench/seed.ts';
import { freePort } from '../../api/src/lib/process.ts';
import { manifestModules, pageJs, readRemixManifest } from './assets.ts';
import { summarize, timedGet, type TimedResponse } from './http.ts';

const TENANTS = Number(process.env.BENCH_TENANTS ?? 10_000);
const JOB_RUNS = 300;
const WARMUP = 3;
const SEQUENTIAL = 20;
const CONCURRENT = 10;
// Its own build folder: a console running from build/ keeps its files.
const BUILD_DIR = 'build-bench';
const TTFB = 'headers + first body byte of a GET over a new connection, accept-encoding gzip (the page is compressed, so the first byte waits for the first gzip block)';

const consoleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
const log = (message: string) => process.stderr.write(`[bench:console ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}\n`);

function run(command: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    // Its output goes to stderr: stdout carries only the report.
    const child = spawn(command, args, { cwd: consoleDir, env: { ...process.env, ...env }, stdio: ['ignore', 2, 2] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** The console's production server on a free port, ready once /login answers 200. */
async function startConsole(apiUrl: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: consoleDir,
    env: {
      ...process.env,
      API_URL: apiUrl,
      CONSOLE_PORT: String(port),
      CONSOLE_HOST: '127.0.0.1',
      CONSOLE_BUILD_DIR: BUILD_DIR,
      NODE_ENV: 'production',
      COOKIE_SECURE: 'false',
    },
    stdio: ['ignore', 2, 2],
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`The console server exited with ${child.exitCode}`);
      const status = await timedGet(`${url}/login`).then((r) => r.status, () => 0);
      if (status === 200) break;
      if (Date.now() > deadline) throw new Error(`The console server did not answer GET /login with 200 within 30 s (last: ${status || 'no connection'})`);
      await sleep(100);
    }
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return { url, stop: () => stopChild(child) };
}

/** A 200 with every expected piece of text, or the bench stops: a login redirect or an error page is not the page. */
function check(pathname: string, res: TimedResponse, expected: string[]): void {
  if (res.status !== 200) {
    const location = res.headers.location ? ` (location: ${res.headers.location})` : '';
    throw new Error(`GET ${pathname} answered ${res.status}${location}`);
  }
  const absent = expected.filter((text) => !res.body.includes(text));
  if (absent.length) throw new Error(`GET ${pathname} answered 200 without ${JSON.stringify(absent)}:\n${res.body.slice(0, 500)}`);
}

async function measurePage(baseUrl: string, pathname: string, headers: Record<string, string>, expected: string[]) {
  const get = async () => {
    const res = await timedGet(`${baseUrl}${pathname}`, headers);
    check(pathname, res, expected);
    return res;
  };
  for (let i = 0; i < WARMUP; i++) await get();
  const sequential: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) sequential.push((await get()).ttfbMs);
  const concurrent = (await Promise.all(Array.from({ length: CONCURRENT }, get))).map((r) => r.ttfbMs);
  return { sequential: summarize(sequential), concurrent: summarize(concurrent) };
}

log(`building the console into ${BUILD_DIR}/`);
await run(path.join(consoleDir, 'node_modules/.bin/remix'), ['vite:build'], { CONSOLE_BUILD_DIR: BUILD_DIR });
const manifest = await readRemixManifest(path.join(consoleDir, BUILD_DIR, 'client'));

const stops: [name: string, stop: () => Promise<void>][] = [];
try {
  const db = await benchDatabase();
  stops.push(['database', () => db.stop()]);
  log(`seeding ${TENANTS} tenants and ${JOB_RUNS} job runs`);
  const { token, tenantName, failedJobRuns } = await seedBench(db.url, { tenants: TENANTS, jobRuns: JOB_RUNS });

  const api = await spawnServer('api-server.ts', { DATABASE_URL: db.url });
  stops.push(['API', () => api.stop()]);
  const console_ = await startConsole(api.url);
  stops.push(['console', () => console_.stop()]);
  log(`API ${api.url}, console ${console_.url}`);

  const headers = { cookie: `og_session=${token}`, accept: 'text/html', 'accept-encoding': 'gzip' };
  const count = TENANTS.toLocaleString('en-US');
  // The newest tenant heads the default sort; the dashboard shows the tenant total and the seeded failures.
  const tenantsExpected = ['<h1>Tenants</h1>', `>${tenantName(1)}</a>`];
  const dashboardExpected = ['<h1>Dashboard</h1>', `>${count}</div>`, `${failedJobRuns} of ${JOB_RUNS} runs failed`];

  log('timing /tenants');
  const tenantsPage = await measurePage(console_.url, '/tenants', headers, tenantsExpected);
  log('timing /');
  const dashboardPage = await measurePage(console_.url, '/', headers, dashboardExpected);

  log('measuring page JavaScript');
  const loginRes = await timedGet(`${console_.url}/login`, { accept: 'text/html' });
  check('/login', loginRes, ['type="password"']);
  const tenantsRes = await timedGet(`${console_.url}/tenants`, headers);
  check('/tenants', tenantsRes, tenantsExpected);
  const loginJs = await pageJs(console_.url, loginRes.body, manifestModules(manifest, ['root', 'routes/login']));
  const tenantsJs = await pageJs(console_.url, tenantsRes.body, manifestModules(manifest, ['root', 'routes/_app', 'routes/_app.tenants._index']));
  for (const [page, js] of [['login', loginJs], ['tenants', tenantsJs]] as const) {
    log(`${page} JS: ${js.files.length} files, ${js.rawBytes} bytes, ${js.gzipBytes} gzipped: ${js.files.join(' ')}`);
  }

  report({
    bench: 'console',
    tenants: TENANTS,
    pages: { tenants: tenantsPage, dashboard: dashboardPage },
    js_gzip_bytes: { login: loginJs.gzipBytes, tenants: tenantsJs.gzipBytes },
    js_files: { login: loginJs.files.length, tenants: tenantsJs.files.length },
    ttfb: TTFB,
  });
} finally {
  for (const [name, stop] of stops.reverse()) {
    log(`stopping the ${name}`);
    await stop().catch((err: unknown) => log(`stopping the ${name} failed: ${String(err)}`));
  }
  log('done');
}
