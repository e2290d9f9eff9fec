import type { Page } from '@playwright/test';
import { failureRate, trialsEndBefore } from '../../app/routes/_app._index/dashboard.ts';
import { formatCount, formatMoney, formatPercent } from '../../app/lib/format.ts';
import { expect, test, unique, type AdminApi } from './fixtures.ts';

const STATUSES = ['TRIALING', 'ACTIVE', 'PAST_DUE', 'SUSPENDED', 'DELETED'] as const;
type Counts = Record<(typeof STATUSES)[number] | 'total', number>;

type DashboardNumbers = {
  tenantCounts: Counts;
  monthlyRecurringRevenue: { amount: number; currency: string }[];
  trials: { totalCount: number };
  jobStats: { runs: number; failures: number }[];
};

async function dashboardNumbers(api: AdminApi): Promise<DashboardNumbers> {
  return api.gql<DashboardNumbers>(
    `query($before: DateTime!) {
      tenantCounts { TRIALING ACTIVE PAST_DUE SUSPENDED DELETED total }
      monthlyRecurringRevenue { amount currency }
      trials: tenants(first: 0, filter: { status: [TRIALING], trialEndsBefore: $before }) { totalCount }
      jobStats { runs failures }
    }`,
    { before: trialsEndBefore(Date.now()) },
  );
}

const card = (page: Page, testId: string) => page.getByTestId(testId);

/** Whether a canvas has any drawn (non-transparent) pixel. */
function drawn(page: Page, testId: string): Promise<boolean> {
  return page.getByTestId(testId).locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
    const ctx = canvas.getContext('2d');
    if (!ctx || !canvas.width || !canvas.height) return false;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) return true;
    return false;
  });
}

test('shows stat cards that match the API, and draws both charts after hydration', async ({ page, loginAs, adminApi, shot }) => {
  const api = await adminApi('VIEWER');
  await loginAs('VIEWER');
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  await expect(page.getByTestId('last-updated')).toHaveText(/^Last updated \d{2}:\d{2}:\d{2} UTC$/);

  // Background jobs of earlier tests may still be finishing: compare against fresh API numbers until both agree.
  await expect(async () => {
    const numbers = await dashboardNumbers(api);
    const tenants = card(page, 'stat-tenants');
    await expect(tenants.getByTestId('value')).toHaveText(formatCount(numbers.tenantCounts.total), { timeout: 1_000 });
    for (const status of STATUSES) {
      await expect(tenants.getByTestId(`count-${status}`)).toHaveText(formatCount(numbers.tenantCounts[status]), { timeout: 1_000 });
    }
    const mrr = numbers.monthlyRecurringRevenue;
    expect(mrr.length).toBeGreaterThan(0); // the demo data has active tenants on paid plans
    for (const { amount, currency } of mrr) {
      await expect(card(page, 'stat-mrr').getByTestId(`mrr-${currency}`)).toHaveText(formatMoney(amount, currency), { timeout: 1_000 });
    }
    await expect(card(page, 'stat-trials').getByTestId('value')).toHaveText(formatCount(numbers.trials.totalCount), { timeout: 1_000 });
    await expect(card(page, 'stat-failure-rate').getByTestId('value')).toHaveText(formatPercent(failureRate(numbers.jobStats).rate), {
      timeout: 1_000,
    });
  }).toPass({ timeout: 15_000 });

  // The trials card leads to the tenants list filtered the same way.
  const trialsHref = await page.getByTestId('trials-link').getAttribute('href');
  const params = new URL(trialsHref!, 'http://console').searchParams;
  expect(params.get('status')).toBe('TRIALING');
  expect(Date.parse(params.get('trialEndsBefore')!)).toBeGreaterThan(Date.now() + 6 * 86_400_000);
  const trialsOnCard = (await card(page, 'stat-trials').getByTestId('value').textContent())!;
  await page.getByTestId('trials-link').click();
  await expect(page.getByTestId('trial-filter')).toBeVisible();
  await expect(page.getByTestId('total-count')).toHaveText(new RegExp(`^${trialsOnCard} rows?$`));
  await page.goBack();

  for (const chart of ['chart-signups', 'chart-job-runs']) {
    const canvas = page.getByTestId(chart).locator('canvas');
    await expect(canvas).toHaveAttribute('aria-label', /\d+/);
    await expect(canvas).toHaveAttribute('role', 'img');
    await expect.poll(() => drawn(page, chart)).toBe(true);
  }
  await expect(page.getByTestId('chart-signups').locator('canvas')).toHaveAttribute('aria-label', /^New tenants per day over the last 30 days: \d+ in total/);
  await expect(page.getByTestId('chart-job-runs').locator('canvas')).toHaveAttribute('aria-label', /^Job runs per hour from \w{3} \d+ \d{2}:00 to \w{3} \d+ \d{2}:00 UTC: \d+ succeeded, \d+ failed\.$/);
  await shot('dashboard');
});

test('auto-refresh is off by default, counts down while on, and stops when turned off', async ({ page, loginAs }) => {
  await loginAs('SUPPORT');
  const toggle = page.getByRole('checkbox', { name: /Auto-refresh/ });
  const countdown = page.getByTestId('countdown');
  await expect(toggle).not.toBeChecked();
  await expect(countdown).toHaveCount(0);

  await toggle.check();
  await expect(countdown).toHaveText(/^next in 0:5\d$|^next in 1:00$/);
  const seconds = async () => {
    const [, minutes, secs] = (await countdown.textContent())!.match(/(\d+):(\d+)/)!;
    return Number(minutes) * 60 + Number(secs);
  };
  const first = await seconds();
  await expect.poll(seconds, { timeout: 5_000 }).toBeLessThanOrEqual(first - 2);

  await toggle.uncheck();
  await expect(countdown).toHaveCount(0);
  const updated = await page.getByTestId('last-updated').textContent();
  await page.waitForTimeout(2_000);
  await expect(countdown).toHaveCount(0);
  await expect(page.getByTestId('last-updated')).toHaveText(updated!);
});

test('the manual refresh reloads the numbers and the time they were loaded', async ({ page, loginAs }) => {
  await loginAs('VIEWER');
  const updated = page.getByTestId('last-updated');
  const before = await updated.textContent();
  await page.waitForTimeout(1_100);
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(updated).not.toHaveText(before!);
});

test('a tenant created elsewhere appears in the tenants-by-status card without a reload', async ({ page, loginAs, adminApi }) => {
  const owner = await adminApi('OWNER');
  const code = unique('dash').toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const plan = await owner.gql<{ createPlan: { data: { id: string } } }>(
    `mutation($input: CreatePlanInput!) { createPlan(input: $input) { ... on MutationCreatePlanSuccess { data { id } } } }`,
    {
      input: {
        code, name: `Plan ${code}`, currency: 'USD', monthlyPrice: 1500, yearlyPrice: 15000, trialDays: 14,
        emailsPerMonth: 10, smsPerMonth: 1, seats: 1, apiCallsPerMonth: 100, entitlements: [],
      },
    },
  );

  await loginAs('VIEWER');
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'connected');
  // graphql-ws does not acknowledge a subscription: give the subscribe message a moment to reach the API.
  await page.waitForTimeout(500);
  const tenants = card(page, 'stat-tenants');
  const before = await dashboardNumbers(owner);
  await expect(tenants.getByTestId('count-TRIALING')).toHaveText(formatCount(before.tenantCounts.TRIALING));

  const created = await owner.gql<{ createTenant: { __typename: string } }>(
    `mutation($input: CreateTenantInput!) { createTenant(input: $input) { __typename } }`,
    { input: { name: unique('Dashboard Live'), planId: plan.createPlan.data.id, ownerName: 'Live Owner', ownerEmail: `${code}@live.example` } },
  );
  expect(created.createTenant.__typename).toBe('MutationCreateTenantSuccess');
  await expect(tenants.getByTestId('count-TRIALING')).toHaveText(formatCount(before.tenantCounts.TRIALING + 1));
  await expect(tenants.getByTestId('value')).toHaveText(formatCount(before.tenantCounts.total + 1));
});

test('the dashboard’s two subscriptions share the tab’s one WebSocket, and end when the page is left', async ({ page, loginAs }) => {
  const sockets: string[] = [];
  const sent: { type: string; id?: string; payload?: { query?: string } }[] = [];
  page.on('websocket', (socket) => {
    sockets.push(socket.url());
    socket.on('framesent', (frame) => sent.push(JSON.parse(String(frame.payload))));
  });

  await loginAs('VIEWER');
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'connected');
  // The dashboard's two, and the shell's alert subscription, which every page keeps.
  await expect.poll(() => sent.filter((m) => m.type === 'subscribe').length).toBe(3);
  expect(sockets).toEqual([expect.stringMatching(/^ws:\/\/[^/]+\/graphql$/)]);
  const nameOf = (m: (typeof sent)[number]) => /subscription (\w+)/.exec(m.payload?.query ?? '')?.[1];
  const subscribed = sent.filter((m) => m.type === 'subscribe');
  expect(subscribed.map(nameOf).sort()).toEqual(['DashboardJobRunsRecorded', 'DashboardTenantChanged', 'ShellAlertEvents']);
  const dashboard = subscribed.filter((m) => nameOf(m) !== 'ShellAlertEvents');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Plans' }).click();
  await expect(page.getByRole('heading', { name: 'Plans' })).toBeVisible();
  await expect.poll(() => sent.filter((m) => m.type === 'complete').length).toBe(2);
  expect(sent.filter((m) => m.type === 'complete').map((m) => m.id).sort()).toEqual(dashboard.map((m) => m.id).sort());
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'connected');
});
