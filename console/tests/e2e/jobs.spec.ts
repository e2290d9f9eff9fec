import fs from 'node:fs/promises';
import { expect, test, unique, type AdminApi } from './fixtures.ts';

const ONBOARDING = 'tenantOnboard';

/** Creates a tenant, which queues its onboarding job; resolves once that job has run. */
async function onboardedTenant(api: AdminApi, name: string): Promise<string> {
  const { plans } = await api.gql(`{ plans(first: 1, filter: { status: ACTIVE }) { edges { node { id } } } }`);
  const { createTenant } = await api.gql(
    `mutation ($input: CreateTenantInput!) {
      createTenant(input: $input) { ... on MutationCreateTenantSuccess { data { id } } }
    }`,
    { input: { name, ownerName: 'Jobs Owner', ownerEmail: 'jobs-owner@example.com', planId: plans.edges[0].node.id } },
  );
  const id: string = createTenant.data.id;
  await expect
    .poll(async () => (await api.gql(`query ($id: ID!) { tenant(id: $id) { onboardedAt } }`, { id })).tenant.onboardedAt, {
      timeout: 15_000,
    })
    .not.toBeNull();
  return id;
}

function totalCount(text: string | null): number {
  return Number((text ?? '').replace(/\D/g, ''));
}

test('shows per-task stats and runs of the onboarding jobs, filters by outcome in the URL and exports them', async ({
  page,
  loginAs,
  adminApi,
}) => {
  await onboardedTenant(await adminApi('OWNER'), unique('Jobs Co'));

  await loginAs('VIEWER');
  await page.goto('/jobs');
  await expect(page.getByRole('link', { name: 'Last 24 hours' })).toHaveAttribute('aria-current', 'page');
  const stats = page.locator(`[data-testid=job-stat-row][data-task=${ONBOARDING}]`);
  await expect(stats).toBeVisible();
  expect(Number((await stats.getByRole('cell').nth(1).textContent())!.replace(/\D/g, ''))).toBeGreaterThanOrEqual(1);
  await expect(stats.getByRole('cell').nth(2)).toHaveText(/^\d+\.\d%$/);
  await expect(stats.getByRole('cell').nth(4)).toHaveText(/\d+(\.\d)? (ms|s)$/);
  await expect(page.getByTestId('runs-chart').locator('canvas')).toHaveAttribute('aria-label', /^[1-9]\d* runs?: [1-9]\d* succeeded/);
  await expect(page.getByTestId('job-run-row').filter({ hasText: ONBOARDING }).first()).toBeVisible();

  await page.getByLabel('Outcome').selectOption('SUCCESS');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/[?&]outcome=SUCCESS(&|$)/);
  const rows = page.getByTestId('job-run-row');
  await expect(rows.first()).toBeVisible();
  expect(new Set(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-outcome'))))).toEqual(new Set(['SUCCESS']));
  await expect(page.getByLabel('Outcome')).toHaveValue('SUCCESS');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const [header, ...lines] = (await fs.readFile((await download.path())!, 'utf8')).trim().split(/\r?\n/);
  const outcomeColumn = header!.split(',').indexOf('outcome');
  expect(outcomeColumn).toBeGreaterThanOrEqual(0);
  expect(lines.length).toBeGreaterThanOrEqual(1);
  expect(new Set(lines.map((line) => line.split(',')[outcomeColumn]))).toEqual(new Set(['SUCCESS']));

  await page.getByLabel('Outcome').selectOption('FAILURE');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/[?&]outcome=FAILURE(&|$)/);
  await expect(page.locator('[data-testid=job-run-row][data-outcome=SUCCESS]')).toHaveCount(0);

  await page.getByRole('link', { name: 'Last hour' }).click();
  await expect(page).toHaveURL(/[?&]window=1h(&|$)/);
  await expect(page).toHaveURL(/[?&]outcome=FAILURE(&|$)/);
  await expect(page.getByRole('link', { name: 'Last hour' })).toHaveAttribute('aria-current', 'page');
});

test('a new onboarding run appears without a reload', async ({ page, loginAs, adminApi, shot }) => {
  const api = await adminApi('OWNER');
  // Let any earlier onboarding finish so the only new run is this test's.
  await onboardedTenant(api, unique('Jobs Warmup'));

  await loginAs('VIEWER');
  await page.goto(`/jobs?task=${ONBOARDING}`);
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'connected');
  const before = totalCount(await page.getByTestId('total-count').textContent());
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

  await onboardedTenant(api, unique('Jobs Live'));
  await expect.poll(async () => totalCount(await page.getByTestId('total-count').textContent())).toBe(before + 1);
  await expect(page.getByTestId('job-run-row').first()).toContainText(ONBOARDING);
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  await shot('jobs');
});

test('further back in the runs, new ones are announced instead of shown, until the newest are asked for', async ({ page, loginAs, adminApi }) => {
  const api = await adminApi('OWNER');
  const onboardingRuns = async (): Promise<number> =>
    (await api.gql(`{ jobRuns(first: 1, filter: { task: "${ONBOARDING}" }) { totalCount } }`)).jobRuns.totalCount;
  // More onboarding runs than one page (25) holds, all of them recorded before the page opens.
  const missing = Math.max(0, 26 - (await onboardingRuns()));
  await Promise.all(Array.from({ length: missing }, (_, i) => onboardedTenant(api, unique(`Jobs Page ${i}`))));
  await expect.poll(onboardingRuns).toBeGreaterThanOrEqual(26);

  await loginAs('VIEWER');
  await page.goto(`/jobs?task=${ONBOARDING}`);
  await page.getByRole('link', { name: 'Older →' }).click();
  await expect(page).toHaveURL(/[?&]after=/);
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'connected');
  // graphql-ws does not acknowledge a subscription: give the subscribe message a moment to reach the API.
  await page.waitForTimeout(500);
  const rows = await page.getByTestId('job-run-row').allTextContents();

  await onboardedTenant(api, unique('Jobs Later'));
  await expect(page.getByTestId('new-runs')).toContainText('1 new run since this page loaded.');
  expect(await page.getByTestId('job-run-row').allTextContents()).toEqual(rows);

  await page.getByTestId('new-runs').getByRole('link', { name: 'Show newest' }).click();
  await expect(page).not.toHaveURL(/[?&]after=/);
  await expect(page.getByTestId('new-runs')).toHaveCount(0);
});
