import { expect, test, unique } from './fixtures.ts';

test('create a template, edit it and see the preview change, then save it as a new version', async ({ page, loginAs }) => {
  const key = unique('e2e-tpl').toLowerCase().replace(/[^a-z0-9]+/g, '-');
  await loginAs('ADMIN');
  await page.goto('/emails/templates');
  await page.getByRole('link', { name: 'New template' }).click();
  await page.getByLabel(/^Key/).fill(key);
  await page.getByLabel(/^Name/).fill('E2E template');
  await page.getByRole('button', { name: 'Create template' }).click();
  await expect(page.getByRole('heading', { name: 'E2E template' })).toBeVisible();

  const preview = page.frameLocator('[data-testid="preview-html"]');
  await expect(page.getByTestId('preview-subject')).toHaveText('Hello Ada');
  await expect(preview.locator('p')).toHaveText('Hello Ada');

  await page.getByLabel('HTML').fill('<h1>Welcome aboard, {{name}}!</h1>');
  await expect(preview.locator('h1')).toHaveText('Welcome aboard, Ada!');

  // An undeclared variable is shown with its line and column, and nothing is saved.
  await page.getByLabel('HTML').fill('<h1>Welcome {{nmae}}</h1>');
  await expect(page.getByTestId('preview-problems')).toContainText('html line 1, column 15: undeclared variable "nmae"');

  await page.getByLabel('HTML').fill('<h1>Welcome aboard, {{name}}!</h1>');
  await page.getByRole('button', { name: 'Save as new version' }).click();
  await expect(page.getByTestId('template-version')).toHaveCount(2);
  await page.getByRole('link', { name: 'Compare with latest' }).click();
  await expect(page.getByTestId('version-diff')).toContainText('+ <h1>Welcome aboard, {{name}}!</h1>');
});

test("an email to a tenant's owner appears in the outbox, with its timeline and a sandboxed preview", async ({ page, loginAs, adminApi }) => {
  const api = await adminApi('ADMIN');
  const { plans } = await api.gql(`{ plans(first: 1, filter: { status: ACTIVE }) { edges { node { id } } } }`);
  const ownerEmail = `${unique('owner').replace(/[^a-z0-9]+/gi, '-').toLowerCase()}@outbox.example`;
  const { createTenant } = await api.gql(
    `mutation ($input: CreateTenantInput!) { createTenant(input: $input) { ... on MutationCreateTenantSuccess { data { id } } } }`,
    { input: { name: unique('Mail Co'), ownerName: 'Owner', ownerEmail, planId: plans.edges[0].node.id } },
  );
  const { sendTemplateEmail } = await api.gql(
    `mutation ($input: SendTemplateEmailInput!) { sendTemplateEmail(input: $input) { __typename ... on MutationSendTemplateEmailSuccess { data { id } } } }`,
    { input: { template: 'welcome', tenantId: createTenant.data.id, variables: { name: 'Grace', product: 'Opsgraph', tips: ['Invite your team'] } } },
  );
  expect(sendTemplateEmail.__typename).toBe('MutationSendTemplateEmailSuccess');

  await loginAs('ADMIN');
  await page.goto(`/emails?transport=outbox&recipient=${encodeURIComponent(ownerEmail)}`);
  await expect(page.getByRole('heading', { name: 'Outbox' })).toBeVisible();
  // The worker sends it through the outbox; the list shows it once it is SENT.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('email-row')).toContainText('sent', { ignoreCase: true, timeout: 1000 });
  }).toPass();
  await page.getByRole('link', { name: ownerEmail }).click();
  await expect(page.getByTestId('email-timeline')).toContainText('queued');
  await expect(page.getByTestId('email-timeline')).toContainText('sent');
  await expect(page.locator('iframe[title="Email HTML"]')).toHaveAttribute('sandbox', '');
  await expect(page.frameLocator('iframe[title="Email HTML"]').locator('h1')).toHaveText('Welcome, Grace!');
});
