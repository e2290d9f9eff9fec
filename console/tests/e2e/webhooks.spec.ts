import { expect, test } from './fixtures.ts';

// The demo data holds DEAD events of a type nobody handles: a retry runs one more attempt, IGNORED.
test('retries a DEAD webhook event from its page and shows the new attempt as it happens', async ({ page, loginAs, adminApi }) => {
  const api = await adminApi('OWNER');
  const { webhookEvents } = await api.gql(`{ webhookEvents(first: 1, filter: { status: [DEAD] }) { edges { node { id attempts } } } }`);
  const event = webhookEvents.edges[0].node as { id: string; attempts: number };

  await loginAs('ADMIN');
  await page.goto('/webhooks?status=DEAD');
  await expect(page.getByTestId('webhook-row').first()).toBeVisible();
  await page.goto(`/webhooks/${event.id}`);
  await expect(page.getByTestId('webhook-payload')).toContainText('"type": "charge.refunded"');
  const rows = page.getByTestId('attempt-row');
  await expect(rows).toHaveCount(event.attempts);

  await page.getByRole('button', { name: 'Retry now' }).click();
  // The worker runs the attempt; its subscription event reloads the page's data.
  await expect(rows).toHaveCount(event.attempts + 1);
  const newest = rows.first();
  await expect(newest.getByRole('cell').nth(0)).toHaveText(String(event.attempts + 1));
  await expect(newest.getByRole('cell').nth(1)).toHaveText('retry');
  await expect(newest.getByRole('cell').nth(2)).toHaveText(/ignored/i);
  await expect(page.getByRole('button', { name: 'Retry now' })).toHaveCount(0);
});
