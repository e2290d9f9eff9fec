import { NAV } from '../../app/lib/nav.ts';
import { expect, loginPage, test, unique } from './fixtures.ts';

test('redirects to the login page and back to the page that was asked for', async ({ page, shot }) => {
  await page.goto('/tenants?status=SUSPENDED');
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Ftenants%3Fstatus%3DSUSPENDED/);
  await shot('login');
  await page.getByLabel('Email').fill('owner@opsgraph.dev');
  await page.getByLabel('Password').fill('opsgraph-demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/tenants\?status=SUSPENDED$/);
  await expect(page.getByRole('heading', { name: 'Tenants' })).toBeVisible();
});

test('shows a wrong password as an error and does not sign in', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('Email').fill('viewer@opsgraph.dev');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText(/invalid|incorrect/i);
  await page.goto('/tenants');
  await expect(page).toHaveURL(/\/login/);
});

test('after repeated failures, says how long to wait before the next try', async ({ page }) => {
  await page.goto('/login');
  const alert = page.getByRole('alert');
  const email = `${unique('nobody').replace(/\W+/g, '-')}@opsgraph.dev`;
  for (let i = 1; i <= 5; i += 1) {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(`guess-number-${i}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
    if (i < 5) await expect(alert).toHaveText('Email or password is incorrect');
  }
  await expect(alert).toHaveText(/^Too many failed sign-ins\. Try again in [12] seconds?\.$/);
  await expect(page).toHaveURL(/\/login/);
});

test('logging out ends the session, and the old cookie no longer works', async ({ page, context }) => {
  await loginPage(page, 'SUPPORT');
  const before = (await context.cookies()).find((c) => c.name === 'og_session');
  expect(before?.httpOnly).toBe(true);
  expect(before?.sameSite).toBe('Lax');
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await context.addCookies([before!]);
  await page.goto('/tenants');
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Ftenants/);
});

test('the sidebar shows only screens the role may use', async ({ page }) => {
  await loginPage(page, 'VIEWER');
  const nav = page.getByRole('navigation', { name: 'Main' });
  // A VIEWER has READ and MONITORING_READ only: every screen that needs just those, in the sidebar's order, and nothing else.
  const readable = NAV.filter((item) => item.permission === 'READ' || item.permission === 'MONITORING_READ').map((item) => item.label);
  expect(readable).toEqual(expect.arrayContaining(['Dashboard', 'Tenants', 'Operations', 'Webhooks', 'Jobs']));
  await expect(nav.getByRole('link')).toHaveText(readable);
  await expect(nav.getByRole('link', { name: 'Admins' })).toHaveCount(0);
});

test('the console refuses a WebSocket opened by another site’s page, and accepts its own', async () => {
  const { request } = await import('node:http');
  const upgrade = (origin: string) =>
    new Promise<number>((resolve, reject) => {
      const url = new URL('/graphql', process.env.CONSOLE_URL);
      const req = request(url, {
        headers: {
          connection: 'Upgrade',
          upgrade: 'websocket',
          origin,
          'sec-websocket-version': '13',
          'sec-websocket-key': Buffer.from('0123456789abcdef').toString('base64'),
          'sec-websocket-protocol': 'graphql-transport-ws',
        },
      });
      req.on('upgrade', (res, socket) => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
  expect(await upgrade('https://evil.example')).toBe(403);
  expect(await upgrade(new URL(process.env.CONSOLE_URL!).origin)).toBe(101);
});

test('the live indicator is connected on every page: the shell listens for alerts everywhere', async ({ page }) => {
  await loginPage(page, 'VIEWER');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Tenants' }).click();
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'connected');
  await nav.getByRole('link', { name: 'Plans' }).click();
  await expect(page.getByRole('heading', { name: 'Plans' })).toBeVisible();
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'connected');
  await nav.getByRole('link', { name: 'Jobs' }).click();
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'connected');
});

test('an open page follows its session: revoked elsewhere, it goes to the login page; given another role, it shows that role', async ({ page, adminApi }) => {
  const owner = await adminApi('OWNER');
  const email = `${unique('revoked').replace(/\W+/g, '-')}@opsgraph.dev`;
  const password = 'cobalt-harbor-juniper-58';
  const { createAdmin } = await owner.gql<{ createAdmin: { data: { id: string } } }>(
    `mutation($input: CreateAdminInput!) { createAdmin(input: $input) { ... on MutationCreateAdminSuccess { data { id } } ... on Error { message } } }`,
    { input: { email, name: 'Revoked Admin', role: 'SUPPORT', password } },
  );
  const adminId = createAdmin.data.id;
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('role')).toHaveText('SUPPORT');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tenants' }).click();
  await expect(page.getByRole('heading', { name: 'Tenants' })).toBeVisible();
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'connected');

  // Another role: the open page loads again and shows it, without anyone touching it.
  await owner.gql(`mutation($id: ID!) { changeAdminRole(id: $id, role: VIEWER) { __typename } }`, { id: adminId });
  await expect(page.getByTestId('role')).toHaveText('VIEWER');
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'connected');

  // Its session revoked by an owner: the open page goes to the login page.
  const { admin } = await owner.gql<{ admin: { sessions: { id: string }[] } }>(`query($id: ID!) { admin(id: $id) { sessions { id } } }`, { id: adminId });
  for (const session of admin.sessions) await owner.gql(`mutation($id: ID!) { revokeAdminSession(id: $id) { __typename } }`, { id: session.id });
  await expect(page).toHaveURL(/\/login/);
});
