import fs from 'node:fs/promises';
import type { WebSocketRoute } from '@playwright/test';
import { apiUrl, expect, loginPage, test, unique, type AdminApi } from './fixtures.ts';

/** A trialing tenant on the first active plan, made through the API; returns its id. */
async function createTenantViaApi(api: AdminApi, name: string, ownerEmail: string): Promise<string> {
  const { plans } = await api.gql(`{ plans(first: 1, filter: { status: ACTIVE }) { edges { node { id } } } }`);
  const created = await api.gql(
    `mutation ($input: CreateTenantInput!) { createTenant(input: $input) { ... on MutationCreateTenantSuccess { data { id } } } }`,
    { input: { name, ownerName: 'Owner', ownerEmail, planId: plans.edges[0].node.id } },
  );
  return created.createTenant.data.id;
}

async function createTenantInConsole(page: import('@playwright/test').Page, name: string) {
  await page.goto('/tenants');
  await page.getByRole('link', { name: 'New tenant' }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Owner name').fill('Ada Lovelace');
  await page.getByLabel('Owner email').fill(`ada+${Date.now()}@example.com`);
  await page.getByRole('button', { name: 'Create tenant' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(name);
  return page.url().split('/').pop()!;
}

test('creates a tenant, suspends it with a reason and shows the change in its history and the audit log', async ({
  page,
  loginAs,
  shot,
}) => {
  await loginAs('ADMIN');
  const name = unique('Suspend Co');
  const id = await createTenantInConsole(page, name);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Trialing');
  await shot('tenant-detail');

  await page.getByRole('button', { name: 'Suspend' }).click();
  const dialog = page.getByRole('dialog', { name: 'Suspend tenant' });
  await dialog.getByRole('button', { name: 'Suspend tenant' }).click();
  await expect(dialog.getByText('Say why the tenant is suspended.')).toBeVisible();
  await dialog.getByLabel('Reason').fill('Chargeback under review');
  await dialog.getByRole('button', { name: 'Suspend tenant' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Suspended');
  await expect(page.getByTestId('suspension-reason')).toContainText('Chargeback under review');
  await expect(page.getByTestId('history-row').first()).toContainText('tenant.suspend');
  await expect(page.getByTestId('history-row').first()).toContainText('Trialing → Suspended');
  await expect(page.getByTestId('history-row').first()).toContainText('admin@opsgraph.dev');

  await page.getByTestId('history-row').first().getByRole('link').click();
  await expect(page).toHaveURL(/\/audit\/[0-9a-f-]{36}$/);
  await expect(page.getByText('tenant.suspend').first()).toBeVisible();

  await page.goto(`/tenants?search=${encodeURIComponent(name)}&status=SUSPENDED`);
  await expect(page.getByTestId('tenant-row')).toHaveCount(1);
  await expect(page.getByTestId('tenant-row')).toContainText(name);
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
});

test('keeps filters, sort and page in the URL and exports the filtered rows as CSV', async ({ page, loginAs, adminApi, shot }) => {
  const api = await adminApi('OWNER');
  const prefix = unique('Export');
  const { plans } = await api.gql(`{ plans(first: 1, filter: { status: ACTIVE }) { edges { node { id } } } }`);
  for (const n of [1, 2, 3]) {
    await api.gql(`mutation ($input: CreateTenantInput!) { createTenant(input: $input) { __typename } }`, {
      input: { name: `${prefix} ${n}`, ownerName: 'Owner', ownerEmail: `o${n}@example.com`, planId: plans.edges[0].node.id },
    });
  }
  await loginAs('VIEWER');
  await page.goto('/tenants');
  await shot('tenants-list');
  await page.getByLabel('Search').fill(prefix);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(new RegExp(`search=${encodeURIComponent(prefix).replace(/%20/g, '\\+')}`));
  await expect(page.getByTestId('tenant-row')).toHaveCount(3);
  await page.getByRole('link', { name: 'Name' }).click();
  await expect(page).toHaveURL(/sort=NAME_ASC/);
  await expect(page.getByTestId('tenant-row').first()).toContainText(`${prefix} 1`);
  await page.getByRole('link', { name: /Name/ }).click();
  await expect(page).toHaveURL(/sort=NAME_DESC/);
  await expect(page.getByTestId('tenant-row').first()).toContainText(`${prefix} 3`);
  await page.goBack();
  await expect(page).toHaveURL(/sort=NAME_ASC/);
  await expect(page.getByTestId('tenant-row').first()).toContainText(`${prefix} 1`);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const csv = await fs.readFile((await download.path())!, 'utf8');
  const [header, ...rows] = csv.trim().split(/\r?\n/);
  expect(header).toContain('name');
  expect(rows).toHaveLength(3);
  expect(rows.map((r) => r.split(',')[1])).toEqual([`${prefix} 1`, `${prefix} 2`, `${prefix} 3`]);
});

test('creates an API key whose secret is shown once and works against the tenant graph', async ({ page, loginAs }) => {
  await loginAs('OWNER');
  const name = unique('Keyed Co');
  const id = await createTenantInConsole(page, name);
  await page.getByLabel('Key name').fill('Backend');
  await page.getByRole('button', { name: 'Create key' }).click();
  const secret = (await page.getByTestId('api-key-secret').textContent())!;
  expect(secret).toMatch(/^ogk_/);
  await expect(page.getByTestId('api-key-row')).toContainText('Backend');

  const res = await fetch(`${apiUrl()}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify({ query: '{ viewer { tenant { id name } } }' }),
  });
  expect((await res.json()).data.viewer.tenant).toEqual({ id, name });

  await page.reload();
  await expect(page.getByTestId('api-key-secret')).toHaveCount(0);
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByTestId('api-key-row')).toContainText('Revoked');
  const after = await fetch(`${apiUrl()}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify({ query: '{ viewer { tenant { id } } }' }),
  });
  expect(after.status).toBe(401);
});

test("admin B's open tenant page shows admin A's suspension without a reload", async ({ browser, adminApi }) => {
  const api = await adminApi('OWNER');
  const name = unique('Live Co');
  const id = await createTenantViaApi(api, name, 'live@example.com');
  const baseURL = process.env.CONSOLE_URL;

  const contextA = await browser.newContext({ baseURL });
  const contextB = await browser.newContext({ baseURL });
  const a = await contextA.newPage();
  const b = await contextB.newPage();
  await loginPage(a, 'ADMIN');
  await loginPage(b, 'SUPPORT');
  await b.goto(`/tenants/${id}`);
  await expect(b.getByTestId('live-status')).toHaveAttribute('data-live', 'connected');
  await expect(b.getByRole('heading', { level: 1 })).toContainText('Trialing');
  await b.goto(`/tenants?search=${encodeURIComponent(name)}`);
  await expect(b.getByTestId('tenant-row')).toContainText('Trialing');
  await b.goto(`/tenants/${id}`);
  await expect(b.getByTestId('live-status')).toHaveAttribute('data-live', 'connected');

  await a.goto(`/tenants/${id}`);
  await a.getByRole('button', { name: 'Suspend' }).click();
  await a.getByRole('dialog').getByLabel('Reason').fill('Abuse report');
  await a.getByRole('dialog').getByRole('button', { name: 'Suspend tenant' }).click();

  let reloaded = false;
  b.once('load', () => (reloaded = true));
  await expect(b.getByRole('heading', { level: 1 })).toContainText('Suspended');
  await expect(b.getByTestId('suspension-reason')).toContainText('Abuse report');
  expect(reloaded).toBe(false);
  await contextA.close();
  await contextB.close();
});

test('a VIEWER sees no mutation buttons, and the API refuses the mutations anyway', async ({ page, loginAs, adminApi }) => {
  const owner = await adminApi('OWNER');
  const { tenants } = await owner.gql(`{ tenants(first: 1, filter: { status: [ACTIVE] }) { edges { node { id } } } }`);
  const id = tenants.edges[0].node.id;

  await loginAs('VIEWER');
  await page.goto('/tenants');
  await expect(page.getByRole('link', { name: 'New tenant' })).toHaveCount(0);
  await page.goto(`/tenants/${id}`);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByTestId('tenant-actions').getByRole('button')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Create key' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Revoke' })).toHaveCount(0);

  const viewer = await adminApi('VIEWER');
  await expect(viewer.gql(`mutation ($id: ID!) { suspendTenant(id: $id, reason: "x") { __typename } }`, { id })).rejects.toMatchObject({
    code: 'FORBIDDEN',
  });
  // A crafted form post through the console is refused by the API too, and changes nothing.
  const response = await page.request.post(`/tenants/${id}?_data=routes%2F_app.tenants.%24id`, {
    form: { intent: 'suspend', reason: 'forged' },
  });
  expect(response.ok()).toBe(false);
  const { tenant } = await owner.gql(`query ($id: ID!) { tenant(id: $id) { status } }`, { id });
  expect(tenant.status).toBe('ACTIVE');
});

test('an open tenant page catches up on a change made while its live connection was down', async ({ page, adminApi }) => {
  const api = await adminApi('OWNER');
  const id = await createTenantViaApi(api, unique('Dropped Co'), 'dropped@example.com');
  // Every socket of the page passes through here, so the test can cut one as a network failure or a
  // restart of the API would.
  const sockets: { page: WebSocketRoute; server: WebSocketRoute }[] = [];
  await page.routeWebSocket(/\/graphql$/, (ws) => {
    sockets.push({ page: ws, server: ws.connectToServer() });
  });
  await loginPage(page, 'SUPPORT');
  await page.goto(`/tenants/${id}`);
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'connected');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Trialing');

  const opened = sockets.length;
  const cut = sockets.at(-1)!;
  await cut.server.close();
  await cut.page.close({ code: 1012, reason: 'Service Restart' });
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'reconnecting');
  // Made while the page has no socket: its event reaches nobody on this page.
  await api.gql(`mutation($id: ID!) { suspendTenant(id: $id, reason: "While offline") { __typename } }`, { id });

  let reloaded = false;
  page.once('load', () => (reloaded = true));
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'connected');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Suspended');
  await expect(page.getByTestId('suspension-reason')).toContainText('While offline');
  expect(reloaded).toBe(false);
  // One new socket, and no page load: the data came back through the page's loaders.
  expect(sockets.length).toBe(opened + 1);
});
