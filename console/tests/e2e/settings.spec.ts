import { expect, test, unique, type AdminApi } from './fixtures.ts';

// System settings: an invalid value is refused on its field, a valid one is saved and shown, a secret is
// write-only, a change made elsewhere appears without a reload, and a tenant gets its own value on its page.

async function setSetting(api: AdminApi, key: string, value: unknown) {
  const answer = await api.gql(`mutation ($key: String!, $value: JSON!) { setSetting(key: $key, value: $value) { __typename } }`, { key, value });
  expect(answer.setSetting.__typename).toBe('MutationSetSettingSuccess');
}

async function resetSetting(api: AdminApi, key: string) {
  await api.gql(`mutation ($key: String!) { resetSetting(key: $key) { __typename } }`, { key });
}

test('a setting refuses an invalid value on its field, saves a valid one, and shows a change made elsewhere', async ({ page, loginAs, adminApi, shot }) => {
  const api = await adminApi('ADMIN');
  await resetSetting(api, 'security.sessionTtlHours');
  await loginAs('ADMIN');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await expect(page.getByTestId('setting-category').locator('h2')).toHaveText(['Pricing', 'Email', 'Support', 'Security', 'General']);

  const ttl = page.getByRole('form', { name: 'security.sessionTtlHours' });
  await ttl.getByLabel('security.sessionTtlHours').fill('0');
  await ttl.getByRole('button', { name: 'Save' }).click();
  await expect(ttl.getByRole('alert')).toHaveText('more than 0 hours');
  await expect(ttl.getByTestId('setting-status')).toContainText('Default');

  await ttl.getByLabel('security.sessionTtlHours').fill('8');
  await ttl.getByRole('button', { name: 'Save' }).click();
  await expect(ttl.getByRole('status')).toHaveText('Saved.');
  await expect(ttl.getByTestId('setting-status')).toContainText('Saved: 8');
  await expect(ttl.getByRole('alert')).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('form', { name: 'security.sessionTtlHours' }).getByLabel('security.sessionTtlHours')).toHaveValue('8');

  // A nested problem in a JSON value is named on the field.
  const targets = page.getByRole('form', { name: 'support.slaDefaultTargets' });
  const json = targets.getByLabel('support.slaDefaultTargets');
  await json.fill((await json.inputValue()).replace('"firstResponseMinutes": 60', '"firstResponseMinutes": 0'));
  await targets.getByRole('button', { name: 'Save' }).click();
  await expect(targets.getByRole('alert')).toHaveText('URGENT.firstResponseMinutes: at least 1 minute');
  await shot('settings-field-error');

  // A secret is write-only: "not set", then "set", its value never in the page.
  const secret = page.getByRole('form', { name: 'email.resendApiKey' });
  await resetSetting(api, 'email.resendApiKey');
  await page.reload();
  await expect(secret.getByTestId('secret-state')).toHaveText('not set');
  await secret.getByLabel('email.resendApiKey').fill('re_console_secret_123');
  await secret.getByRole('button', { name: 'Save' }).click();
  await expect(secret.getByTestId('secret-state')).toHaveText('set');
  await expect(secret.getByLabel('email.resendApiKey')).toHaveValue('');
  expect(await page.content()).not.toContain('re_console_secret_123');

  // Changed by someone else: the page follows without a reload.
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'connected');
  await page.waitForTimeout(500);
  await setSetting(api, 'general.statusPageUrl', 'https://status.e2e.example');
  await expect(page.getByRole('form', { name: 'general.statusPageUrl' }).getByLabel('general.statusPageUrl')).toHaveValue('https://status.e2e.example');

  await resetSetting(api, 'general.statusPageUrl');
  await resetSetting(api, 'email.resendApiKey');
  await resetSetting(api, 'security.sessionTtlHours');
});

test("a tenant gets its own value on its page; the global one comes back on reset", async ({ page, loginAs, adminApi }) => {
  const api = await adminApi('ADMIN');
  const { plans } = await api.gql(`{ plans(first: 1, filter: { status: ACTIVE }) { edges { node { id } } } }`);
  const name = unique('Settings Co');
  const created = await api.gql(
    `mutation ($input: CreateTenantInput!) { createTenant(input: $input) { ... on MutationCreateTenantSuccess { data { id } } } }`,
    { input: { name, ownerName: 'Owner', ownerEmail: `settings+${Date.now()}@example.com`, planId: plans.edges[0].node.id } },
  );
  const tenantId: string = created.createTenant.data.id;

  await loginAs('ADMIN');
  await page.goto(`/tenants/${tenantId}`);
  const section = page.getByRole('region', { name: 'Settings' });
  const locale = section.getByRole('form', { name: 'pricing.displayLocale' });
  await expect(locale.getByTestId('setting-status')).toContainText('The global value');
  await expect(section.getByRole('form', { name: 'security.sessionTtlHours' })).toHaveCount(0);

  await locale.getByLabel('pricing.displayLocale').fill('not a locale');
  await locale.getByRole('button', { name: 'Save' }).click();
  await expect(locale.getByRole('alert')).toHaveText('a locale such as en-US or de-DE');

  await locale.getByLabel('pricing.displayLocale').fill('de-DE');
  await locale.getByRole('button', { name: 'Save' }).click();
  await expect(locale.getByTestId('setting-status')).toContainText('Its own value: de-DE');
  const read = await api.gql(`query ($t: ID!) { tenantSettings(tenantId: $t) { key value overridden } }`, { t: tenantId });
  expect(read.tenantSettings.find((s: { key: string }) => s.key === 'pricing.displayLocale')).toEqual({ key: 'pricing.displayLocale', value: 'de-DE', overridden: true });

  await locale.getByRole('button', { name: 'Use the global value' }).click();
  await expect(locale.getByTestId('setting-status')).toContainText('The global value');
  await expect(locale.getByLabel('pricing.displayLocale')).toHaveValue('en-US');

  // The global value it falls back to, changed elsewhere, shows without a reload.
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'connected');
  await page.waitForTimeout(500);
  await setSetting(api, 'pricing.displayLocale', 'de-CH');
  await expect(locale.getByLabel('pricing.displayLocale')).toHaveValue('de-CH');
  await resetSetting(api, 'pricing.displayLocale');
});
