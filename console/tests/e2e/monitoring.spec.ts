import { apiUrl, expect, test, unique, type AdminApi } from './fixtures.ts';

// Monitoring: a rule made through the API, a metric ingested from the test that breaches it, and the alert
// arriving in the open console without a reload (toast, badge, active alerts), then acknowledged.

async function createRule(api: AdminApi, metric: string, name: string): Promise<string> {
  const answer = await api.gql(
    `mutation ($input: AlertRuleInput!) { createAlertRule(input: $input) { __typename ... on MutationCreateAlertRuleSuccess { data { id } } ... on Error { message } } }`,
    { input: { name, signal: 'METRIC', metric, aggregation: 'MAX', windowSeconds: 300, operator: 'GT', threshold: 100, pendingSeconds: 0, severity: 'CRITICAL', noData: 'KEEP_STATE' } },
  );
  expect(answer.createAlertRule.__typename).toBe('MutationCreateAlertRuleSuccess');
  return answer.createAlertRule.data.id;
}

async function ingest(api: AdminApi, name: string, value: number) {
  const res = await fetch(`${apiUrl()}/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${api.token}` },
    body: JSON.stringify({ points: [{ name, value, labels: { source: 'e2e' } }] }),
  });
  expect(res.status).toBe(200);
  expect((await res.json()).accepted).toBe(1);
}

test('a breaching metric fires its rule: toast, badge and active alert appear without a reload; acknowledging shows who', async ({ page, loginAs, adminApi, shot }) => {
  const api = await adminApi('ADMIN');
  const metric = `e2e.queue_depth.${Date.now().toString(36)}`;
  const name = unique('Queue too deep');
  await ingest(api, metric, 3);
  const ruleId = await createRule(api, metric, name);

  await loginAs('ADMIN');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Monitoring', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Monitoring', level: 1 })).toBeVisible();
  await expect(page.getByTestId('monitoring-health')).toBeVisible();
  await expect(page.getByTestId('active-alert').filter({ hasText: name })).toHaveCount(0);
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'connected');
  // graphql-ws does not acknowledge a subscription: give the subscribe messages a moment to reach the API.
  await page.waitForTimeout(500);
  const badgeBefore = Number((await page.getByTestId('monitoring-badge').textContent({ timeout: 1_000 }).catch(() => '0')) || 0);

  await ingest(api, metric, 500);

  const toast = page.getByTestId('alert-toast').filter({ hasText: name });
  await expect(toast).toBeVisible();
  await expect(toast.getByTestId('severity')).toHaveText('Critical');
  const row = page.getByTestId('active-alert').filter({ hasText: name });
  await expect(row).toBeVisible();
  await expect(row.getByTestId('alert-state')).toHaveText('Firing');
  await expect(page.getByTestId('monitoring-badge')).toHaveText(String(badgeBefore + 1));
  await expect(page.getByTestId('monitoring-health')).toHaveAttribute('data-health', 'CRITICAL');
  await shot('alert-fired');

  await row.getByRole('button', { name: 'Acknowledge' }).click();
  const dialog = page.getByRole('dialog', { name: 'Acknowledge the alert' });
  await dialog.getByLabel('Note').fill('Draining the queue');
  await dialog.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(row.getByTestId('alert-state')).toHaveText('Acknowledged');
  await expect(row.getByTestId('acknowledged-by')).toContainText('Draining the queue');

  // The alert's own page: its history and the rule it came from.
  await row.getByRole('link', { name }).click();
  await expect(page.getByTestId('alert-summary')).toContainText('Acknowledged');
  await expect(page.getByTestId('history-entry').filter({ hasText: 'Firing' }).first()).toBeVisible();
  await expect(page.getByTestId('history-entry').filter({ hasText: 'Acknowledged' })).toHaveCount(1);
  await page.getByRole('link', { name, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/monitoring/rules/${ruleId}$`));
  await expect(page.getByTestId('rule-alert')).toHaveCount(1);

  // The edit form starts from the rule's stored definition.
  await page.goto(`/monitoring/rules/${ruleId}/edit`);
  const form = page.getByTestId('rule-form');
  await expect(form.locator('input[name="name"]')).toHaveValue(name);
  await expect(form.locator('input[name="metric"]')).toHaveValue(metric);
  await expect(form.locator('input[name="threshold"]')).toHaveValue('100');
});

test('the rule form backtests a draft over past data before it is saved', async ({ page, loginAs, adminApi }) => {
  const api = await adminApi('ADMIN');
  const metric = `e2e.latency.${Date.now().toString(36)}`;
  const minute = 60_000;
  const now = Date.now();
  const points = [10, 10, 900, 10, 900, 10].map((value, i) => ({ name: metric, value, at: new Date(now - (30 - i * 5) * minute).toISOString() }));
  const res = await fetch(`${apiUrl()}/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${api.token}` },
    body: JSON.stringify({ points }),
  });
  expect((await res.json()).accepted).toBe(points.length);

  await loginAs('ADMIN');
  await page.goto('/monitoring/rules/new');
  const name = unique('Slow requests');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Metric', { exact: true }).fill(metric);
  await page.getByLabel('Aggregation').selectOption('MAX');
  await page.getByLabel('Window (s)').fill('60');
  await page.getByLabel('Operator').selectOption('GT');
  await page.getByLabel('Threshold').fill('500');
  await page.getByLabel('Backtest over').selectOption('1h');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByTestId('backtest-firings')).toHaveText(/Would have fired [1-9]\d* times?/);
  await expect(page.getByTestId('backtest-episode').first()).toBeVisible();
  // Nothing was saved by the preview.
  const { alertRules } = await api.gql(`query ($s: String) { alertRules(first: 5, filter: { search: $s }) { totalCount } }`, { s: name });
  expect(alertRules.totalCount).toBe(0);

  await page.getByRole('button', { name: 'Create rule' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  await expect(page.getByTestId('rule-summary')).toContainText('MAX');
});

test('a webhook channel shows its signing secret once, and “Send test” records a delivery', async ({ page, loginAs }) => {
  await loginAs('ADMIN');
  await page.goto('/monitoring/channels/new');
  const name = unique('Ops webhook');
  await page.getByLabel('Kind').selectOption('WEBHOOK');
  await page.getByLabel('Name').fill(name);
  // Nothing listens there: the test delivery is recorded and fails or retries, which the page says.
  await page.getByLabel('Webhook URL').fill('http://127.0.0.1:9/alerts');
  await page.getByRole('button', { name: 'Create channel' }).click();
  await expect(page.getByTestId('signing-secret')).toContainText('whsec_');
  await page.getByRole('link', { name: 'Open the channel' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
  await expect(page.getByTestId('signing-secret')).toHaveCount(0);
  await expect(page.getByText('A secret is stored; leave empty to keep it.')).toBeVisible();

  await page.getByRole('button', { name: 'Send test' }).click();
  const delivery = page.getByTestId('delivery-row').filter({ hasText: 'Test' });
  await expect(delivery).toHaveCount(1);
  await expect(delivery.getByTestId('delivery-status')).toBeVisible();
});

test('the Jobs page leads to a task’s alert rules and a failures-in-a-row rule for it', async ({ page, loginAs }) => {
  await loginAs('ADMIN');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs', exact: true }).click();
  const row = page.getByTestId('job-stat-row').first();
  const task = (await row.getAttribute('data-task'))!;
  await row.getByRole('link', { name: `New alert rule for ${task}` }).click();
  await expect(page).toHaveURL(/\/monitoring\/rules\/new\?signal=JOB_FAILURES_IN_A_ROW/);
  await expect(page.getByLabel('Signal')).toHaveValue('JOB_FAILURES_IN_A_ROW');
  await expect(page.getByLabel('Task')).toHaveValue(task);
});
