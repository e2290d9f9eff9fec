import type { Page } from '@playwright/test';
import { expect, test, unique, type AdminApi } from './fixtures.ts';

/** A plan code no other test uses: lowercase, digits and dashes, at most 40 characters. */
function uniqueCode(prefix: string): string {
  return unique(prefix).toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 40);
}

const CREATE_PLAN = `
  mutation ($input: CreatePlanInput!) {
    createPlan(input: $input) {
      __typename
      ... on MutationCreatePlanSuccess { data { id code name } }
      ... on Error { message }
    }
  }`;

async function createPlan(api: AdminApi, overrides: Record<string, unknown> = {}) {
  const code = uniqueCode('e2e-plan');
  const input = {
    code,
    name: `Plan ${code}`,
    description: 'Made by a browser test.',
    currency: 'USD',
    monthlyPrice: 4900,
    yearlyPrice: 49000,
    trialDays: 7,
    emailsPerMonth: 1000,
    smsPerMonth: 50,
    seats: 5,
    apiCallsPerMonth: 20000,
    entitlements: ['tickets'],
    ...overrides,
  };
  const { createPlan } = await api.gql<{ createPlan: { __typename: string; data?: { id: string; code: string; name: string }; message?: string } }>(
    CREATE_PLAN,
    { input },
  );
  if (!createPlan.data) throw new Error(`createPlan failed: ${createPlan.__typename} ${createPlan.message ?? ''}`);
  return createPlan.data;
}

/** A form field by the start of its label (labels also hold hints and errors). */
function labelled(page: Page, label: string) {
  return page.getByLabel(new RegExp(`^${label}`));
}

async function fillPlanForm(page: Page, values: Record<string, string>) {
  for (const [label, value] of Object.entries(values)) {
    await labelled(page, label).fill(value);
  }
}

/** Opens a confirmation dialog (its button stays disabled until the page has hydrated). */
async function confirmDialog(page: Page, button: string, title: string) {
  const dialog = page.getByRole('dialog', { name: title });
  await page.getByRole('button', { name: button, exact: true }).click();
  await expect(dialog).toBeVisible();
  return dialog;
}

function field(page: Page, name: string) {
  return page.locator(`[data-field="${name}"]`);
}

test('creates a plan from prices typed in major units and lists it with the formatted price', async ({ page, loginAs, shot }) => {
  const code = uniqueCode('e2e-new');
  await loginAs('OWNER');
  await page.goto('/plans');
  await page.getByRole('link', { name: 'New plan' }).click();
  await expect(page.getByRole('heading', { name: 'New plan' })).toBeVisible();
  await fillPlanForm(page, {
    Name: `Team ${code}`,
    Code: code,
    Description: 'For teams that outgrew Starter.',
    'Monthly price': '49.00',
    'Yearly price': '1,290.50',
    'Trial days': '21',
    Seats: '10',
    'Emails per month': '20000',
    'SMS per month': '250',
    'API calls per month': '500000',
    Entitlements: 'tickets, email\nwebhooks',
  });
  await shot('plan-form');
  await page.getByRole('button', { name: 'Create plan' }).click();

  await expect(page.getByRole('heading', { name: `Team ${code}` })).toBeVisible();
  await expect(page.getByTestId('plan-monthly-price')).toHaveText('$49.00');
  await expect(page.getByTestId('plan-yearly-price')).toHaveText('$1,290.50');
  await expect(page.getByTestId('plan-entitlements').getByRole('listitem')).toHaveText(['email', 'tickets', 'webhooks']);
  await expect(page.getByTestId('history-row').first()).toContainText('plan.create');

  await page.goto('/plans');
  await labelled(page, 'Search').fill(code);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(new RegExp(`search=${code}`));
  const row = page.getByTestId('plan-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(`Team ${code}`);
  await expect(row.getByTestId('plan-monthly-price')).toHaveText('$49.00');
  await expect(row.getByTestId('plan-yearly-price')).toHaveText('$1,290.50');
  await expect(row).toContainText('21 days');
  await expect(row).toContainText('10 seats · 20,000 emails · 250 SMS · 500,000 API calls');
  const csvHref = await page.getByTestId('export-csv').getAttribute('href');
  expect(csvHref).toMatch(new RegExp(`^/exports/plans\\.csv\\?.*search=${code}`));
  const csv = await page.request.get(csvHref!);
  expect(csv.ok()).toBe(true);
  const lines = (await csv.text()).trim().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(code);
  await page.goto('/plans');
  await shot('plans-list');
});

test('shows an unreadable price and a duplicate code beside their fields and keeps what was typed', async ({
  page,
  loginAs,
  adminApi,
}) => {
  const existing = await createPlan(await adminApi('OWNER'));
  await loginAs('ADMIN');
  await page.goto('/plans/new');
  await fillPlanForm(page, { Name: 'Copycat', Code: existing.code, 'Monthly price': '49,00 €', 'Yearly price': '490' });
  await page.getByRole('button', { name: 'Create plan' }).click();
  await expect(field(page, 'monthlyPrice').getByRole('alert')).toHaveText('Enter an amount in USD, such as 49.00.');
  await expect(field(page, 'code').getByRole('alert')).toHaveCount(0);

  await labelled(page, 'Monthly price').fill('49');
  await page.getByRole('button', { name: 'Create plan' }).click();
  await expect(field(page, 'code').getByRole('alert')).toContainText('already exists');
  await expect(field(page, 'monthlyPrice').getByRole('alert')).toHaveCount(0);
  await expect(labelled(page, 'Name')).toHaveValue('Copycat');
  await expect(labelled(page, 'Yearly price')).toHaveValue('490');
  await expect(page).toHaveURL(/\/plans\/new$/);
});

test('edits only the fields that changed, then archives and unarchives the plan', async ({ page, loginAs, adminApi, shot }) => {
  const api = await adminApi('OWNER');
  const plan = await createPlan(api, { description: 'Original description.' });
  await loginAs('BILLING');
  await page.goto(`/plans/${plan.id}`);
  await page.getByRole('link', { name: 'Edit', exact: true }).click();
  await expect(labelled(page, 'Monthly price')).toHaveValue('49.00');

  // Someone else changes the description while the form is open; saving must not put the old one back.
  await api.gql(`mutation ($id: ID!) { updatePlan(id: $id, input: { description: "Changed elsewhere." }) { __typename } }`, { id: plan.id });

  await labelled(page, 'Name').fill(`${plan.name} v2`);
  await labelled(page, 'Monthly price').fill('59.5');
  await page.getByRole('button', { name: 'Save changes' }).click();

  await expect(page.getByRole('heading', { name: `${plan.name} v2` })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/plans/${plan.id}$`));
  await expect(page.getByTestId('plan-monthly-price')).toHaveText('$59.50');
  await expect(page.getByText('Changed elsewhere.', { exact: true })).toBeVisible();
  const update = page.getByTestId('history-row').filter({ hasText: 'billing@opsgraph.dev' }).filter({ hasText: 'plan.update' });
  await expect(update).toContainText('monthlyPrice: 4900 → 5950');
  await expect(update).not.toContainText('description');
  await expect(page.getByTestId('audit-link')).toHaveAttribute('href', `/audit?targetId=${plan.id}`);
  await shot('plan-detail');

  await (await confirmDialog(page, 'Archive', 'Archive plan')).getByRole('button', { name: 'Archive plan' }).click();
  await expect(page.getByRole('heading', { name: `${plan.name} v2` })).toContainText('Archived');
  await expect(page.getByRole('dialog')).toBeHidden();

  await page.goto(`/plans?status=ARCHIVED&search=${plan.code}`);
  await expect(page.getByTestId('plan-row')).toContainText('Archived');

  await page.getByRole('link', { name: `${plan.name} v2` }).click();
  await (await confirmDialog(page, 'Unarchive', 'Unarchive plan')).getByRole('button', { name: 'Unarchive plan' }).click();
  await expect(page.getByRole('heading', { name: `${plan.name} v2` })).toContainText('Active');
});

test('deletes a plan no tenant uses, and offers only archiving for one in use', async ({ page, loginAs, adminApi }) => {
  const plan = await createPlan(await adminApi('OWNER'));
  await loginAs('OWNER');
  await page.goto(`/plans/${plan.id}`);
  await expect(page.getByTestId('plan-tenant-count')).toContainText('0 tenants');
  await (await confirmDialog(page, 'Delete', 'Delete plan')).getByRole('button', { name: 'Delete plan' }).click();
  await expect(page).toHaveURL(/\/plans$/);
  await page.goto(`/plans?search=${plan.code}`);
  await expect(page.getByTestId('empty-state')).toBeVisible();

  await page.goto('/plans?search=starter');
  await page.getByRole('link', { name: 'Starter', exact: true }).click();
  await expect(page.getByTestId('plan-actions').getByRole('button', { name: 'Archive', exact: true })).toBeVisible();
  await expect(page.getByTestId('plan-actions').getByRole('button', { name: 'Delete', exact: true })).toHaveCount(0);
  await page.getByTestId('plan-tenant-count').getByRole('link').click();
  await expect(page).toHaveURL(/\/tenants\?planId=/);
});

test('a viewer reads plans but has no way to change them, and the API refuses', async ({ page, loginAs, adminApi }) => {
  const plan = await createPlan(await adminApi('OWNER'));
  await loginAs('VIEWER');
  await page.goto('/plans');
  await expect(page.getByRole('heading', { name: 'Plans' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'New plan' })).toHaveCount(0);

  await page.goto(`/plans/${plan.id}`);
  await expect(page.getByRole('heading', { name: plan.name })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Edit', exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Archive', exact: true })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Delete', exact: true })).toHaveCount(0);

  await page.goto('/plans/new');
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();

  const viewer = await adminApi('VIEWER');
  await expect(createPlan(viewer)).rejects.toThrow(/not allowed/i);
});
