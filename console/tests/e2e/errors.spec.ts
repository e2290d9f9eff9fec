import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from './fixtures.ts';
import { freePort } from './platform.ts';

const consoleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

test('a missing record shows the error page with its request id and a retry link, inside the shell', async ({ page, loginAs }) => {
  await loginAs('SUPPORT');
  await page.goto('/tenants/00000000-0000-4000-8000-000000000000');
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await expect(page.getByText('No tenant with id 00000000-0000-4000-8000-000000000000.')).toBeVisible();
  await expect(page.getByTestId('request-id')).toHaveText(UUID);
  await expect(page.getByRole('link', { name: 'Retry' })).toHaveAttribute('href', '/tenants/00000000-0000-4000-8000-000000000000');
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
});

test('when the API is down the console says so with a request id instead of failing blankly', async ({ browser }) => {
  // A second console whose API does not answer.
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: consoleDir,
    env: { ...process.env, NODE_ENV: 'production', CONSOLE_PORT: String(port), CONSOLE_HOST: '127.0.0.1', API_URL: `http://127.0.0.1:${await freePort()}`, COOKIE_SECURE: 'false' },
    stdio: 'ignore',
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    await expect.poll(() => fetch(`${base}/login`).then((r) => r.status, () => 0), { timeout: 30_000 }).toBe(200);
    const context = await browser.newContext({ baseURL: base });
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByLabel('Email').fill('owner@opsgraph.dev');
    await page.getByLabel('Password').fill('opsgraph-demo-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByText('The API is not reachable. Try again in a moment.')).toBeVisible();
    await expect(page.getByTestId('request-id')).toHaveText(UUID);
    await context.close();
  } finally {
    child.kill('SIGTERM');
  }
});
