// A production database starts empty: the first owner comes from `pnpm admin:create`, never from the demo seed.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../app.ts';
import { verifyPassword } from '../lib/password.ts';
import { seedDemo, SeedRefusedError } from '../seed/index.ts';
import { testDb } from '../../test/db.ts';

const apiDir = fileURLToPath(new URL('../..', import.meta.url));
const repoDir = fileURLToPath(new URL('../../..', import.meta.url));
const PASSWORD = 'cobalt-harbor-juniper-58';

let db: Awaited<ReturnType<typeof testDb>>;
let app: App;

beforeAll(async () => {
  db = await testDb();
  app = createApp({ databaseUrl: db.url, poolSize: 2 });
});
afterAll(async () => {
  await app.close();
  await db.drop();
});

/** Runs a command to completion with `input` on its standard input (a pipe, not a terminal). */
function run(command: string, args: string[], options: { cwd?: string; input?: string; env?: Record<string, string> } = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? apiDir,
      env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

const createAdminCli = (args: string[], input?: string) => run(process.execPath, ['--import', 'tsx', 'src/cli/create-admin.ts', ...args], { input });

describe('pnpm admin:create', () => {
  it('creates the first owner from a password on standard input, validated and audited as the platform', { timeout: 60_000 }, async () => {
    const result = await run('pnpm', ['--silent', 'admin:create', '--email', 'Ada@Example.com', '--name', 'Ada Lovelace'], {
      cwd: repoDir,
      input: `${PASSWORD}\n`,
    });
    expect(result, result.stderr).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(/^Created OWNER ada@example\.com \(Ada Lovelace, id [0-9a-f-]{36}\)/m);
    const admin = await app.prisma.adminUser.findUniqueOrThrow({ where: { email: 'ada@example.com' } });
    expect(admin).toMatchObject({ role: 'OWNER', name: 'Ada Lovelace', active: true });
    expect(await verifyPassword(PASSWORD, admin.passwordHash)).toBe(true);
    const entry = await app.prisma.auditEvent.findFirstOrThrow({ where: { action: 'admin.create', targetId: admin.id } });
    expect(entry).toMatchObject({ actorType: 'SYSTEM', actorId: null });
    expect(JSON.stringify(entry)).not.toContain(PASSWORD);
  });

  it('refuses a taken email, a weak password and a password on the command line, creating nothing', async () => {
    const before = await app.prisma.adminUser.count();
    const grace = ['--email', 'grace@example.com', '--name', 'Grace Hopper'];
    const [taken, weak, invalid, inArgv, empty] = await Promise.all([
      createAdminCli(['--email', 'ada@example.com', '--name', 'Ada Again', '--role', 'ADMIN'], PASSWORD),
      createAdminCli(grace, 'password1234\n'),
      createAdminCli(['--email', 'not-an-email', '--role', 'KING'], PASSWORD),
      createAdminCli([...grace, '--password', PASSWORD], PASSWORD),
      createAdminCli(grace, ''),
    ]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/An admin with this email already exists; nothing was created/);
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/password: too easy to guess: This is similar to a commonly used password/);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/--email: not a valid email address\n--name: required\n--role: /);
    expect(inArgv.code).toBe(2);
    expect(inArgv.stderr).toMatch(/Refusing a password on the command line/);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/No password on standard input/);
    expect(await app.prisma.adminUser.count()).toBe(before);
  }, 120_000);
});

describe('the demo seed', () => {
  it('refuses production and seeds nothing, from code and from `pnpm db:seed`', { timeout: 60_000 }, async () => {
    const empty = await testDb();
    const target = createApp({ databaseUrl: empty.url, poolSize: 2 });
    try {
      await expect(seedDemo(target, {}, { isProduction: true })).rejects.toBeInstanceOf(SeedRefusedError);
      const seed = await run(process.execPath, ['--import', 'tsx', 'src/cli/seed.ts'], {
        env: { NODE_ENV: 'production', SECRETS_KEY: 'ab'.repeat(32), DATABASE_URL: empty.url },
      });
      expect(seed.code).toBe(1);
      expect(seed.stderr).toMatch(/Refusing to seed demo data with NODE_ENV=production.*pnpm admin:create/);
      expect(await target.prisma.adminUser.count()).toBe(0);
      expect(await target.prisma.tenant.count()).toBe(0);
      expect(await target.prisma.plan.count()).toBe(0);
    } finally {
      await target.close();
      await empty.drop();
    }
  });
});
