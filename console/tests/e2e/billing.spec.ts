import { expect, test } from './fixtures.ts';

test("shows a past-due tenant's Stripe customer, subscription and invoices with their amounts", async ({ page, loginAs, adminApi, shot }) => {
  const api = await adminApi('VIEWER');
  const { tenants } = await api.gql<{ tenants: { edges: { node: { id: string; billing: { stripeCustomerId: string } | null } }[] } }>(
    `{ tenants(first: 50, filter: { status: [PAST_DUE] }) { edges { node { id billing { stripeCustomerId } } } } }`,
  );
  const tenant = tenants.edges.map((e) => e.node).find((t) => t.billing);
  expect(tenant, 'the demo data has a past-due tenant billed through Stripe').toBeDefined();

  await loginAs('BILLING');
  await page.goto(`/tenants/${tenant!.id}`);
  const panel = page.getByTestId('tenant-billing');
  await expect(panel.getByRole('heading', { name: 'Billing' })).toBeVisible();
  await expect(panel.getByTestId('stripe-customer')).toHaveText(tenant!.billing!.stripeCustomerId);
  await expect(panel.getByTestId('subscription-status')).toContainText('Past due');
  await expect(panel.getByTestId('invoice-row')).toHaveCount(3);
  await expect(panel.getByTestId('invoice-row').first()).toContainText('$49.00');
  await expect(panel.getByTestId('invoice-row').filter({ hasText: 'Open' })).toHaveCount(1);
  await shot('tenant-billing');
});
