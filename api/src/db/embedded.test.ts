// startEmbeddedPostgres against real Postgres binaries: data-dir fallback, persistence, a stale
// postmaster.pid after a SIGKILL, idempotent stop(). Every cluster lives under a temp folder removed afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPgLogger, type EmbeddedPostgres } from './embedded.ts';
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

async function start(dataDir: string, port: number, log = recordingLog()) {
  const server = await startEmbeddedPostgres({ dataDir, port, log, settings });
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
