import fs from 'node:fs/promises';
import { expect, test } from './fixtures.ts';

// The System page against the running platform (API with its inline worker on a fresh embedded database):
// health cards, table counts and the report download.

test('shows the health of the database, worker and migrations, table counts, and downloads the report', async ({ page, loginAs, adminApi, shot }) => {
  const api = await adminApi('OWNER');
  const { systemStatus } = await api.gql<{ systemStatus: { tables: { name: string; rows: number; estimated: boolean }[]; versions: { schema: string } } }>(
    `{ systemStatus { tables { name rows estimated } versions { schema } } }`,
  );
  const tenants = systemStatus.tables.find((t) => t.name === 'Tenant')!;

  await loginAs('VIEWER');
  await page.getByRole('link', { name: 'System', exact: true }).click();
  await expect(page).toHaveURL(/\/system$/);
  await expect(page.getByRole('heading', { name: 'System', exact: true })).toBeVisible();

  const database = page.getByTestId('health-database');
  await expect(database).toHaveAttribute('data-status', 'OK');
  await expect(database).toContainText(/SELECT 1 in [\d.]+ ms/);
  await expect(page.getByTestId('health-migrations')).toHaveAttribute('data-status', 'OK');
  await expect(page.getByTestId('health-migrations')).toContainText('Current');
  await expect(page.getByTestId('migrations')).toContainText('Current');
  await expect(page.getByTestId('health-worker')).toHaveAttribute('data-status', 'OK');
  await expect(page.getByTestId('versions')).toContainText(systemStatus.versions.schema);

  // The demo data's tenants, counted exactly (well under the estimate threshold).
  const row = page.locator('[data-testid=system-table][data-table=Tenant]');
  expect(tenants.estimated).toBe(false);
  await expect(row.getByTestId('table-rows')).toHaveText(new Intl.NumberFormat('en-US').format(tenants.rows));

  await shot('system-page');

  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByRole('button', { name: 'Refresh' })).toBeEnabled();
  await expect(database).toHaveAttribute('data-status', 'OK');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-json').click()]);
  expect(download.suggestedFilename()).toMatch(/^opsgraph-system-.*\.json$/);
  const report = JSON.parse(await fs.readFile((await download.path())!, 'utf8'));
  expect(report.health.find((h: { key: string }) => h.key === 'database').status).toBe('OK');
  expect(report.migrations.current).toBe(true);
  expect(report.tables.find((t: { name: string }) => t.name === 'Tenant').rows).toBe(tenants.rows);

  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-csv').click()]);
  expect(csv.suggestedFilename()).toMatch(/\.csv$/);
  const lines = (await fs.readFile((await csv.path())!, 'utf8')).split('\n');
  expect(lines[0]).toBe('section,item,field,value');
  expect(lines).toContain('health,database,status,OK');
});
