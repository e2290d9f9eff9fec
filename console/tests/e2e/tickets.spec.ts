import fs from 'node:fs/promises';
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
  // graphql-ws does not acknowledge a subscription: give the subscribe message a moment to reach the API.
  await page.waitForTimeout(500);
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
  // The export goes through the console with the session, and holds the same rows.
  const csv = await page.request.get((await page.getByTestId('export-csv').getAttribute('href'))!);
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toContain(subject);
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
  // A file the API refuses (an executable) is named, and nothing is sent.
  await page.getByLabel('Attachments').setInputFiles({ name: 'tool.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff', 'latin1') });
  await page.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByTestId('reply-box').getByRole('alert')).toContainText('tool.exe');
  await expect(page.getByTestId('comment').filter({ hasText: reply })).toHaveCount(0);
  await page.getByLabel('Attachments').setInputFiles({ name: 'steps.txt', mimeType: 'text/plain', buffer: Buffer.from('1. Open settings\n2. Click export\n') });
  await page.getByRole('button', { name: 'Send reply' }).click();
  const replyCard = page.getByTestId('comment').filter({ hasText: reply });
  await expect(replyCard).toHaveAttribute('data-internal', 'false');
  await expect(replyCard.locator('em')).toHaveText('care');
  // The file went up through the console's server and comes back down through it.
  const download = page.waitForEvent('download');
  await replyCard.getByTestId('attachment-link').filter({ hasText: 'steps.txt' }).click();
  const file = await (await download).path();
  expect(await fs.readFile(file, 'utf8')).toBe('1. Open settings\n2. Click export\n');
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

/**
 * Sets the targets of the tenant's plan at `priority` (creating the policy, or changing the one there is),
 * which gives the plan's open tickets of that priority their due times.
 */
async function setPolicy(api: AdminApi, tenantId: string, priority: string, firstResponseMinutes: number) {
  const { tenant, slaCalendars } = await api.gql(`query ($id: ID!) { tenant(id: $id) { plan { id } } slaCalendars { id name } }`, { id: tenantId });
  const planId = tenant.plan.id;
  // Its own calendar open around the clock: the default one keeps business hours, and the test runs at any hour.
  let calendarId = slaCalendars.find((c: { name: string }) => c.name === 'Around the clock')?.id;
  if (!calendarId) {
    const created = await api.gql(
      `mutation ($input: SlaCalendarInput!) { createSlaCalendar(input: $input) { ... on MutationCreateSlaCalendarSuccess { data { id } } ... on Error { message } } }`,
      { input: { name: 'Around the clock', timeZone: 'UTC', weeklyHours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start: '00:00', end: '24:00' })) } },
    );
    calendarId = created.createSlaCalendar.data.id;
  }
  const targets = { firstResponseMinutes, nextResponseMinutes: firstResponseMinutes * 2, resolutionMinutes: firstResponseMinutes * 10 };
  const { slaPolicies } = await api.gql(`query ($planId: ID!) { slaPolicies(planId: $planId) { id priority } }`, { planId });
  const existing = slaPolicies.find((p: { priority: string }) => p.priority === priority);
  const answer = existing
    ? await api.gql(`mutation ($id: ID!, $input: UpdateSlaPolicyInput!) { updateSlaPolicy(id: $id, input: $input) { __typename } }`, { id: existing.id, input: { ...targets, calendarId } })
    : await api.gql(`mutation ($input: CreateSlaPolicyInput!) { createSlaPolicy(input: $input) { __typename } }`, { input: { ...targets, calendarId, planId, priority } });
  expect(Object.values(answer)[0]).toMatchObject({ __typename: expect.stringMatching(/Success$/) });
}

test('the SLA countdown ticks in the browser without a reload', async ({ page, loginAs, adminApi }) => {
  const api = await adminApi('ADMIN');
  const tenant = await tenantWithKey(api);
  const { id } = await openTicket(tenant, unique('Countdown check'), 'URGENT');
  await setPolicy(api, tenant.id, 'URGENT', 30);
  await loginAs('SUPPORT');
  await page.goto(`/tickets/${id}`);
  const countdown = page.getByTestId('sla-first-response').getByTestId('sla-countdown');
  // The policy change gives the plan's open tickets their due times on the worker, in a moment.
  await expect(async () => {
    await page.reload();
    await expect(countdown).toHaveText(/^\d+m \d{2}s$/, { timeout: 1_000 });
  }).toPass();
  await expect(countdown).not.toHaveAttribute('data-tone', 'breached');

  // From here on the page is not reloaded and asks the server for nothing: the clock is the browser's.
  const requests: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'document' || r.resourceType() === 'fetch') requests.push(r.url());
  });
  const shown = await countdown.textContent();
  await expect(countdown).not.toHaveText(shown ?? '');
  const later = await countdown.textContent();
  await expect(countdown).not.toHaveText(later ?? '');
  expect(requests).toEqual([]);
});

test('an admin sets auto-assignment, an agent\'s capacity, a business-hours calendar and an SLA policy', async ({ page, loginAs, adminApi, shot }) => {
  const owner = await adminApi('OWNER');
  const code = unique('sla').toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const planName = `Plan ${code}`;
  await owner.gql(`mutation ($input: CreatePlanInput!) { createPlan(input: $input) { __typename } }`, {
    input: { code, name: planName, currency: 'USD', monthlyPrice: 1500, yearlyPrice: 15000, trialDays: 14, emailsPerMonth: 10, smsPerMonth: 1, seats: 1, apiCallsPerMonth: 100, entitlements: [] },
  });
  await loginAs('ADMIN');
  await page.getByRole('link', { name: 'Ticket settings' }).click();

  const assignment = page.getByRole('form', { name: 'Assignment' });
  await assignment.getByLabel('Strategy').selectOption('ROUND_ROBIN');
  await assignment.getByRole('button', { name: 'Save settings' }).click();
  await expect(assignment.getByRole('status')).toHaveText('Saved.');
  await page.reload();
  await expect(page.getByRole('form', { name: 'Assignment' }).getByLabel('Strategy')).toHaveValue('ROUND_ROBIN');

  const agent = page.getByTestId('agent-row').filter({ hasText: 'support@opsgraph.dev' });
  await agent.getByLabel('Capacity').fill('7');
  await agent.getByRole('button', { name: 'Save' }).click();
  await expect(agent.getByTestId('agent-open')).toContainText('/ 7');

  await page.getByRole('link', { name: 'Business hours' }).click();
  const calendarName = unique('Paris office');
  const form = page.getByRole('region', { name: 'New calendar' });
  await form.getByLabel('Name', { exact: true }).fill(calendarName);
  await form.getByLabel('Time zone').fill('Mars/Olympus');
  await form.getByLabel('Friday').fill('09:00-12:00, 13:00-16:00');
  await form.getByLabel('Holidays').fill('2026-12-25 Christmas Day');
  await form.getByRole('button', { name: 'Create calendar' }).click();
  // The API knows no such time zone, and says so beside the field.
  await expect(form.locator('[data-field="timeZone"] .field-error')).toBeVisible();
  await form.getByLabel('Time zone').fill('Europe/Paris');
  await form.getByRole('button', { name: 'Create calendar' }).click();
  const calendar = page.getByRole('region', { name: `Calendar ${calendarName}` });
  await expect(calendar).toContainText('Europe/Paris');
  await expect(calendar.getByLabel('Friday')).toHaveValue('09:00-12:00, 13:00-16:00');
  await expect(calendar.getByLabel('Holidays')).toHaveValue('2026-12-25 Christmas Day');

  await page.getByRole('link', { name: 'SLA policies' }).click();
  // Every plan has default policies for each priority; the manager tightens the HIGH one.
  const rows = page.getByRole('region', { name: `SLA of ${planName}` }).getByTestId('policy-row');
  await expect(rows).toHaveCount(4);
  const row = rows.filter({ has: page.getByRole('cell', { name: 'high', exact: true }) });
  await row.getByLabel('First response').fill('90');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row).toContainText('1 h 30 min');
  await shot('ticket-sla-policies');

  // Put the desk back as the other tests expect it.
  await page.goto('/tickets/settings');
  await page.getByRole('form', { name: 'Assignment' }).getByLabel('Strategy').selectOption('OFF');
  await page.getByRole('form', { name: 'Assignment' }).getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('form', { name: 'Assignment' }).getByRole('status')).toHaveText('Saved.');
});

test('bulk changes: ticked rows, or every ticket the filter matches after confirming the count', async ({ page, loginAs, adminApi, shot }) => {
  const tenant = await tenantWithKey(await adminApi('ADMIN'));
  const word = unique('bulkword').split(' ')[1]!;
  const first = await openTicket(tenant, `Printer jam ${word} one`, 'NORMAL');
  await openTicket(tenant, `Printer jam ${word} two`, 'NORMAL');
  await loginAs('SUPPORT');
  await page.goto(`/tickets?text=${word}`);
  await expect(page.getByTestId('ticket-row')).toHaveCount(2);

  await page.getByRole('button', { name: 'Apply to all 2 matching…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Change every ticket matching the filter' });
  await expect(dialog.getByTestId('bulk-count')).toContainText('Choose above what to change on all 2 tickets');
  // The changes are the bulk form's fields, above the dialog; choose them first.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  const bar = page.getByTestId('bulk-bar');
  await bar.getByLabel('Priority').selectOption('LOW');
  await page.getByRole('button', { name: 'Apply to all 2 matching…' }).click();
  await expect(dialog.getByTestId('bulk-count')).toHaveText('Set the priority to low on all 2 tickets matching the current filter (every page)?');
  await dialog.getByRole('button', { name: 'Change 2 tickets' }).click();
  await expect(page.getByTestId('bulk-summary')).toHaveText('Changed 2 of 2 tickets.');
  await expect(page.getByTestId('ticket-row').locator('.priority-low')).toHaveCount(2);

  await page.getByRole('checkbox', { name: `Select ${first.reference}` }).check();
  await bar.getByLabel('Add tag').fill('hardware');
  await bar.getByRole('button', { name: 'Apply to 1 selected' }).click();
  await expect(page.getByTestId('bulk-summary')).toHaveText('Changed 1 of 1 ticket.');
  await expect(page.getByTestId('ticket-row').filter({ hasText: first.reference })).toContainText('#hardware');
  await page.goto(`/tickets?text=${word}&tag=hardware`);
  await expect(page.getByTestId('ticket-row')).toHaveCount(1);
  await shot('ticket-bulk');
});

test('the stats screen shows the desk in cards and charts', async ({ page, loginAs }) => {
  await loginAs('VIEWER');
  await page.getByRole('link', { name: 'Ticket stats' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ticket stats');
  await expect(page.getByTestId('stat-open').getByTestId('value')).toHaveText(/^\d[\d,]*$/);
  await expect(page.getByTestId('stat-breached').getByTestId('value')).toHaveText(/^\d[\d,]*$/);
  for (const chart of ['chart-flow', 'chart-first-response', 'chart-agents']) await expect(page.getByTestId(chart).locator('canvas')).toBeVisible();
  await page.getByRole('link', { name: 'Last 7 days' }).click();
  await expect(page).toHaveURL(/range=7d/);
  await expect(page.getByRole('link', { name: 'Last 7 days' })).toHaveAttribute('aria-current', 'page');
});

test('quick actions on the ticket page: assign, priority, tags, resolve, reopen and close', async ({ page, loginAs, adminApi }) => {
  const api = await adminApi('ADMIN');
  const tenant = await tenantWithKey(api);
  const { id } = await openTicket(tenant, unique('Quick actions'), 'NORMAL');
  const { agents } = await api.gql(`{ agents { admin { id email } } }`);
  const support = agents.find((a: { admin: { email: string } }) => a.admin.email === 'support@opsgraph.dev').admin.id;
  await loginAs('ADMIN');
  await page.goto(`/tickets/${id}`);
  const actions = page.getByTestId('quick-actions');
  const summary = page.getByTestId('ticket-summary');

  await actions.getByLabel('Assignee').selectOption(support);
  await actions.getByRole('button', { name: 'Assign' }).click();
  await expect(summary).toContainText('assigned to Demo support');
  await actions.getByLabel('Priority').selectOption('URGENT');
  await actions.getByRole('button', { name: 'Set' }).nth(1).click();
  await expect(summary.locator('.priority-urgent')).toBeVisible();
  await actions.getByLabel('Tags').fill('Billing, #vip');
  await actions.getByRole('button', { name: 'Save tags' }).click();
  await expect(summary.getByRole('link', { name: '#billing' })).toBeVisible();
  await expect(summary.getByRole('link', { name: '#vip' })).toBeVisible();

  await actions.getByRole('button', { name: 'Resolve' }).click();
  await expect(summary.locator('.ticket-status-resolved')).toBeVisible();
  await expect(page.getByTestId('sla-resolution')).toContainText('resolved');
  await actions.getByRole('button', { name: 'Reopen' }).click();
  await expect(summary.locator('.ticket-status-open')).toBeVisible();
  await actions.getByRole('button', { name: 'Close' }).click();
  await expect(summary.locator('.ticket-status-closed')).toBeVisible();
  await expect(page.getByTestId('reply-box')).toHaveCount(0);
  await expect(actions.getByRole('button', { name: 'Reopen' })).toHaveCount(0);

  const history = page.getByTestId('history-entry');
  await expect(history.filter({ hasText: 'assigned the ticket: nobody → Demo support' })).toHaveCount(1);
  await expect(history.filter({ hasText: 'changed the priority: normal → urgent' })).toHaveCount(1);
  await expect(history.filter({ hasText: 'changed the tags: none → billing, vip' })).toHaveCount(1);
  await expect(history.filter({ hasText: 'changed the status: open → closed' })).toHaveCount(1);
});

test("the requester's reply appears on an open ticket page without a reload", async ({ page, loginAs, adminApi }) => {
  const tenant = await tenantWithKey(await adminApi('ADMIN'));
  const { id } = await openTicket(tenant, unique('Live thread'));
  await loginAs('SUPPORT');
  await page.goto(`/tickets/${id}`);
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'connected');
  // graphql-ws does not acknowledge a subscription: give the subscribe message a moment to reach the API.
  await page.waitForTimeout(500);

  const text = unique('It happens on every browser');
  const answer = await graphqlRequest<any>(
    `mutation ($id: ID!, $input: TicketReplyInput!) { replyToTicket(id: $id, input: $input) { __typename ... on Error { message } } }`,
    { id, input: { body: text } },
    tenant.key,
  );
  expect(answer.replyToTicket.__typename).toBe('MutationReplyToTicketSuccess');
  await expect(page.getByTestId('comment').filter({ hasText: text })).toContainText('Rita Requester');
  await expect(page.getByTestId('history-entry').filter({ hasText: 'Rita Requester replied' })).toHaveCount(1);
});
