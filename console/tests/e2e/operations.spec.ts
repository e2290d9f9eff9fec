import type { Page } from '@playwright/test';
import { signStripe, stripeEvent } from '../../../api/test/webhook-signing.ts';
import { formatCount } from '../../app/lib/format.ts';
import { apiUrl, expect, loginApi, test, unique, type AdminApi } from './fixtures.ts';

// The Operations page and the dashboard show the same cards; each number is the API's, and each links to
// the list it counts, filtered so that the list's total is that number.

const FIELDS = ['emailsSent', 'emailsFailed', 'emailsBounced', 'webhookEventsReceived', 'webhookEventsFailed', 'webhookEventsDead'] as const;
type Overview = Record<(typeof FIELDS)[number], number>;

/** Each field's card: its test id. */
const CARDS: Record<(typeof FIELDS)[number], string> = {
  emailsSent: 'ops-emails-sent',
  emailsFailed: 'ops-emails-failed',
  emailsBounced: 'ops-emails-bounced',
  webhookEventsReceived: 'ops-webhooks-received',
  webhookEventsFailed: 'ops-webhooks-failed',
  webhookEventsDead: 'ops-webhooks-dead',
};

const STRIPE_SECRET = 'whsec_console_operations_stripe_secret';

async function overview(api: AdminApi): Promise<Overview> {
  const data = await api.gql<{ operationsOverview: Overview }>(`{ operationsOverview(hours: 24) { ${FIELDS.join(' ')} } }`);
  return data.operationsOverview;
}

/** The cards show the API's numbers: compared with fresh ones until both agree (jobs may still be running). */
async function expectCardsMatch(page: Page, api: AdminApi) {
  await expect(async () => {
    const numbers = await overview(api);
    for (const field of FIELDS) {
      await expect(page.getByTestId(CARDS[field]).locator('.count-value')).toHaveText(formatCount(numbers[field]), { timeout: 1_000 });
    }
  }).toPass({ timeout: 20_000 });
}

/** Clicks a card's number and checks the list it leads to counts the same rows. */
async function followCard(page: Page, testId: string, list: '/emails' | '/webhooks', from: string) {
  const link = page.getByTestId(testId);
  const { value, href } = await link.evaluate((a: HTMLAnchorElement) => ({
    value: a.querySelector('.count-value')!.textContent!,
    href: a.getAttribute('href')!,
  }));
  const params = new URL(href, 'http://console').searchParams;
  expect(Date.parse(params.get(from)!)).toBeGreaterThan(Date.now() - 25 * 3_600_000);
  await link.click();
  await expect(page).toHaveURL((url) => url.pathname === list && url.search === new URL(href, 'http://console').search);
  const total = page.getByTestId('total-count');
  await expect(total).toHaveText(new RegExp(`^${value} rows?$`));
  // The window is said in words and kept, as are the statuses, when the filter form is applied again.
  await expect(page.getByTestId('window-filter')).toContainText(/from .* to /);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL((url) => url.searchParams.has('size'));
  await expect(total).toHaveText(new RegExp(`^${value} rows?$`));
  await expect(page.getByTestId('window-filter')).toBeVisible();
  await page.goto('/operations');
}

async function sendSignedStripeEvent(type: string) {
  const signed = signStripe(stripeEvent(type, { id: unique('ch').replace(/\W+/g, '_') }), { secret: STRIPE_SECRET });
  const res = await fetch(`${apiUrl()}/webhooks/stripe`, { method: 'POST', headers: signed.headers, body: signed.body });
  expect(res.status).toBe(200);
}

test.beforeAll(async () => {
  const owner = await loginApi('OWNER');
  const set = await owner.gql<{ setWebhookSecret: { __typename: string } }>(
    `mutation($secret: String!) { setWebhookSecret(provider: STRIPE, secret: $secret) { __typename } }`,
    { secret: STRIPE_SECRET },
  );
  expect(set.setWebhookSecret.__typename).toBe('MutationSetWebhookSecretSuccess');
});

test.afterAll(async () => {
  await (await loginApi('OWNER')).gql(`mutation { clearWebhookSecret(provider: STRIPE) { __typename } }`);
});

test('the Operations cards equal the API’s numbers, and each number leads to a list of as many rows', async ({ page, loginAs, adminApi, shot }) => {
  const api = await adminApi('ADMIN');
  const before = await overview(api);

  // An email to a new tenant's owner: the outbox transport takes it, so it becomes SENT.
  const { plans } = await api.gql(`{ plans(first: 1, filter: { status: ACTIVE }) { edges { node { id } } } }`);
  const ownerEmail = `${unique('ops').replace(/[^a-z0-9]+/gi, '-').toLowerCase()}@outbox.example`;
  const { createTenant } = await api.gql(
    `mutation ($input: CreateTenantInput!) { createTenant(input: $input) { ... on MutationCreateTenantSuccess { data { id } } } }`,
    { input: { name: unique('Ops Co'), ownerName: 'Ops Owner', ownerEmail, planId: plans.edges[0].node.id } },
  );
  const { sendTemplateEmail } = await api.gql(
    `mutation ($input: SendTemplateEmailInput!) { sendTemplateEmail(input: $input) { __typename ... on MutationSendTemplateEmailSuccess { data { id } } } }`,
    { input: { template: 'welcome', tenantId: createTenant.data.id, variables: { name: 'Ada', product: 'Opsgraph', tips: ['Invite your team', 'Connect Stripe'] } } },
  );
  expect(sendTemplateEmail.__typename).toBe('MutationSendTemplateEmailSuccess');
  await expect
    .poll(async () => (await api.gql(`query($id: ID!) { email(id: $id) { status } }`, { id: sendTemplateEmail.data.id })).email.status)
    .toBe('SENT');

  // A signed Stripe event of a type nobody handles: stored (received), then ignored.
  await sendSignedStripeEvent('charge.refunded');
  const after = await overview(api);
  expect(after.emailsSent).toBeGreaterThanOrEqual(before.emailsSent + 1);
  expect(after.webhookEventsReceived).toBeGreaterThanOrEqual(before.webhookEventsReceived + 1);

  await loginAs('VIEWER');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Operations' }).click();
  await expect(page.getByRole('heading', { name: 'Operations' })).toBeVisible();
  await expectCardsMatch(page, api);
  await shot('operations');

  // Background retries may move an event between FAILED and DEAD: retry the whole round until it agrees.
  for (const [testId, list, from] of [
    ['ops-emails-sent', '/emails', 'createdFrom'],
    ['ops-emails-failed', '/emails', 'createdFrom'],
    ['ops-emails-bounced', '/emails', 'createdFrom'],
    ['ops-webhooks-received', '/webhooks', 'receivedFrom'],
    ['ops-webhooks-failed', '/webhooks', 'receivedFrom'],
    ['ops-webhooks-dead', '/webhooks', 'receivedFrom'],
  ] as const) {
    await expect(async () => {
      await page.goto('/operations');
      await followCard(page, testId, list, from);
    }).toPass({ timeout: 20_000 });
  }

  // The dashboard shows the same cards, with the same numbers and links.
  await page.goto('/');
  await expectCardsMatch(page, api);
  await expect(async () => {
    await page.goto('/');
    await followCard(page, 'ops-emails-sent', '/emails', 'createdFrom');
  }).toPass({ timeout: 20_000 });
});

test('a webhook event received elsewhere shows on the Operations page without a reload', async ({ page, loginAs, adminApi }) => {
  const api = await adminApi('VIEWER');
  await loginAs('VIEWER');
  await page.goto('/operations');
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'connected');
  // graphql-ws does not acknowledge a subscription: give the subscribe message a moment to reach the API.
  await page.waitForTimeout(500);
  await expectCardsMatch(page, api);
  const received = await overview(api);

  await sendSignedStripeEvent('charge.refunded');
  // Its attempt (ignored) is published; the page reloads its numbers.
  await expect(page.getByTestId('ops-webhooks-received').locator('.count-value')).toHaveText(formatCount(received.webhookEventsReceived + 1));
});
