import { expect, graphqlRequest, test, unique } from './fixtures.ts';

/** A new tenant with an API key, made through the admin graph. */
async function tenantKey(api: { gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<T> }): Promise<string> {
  const { plans } = await api.gql(`{ plans(first: 1, filter: { status: ACTIVE }) { edges { node { id } } } }`);
  const { createTenant } = await api.gql(
    `mutation ($input: CreateTenantInput!) { createTenant(input: $input) { ... on MutationCreateTenantSuccess { data { id } } } }`,
    { input: { name: unique('Prompt Co'), ownerName: 'Owner', ownerEmail: `${Date.now().toString(36)}@prompts.example`, planId: plans.edges[0].node.id } },
  );
  const { createTenantApiKey } = await api.gql(
    `mutation ($input: CreateTenantApiKeyInput!) { createTenantApiKey(input: $input) { ... on MutationCreateTenantApiKeySuccess { data { secret } } } }`,
    { input: { tenantId: createTenant.data.id, name: 'prompts' } },
  );
  return createTenantApiKey.data.secret;
}

const RENDER = `query ($key: String!, $vars: JSON) { renderPrompt(key: $key, variables: $vars) {
  __typename ... on QueryRenderPromptSuccess { data { text label version { number } } } ... on Error { message } } }`;

test('moves the production label from v1 to v2 in the console and the tenant graph renders v2', async ({ page, loginAs, adminApi, shot }) => {
  const secret = await tenantKey(await adminApi('OWNER'));
  const key = `e2e.${Date.now().toString(36)}`;
  await loginAs('OWNER');

  await page.getByRole('link', { name: 'Prompts', exact: true }).click();
  await page.getByRole('link', { name: 'New prompt' }).click();
  await page.getByLabel('Key').fill(key);
  await page.getByLabel('Name', { exact: true }).fill('E2E greeting');
  await page.getByLabel('Category').fill('e2e');
  await page.getByLabel('Template').fill('Hello {{name}} from v1');
  await page.getByLabel('Variables').fill('[{ "name": "name", "type": "STRING" }]');
  await page.getByLabel('Label this version production').check();
  await page.getByRole('button', { name: 'Create prompt' }).click();
  await expect(page.getByRole('heading', { name: 'E2E greeting' })).toBeVisible();
  await expect(page.getByTestId('label-row').filter({ hasText: 'production' }).getByTestId('label-version')).toHaveText('v1');

  // Version 2 from the editor, with its live preview.
  await page.getByLabel('Template').fill('Hello {{name}} from v2');
  await expect(page.getByTestId('preview-text')).toHaveText('Hello example from v2');
  await page.getByLabel('Template').fill('Hello {{name}} from v2 {{nmae}}');
  await expect(page.getByTestId('preview-problems')).toContainText('undeclared variable "nmae"');
  await page.getByLabel('Template').fill('Hello {{name}} from v2');
  await page.getByLabel('Changelog').fill('Second version');
  await page.getByRole('button', { name: 'Save as new version' }).click();
  await expect(page.getByTestId('prompt-version')).toHaveCount(2);
  await expect(page.getByTestId('version-diff')).toContainText('+ Hello {{name}} from v2');
  await expect(page.getByTestId('version-diff')).toContainText('- Hello {{name}} from v1');

  // Still v1 for tenants until the label moves.
  const before = await graphqlRequest<any>(RENDER, { key, vars: { name: 'Ada' } }, secret);
  expect(before.renderPrompt.data).toEqual({ text: 'Hello Ada from v1', label: 'production', version: { number: 1 } });

  const production = page.getByTestId('label-row').filter({ hasText: 'production' });
  await production.getByLabel('Version for production').selectOption({ label: 'v2' });
  await production.getByRole('button', { name: 'Move production' }).click();
  await expect(production.getByTestId('label-version')).toHaveText('v2');
  await expect(page.getByTestId('usage-row')).toContainText(['v1']);
  await shot('prompt-page');

  const after = await graphqlRequest<any>(RENDER, { key, vars: { name: 'Ada' } }, secret);
  expect(after.renderPrompt.data).toEqual({ text: 'Hello Ada from v2', label: 'production', version: { number: 2 } });

  // The list finds it by category, with its labels.
  await page.goto('/prompts?category=e2e');
  await expect(page.locator(`[data-testid="prompt-row"][data-key="${key}"]`)).toContainText('production → v2');
});
