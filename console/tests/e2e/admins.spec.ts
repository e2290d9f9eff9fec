import type { Page } from '@playwright/test';
import { expect, graphqlRequest, test, unique, type AdminApi } from './fixtures.ts';

const PASSWORD = 'a-long-enough-password';

function uniqueEmail(prefix: string): string {
  return `${unique(prefix).toLowerCase().replace(/[^a-z0-9]+/g, '-')}@example.com`;
}

async function createAdmin(api: AdminApi, role = 'SUPPORT') {
  const email = uniqueEmail('e2e-admin');
  const { createAdmin } = await api.gql<{ createAdmin: { __typename: string; data?: { id: string }; message?: string } }>(
    `mutation ($input: CreateAdminInput!) {
      createAdmin(input: $input) {
        __typename
        ... on MutationCreateAdminSuccess { data { id } }
        ... on Error { message }
      }
    }`,
    { input: { name: `Admin ${email.split('@')[0]}`, email, role, password: PASSWORD } },
  );
  if (!createAdmin.data) throw new Error(`createAdmin failed: ${createAdmin.__typename} ${createAdmin.message ?? ''}`);
  return { id: createAdmin.data.id, email, name: `Admin ${email.split('@')[0]}` };
}

async function signIn(email: string): Promise<string> {
  const { login } = await graphqlRequest<{ login: { data?: { token: string } } }>(
    `mutation ($email: String!, $password: String!) {
      login(email: $email, password: $password) { ... on MutationLoginSuccess { data { token } } }
    }`,
    { email, password: PASSWORD },
  );
  if (!login.data) throw new Error(`login as ${email} failed`);
  return login.data.token;
}

function field(page: Page, name: string) {
  return page.locator(`[data-field="${name}"]`);
}

test('an owner creates an admin, changes its role and deactivates it', async ({ page, loginAs, shot }) => {
  const email = uniqueEmail('e2e-new-admin');
  const name = `New ${email.split('@')[0]}`;
  await loginAs('OWNER');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admins' }).click();
  await expect(page.getByRole('heading', { name: 'Admins' })).toBeVisible();
  await page.getByRole('link', { name: 'New admin' }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Role').selectOption('SUPPORT');
  await page.getByLabel('Initial password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create admin' }).click();

  await expect(page.getByRole('heading', { name })).toBeVisible();
  await expect(page.getByTestId('admin-role')).toHaveText('Support');
  await expect(page.getByTestId('admin-status')).toHaveText('Active');

  await page.getByLabel('Role').selectOption('BILLING');
  await page.getByRole('button', { name: 'Save role' }).click();
  await expect(page.getByTestId('admin-role')).toHaveText('Billing');

  const dialog = page.getByRole('dialog', { name: 'Deactivate admin' });
  await page.getByRole('button', { name: 'Deactivate', exact: true }).click();
  await dialog.getByRole('button', { name: 'Deactivate admin' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('admin-status')).toContainText('Deactivated');
  await expect(page.getByRole('button', { name: 'Reactivate', exact: true })).toBeVisible();
  const history = page.getByTestId('history-row');
  await expect(history.filter({ hasText: 'admin.changeRole' })).toContainText('role: SUPPORT → BILLING');
  await expect(history.filter({ hasText: 'admin.deactivate' })).toContainText('owner@opsgraph.dev');
  await shot('admin-detail');

  await page.goto(`/admins?search=${encodeURIComponent(email)}`);
  const row = page.getByTestId('admin-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(name);
  await expect(row).toContainText('Billing');
  await expect(row).toContainText('Deactivated');
  await page.goto('/admins?active=false');
  await expect(page.getByTestId('admin-row').filter({ hasText: email })).toHaveCount(1);
  await expect(page.getByTestId('admin-row').filter({ hasText: 'owner@opsgraph.dev' })).toHaveCount(0);
  await page.goto('/admins');
  await shot('admins-list');

  // The deactivated admin can no longer sign in.
  await expect(signIn(email)).rejects.toThrow();
});

test('shows a too-short password and a taken email beside their fields', async ({ page, loginAs }) => {
  await loginAs('OWNER');
  await page.goto('/admins/new');
  await page.getByLabel('Name').fill('Short Password');
  await page.getByLabel('Email').fill(uniqueEmail('e2e-short'));
  await page.getByLabel('Initial password').fill('too-short');
  await page.getByRole('button', { name: 'Create admin' }).click();
  await expect(field(page, 'password').getByRole('alert')).toContainText('at least 12 characters');
  await expect(page.getByLabel('Name')).toHaveValue('Short Password');

  await page.getByLabel('Email').fill('OWNER@opsgraph.dev');
  await page.getByLabel('Initial password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create admin' }).click();
  await expect(field(page, 'email').getByRole('alert')).toContainText('already exists');
  await expect(field(page, 'password').getByRole('alert')).toHaveCount(0);
  await expect(page).toHaveURL(/\/admins\/new$/);
});

test('lists an admin’s active sessions and revokes one', async ({ page, loginAs, adminApi }) => {
  const admin = await createAdmin(await adminApi('OWNER'));
  const token = await signIn(admin.email);
  await loginAs('OWNER');
  await page.goto(`/admins/${admin.id}`);
  const sessions = page.getByTestId('session-row');
  await expect(sessions).toHaveCount(1);
  await sessions.getByRole('button', { name: 'Revoke' }).click();
  await expect(sessions).toHaveCount(0);
  await expect(page.getByText('No active sessions.')).toBeVisible();
  await expect(graphqlRequest('{ me { id } }', {}, token)).rejects.toThrow();
});

test('only owners manage admins: a support admin gets the 403 page and no Admins link', async ({ page, loginAs, adminApi }) => {
  const admin = await createAdmin(await adminApi('OWNER'));
  await loginAs('SUPPORT');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Tenants' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Admins' })).toHaveCount(0);

  for (const path of ['/admins', '/admins/new', `/admins/${admin.id}`]) {
    const response = await page.goto(path);
    expect(response?.status()).toBe(403);
    await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
    await expect(page.getByText('Only owners can manage admins.')).toBeVisible();
    await expect(page.getByTestId('request-id')).not.toBeEmpty();
  }
  await expect(nav.getByRole('link', { name: 'Admins' })).toHaveCount(0);
});
