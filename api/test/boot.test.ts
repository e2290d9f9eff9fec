// The platform as a user starts it (`pnpm start`): real child processes running src/main.ts on an embedded
// PostgreSQL in a throwaway DATA_DIR, free ports, no DATABASE_URL. One boot covers first start and SIGTERM,
// a second boot on the same DATA_DIR covers persistence; two more cover ports that are already taken.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { accepts, freePort } from '../src/lib/process.ts';
import { openSocket, within } from './live-client.ts';

const apiDir = fileURLToPath(new URL('..', import.meta.url));
const DEMO_EMAIL = 'owner@opsgraph.dev';
const DEMO_PASSWORD = 'opsgraph-demo-password';

// ─── helpers ─────────────────────────────────────────────────────────────────

/** Holds a port until released, like another program using it. */
function occupy(port: number, host: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => resolve(server));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Booted {
  child: ChildProcess;
  dataDir: string;
  httpPort: number;
  pgPort: number;
  startedAt: number;
  stdout(): string;
  stderr(): string;
  exited: Promise<Exit>;
  /** Resolves with the output so far once `pattern` appears on stdout; rejects if the process exits first. */
  waitForStdout(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** The exit, or null when still running after `timeoutMs`. */
  waitForExit(timeoutMs: number): Promise<Exit | null>;
}

const children = new Set<Booted>();

function boot(
  dataDir: string,
  httpPort: number,
  pgPort: number,
  opts: { detached?: boolean; env?: Record<string, string> } = {},
): Booted {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(httpPort),
    EMBEDDED_PG_PORT: String(pgPort),
    LOG_LEVEL: 'warn',
    NODE_ENV: 'development',
  };
  // As a user starts it: the embedded server, default host, demo seeding on.
  for (const key of ['DATABASE_URL', 'TEST_DATABASE_URL', 'HOST', 'PUBLIC_URL', 'WORKER', 'SEED_DEMO', 'LOG_PRETTY']) {
    delete env[key];
  }
  Object.assign(env, opts.env);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: apiDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, like a job in a terminal: Ctrl-C signals the whole group.
    detached: opts.detached ?? false,
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const l of listeners) l();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  let exit: Exit | null = null;
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      for (const l of listeners) l();
      resolve(exit);
    });
  });
  const booted: Booted = {
    child,
    dataDir,
    httpPort,
    pgPort,
    startedAt: Date.now(),
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForStdout(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(out)) {
            done();
            resolve(out);
          } else if (exit) {
            done();
            reject(new Error(`exited (${JSON.stringify(exit)}) before printing ${pattern}\nstdout:\n${out}\nstderr:\n${err}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${pattern} after ${timeoutMs} ms\nstdout:\n${out}\nstderr:\n${err}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    async waitForExit(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const result = await Promise.race([
        exited,
        new Promise<null>((r) => {
          timer = setTimeout(() => r(null), timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      return result;
    },
  };
  children.add(booted);
  void exited.then(() => children.delete(booted));
  return booted;
}

/** Processes whose command line mentions `needle` (what `pgrep -f needle` lists). */
async function processesMentioning(needle: string): Promise<{ pid: number; cmdline: string }[]> {
  const found: { pid: number; cmdline: string }[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(needle)) found.push({ pid: Number(entry), cmdline: cmdline.split('\0').join(' ').trim() });
  }
  return found;
}

/** Waits (up to `timeoutMs`) until no postgres process serves this data dir and nothing listens on its port. */
async function postgresGone(dataDir: string, pgPort: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const processes = (await processesMentioning(path.join(dataDir, 'postgres'))).filter((p) => /postgres/.test(p.cmdline));
    const listening = await accepts(pgPort);
    if ((processes.length === 0 && !listening) || Date.now() > deadline) return { processes, listening };
    await sleep(100);
  }
}

async function graphql<T = any>(
  port: number,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<{ data?: T; errors?: { message: string }[] }> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: T; errors?: { message: string }[] };
}

const LOGIN = /* GraphQL */ `
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      __typename
      ... on MutationLoginSuccess { data { token admin { email role } } }
      ... on Error { message }
    }
  }
`;

async function login(port: number, email: string, password: string): Promise<string> {
  const result = await graphql(port, LOGIN, { email, password });
  expect(result.errors).toBeUndefined();
  expect(result.data.login.__typename, JSON.stringify(result.data)).toBe('MutationLoginSuccess');
  expect(result.data.login.data.admin.email).toBe(email);
  return result.data.login.data.token as string;
}

async function waitUntilReady(port: number, timeoutMs: number): Promise<{ status: number; body: any }> {
  const deadline = Date.now() + timeoutMs;
  let last: { status: number; body: any } = { status: 0, body: null };
  while (Date.now() < deadline) {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
    if (res) {
      last = { status: res.status, body: await res.json().catch(() => null) };
      if (res.status === 200) return last;
    }
    await sleep(100);
  }
  return last;
}

/** Polls /readyz from the moment the process starts and signs in the instant it first answers 200. */
async function loginAtFirstReady(port: number, timeoutMs: number): Promise<{ readiness: any; login: any }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
    const readiness = res ? await res.json().catch(() => null) : null;
    if (res?.status === 200) return { readiness, login: await graphql(port, LOGIN, { email: DEMO_EMAIL, password: DEMO_PASSWORD }) };
    await sleep(20);
  }
  throw new Error(`/readyz never answered 200 within ${timeoutMs} ms`);
}

async function stopChild(b: Booted): Promise<void> {
  if (b.child.exitCode !== null || b.child.signalCode !== null) return;
  b.child.kill('SIGTERM');
  if (await b.waitForExit(8_000)) return;
  b.child.kill('SIGKILL');
  await b.waitForExit(3_000);
}

// ─── tests ───────────────────────────────────────────────────────────────────

let root: string;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'opsgraph-boot-test-'));
  // As root, Postgres runs as OS user postgres, which must traverse the data dir's parents (mkdtemp: 0700).
  await fs.chmod(root, 0o755);
});

afterAll(async () => {
  await Promise.all([...children].map(stopChild));
  // Anything still serving one of our data dirs (only possible after a failure above) goes too.
  if (!root) return;
  for (const { pid } of await processesMentioning(root)) {
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // gone
    }
  }
  const deadline = Date.now() + 5_000;
  while ((await processesMentioning(root)).length && Date.now() < deadline) await sleep(100);
  for (const { pid } of await processesMentioning(root)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  await fs.rm(root, { recursive: true, force: true });
}, 30_000);

async function freshDataDir(name: string): Promise<string> {
  const dir = path.join(root, name);
  await fs.mkdir(dir, { mode: 0o755 });
  await fs.chmod(dir, 0o755);
  return dir;
}

describe.sequential('pnpm start on one DATA_DIR: first start, SIGTERM, restart', () => {
  let dataDir: string;
  let pgPort: number;
  let first: Booted;
  let atFirstReady: Promise<{ readiness: any; login: any }> | undefined;
  const newAdmin = { email: `boot-${Date.now()}@opsgraph.dev`, name: 'Boot Test', password: 'boot-test-password-1', role: 'ADMIN' };

  it('(a) boots on a fresh DATA_DIR: prints the URLs and the demo admin, is ready, serves the seeded data', async () => {
    dataDir = await freshDataDir('persist');
    pgPort = await freePort();
    const httpPort = await freePort();
    first = boot(dataDir, httpPort, pgPort);
    atFirstReady = loginAtFirstReady(httpPort, 40_000);
    atFirstReady.catch(() => {});

    const out = await first.waitForStdout(/Demo admin.*\n/, 40_000);
    const bootMs = Date.now() - first.startedAt;
    expect(out).toContain(`Opsgraph API    http://localhost:${httpPort}/graphql`);
    expect(out).toContain(`http://localhost:${httpPort}/healthz`);
    // The API connects as the app role the embedded server was given, not as its superuser.
    expect(out).toMatch(new RegExp(`Database +postgres://opsgraph_app:\\*\\*\\*@127\\.0\\.0\\.1:${pgPort}/opsgraph`));
    expect(out).toContain(`Demo admin      ${DEMO_EMAIL} / ${DEMO_PASSWORD}`);
    expect(out).toContain('Demo data seeded');
    expect(out).toContain('3 plans');
    expect(out).toContain('50 tenants');
    expect(out).toMatch(/Tenant API key for [a-z-]+: ogk_/);
    // The data lives in DATA_DIR/postgres (the temp folder is traversable: no fallback).
    expect(existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);

    const health = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await waitUntilReady(httpPort, 15_000);
    expect(ready).toEqual({ status: 200, body: { ready: true, checks: { database: true, migrations: true, worker: true, boot: true } } });

    const token = await login(httpPort, DEMO_EMAIL, DEMO_PASSWORD);
    const counts = await graphql(httpPort, '{ tenantCounts { total } }', {}, token);
    expect(counts).toEqual({ data: { tenantCounts: { total: 50 } } });
    // The newest demo trials are onboarded by real jobs of the inline worker, so Jobs has history at once.
    let onboarded = 0;
    for (const deadline = Date.now() + 15_000; onboarded < 5 && Date.now() < deadline; ) {
      const runs = await graphql(httpPort, '{ jobRuns(filter: { task: "tenantOnboard", outcome: SUCCESS }) { totalCount } }', {}, token);
      onboarded = runs.data.jobRuns.totalCount;
      if (onboarded < 5) await new Promise((r) => setTimeout(r, 200));
    }
    expect(onboarded).toBe(5);

    const created = await graphql(
      httpPort,
      `mutation CreateAdmin($input: CreateAdminInput!) {
        createAdmin(input: $input) {
          __typename
          ... on MutationCreateAdminSuccess { data { id email role } }
          ... on Error { message }
        }
      }`,
      { input: newAdmin },
      token,
    );
    expect(created.errors).toBeUndefined();
    expect(created.data.createAdmin).toMatchObject({ __typename: 'MutationCreateAdminSuccess', data: { email: newAdmin.email, role: 'ADMIN' } });
    console.log(`[boot] first start (initdb, migrations, seed) printed its URLs after ${bootMs} ms`);
  }, 60_000);

  it('(a) … is ready only once the boot has finished: a login at the first 200 of /readyz succeeds', async () => {
    expect(atFirstReady, 'needs the boot of (a)').toBeDefined();
    const { readiness, login } = await atFirstReady!;
    expect(readiness.checks.boot).toBe(true);
    expect(login.errors).toBeUndefined();
    expect(login.data.login.__typename, JSON.stringify(login.data)).toBe('MutationLoginSuccess');
  });

  it('(b) SIGTERM stops it with exit code 0 within a few seconds and stops its Postgres', async () => {
    expect(first, 'needs the boot of (a)').toBeDefined();
    const t = Date.now();
    first.child.kill('SIGTERM');
    const exit = await first.waitForExit(5_000);
    const stopMs = Date.now() - t;
    expect(exit, `still running 5 s after SIGTERM\nstderr:\n${first.stderr()}`).toEqual({ code: 0, signal: null });
    // Stopped before the process exited: nothing to wait for.
    expect(await postgresGone(dataDir, pgPort, 0)).toEqual({ processes: [], listening: false });
    // A clean shutdown removes the lock file; a stale one would mean Postgres was killed.
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    expect(first.stderr()).not.toMatch(/error during shutdown/);
    console.log(`[boot] SIGTERM → exit 0 in ${stopMs} ms`);
  }, 20_000);

  it('(c) started again on the same DATA_DIR, it keeps the data and does not seed again', async () => {
    expect(first?.child.exitCode, 'needs the stopped boot of (b)').toBe(0);
    const httpPort = await freePort();
    const second = boot(dataDir, httpPort, pgPort);
    const out = await second.waitForStdout(/Demo admin.*\n/, 40_000);
    const bootMs = Date.now() - second.startedAt;
    expect(out).toContain(`Opsgraph API    http://localhost:${httpPort}/graphql`);
    expect(out).toContain(`Demo admin      ${DEMO_EMAIL} / ${DEMO_PASSWORD}`);
    expect(out).not.toContain('Demo data seeded');
    expect(out).not.toContain('Tenant API key for');
    expect((await waitUntilReady(httpPort, 15_000)).status).toBe(200);

    // The admin created in (a) is still there and can sign in; no second set of demo data.
    const token = await login(httpPort, newAdmin.email, newAdmin.password);
    const result = await graphql(httpPort, '{ tenantCounts { total } admins(first: 50) { totalCount edges { node { email } } } }', {}, token);
    expect(result.errors).toBeUndefined();
    expect(result.data.tenantCounts.total).toBe(50);
    expect(result.data.admins.totalCount).toBe(6);
    const emails = (result.data.admins.edges as { node: { email: string } }[]).map((e) => e.node.email).sort();
    expect(emails).toEqual(
      [newAdmin.email, 'owner@opsgraph.dev', 'admin@opsgraph.dev', 'support@opsgraph.dev', 'billing@opsgraph.dev', 'viewer@opsgraph.dev'].sort(),
    );

    second.child.kill('SIGTERM');
    expect(await second.waitForExit(8_000)).toEqual({ code: 0, signal: null });
    expect(await postgresGone(dataDir, pgPort, 0)).toEqual({ processes: [], listening: false });
    console.log(`[boot] restart on existing data printed its URLs after ${bootMs} ms`);
  }, 60_000);

  // Ctrl-C in a terminal sends SIGINT to the whole foreground process group.
  let ctrlC: { out: string; exit: Exit | null } | undefined;
  it('(f) Ctrl-C (SIGINT to its process group) ends it with exit code 0 and stops its Postgres', async () => {
    expect(first?.child.exitCode, 'needs the data of (a)').toBe(0);
    const httpPort = await freePort();
    const third = boot(dataDir, httpPort, pgPort, { detached: true });
    await third.waitForStdout(/Demo admin.*\n/, 40_000);
    expect((await waitUntilReady(httpPort, 15_000)).status).toBe(200);
    const before = third.stdout().length;
    process.kill(-third.child.pid!, 'SIGINT');
    const exit = await third.waitForExit(5_000);
    ctrlC = { out: third.stdout().slice(before), exit };
    expect(exit).toEqual({ code: 0, signal: null });
    expect(await postgresGone(dataDir, pgPort, 3_000)).toEqual({ processes: [], listening: false });
  }, 60_000);

  // The postmaster runs in its own process group: Ctrl-C reaches the API, which stops its worker and
  // closes its pools before asking Postgres to shut down, so nothing is cut off mid-way.
  it('(f) … and shuts down as cleanly as on SIGTERM: no warnings or errors in the log', (ctx) => {
    // Without the run above there is nothing to judge: skip rather than count as the expected failure.
    if (ctrlC?.exit?.code !== 0) ctx.skip();
    const problems = ctrlC!.out
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .filter((entry) => entry.level >= 40)
      .map((entry) => entry.msg);
    expect(problems).toEqual([]);
  });
});

describe('a signal while booting', () => {
  it('(g) SIGTERM before the boot finishes: the boot stops at its next step, nothing starts after, exit code 0', async () => {
    const dataDir = await freshDataDir('stop-while-booting');
    const pgPort = await freePort();
    const b = boot(dataDir, await freePort(), pgPort);
    // Signal as soon as initdb or the postmaster shows up for this DATA_DIR: mid-boot, handlers installed.
    const deadline = Date.now() + 30_000;
    while ((await processesMentioning(dataDir)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    b.child.kill('SIGTERM');
    const exit = await b.waitForExit(40_000);
    expect(exit, `still running 40 s after SIGTERM\nstdout:\n${b.stdout()}`).toEqual({ code: 0, signal: null });
    expect(b.stdout()).not.toContain('Opsgraph API');
    expect(b.stderr()).not.toMatch(/ECONNREFUSED|failed to start/);
    expect(await postgresGone(dataDir, pgPort, 3_000)).toEqual({ processes: [], listening: false });
  }, 60_000);
});

describe('a worker elsewhere', () => {
  it('(h) WORKER=separate: the API queues jobs before any worker process has started', async () => {
    const dataDir = await freshDataDir('separate-worker');
    const pgPort = await freePort();
    const httpPort = await freePort();
    const b = boot(dataDir, httpPort, pgPort, { env: { WORKER: 'separate' } });
    try {
      await b.waitForStdout(/Demo admin.*\n/, 40_000);
      const token = await login(httpPort, DEMO_EMAIL, DEMO_PASSWORD);
      const { data } = await graphql(httpPort, '{ plans(first: 1) { edges { node { id } } } }', {}, token);
      const created = await graphql(
        httpPort,
        `mutation($input: CreateTenantInput!) { createTenant(input: $input) { __typename } }`,
        { input: { name: 'Queued Co', ownerName: 'Q', ownerEmail: 'q@example.com', planId: data.plans.edges[0].node.id } },
        token,
      );
      expect(created).toEqual({ data: { createTenant: { __typename: 'MutationCreateTenantSuccess' } } });
      const client = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${pgPort}/opsgraph` });
      await client.connect();
      try {
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'tenantOnboard'`);
        // The five demo trials and the new tenant wait for a worker.
        expect(rows[0].n).toBe(6);
      } finally {
        await client.end();
      }
    } finally {
      b.child.kill('SIGTERM');
      expect(await b.waitForExit(8_000)).toEqual({ code: 0, signal: null });
    }
  }, 60_000);
});

describe('an install without demo data', () => {
  it('(i) says there is no admin yet and how to create the first owner', async () => {
    const dataDir = await freshDataDir('no-demo');
    const b = boot(dataDir, await freePort(), await freePort(), { env: { SEED_DEMO: 'false' } });
    try {
      const out = await b.waitForStdout(/No admin yet.*\n/, 40_000);
      expect(out).toContain('pnpm admin:create --email <address> --name <name>');
      expect(out).not.toContain('Demo admin');
    } finally {
      b.child.kill('SIGTERM');
      expect(await b.waitForExit(8_000)).toEqual({ code: 0, signal: null });
    }
  }, 60_000);
});

/** The pids of `parent`'s child processes running the API (not its Postgres). */
async function apiChildren(parent: number): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const cmdline = await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (ppid === parent && cmdline.includes('main.ts')) pids.push(Number(entry));
  }
  return pids.sort();
}

describe('every core', () => {
  it('(j) API_WORKERS=2: two HTTP processes share the port and hear each other\'s events; a dead one is replaced; Ctrl-C stops all', async () => {
    const dataDir = await freshDataDir('cluster');
    const pgPort = await freePort();
    const httpPort = await freePort();
    const b = boot(dataDir, httpPort, pgPort, { detached: true, env: { API_WORKERS: '2' } });
    const sockets: ReturnType<typeof openSocket>[] = [];
    try {
      const out = await b.waitForStdout(/Demo admin.*\n/, 40_000);
      expect(out).toContain('HTTP            2 processes (API_WORKERS)');
      expect((await waitUntilReady(httpPort, 15_000)).status).toBe(200);
      const workers = await apiChildren(b.child.pid!);
      expect(workers).toHaveLength(2);

      const token = await login(httpPort, DEMO_EMAIL, DEMO_PASSWORD);
      const { data } = await graphql(httpPort, '{ tenants(first: 1) { edges { node { id } } } }', {}, token);
      const tenantId = data.tenants.edges[0].node.id as string;
      // Connections are dealt out in turn: two sockets land on the two processes, so whichever one serves
      // the change below, the other socket hears it through pub/sub.
      for (let i = 0; i < 2; i += 1) sockets.push(openSocket(`http://127.0.0.1:${httpPort}`, token));
      const ops = sockets.map((s) => s.subscribe('subscription($id: ID) { tenantChanged(id: $id) { tenantId kind } }', { id: tenantId }));
      for (const s of sockets) await within(s.connected, 5000, 'connection');
      for (let attempt = 0; ops.some((o) => o.results.length === 0); attempt += 1) {
        if (attempt === 40) throw new Error('a socket never heard the change');
        const rename = `mutation($id: ID!, $n: String!) { updateTenant(id: $id, input: { ownerName: $n }) { __typename } }`;
        await graphql(httpPort, rename, { id: tenantId, n: `Owner ${attempt}` }, token);
        await sleep(100);
      }
      expect(ops.map((o) => o.results[0]!.data.tenantChanged)).toEqual([{ tenantId, kind: 'updated' }, { tenantId, kind: 'updated' }]);

      // A process killed outright is replaced, and the port keeps answering meanwhile.
      process.kill(workers[0]!, 'SIGKILL');
      let replaced: number[] = [];
      for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(100)) {
        replaced = await apiChildren(b.child.pid!);
        if (replaced.length === 2 && !replaced.includes(workers[0]!)) break;
      }
      expect(replaced).toHaveLength(2);
      expect(replaced).not.toContain(workers[0]);
      expect((await waitUntilReady(httpPort, 10_000)).status).toBe(200);
      for (let i = 0; i < 4; i += 1) expect((await graphql(httpPort, '{ tenantCounts { total } }', {}, token)).data).toEqual({ tenantCounts: { total: 50 } });

      await Promise.all(sockets.map((s) => s.dispose()));
      process.kill(-b.child.pid!, 'SIGINT');
      expect(await b.waitForExit(10_000), `stderr:\n${b.stderr()}`).toEqual({ code: 0, signal: null });
      expect(await apiChildren(b.child.pid!)).toEqual([]);
      for (const pid of replaced) expect(existsSync(`/proc/${pid}`)).toBe(false);
      expect(await postgresGone(dataDir, pgPort, 3_000)).toEqual({ processes: [], listening: false });
    } finally {
      await Promise.all(sockets.map((s) => s.dispose()));
      await stopChild(b);
    }
  }, 90_000);
});

describe('ports already taken', () => {
  it('(d) EMBEDDED_PG_PORT taken: exits non-zero quickly, names the port and EMBEDDED_PG_PORT, leaves no data dir', async () => {
    const dataDir = await freshDataDir('pg-port-taken');
    const pgPort = await freePort();
    const blocker = await occupy(pgPort, '127.0.0.1');
    try {
      const b = boot(dataDir, await freePort(), pgPort);
      const exit = await b.waitForExit(20_000);
      const ms = Date.now() - b.startedAt;
      expect(exit, `still running after 20 s\nstdout:\n${b.stdout()}`).not.toBeNull();
      expect(exit!.code).not.toBe(0);
      expect(exit!.code).not.toBeNull();
      const message = b.stderr().trim().split('\n').at(-1) ?? '';
      expect(message).toContain(`Port ${pgPort}`);
      expect(message).toContain('EMBEDDED_PG_PORT');
      expect(b.stdout()).not.toContain('Opsgraph API');
      // Nothing initialised: no cluster, no staging folder from an interrupted initdb.
      expect(await fs.readdir(dataDir)).toEqual([]);
      expect(await processesMentioning(dataDir)).toEqual([]);
      console.log(`[boot] EMBEDDED_PG_PORT taken → exit ${exit!.code} after ${ms} ms`);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  }, 30_000);

  it('(e) PORT taken: exits non-zero with a clear message and still stops its embedded Postgres', async () => {
    const dataDir = await freshDataDir('http-port-taken');
    const pgPort = await freePort();
    const httpPort = await freePort();
    // HOST defaults to 0.0.0.0: take the port there.
    const blocker = await occupy(httpPort, '0.0.0.0');
    try {
      const b = boot(dataDir, httpPort, pgPort);
      const exit = await b.waitForExit(40_000);
      const ms = Date.now() - b.startedAt;
      expect(exit, `still running after 40 s\nstdout:\n${b.stdout()}`).not.toBeNull();
      expect(exit!.code).not.toBe(0);
      expect(exit!.code).not.toBeNull();
      const message = b.stderr().trim().split('\n').at(-1) ?? '';
      expect(message).toMatch(/Port \d+ is not available \(EADDRINUSE\).*PORT=<port>/);
      expect(b.stdout()).not.toContain('Demo data seeded');
      expect(message).toContain(String(httpPort));
      expect(b.stdout()).not.toContain('Opsgraph API');
      // Its Postgres (started before the HTTP port was tried) must not outlive it for long.
      const t = Date.now();
      const left = await postgresGone(dataDir, pgPort, 5_000);
      expect(left).toEqual({ processes: [], listening: false });
      expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
      console.log(`[boot] PORT taken → exit ${exit!.code} after ${ms} ms; its Postgres gone ${Date.now() - t} ms after the exit`);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  }, 60_000);
});
