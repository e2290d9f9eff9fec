import { apiUrl, expect, test, unique, type AdminApi } from './fixtures.ts';

// Feature flags: a flag made in the console, its rollout raised with the slider and overrides set, each change
// showing at once in the page's "evaluate as" box (which asks explainFlag again after every change); the
// rules editor deciding for a tenant by a condition on its id, in the order the rules are put; the list, the
// definition, scheduled changes, a viewer's read-only page, and a safeguard pausing the flag live.

/** The first tenant the evaluate-as picker offers (tenants by name), as the API names it. */
async function firstTenant(api: AdminApi): Promise<{ id: string; name: string }> {
  const { tenants } = await api.gql(`query { tenants(first: 1, sort: NAME_ASC) { edges { node { id name } } } }`);
  return tenants.edges[0].node;
}

function flagKey(prefix: string): string {
  return unique(prefix).replace(/\s+/g, '.').toLowerCase();
}

test('raising a rollout with the slider turns the flag on for a tenant; its override then wins, and a user’s override applies to that user', async ({ page, loginAs, adminApi, shot }) => {
  const api = await adminApi('ADMIN');
  const tenant = await firstTenant(api);
  const key = flagKey('e2e.checkout');

  await loginAs('ADMIN');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Feature flags', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Feature flags', level: 1 })).toBeVisible();
  await page.getByRole('link', { name: 'New flag' }).click();
  await page.getByLabel('Key').fill(key);
  await page.getByLabel('Description').fill('The new checkout');
  await page.getByLabel('Tags').fill('checkout, e2e');
  await shot('new-flag');
  await page.getByRole('button', { name: 'Create flag' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(key);
  await expect(page.getByTestId('flag-enabled')).toHaveText('Disabled');

  // Off, the flag serves its default to everyone: the evaluate-as box says so.
  const box = page.getByTestId('evaluate-as');
  await box.getByLabel('Tenant').selectOption(tenant.id);
  await box.getByRole('button', { name: 'Evaluate' }).click();
  await expect(box.getByTestId('flag-reason')).toHaveAttribute('data-reason', 'DISABLED');

  await page.getByTestId('flag-actions').getByRole('button', { name: 'Turn on' }).click();
  const dialog = page.getByRole('dialog', { name: `Turn on ${key}` });
  await dialog.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.getByRole('heading', { level: 1 }).getByTestId('flag-enabled')).toHaveText('Enabled');
  await expect(box.getByTestId('flag-reason')).toHaveAttribute('data-reason', 'DEFAULT');
  await expect(box.getByTestId('explanation')).toContainText('Serves false');

  // 0% takes no bucket and 100% takes all of them, whichever bucket the tenant has.
  const rollout = page.getByTestId('flag-rollout');
  await rollout.getByLabel(/Roll out to a share/).check();
  await rollout.getByTestId('rollout-slider').fill('0');
  await rollout.getByRole('button', { name: 'Save rollout' }).click();
  // The rollout is consulted now (the tenant has a bucket), and leaves it out.
  await expect(box.getByTestId('explanation-bucket')).toBeVisible();
  await expect(box.getByTestId('trace-step').and(page.locator('[data-step="ROLLOUT"]'))).toHaveAttribute('data-matched', 'false');
  await expect(box.getByTestId('flag-reason')).toHaveAttribute('data-reason', 'DEFAULT');
  await expect(rollout.getByTestId('rollout-summary')).toContainText('0% of tenants');

  await rollout.getByTestId('rollout-slider').fill('100');
  await expect(rollout.getByLabel('Percent', { exact: true })).toHaveValue('100');
  await rollout.getByRole('button', { name: 'Save rollout' }).click();
  await expect(box.getByTestId('flag-reason')).toHaveAttribute('data-reason', 'ROLLOUT');
  await expect(box.getByTestId('explanation')).toContainText('Serves true');
  await expect(rollout.getByTestId('rollout-summary')).toContainText('100% of tenants');
  await shot('flag-rollout');

  // The API agrees with what the page shows.
  const { explainFlag } = await api.gql(`query ($key: String!, $tenantId: ID!) { explainFlag(key: $key, tenantId: $tenantId) { value reason } }`, { key, tenantId: tenant.id });
  expect(explainFlag).toEqual({ value: true, reason: 'ROLLOUT' });

  // A tenant override is asked before the rollout.
  const overrides = page.getByTestId('tenant-override-form');
  await overrides.getByLabel('Tenant').selectOption(tenant.id);
  await overrides.getByLabel('Value').selectOption('false');
  await overrides.getByRole('button', { name: 'Set tenant override' }).click();
  await expect(page.getByTestId('tenant-override').filter({ hasText: tenant.name })).toContainText('false');
  await expect(box.getByTestId('flag-reason')).toHaveAttribute('data-reason', 'TENANT_OVERRIDE');
  await expect(box.getByTestId('explanation')).toContainText('Serves false');

  // Every change is in the flag's history.
  await expect(page.getByTestId('history-row').filter({ hasText: 'flag.setRollout' })).toHaveCount(2);
  await expect(page.getByTestId('history-row').filter({ hasText: 'flag.setTenantOverride' })).toHaveCount(1);

  // Removing the override gives the rollout back.
  await page.getByRole('button', { name: `Remove the override of ${tenant.name}` }).click();
  await expect(box.getByTestId('flag-reason')).toHaveAttribute('data-reason', 'ROLLOUT');

  // A user's override applies when the evaluation names that user.
  const users = page.getByTestId('user-override-form');
  await users.getByLabel('Tenant').selectOption(tenant.id);
  await users.getByLabel('User id').fill('e2e-user-7');
  await users.getByLabel('Value').selectOption('false');
  await users.getByRole('button', { name: 'Set user override' }).click();
  await expect(page.getByTestId('user-override')).toHaveAttribute('data-user', 'e2e-user-7');
  await expect(box.getByTestId('flag-reason')).toHaveAttribute('data-reason', 'ROLLOUT');
  await box.getByLabel('User id (optional)').fill('e2e-user-7');
  await box.getByRole('button', { name: 'Evaluate' }).click();
  await expect(box.getByTestId('flag-reason')).toHaveAttribute('data-reason', 'USER_OVERRIDE');
  await expect(box.getByTestId('explanation')).toContainText('Serves false');

  // The list finds the flag by its tag.
  await page.goto('/flags?tags=e2e');
  await expect(page.getByTestId('flag-row').filter({ hasText: key })).toHaveCount(1);
});

test('a rule on the tenant’s id decides for it, and a change made elsewhere shows live', async ({ page, loginAs, adminApi, shot }) => {
  const api = await adminApi('ADMIN');
  const tenant = await firstTenant(api);
  const key = flagKey('e2e.rules');
  const created = await api.gql(
    `mutation ($input: CreateFlagInput!) { createFlag(input: $input) { __typename ... on MutationCreateFlagSuccess { data { id } } ... on Error { message } } }`,
    { input: { key, type: 'STRING', variants: ['classic', 'compact', 'wide'], defaultValue: 'classic', onValue: 'wide', enabled: true } },
  );
  expect(created.createFlag.__typename).toBe('MutationCreateFlagSuccess');
  const flagId = created.createFlag.data.id;

  await loginAs('ADMIN');
  await page.goto(`/flags/${flagId}?as=${tenant.id}`);
  const box = page.getByTestId('evaluate-as');
  await expect(box.getByTestId('flag-reason')).toHaveAttribute('data-reason', 'DEFAULT');

  const rules = page.getByTestId('flag-rules');
  await rules.getByRole('button', { name: 'Add rule' }).click();
  await rules.getByLabel('Rule 1 condition 1 attribute').fill('tenantId');
  await rules.getByLabel('Rule 1 condition 1 operator').selectOption('EQ');
  await rules.getByLabel('Rule 1 condition 1 values').fill(tenant.id);
  await rules.getByLabel('Rule 1 value').selectOption('compact');
  // A second rule with a condition left empty is refused, naming the field; removing it lets the first save.
  await rules.getByRole('button', { name: 'Add rule' }).click();
  await rules.getByRole('button', { name: 'Save rules' }).click();
  await expect(rules.getByTestId('rule').nth(1)).toContainText('Give at least one value.');
  await rules.getByRole('button', { name: 'Remove rule 2', exact: true }).click();
  await rules.getByRole('button', { name: 'Save rules' }).click();
  await expect(box.getByTestId('flag-reason')).toHaveAttribute('data-reason', 'RULE');
  await expect(box.getByTestId('explanation-rule')).toContainText(`Rule 1: tenantId equals ${tenant.id}`);
  await expect(box.getByTestId('explanation')).toContainText('Serves compact');

  // A second rule that also matches decides only once it is moved first.
  await rules.getByRole('button', { name: 'Add rule' }).click();
  await rules.getByLabel('Rule 2 condition 1 attribute').fill('tenantId');
  await rules.getByLabel('Rule 2 condition 1 values').fill(tenant.id);
  await rules.getByLabel('Rule 2 value').selectOption('wide');
  await rules.getByRole('button', { name: 'Save rules' }).click();
  await expect(rules.getByRole('button', { name: 'Save rules' })).toBeDisabled();
  await expect(box.getByTestId('explanation')).toContainText('Serves compact');
  await rules.getByRole('button', { name: 'Move rule 2 up' }).click();
  await expect(rules.getByLabel('Rule 1 value')).toHaveValue('wide');
  await rules.getByRole('button', { name: 'Save rules' }).click();
  await expect(box.getByTestId('explanation')).toContainText('Serves wide');
  await expect(box.getByTestId('explanation-rule')).toContainText(`Rule 1: tenantId is one of ${tenant.id}`);
  await shot('flag-rules');

  // Another admin turns the flag off: the open page follows without a reload.
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'connected');
  await page.waitForTimeout(500);
  const off = await api.gql(`mutation ($id: ID!) { setFlagEnabled(id: $id, enabled: false) { __typename } }`, { id: flagId });
  expect(off.setFlagEnabled.__typename).toBe('MutationSetFlagEnabledSuccess');
  await expect(page.getByTestId('flag-off')).toBeVisible();
  await expect(box.getByTestId('flag-reason')).toHaveAttribute('data-reason', 'DISABLED');
});

test('the list filters by tag and exports what it shows; the definition is edited and a change scheduled and cancelled', async ({ page, loginAs, adminApi, shot }) => {
  const api = await adminApi('ADMIN');
  const key = flagKey('e2e.theme');
  const tag = `t${Date.now().toString(36)}`;
  const created = await api.gql(
    `mutation ($input: CreateFlagInput!) { createFlag(input: $input) { __typename ... on MutationCreateFlagSuccess { data { id } } ... on Error { message } } }`,
    { input: { key, type: 'STRING', variants: ['light', 'dark'], defaultValue: 'light', onValue: 'dark', tags: [tag] } },
  );
  const flagId = created.createFlag.data.id;

  await loginAs('ADMIN');
  await page.goto('/flags');
  await page.getByLabel('Tags').fill(tag);
  await page.getByLabel('Type').selectOption('STRING');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('total-count')).toHaveText('1 row');
  const row = page.getByTestId('flag-row');
  await expect(row).toHaveAttribute('data-flag', key);
  await expect(row.getByTestId('flag-enabled')).toHaveText('Disabled');
  await shot('flags-list');
  const csv = await page.request.get((await page.getByTestId('export-csv').getAttribute('href'))!);
  const lines = (await csv.text()).trim().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(key);

  await row.getByRole('link', { name: key }).click();
  await page.getByRole('link', { name: 'Edit definition' }).click();
  const form = page.getByTestId('flag-definition-form');
  await shot('flag-edit');
  await form.getByLabel('Description').fill('Dark mode for the dashboard');
  await form.getByLabel('Variants').fill('light, dark, dim');
  await form.getByLabel('On value').selectOption('dim');
  await form.getByRole('button', { name: 'Save definition' }).click();
  await expect(page.getByTestId('flag-definition')).toContainText('variants light, dark, dim');
  await expect(page.getByTestId('flag-on')).toHaveText('dim');
  await expect(page.getByRole('heading', { level: 1 }).locator('..')).toContainText('Dark mode for the dashboard');
  // One audited update, saying what changed.
  const history = page.getByTestId('history-row').filter({ hasText: 'flag.update' });
  await expect(history).toHaveCount(1);
  await expect(history).toContainText('description');

  const schedule = page.getByTestId('flag-schedule');
  await schedule.getByLabel('Change').selectOption('SET_ROLLOUT');
  await schedule.getByLabel('To (%)').fill('25');
  await schedule.getByRole('button', { name: 'Schedule' }).click();
  const change = schedule.getByTestId('scheduled-change');
  await expect(change).toContainText('Set the rollout to 25%');
  await expect(change).toContainText('Pending');
  await change.getByRole('button', { name: /^Cancel/ }).click();
  await expect(change).toContainText('Cancelled');
  await expect(change.getByRole('button', { name: /^Cancel/ })).toHaveCount(0);

  const { flag } = await api.gql(`query ($id: ID!) { flag(id: $id) { description onValue variants rollout { percentage } } }`, { id: flagId });
  expect(flag).toEqual({ description: 'Dark mode for the dashboard', onValue: 'dim', variants: ['light', 'dark', 'dim'], rollout: null });
});

test('a viewer reads a flag and its explanation but gets no controls that change it', async ({ page, loginAs, adminApi }) => {
  const api = await adminApi('ADMIN');
  const tenant = await firstTenant(api);
  const key = flagKey('e2e.viewer');
  const created = await api.gql(
    `mutation ($input: CreateFlagInput!) { createFlag(input: $input) { __typename ... on MutationCreateFlagSuccess { data { id } } ... on Error { message } } }`,
    { input: { key, type: 'NUMBER', defaultValue: 10, onValue: 50, enabled: true } },
  );
  await loginAs('VIEWER');
  await page.goto(`/flags/${created.createFlag.data.id}?as=${tenant.id}`);
  await expect(page.getByTestId('evaluate-as').getByTestId('flag-reason')).toHaveAttribute('data-reason', 'DEFAULT');
  await expect(page.getByTestId('evaluate-as')).toContainText('Serves 10');
  await expect(page.getByTestId('flag-actions')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Save rollout' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Add rule' })).toHaveCount(0);
  await expect(page.getByTestId('tenant-override-form')).toHaveCount(0);
  await page.goto('/flags/new');
  await expect(page.getByText('Your role cannot create flags.')).toBeVisible();
});

test('a safeguard rule firing for a tenant pauses the rollout there, live, shows the pause, and resumes once the alert resolves', async ({ page, loginAs, adminApi }) => {
  const api = await adminApi('ADMIN');
  const tenant = await firstTenant(api);
  const metric = `e2e.flag_errors.${Date.now().toString(36)}`;
  const ruleName = unique('Checkout errors');
  const rule = await api.gql(
    `mutation ($input: AlertRuleInput!) { createAlertRule(input: $input) { __typename ... on MutationCreateAlertRuleSuccess { data { id } } ... on Error { message } } }`,
    { input: { name: ruleName, signal: 'METRIC', metric, aggregation: 'MAX', windowSeconds: 300, operator: 'GT', threshold: 100, pendingSeconds: 0, severity: 'WARNING', noData: 'KEEP_STATE' } },
  );
  expect(rule.createAlertRule.__typename).toBe('MutationCreateAlertRuleSuccess');
  const key = flagKey('e2e.guarded');
  const created = await api.gql(
    `mutation ($input: CreateFlagInput!) { createFlag(input: $input) { __typename ... on MutationCreateFlagSuccess { data { id } } ... on Error { message } } }`,
    { input: { key, type: 'BOOLEAN', enabled: true } },
  );
  const flagId = created.createFlag.data.id;
  await api.gql(`mutation ($id: ID!) { setFlagRollout(id: $id, percentage: 100) { __typename } }`, { id: flagId });

  await loginAs('ADMIN');
  await page.goto(`/flags/${flagId}?edit=1`);
  await page.getByTestId('flag-definition-form').getByLabel(ruleName).check();
  await page.getByRole('button', { name: 'Save definition' }).click();
  await expect(page).toHaveURL(new RegExp(`/flags/${flagId}$`));
  await page.goto(`/flags/${flagId}?as=${tenant.id}`);
  const safeguard = page.getByTestId('flag-safeguard');
  await expect(safeguard.getByRole('link', { name: ruleName })).toBeVisible();
  await expect(safeguard).toContainText('Not paused for any tenant.');
  const box = page.getByTestId('evaluate-as');
  await expect(box.getByTestId('flag-reason')).toHaveAttribute('data-reason', 'ROLLOUT');

  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'connected');
  await page.waitForTimeout(500);
  const res = await fetch(`${apiUrl()}/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${api.token}` },
    body: JSON.stringify({ points: [{ name: metric, value: 500, tenantId: tenant.id }] }),
  });
  expect((await res.json()).accepted).toBe(1);

  const pause = safeguard.getByTestId('safeguard-pause');
  await expect(pause).toHaveCount(1, { timeout: 20_000 });
  await expect(pause).toContainText(tenant.name);
  await expect(pause).toContainText(ruleName);
  await expect(box.getByTestId('flag-reason')).toHaveAttribute('data-reason', 'SAFEGUARD_PAUSED');
  await expect(box.getByTestId('explanation')).toContainText(`paused by ${ruleName}`);

  // Disabling the alert rule resolves its alert: the pause ends and the rollout serves the tenant again.
  const disabled = await api.gql(`mutation ($id: ID!) { setAlertRuleEnabled(id: $id, enabled: false) { __typename } }`, { id: rule.createAlertRule.data.id });
  expect(disabled.setAlertRuleEnabled.__typename).toBe('MutationSetAlertRuleEnabledSuccess');
  await expect(pause).toHaveCount(0);
  await expect(box.getByTestId('flag-reason')).toHaveAttribute('data-reason', 'ROLLOUT');
});
