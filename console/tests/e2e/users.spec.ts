import { expect, graphqlRequest, test, unique, type AdminApi } from './fixtures.ts';

/** A tenant user reported through the tenant graph with a fresh tenant key; returns the user's id. */
async function userViaTenantKey(api: AdminApi, name: string): Promise<{ userId: string; tenantName: string }> {
  const { tenants } = await api.gql(`{ tenants(first: 1, filter: { status: [TRIALING, ACTIVE] }) { edges { node { id name } } } }`);
  const tenant = tenants.edges[0].node;
  const key = await api.gql(
    `mutation ($input: CreateTenantApiKeyInput!) { createTenantApiKey(input: $input) { ... on MutationCreateTenantApiKeySuccess { data { secret } } } }`,
    { input: { tenantId: tenant.id, name: 'users e2e' } },
  );
  const externalId = `e2e-${Date.now().toString(36)}`;
  const upserted = await graphqlRequest<any>(
    `mutation ($users: [UserInput!]!) { upsertUsers(users: $users) { ... on MutationUpsertUsersSuccess { data { users { id } errors { field message } } } } }`,
    { users: [{ externalId, email: `${externalId}@example.com`, name, locale: 'en-GB', timeZone: 'Europe/London', attributes: { plan: 'pro', seats: 4 } }] },
    key.createTenantApiKey.data.secret,
  );
  expect(upserted.upsertUsers.data.errors).toEqual([]);
  return { userId: upserted.upsertUsers.data.users[0].id, tenantName: tenant.name };
}

test('blocks a user with a reason and shows the block in the timeline; unblocks again', async ({ page, loginAs, adminApi, shot }) => {
  const name = unique('Blocked Person');
  const { userId, tenantName } = await userViaTenantKey(await adminApi('ADMIN'), name);
  await loginAs('ADMIN');

  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await page.getByLabel('Search').fill(name);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('user-row')).toHaveCount(1);
  await expect(page.getByTestId('user-row')).toContainText(tenantName);
  await page.getByTestId('user-row').getByRole('link', { name }).click();
  await expect(page).toHaveURL(new RegExp(`/users/${userId}$`));
  await expect(page.getByTestId('user-profile')).toContainText('Europe/London');
  await expect(page.getByTestId('user-attributes')).toContainText('seats');

  await page.getByRole('button', { name: 'Block' }).click();
  const dialog = page.getByRole('dialog', { name: 'Block user' });
  await dialog.getByLabel('Reason').fill('Abusive messages to support');
  await dialog.getByRole('button', { name: 'Block user' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Blocked');
  await expect(page.getByTestId('blocked-reason')).toContainText('Abusive messages to support');
  await expect(page.getByTestId('timeline-row').first()).toContainText('user.block');
  await expect(page.getByTestId('timeline-row').first()).toContainText('admin@opsgraph.dev');
  await shot('user-blocked');

  await page.getByRole('button', { name: 'Unblock' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Active');
  await expect(page.getByTestId('timeline-row').first()).toContainText('user.unblock');
  await expect(page.getByTestId('timeline-row')).toHaveCount(2);

  await page.goto(`/users?blocked=false&search=${encodeURIComponent(name)}`);
  await expect(page.getByTestId('user-row')).toHaveCount(1);
  await expect(page.getByTestId('export-csv')).toHaveAttribute('href', /users\.csv\?.*blocked=false/);
});

test('sends a user an email from a template, with its variables; the email shows in the timeline', async ({ page, loginAs, adminApi, shot }) => {
  const name = unique('Mailed Person');
  const { userId } = await userViaTenantKey(await adminApi('ADMIN'), name);
  await loginAs('ADMIN');
  await page.goto(`/users/${userId}`);

  await page.getByRole('button', { name: 'Send email' }).click();
  const dialog = page.getByRole('dialog', { name: /^Send an email to / });
  await dialog.getByLabel('Template').selectOption('welcome');
  await dialog.getByRole('textbox', { name: /^name\b/ }).fill('Grace');
  await dialog.getByRole('textbox', { name: /^product\b/ }).fill('Acme');
  // A list variable is typed as JSON; a broken one is named, and nothing is sent.
  await dialog.getByRole('textbox', { name: /^tips \(JSON\)/ }).fill('[oops');
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(dialog.getByRole('alert')).toContainText('Not valid JSON');
  await dialog.getByRole('textbox', { name: /^tips \(JSON\)/ }).fill('["Invite your team"]');
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('sent-email-link')).toHaveAttribute('href', /^\/emails\/[0-9a-f-]{36}$/);

  // The email is on the timeline at once; its subject once the worker has rendered and sent it.
  await expect(page.getByTestId('timeline-row').first()).toContainText('Email');
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('timeline-row').first()).toContainText('Welcome to Acme, Grace', { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await shot('user-emailed');
  await page.getByTestId('timeline-row').first().getByRole('link', { name: 'Welcome to Acme, Grace' }).click();
  await expect(page).toHaveURL(/\/emails\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Welcome to Acme, Grace');
});
