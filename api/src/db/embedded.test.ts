// startEmbeddedPostgres against real Postgres binaries: data-dir fallback, binaries the postgres OS user
// cannot reach, start failures, persistence, a stale postmaster.pid after a SIGKILL, idempotent stop().
// Every cluster lives under a temp folder removed afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedPostgresError, startEmbeddedPostgres, type EmbeddedPgLogger, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded.ts';
import { packagedInstallDir, postgresOsUser, reachableInstallDir } from './pg-install.ts';
import { accepts, freePort, isAlive, waitForExit } from '../lib/process.ts';

const isRoot = process.getuid?.() === 0;
// Throwaway clusters: no fsync (survives a killed server, not a power cut). synchronous_commit stays on, or a
// commit just before the SIGKILL below would be lost legitimately.
const settings = { fsync: 'off' };

function recordingLog(): EmbeddedPgLogger & { warnings: string[]; infos: string[] } {
  const warnings: string[] = [];
  const infos: string[] = [];
  return { warnings, infos, info: (m) => void infos.push(m), warn: (m) => void warnings.push(m) };
}

async function query<T extends pg.QueryResultRow = any>(url: string, sql: string): Promise<pg.QueryResult<T>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query<T>(sql);
  } finally {
    await client.end();
  }
}

/**
 * A copy of the packaged installation's package folder (native/ and package.json) inside a mode-700 folder
 * `name` under the test root, like a checkout in root's home; returns its native/.
 */
async function privateCopyOfInstall(name: string): Promise<string> {
  const privateParent = path.join(root, name);
  await fs.mkdir(privateParent, { mode: 0o700 });
  await fs.chmod(privateParent, 0o700);
  const dir = path.join(privateParent, 'linux-x64');
  await fs.cp(path.dirname(await packagedInstallDir()), dir, { recursive: true, verbatimSymlinks: true });
  return path.join(dir, 'native');
}

const postmasterPid = async (dataDir: string) =>
  Number.parseInt((await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0] ?? '', 10);

let root: string;
const handles: EmbeddedPostgres[] = [];
const extraDirs: string[] = [];
const owners: ChildProcess[] = [];
/** Postmasters started outside this process (by the fixture), killed in afterAll if a test left one. */
const foreignPostmasters: number[] = [];

/** Another process (test/fixtures/embedded-owner.ts) that starts and owns an embedded Postgres. */
async function startOwner(dataDir: string, port: number): Promise<{ child: ChildProcess; postmaster: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/embedded-owner.ts', dataDir, String(port)], {
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  owners.push(child);
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const postmaster = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`owner not ready after 30 s: ${out}${err}`)), 30_000);
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /ready (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`owner exited (${code}): ${out}${err}`));
    });
  });
  foreignPostmasters.push(postmaster);
  return { child, postmaster };
}

async function start(dataDir: string, port: number, log = recordingLog(), extra: Partial<EmbeddedPostgresOptions> = {}) {
  const server = await startEmbeddedPostgres({ dataDir, port, log, settings, ...extra });
  handles.push(server);
  return server;
}

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'opsgraph-embedded-test-'));
  // Traversable by the postgres OS user (mkdtemp makes 0700), except where a test wants otherwise.
  await fs.chmod(root, 0o755);
});

afterAll(async () => {
  await Promise.all(handles.map((h) => h.stop().catch(() => {})));
  for (const child of owners) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  for (const pid of foreignPostmasters) {
    const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (root && cmdline.includes(root)) process.kill(pid, 'SIGINT');
    await waitForExit(pid, 10_000);
  }
  for (const dir of [...extraDirs, root]) if (dir) await fs.rm(dir, { recursive: true, force: true });
}, 60_000);

describe('startEmbeddedPostgres', () => {
  it.runIf(isRoot)('falls back to a folder under the OS temp dir when the postgres user cannot traverse a parent, and says so', async () => {
    const privateParent = path.join(root, 'private');
    await fs.mkdir(privateParent, { mode: 0o700 });
    await fs.chmod(privateParent, 0o700);
    const requested = path.join(privateParent, 'pg');
    const log = recordingLog();
    const port = await freePort();

    const server = await start(requested, port, log);
    extraDirs.push(server.dataDir);

    expect(server.dataDir).not.toBe(requested);
    expect(path.dirname(server.dataDir)).toBe(os.tmpdir());
    expect(path.basename(server.dataDir)).toMatch(/^opsgraph-pg-[0-9a-f]{16}$/);
    expect(existsSync(path.join(server.dataDir, 'PG_VERSION'))).toBe(true);
    expect(existsSync(requested)).toBe(false);
    const warning = log.warnings.find((w) => w.includes(server.dataDir));
    expect(warning, JSON.stringify(log.warnings)).toBeDefined();
    expect(warning).toContain(privateParent);
    expect(warning).toContain(requested);
    expect((await query(server.url, 'SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);

    await server.stop();
    expect(await accepts(port)).toBe(false);
  });

  it.runIf(isRoot)('runs the binaries from a reachable copy when the postgres user cannot traverse their folder, and reuses it', async () => {
    // A checkout under a private folder (root's home, a mode-700 temp folder): the installation sits inside it.
    const installDir = await privateCopyOfInstall('private-install');
    const cacheDir = path.join(root, 'install-cache');
    const dataDir = path.join(root, 'from-copy', 'pg');
    const port = await freePort();
    const log = recordingLog();

    const started = Date.now();
    const first = await start(dataDir, port, log, { installDir, installCacheDir: cacheDir });
    const firstMs = Date.now() - started;
    expect(first.dataDir).toBe(dataDir);
    const copies = await fs.readdir(cacheDir);
    expect(copies).toHaveLength(1); // no staging folder left behind
    const copy = path.join(cacheDir, copies[0]!);
    expect(copies[0]).toMatch(/^opsgraph-postgres-/);
    const note = log.infos.find((m) => m.includes(copy));
    expect(note, JSON.stringify(log.infos)).toContain(installDir);
    // The postmaster runs from the copy, as OS user postgres.
    const pid = await postmasterPid(dataDir);
    expect(await fs.readlink(`/proc/${pid}/exe`)).toBe(path.join(copy, 'bin', 'postgres'));
    const postgresUser = await postgresOsUser();
    expect((await fs.stat(`/proc/${pid}`)).uid).toBe(postgresUser!.uid);
    expect((await query(first.url, `SELECT current_setting('server_encoding') AS enc, current_user AS who`)).rows).toEqual([
      { enc: 'UTF8', who: 'postgres' },
    ]);
    await first.stop();

    const again = recordingLog();
    const t = Date.now();
    const second = await start(dataDir, port, again, { installDir, installCacheDir: cacheDir });
    expect(again.infos.some((m) => m.includes(cacheDir)), JSON.stringify(again.infos)).toBe(false);
    expect(await fs.readdir(cacheDir)).toEqual(copies);
    expect((await query(second.url, 'SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await second.stop();
    console.log(`[embedded] private install: first start (copy + initdb) ${firstMs} ms, restart from the copy ${Date.now() - t} ms`);
  });

  it.runIf(isRoot)('makes one copy when two starters need it at once, and replaces a damaged copy', async () => {
    const installDir = await privateCopyOfInstall('private-install-race');
    const cacheDir = path.join(root, 'install-cache-race');
    const user = await postgresOsUser();
    const log = recordingLog();

    const [a, b] = await Promise.all([
      reachableInstallDir(installDir, user, { cacheDir, log }),
      reachableInstallDir(installDir, user, { cacheDir, log }),
    ]);
    expect(a).toBe(b);
    expect(await fs.readdir(cacheDir)).toEqual([path.basename(a)]);

    // A temp cleaner removed part of it: the next start makes it again instead of running half of it.
    await fs.rm(path.join(a, 'bin', 'initdb'));
    expect(await reachableInstallDir(installDir, user, { cacheDir, log })).toBe(a);
    expect(existsSync(path.join(a, 'bin', 'initdb'))).toBe(true);
    expect(await fs.readdir(cacheDir)).toEqual([path.basename(a)]);
  });

  describe('a server that cannot start', () => {
    /** A stand-in installation whose initdb is `initdb` (a shell script) with `mode`. */
    async function fakeInstall(name: string, initdb: string, mode: number): Promise<string> {
      const dir = path.join(root, name);
      await fs.mkdir(path.join(dir, 'bin'), { recursive: true });
      await fs.mkdir(path.join(dir, 'lib'));
      await fs.mkdir(path.join(dir, 'share', 'postgresql'), { recursive: true });
      await fs.writeFile(path.join(dir, 'share', 'postgresql', 'postgres.bki'), '');
      await fs.writeFile(path.join(dir, 'bin', 'postgres'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
      await fs.writeFile(path.join(dir, 'bin', 'initdb'), initdb, { mode });
      await fs.chmod(path.join(dir, 'bin', 'initdb'), mode);
      return dir;
    }

    async function failure(options: Partial<EmbeddedPostgresOptions>, dataDir: string): Promise<EmbeddedPostgresError> {
      const error = await start(dataDir, options.port ?? (await freePort()), recordingLog(), {
        installCacheDir: path.join(root, 'install-cache-broken'),
        ...options,
      }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(EmbeddedPostgresError);
      // Nothing half-made: no data dir, no staging folder or password file beside it.
      expect(await fs.readdir(path.dirname(dataDir)).catch(() => [])).toEqual([]);
      return error as EmbeddedPostgresError;
    }

    it('says the installation is missing and what to do', async () => {
      const missing = path.join(root, 'no-such-install');
      const error = await failure({ installDir: missing }, path.join(root, 'broken-missing', 'pg'));
      expect(error.kind).toBe('missing');
      expect(error.message).toContain(`No PostgreSQL installation at ${missing}`);
      expect(error.message.split('\n').at(-1)).toMatch(/pnpm install.*DATABASE_URL/);
    });

    it('says initdb cannot be executed (EACCES) instead of crashing on the spawn error', async () => {
      const installDir = await fakeInstall('install-not-executable', '#!/bin/sh\nexit 0\n', 0o644);
      const error = await failure({ installDir }, path.join(root, 'broken-eacces', 'pg'));
      expect(error.kind).toBe('access');
      expect(error.message).toMatch(/initdb EACCES/);
      expect(error.message.split('\n').at(-1)).toMatch(/permissions.*DATABASE_URL/);
    });

    it('passes on what a failing initdb printed', async () => {
      const installDir = await fakeInstall('install-initdb-fails', '#!/bin/sh\necho "initdb: simulated failure" >&2\nexit 3\n', 0o755);
      const error = await failure({ installDir }, path.join(root, 'broken-initdb', 'pg'));
      expect(error.kind).toBe('other');
      expect(error.message).toContain('initdb exited (code 3)');
      expect(error.message).toContain('initdb: simulated failure');
      expect(error.message.split('\n').at(-1)).toBe('Fix the cause shown above, or set DATABASE_URL to use another PostgreSQL.');
    });

    it('names a taken port and EMBEDDED_PG_PORT', async () => {
      const port = await freePort();
      const blocker = net.createServer();
      await new Promise<void>((resolve) => blocker.listen({ port, host: '127.0.0.1', exclusive: true }, resolve));
      try {
        const error = await failure({ port }, path.join(root, 'broken-port', 'pg'));
        expect(error.kind).toBe('port');
        expect(error.message.split('\n').at(-1)).toContain(`Port ${port} is taken`);
        expect(error.message.split('\n').at(-1)).toContain('EMBEDDED_PG_PORT=<port>');
      } finally {
        await new Promise((r) => blocker.close(r));
      }
    });
  });

  it('keeps data across stop and start', async () => {
    const dataDir = path.join(root, 'persist', 'pg');
    const port = await freePort();
    const log = recordingLog();
    const first = await start(dataDir, port, log);
    expect(first.dataDir).toBe(dataDir);
    expect(log.warnings).toEqual([]);
    await first.ensureDatabase('kept');
    await query(first.databaseUrl('kept'), `CREATE TABLE kept (id int PRIMARY KEY, note text); INSERT INTO kept VALUES (1, 'still here')`);
    await first.stop();
    expect(await accepts(port)).toBe(false);
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);

    const second = await start(dataDir, port);
    expect(second.dataDir).toBe(dataDir);
    await second.ensureDatabase('kept'); // exists already: a no-op
    expect((await query(second.databaseUrl('kept'), 'SELECT id, note FROM kept')).rows).toEqual([{ id: 1, note: 'still here' }]);
    await second.stop();
  });

  it('starts on a data dir whose postmaster was SIGKILLed (stale postmaster.pid)', async () => {
    const dataDir = path.join(root, 'stale', 'pg');
    const port = await freePort();
    const first = await start(dataDir, port);
    await query(first.url, `CREATE TABLE survived (id int); INSERT INTO survived VALUES (42)`);

    const pid = await postmasterPid(dataDir);
    expect(Number.isInteger(pid) && pid > 0).toBe(true);
    process.kill(pid, 'SIGKILL');
    expect(await waitForExit(pid, 5_000)).toBe(true);
    // Postgres had no chance to clean up: the lock file names a dead process.
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(true);

    const log = recordingLog();
    const second = await start(dataDir, port, log);
    expect(second.dataDir).toBe(dataDir);
    expect(log.warnings.some((w) => w.includes('stale') && w.includes('postmaster.pid'))).toBe(true);
    // Crash recovery replays the WAL: the committed row is there.
    expect((await query(second.url, 'SELECT id FROM survived')).rows).toEqual([{ id: 42 }]);
    const newPid = await postmasterPid(dataDir);
    expect(newPid).not.toBe(pid);

    // The first handle's server is long gone: its stop() must neither hang nor touch the new server.
    await first.stop();
    expect(isAlive(newPid)).toBe(true);
    expect((await query(second.url, 'SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await second.stop();
    expect(isAlive(newPid)).toBe(false);
  });

  it('stop() twice (and concurrently) is fine', async () => {
    const dataDir = path.join(root, 'twice', 'pg');
    const port = await freePort();
    const server = await start(dataDir, port);
    const pid = await postmasterPid(dataDir);
    await Promise.all([server.stop(), server.stop()]);
    await expect(server.stop()).resolves.toBeUndefined();
    expect(isAlive(pid)).toBe(false);
    expect(await accepts(port)).toBe(false);
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
  });

  describe.sequential('a cluster another process started', () => {
    const dataDir = () => path.join(root, 'shared', 'pg');
    let port: number;
    let owner: { child: ChildProcess; postmaster: number };

    it('is shared while its owner lives, and stop() leaves it running', async () => {
      port = await freePort();
      owner = await startOwner(dataDir(), port);
      const log = recordingLog();
      const shared = await start(dataDir(), port, log);
      expect(shared.port).toBe(port);
      expect(log.infos.some((m) => m.includes('already running') && m.includes(`pid ${owner.postmaster}`))).toBe(true);
      await shared.ensureDatabase('from_second');
      await shared.stop();
      expect(isAlive(owner.postmaster)).toBe(true);
      expect((await query(shared.databaseUrl('from_second'), 'SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    });

    it('is shut down and replaced when its owner was SIGKILLed (orphaned postmaster)', async () => {
      expect(owner, 'needs the owner of the previous test').toBeDefined();
      owner.child.kill('SIGKILL');
      await new Promise((r) => (owner.child.exitCode !== null || owner.child.signalCode !== null ? r(null) : owner.child.once('exit', r)));
      // Postgres does not follow its parent: the postmaster keeps running, orphaned.
      expect(isAlive(owner.postmaster)).toBe(true);

      const log = recordingLog();
      const server = await start(dataDir(), port, log);
      expect(log.warnings.some((m) => m.includes(`pid ${owner.postmaster}`) && m.includes('killed run'))).toBe(true);
      expect(isAlive(owner.postmaster)).toBe(false);
      const pid = await postmasterPid(dataDir());
      expect(pid).not.toBe(owner.postmaster);
      // Same cluster: the database created through the shared handle is there.
      expect((await query(server.databaseUrl('from_second'), 'SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await server.stop();
      expect(isAlive(pid)).toBe(false);
    });
  });
});
