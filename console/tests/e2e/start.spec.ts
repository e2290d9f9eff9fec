import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures.ts';
import { freePort } from './platform.ts';

const repoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Command lines of running processes that mention `needle`. */
function processesMentioning(needle: string): string[] {
  const out = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(needle) && !line.includes('ps -eo'));
}

// The README's start command, as a new user runs it: build, API + worker + console, printed URL and login.
test('pnpm start prints the console URL and a demo login that works, and Ctrl-C stops everything', async ({ browser }) => {
  test.setTimeout(180_000);
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'opsgraph-start-'));
  const [apiPort, consolePort, pgPort] = [await freePort(), await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn', DATA_DIR: dataDir, NO_COLOR: '1' };
  for (const key of ['DATABASE_URL', 'API_URL', 'CONSOLE_URL', 'HOST', 'CONSOLE_HOST']) delete env[key];
  Object.assign(env, {
    PORT: String(apiPort),
    CONSOLE_PORT: String(consolePort),
    EMBEDDED_PG_PORT: String(pgPort),
    // Its own build folder: the console under test keeps serving the suite's build meanwhile.
    CONSOLE_BUILD_DIR: 'build-start',
  });
  // Its own process group, like a job in a terminal, so "Ctrl-C" reaches every process of it.
  const child = spawn('pnpm', ['start'], { cwd: repoDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  // Without colour codes, whatever a tool decides about the terminal.
  const append = (chunk: Buffer) => (output += chunk.toString().replace(/\x1b\[[0-9;]*m/g, ''));
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await expect.poll(() => /Demo admin +\S+ \/ \S+/.test(output) && /Opsgraph console +http/.test(output), { timeout: 150_000 }).toBe(true);
    const consoleUrl = output.match(/Opsgraph console +(http\S+)/)![1]!;
    const [, email, password] = output.match(/Demo admin +(\S+) \/ (\S+)/)!;
    expect(consoleUrl).toBe(`http://localhost:${consolePort}`);

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(consoleUrl);
    await expect(page).toHaveURL(/\/login/);
    await page.getByLabel('Email').fill(email!);
    await page.getByLabel('Password').fill(password!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
    await expect(page.getByTestId('role')).toHaveText('OWNER');
    await page.getByRole('link', { name: 'Tenants' }).click();
    await expect(page.getByTestId('tenant-row')).toHaveCount(25);
    await context.close();

    process.kill(-child.pid!, 'SIGINT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
    expect(output).toMatch(/\[api\] .*exited with code 0/);
    expect(output).toMatch(/\[console\] .*exited with code 0/);
    expect(processesMentioning(dataDir)).toEqual([]);
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL'); // whatever of the group is still there
    } catch {
      // the group is gone: stopped cleanly
    }
    await fs.rm(dataDir, { recursive: true, force: true });
  }
});
