import { expect, test } from './fixtures.ts';

type Tenant = { id: string; name: string };

test("hides a navigation item for one tenant: its resolved tree changes, another tenant's does not", async ({ page, loginAs, adminApi, shot }) => {
  const owner = await adminApi('OWNER');
  const key = `e2e-${Date.now().toString(36)}`;
  const created = await owner.gql<{ createNavigationItem: { __typename: string } }>(
    `mutation($key: String!) { createNavigationItem(input: { key: $key, label: "E2E Reports", path: "/e2e-reports", icon: "chart" }) { __typename } }`,
    { key },
  );
  expect(created.createNavigationItem.__typename).toBe('MutationCreateNavigationItemSuccess');
  const { tenants } = await owner.gql<{ tenants: { edges: { node: Tenant }[] } }>(`{ tenants(first: 2, sort: NAME_ASC) { edges { node { id name } } } }`);
  const [one, two] = tenants.edges.map((e) => e.node) as [Tenant, Tenant];

  await loginAs('ADMIN');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Navigation', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Navigation', level: 1 })).toBeVisible();
  const row = page.locator(`[data-testid="default-item"][data-key="${key}"]`);
  await expect(row).toContainText('E2E Reports');

  const resolvedItem = () => page.getByTestId('resolved-tree').locator(`[data-key="${key}"]`);
  await page.getByLabel('Tenant', { exact: true }).selectOption(one.id);
  await expect(page.getByRole('heading', { name: `Resolved for ${one.name}` })).toBeVisible();
  await expect(resolvedItem()).toContainText('E2E Reports');

  await row.getByRole('button', { name: `Hide for ${one.name}`, exact: true }).click();
  await expect(resolvedItem()).toHaveCount(0);
  await expect(row).toContainText(`hidden for ${one.name}`);
  await expect(page.locator(`[data-testid="dropped-item"][data-key="${key}"]`)).toContainText('Hidden');
  await expect(page.locator(`[data-testid="override"][data-key="${key}"]`)).toContainText('hidden');
  await shot('navigation-hidden-for-one-tenant');

  // The other tenant still gets the item.
  await page.getByLabel('Tenant', { exact: true }).selectOption(two.id);
  await expect(page.getByRole('heading', { name: `Resolved for ${two.name}` })).toBeVisible();
  await expect(resolvedItem()).toContainText('E2E Reports');
  await expect(row.getByRole('button', { name: `Hide for ${two.name}`, exact: true })).toBeVisible();

  // The API agrees, tenant by tenant.
  const tree = async (tenantId: string) =>
    (await owner.gql<{ resolvedNavigation: { tree: { key: string }[] } }>(`query($t: ID!) { resolvedNavigation(tenantId: $t) { tree { key } } }`, { t: tenantId })).resolvedNavigation.tree.map((n) => n.key);
  expect(await tree(one.id)).not.toContain(key);
  expect(await tree(two.id)).toContain(key);

  // Another admin's change to this tenant shows in the preview without a reload.
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'connected');
  await page.waitForTimeout(500);
  await owner.gql(
    `mutation($t: ID!, $key: String!) { setNavigationOverride(input: { tenantId: $t, itemKey: $key, action: RENAME, label: "Renamed live" }) { __typename } }`,
    { t: two.id, key },
  );
  await expect(resolvedItem()).toContainText('Renamed live');
});
