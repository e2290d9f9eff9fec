import { expect, test, apiUrl, type AdminApi } from './fixtures.ts';

type Rejection = { provider: string; reason: string; count: number };

async function rejections(api: AdminApi): Promise<Rejection[]> {
  return (await api.gql<{ webhookRejections: Rejection[] }>(`{ webhookRejections(hours: 24) { provider reason count } }`)).webhookRejections;
}

const countOf = (rows: Rejection[], provider: string, reason: string) => rows.find((r) => r.provider === provider && r.reason === reason)?.count ?? 0;

test('sets and clears a provider’s signing secret, and counts a refused unsigned request', async ({ page, loginAs, adminApi, shot }) => {
  const owner = await adminApi('OWNER');
  await loginAs('ADMIN');
  await page.goto('/webhooks');
  await page.getByRole('main').getByRole('link', { name: 'Settings', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Webhook settings' })).toBeVisible();

  const resend = page.getByTestId('provider-RESEND');
  await expect(resend.getByTestId('endpoint-url')).toHaveText(`${apiUrl()}/webhooks/resend`);
  await expect(page.getByTestId('provider-STRIPE').getByTestId('endpoint-url')).toHaveText(`${apiUrl()}/webhooks/stripe`);

  // Too short: the API's message is shown beside the field, and the dialog stays open.
  await resend.getByRole('button', { name: 'Set secret' }).click();
  const dialog = page.getByRole('dialog', { name: 'Set the Resend signing secret' });
  await dialog.getByLabel('Signing secret').fill('short');
  await dialog.getByRole('button', { name: 'Save secret' }).click();
  await expect(dialog.getByRole('alert')).toContainText('at least 8 characters');

  const secret = `whsec_${Buffer.from('console settings test secret').toString('base64')}`;
  await dialog.getByLabel('Signing secret').fill(secret);
  await dialog.getByRole('button', { name: 'Save secret' }).click();
  await expect(dialog).toBeHidden();
  await expect(resend.getByTestId('secret-status')).toHaveText('configured (settings)');
  // The value itself is never on the page.
  await expect(page.locator('body')).not.toContainText(secret);
  const { webhookSecrets } = await owner.gql<{ webhookSecrets: { provider: string; source: string }[] }>(`{ webhookSecrets { provider source } }`);
  expect(webhookSecrets.find((s) => s.provider === 'RESEND')?.source).toBe('SETTINGS');

  await resend.getByRole('button', { name: 'Clear' }).click();
  await page.getByRole('dialog', { name: 'Clear the Resend signing secret' }).getByRole('button', { name: 'Clear secret' }).click();
  await expect(resend.getByTestId('secret-status')).toHaveText(/^not configured$|^configured \(environment\)$/);
  await expect(resend.getByRole('button', { name: 'Clear' })).toHaveCount(0);

  // A request without a signature is refused once Stripe has a secret, and counted by reason.
  const set = await owner.gql<{ setWebhookSecret: { __typename: string } }>(
    `mutation($secret: String!) { setWebhookSecret(provider: STRIPE, secret: $secret) { __typename } }`,
    { secret: 'whsec_console_settings_stripe_secret' },
  );
  expect(set.setWebhookSecret.__typename).toBe('MutationSetWebhookSecretSuccess');
  const before = countOf(await rejections(owner), 'STRIPE', 'missing_signature');
  const res = await fetch(`${apiUrl()}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'evt_unsigned', type: 'invoice.paid' }),
  });
  expect(res.status).toBe(400);
  expect(countOf(await rejections(owner), 'STRIPE', 'missing_signature')).toBe(before + 1);

  await page.reload();
  const stripe = page.getByTestId('provider-STRIPE');
  await expect(stripe.getByTestId('secret-status')).toHaveText('configured (settings)');
  const row = stripe.getByTestId('rejection-row').filter({ hasText: 'missing_signature' });
  await expect(row.getByTestId('rejection-count')).toHaveText(String(before + 1));
  await shot('webhook-settings');

  await owner.gql(`mutation { clearWebhookSecret(provider: STRIPE) { __typename } }`);
});

test('a role without the permission sees the status but no secret buttons', async ({ page, loginAs }) => {
  await loginAs('VIEWER');
  await page.goto('/webhooks/settings');
  await expect(page.getByTestId('provider-STRIPE').getByTestId('secret-status')).toHaveText(/configured|not configured/);
  await expect(page.getByRole('button', { name: 'Set secret' })).toHaveCount(0);
});
