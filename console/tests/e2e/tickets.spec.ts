import { expect, graphqlRequest, test, unique, type AdminApi } from './fixtures.ts';

// Support tickets: a tenant opens them through the tenant graph (from the test, with a tenant key); an
// admin works them in the console.

type Tenant = { id: string; name: string; key: string };

async function tenantWithKey(api: AdminApi): Promise<Tenant> {
  const { tenants } = await api.gql(`{ tenants(first: 1, filter: { status: [TRIALING, ACTIVE] }) { edges { node { id name } } } }`);
  const tenant = tenants.edges[0].node;
  const created = await api.gql(
    `mutation ($input: CreateTenantApiKeyInput!) { createTenantApiKey(input: $input) { ... on MutationCreateTenantApiKeySuccess { data { secret } } } }`,
    { input: { tenantId: tenant.id, name: 'tickets e2e' } },
  );
  return { ...tenant, key: created.createTenantApiKey.data.secret };
}

/** Opens a ticket as the tenant's app does; returns its id and reference. */
async function openTicket(tenant: Tenant, subject: string, priority = 'HIGH'): Promise<{ id: string; reference: string }> {
  const externalId = `e2e-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const answer = await graphqlRequest<any>(
    `mutation ($input: ViewerTicketInput!) {
      createViewerTicket(input: $input) {
        __typename
        ... on MutationCreateViewerTicketSuccess { data { id reference } }
        ... on Error { message }
      }
    }`,
    { input: { subject, description: 'The **export** button does nothing.', priority, requester: { externalId, email: `${externalId}@example.com`, name: 'Rita Requester' } } },
    tenant.key,
  );
  expect(answer.createViewerTicket.__typename).toBe('MutationCreateViewerTicketSuccess');
  return answer.createViewerTicket.data;
}

test('a ticket the tenant opens appears in an open queue without a reload, with its badges and SLA', async ({ page, loginAs, adminApi, shot }) => {
  const tenant = await tenantWithKey(await adminApi('ADMIN'));
  await loginAs('SUPPORT');
  await page.getByRole('link', { name: 'Tickets', exact: true }).click();
  await expect(page).toHaveURL(/\/tickets$/);
  await page.getByLabel('Status').first().selectOption('NEW');
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect(page).toHaveURL(/status=NEW/);
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'connected');
  const before = Number((await page.getByTestId('status-total-NEW').textContent())?.replace(/\D/g, ''));

  const subject = unique('Export button broken');
  const { reference } = await openTicket(tenant, subject, 'URGENT');

  const row = page.getByTestId('ticket-row').filter({ hasText: subject });
  await expect(row).toBeVisible();
  await expect(row).toContainText(reference);
  await expect(row).toContainText(tenant.name);
  await expect(row.locator('.priority-urgent')).toHaveText('urgent');
  await expect(row.locator('.ticket-status-new')).toBeVisible();
  await expect(row.getByTestId('sla-countdown')).toBeVisible();
  await expect(page.getByTestId('status-total-NEW')).toContainText(String(before + 1));
  await expect(page.getByTestId('export-csv')).toHaveAttribute('href', /\/exports\/tickets\.csv\?.*status=NEW/);
  await shot('ticket-queue-live');
});

test("an admin's reply is recorded as the first response; an internal note stays out of the tenant graph", async ({ page, loginAs, adminApi, shot }) => {
  const tenant = await tenantWithKey(await adminApi('ADMIN'));
  const subject = unique('Invoice missing');
  const { id } = await openTicket(tenant, subject);
  await loginAs('SUPPORT');
  await page.goto(`/tickets/${id}`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(subject);
  await expect(page.getByTestId('ticket-description')).toContainText('The export button does nothing.');
  await expect(page.getByTestId('ticket-description').locator('strong')).toHaveText('export');
  await expect(page.getByTestId('first-responded-at')).toHaveCount(0);
  await expect(page.getByTestId('tenant-plan')).not.toBeEmpty();

  const note = unique('Checked the billing logs, customer is on the legacy plan');
  await page.getByRole('switch', { name: 'Internal note' }).check();
  await page.getByRole('textbox', { name: /^Note/ }).fill(note);
  await page.getByRole('button', { name: 'Add note' }).click();
  const noteCard = page.getByTestId('comment').filter({ hasText: note });
  await expect(noteCard).toHaveAttribute('data-internal', 'true');
  await expect(noteCard).toHaveClass(/comment-internal/);
  await expect(noteCard).toContainText('internal note');
  // A note is no response to the requester.
  await expect(page.getByTestId('first-responded-at')).toHaveCount(0);

  const reply = unique('Thanks, we are looking into it');
  await page.getByRole('textbox', { name: /^Reply/ }).fill(`${reply} with *care*`);
  await page.getByRole('button', { name: 'Send reply' }).click();
  const replyCard = page.getByTestId('comment').filter({ hasText: reply });
  await expect(replyCard).toHaveAttribute('data-internal', 'false');
  await expect(replyCard.locator('em')).toHaveText('care');
  await expect(page.getByTestId('sla-first-response')).toContainText('met');
  await expect(page.getByTestId('first-responded-at')).toBeVisible();
  await expect(page.getByTestId('history-entry').filter({ hasText: 'added an internal note' })).toHaveCount(1);
  await expect(page.getByTestId('history-entry').filter({ hasText: 'replied' })).toHaveCount(1);
  await shot('ticket-replied');

  // The tenant sees the reply and the first response, and nothing of the note: not in the thread, not in
  // the history of counts, not in search.
  const seen = await graphqlRequest<any>(
    `query ($id: ID!, $text: String!) {
      viewer {
        ticket(id: $id) { firstRespondedAt comments { body bodyHtml } lastPublicComment { body } }
        tickets(first: 5, text: $text) { totalCount }
      }
    }`,
    { id, text: `"${note}"` },
    tenant.key,
  );
  const bodies = seen.viewer.ticket.comments.map((c: { body: string }) => c.body);
  expect(bodies).toEqual([`${reply} with *care*`]);
  expect(JSON.stringify(seen)).not.toContain(note);
  expect(seen.viewer.ticket.firstRespondedAt).not.toBeNull();
  expect(seen.viewer.ticket.lastPublicComment.body).toContain(reply);
  expect(seen.viewer.tickets.totalCount).toBe(0);
});

test('the SLA countdown ticks in the browser without a reload', async ({ page, loginAs, adminApi }) => {
  const tenant = await tenantWithKey(await adminApi('ADMIN'));
  const { id } = await openTicket(tenant, unique('Countdown check'), 'URGENT');
  await loginAs('SUPPORT');
  await page.goto(`/tickets/${id}`);
  const countdown = page.getByTestId('sla-first-response').getByTestId('sla-countdown');
  await expect(countdown).toHaveText(/\d+[dhms]/);
  const first = await countdown.textContent();
  let requests = 0;
  page.on('request', (r) => {
    if (r.resourceType() === 'document' || r.url().includes('_data=') || r.url().includes('.data')) requests += 1;
  });
  await expect(countdown).not.toHaveText(first ?? '');
  expect(requests).toBe(0);
});
