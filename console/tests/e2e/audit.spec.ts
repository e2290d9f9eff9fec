import fs from 'node:fs/promises';
import type { Download } from '@playwright/test';
import { expect, test, unique, type AdminApi } from './fixtures.ts';

/** Parses RFC 4180 CSV (quoted fields may hold commas, quotes and newlines) into records keyed by header. */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  const [header = [], ...records] = rows;
  return records.map((r) => Object.fromEntries(header.map((name, i) => [name, r[i] ?? ''])));
}

async function csvOf(download: Download) {
  return parseCsv(await fs.readFile((await download.path())!, 'utf8'));
}

async function suspendedTenant(api: AdminApi, name: string): Promise<string> {
  const { plans } = await api.gql(`{ plans(first: 1, filter: { status: ACTIVE }) { edges { node { id } } } }`);
  const { createTenant } = await api.gql(
    `mutation ($input: CreateTenantInput!) {
      createTenant(input: $input) { __typename ... on MutationCreateTenantSuccess { data { id status } } }
    }`,
    { input: { name, ownerName: 'Audit Owner', ownerEmail: 'audit-owner@example.com', planId: plans.edges[0].node.id } },
  );
  expect(createTenant.data.status).toBe('TRIALING');
  const id: string = createTenant.data.id;
  const { suspendTenant } = await api.gql(`mutation ($id: ID!) { suspendTenant(id: $id, reason: "Audit trail check") { __typename } }`, {
    id,
  });
  expect(suspendTenant.__typename).toBe('MutationSuspendTenantSuccess');
  return id;
}

test('finds a suspension in the audit log by action, opens its status diff and exports the filtered rows', async ({
  page,
  loginAs,
  adminApi,
  shot,
}) => {
  const name = unique('Audited Co');
  const tenantId = await suspendedTenant(await adminApi('OWNER'), name);

  await loginAs('VIEWER');
  await page.goto('/audit');
  await page.getByLabel('Action').fill('tenant.suspend');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/[?&]action=tenant\.suspend(&|$)/);

  const rows = page.getByTestId('audit-row');
  const entry = rows.filter({ has: page.locator(`a[href="/tenants/${tenantId}"]`) });
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText('owner@opsgraph.dev');
  await expect(entry).toContainText('OWNER');
  await expect(entry).toContainText('Tenant');
  const actions = await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll('td')[2]?.textContent));
  expect(new Set(actions)).toEqual(new Set(['tenant.suspend']));
  await shot('audit-list');

  // The export holds exactly what the filter matches, on every page.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const records = await csvOf(download);
  expect(records.length).toBeGreaterThanOrEqual(1);
  expect(records.length).toBe(Number((await page.getByTestId('total-count').textContent())!.replace(/\D/g, '')));
  expect(new Set(records.map((r) => r.action))).toEqual(new Set(['tenant.suspend']));
  expect(records.find((r) => r.targetId === tenantId)).toMatchObject({ targetType: 'Tenant', tenantId, actorEmail: 'owner@opsgraph.dev' });

  await entry.getByRole('link', { name: /UTC$/ }).click();
  await expect(page).toHaveURL(/\/audit\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('tenant.suspend');
  await expect(page.getByTestId('audit-actor')).toContainText('owner@opsgraph.dev');
  await expect(page.getByTestId('audit-meta')).toContainText(name);
  const status = page.locator('[data-testid=diff-row][data-field=status]');
  await expect(status.locator('.from')).toHaveText('TRIALING');
  await expect(status.locator('.to')).toHaveText('SUSPENDED');
  await expect(page.locator('[data-testid=diff-row][data-field=suspensionReason] .to')).toHaveText('Audit trail check');

  await page.getByTestId('audit-after').locator('summary').click();
  await expect(page.getByTestId('audit-after').locator('pre')).toContainText('"status": "SUSPENDED"');
  await shot('audit-entry');
});

test('filters by tenant, shows its name, and lists its creation and suspension', async ({ page, loginAs, adminApi }) => {
  const name = unique('Scoped Co');
  const tenantId = await suspendedTenant(await adminApi('OWNER'), name);

  await loginAs('SUPPORT');
  await page.goto('/audit');
  await page.getByLabel('Tenant id').fill(tenantId);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(new RegExp(`tenantId=${tenantId}`));
  await expect(page.getByTestId('tenant-filter')).toContainText(name);
  const rows = page.getByTestId('audit-row');
  await expect(rows.filter({ hasText: 'tenant.suspend' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'tenant.create' })).toHaveCount(1);

  // A prefix ending in a dot matches every action of that kind.
  await page.getByLabel('Action').fill('tenant.');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/action=tenant\./);
  await expect(rows.filter({ hasText: 'tenant.suspend' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'tenant.create' })).toHaveCount(1);

  // A time range that ends before the tenant existed matches nothing.
  await page.getByLabel('to (UTC)', { exact: true }).fill('2020-01-01T00:00');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/to=2020-01-01T00%3A00/);
  await expect(page.getByTestId('empty-state')).toBeVisible();
});

test('pages through a long history older and back newer, keeping the filter', async ({ page, loginAs, adminApi }) => {
  const api = await adminApi('OWNER');
  const tenantId = await suspendedTenant(api, unique('Busy Co'));
  for (let n = 1; n <= 25; n++) {
    await api.gql(`mutation ($id: ID!, $name: String!) { updateTenant(id: $id, input: { name: $name }) { __typename } }`, {
      id: tenantId,
      name: unique(`Busy Co rename ${n}`),
    });
  }

  await loginAs('VIEWER');
  await page.goto(`/audit?tenantId=${tenantId}&action=tenant.`);
  const total = Number((await page.getByTestId('total-count').textContent())!.replace(/\D/g, ''));
  expect(total).toBeGreaterThanOrEqual(27);
  const rows = page.getByTestId('audit-row');
  await expect(rows).toHaveCount(25);
  const newest = await rows.first().textContent();

  await page.getByRole('link', { name: 'Older →' }).click();
  await expect(page).toHaveURL(/[?&]after=/);
  await expect(rows).toHaveCount(total - 25);
  await expect(rows.filter({ hasText: 'tenant.create' })).toHaveCount(1);
  await expect(page.getByText('Older →')).not.toHaveAttribute('href');

  await page.getByRole('link', { name: '← Newer' }).click();
  await expect(page).not.toHaveURL(/[?&]after=/);
  await expect(page).toHaveURL(new RegExp(`tenantId=${tenantId}`));
  await expect(rows).toHaveCount(25);
  await expect(rows.first()).toHaveText(newest!);
});

test('says so when an audit entry does not exist', async ({ page, loginAs }) => {
  await loginAs('VIEWER');
  await page.goto('/audit/00000000-0000-4000-8000-000000000000');
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
});
