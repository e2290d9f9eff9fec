import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startPlatform, type TestPlatform } from '../../../test/harness.ts';
import { CREATE_PLAN, planInput } from '../plans/fixtures.ts';

let p: TestPlatform;
let owner: string;
let planId: string;

const CREATE_TENANT = `mutation($input: CreateTenantInput!) {
  createTenant(input: $input) {
    __typename
    ... on MutationCreateTenantSuccess { data { id slug status trialEndsAt plan { code } settings { timezone } } }
    ... on ValidationError { message fieldErrors { field message } }
    ... on NotFoundError { message }
    ... on ConflictError { message field }
  }
}`;

beforeAll(async () => {
  p = await startPlatform();
  owner = (await p.login('OWNER')).token;
  const res = await p.gql(CREATE_PLAN, { input: planInput('pro') }, owner);
  planId = ok(res.data!.createPlan).id;
});
afterAll(() => p.close());

describe('tenants', () => {
  it('creates a trialing tenant from the plan, derives the slug and queues onboarding', async () => {
    const res = await p.gql(CREATE_TENANT, { input: { name: 'Zürich Widgets', planId, ownerName: 'Ana', ownerEmail: 'ANA@Example.com' } }, owner);
    const tenant = ok(res.data!.createTenant);
    expect(tenant).toMatchObject({ slug: 'zurich-widgets', status: 'TRIALING', plan: { code: 'pro' }, settings: { timezone: 'UTC' } });
    const days = (new Date(tenant.trialEndsAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(13.9);
    expect(days).toBeLessThanOrEqual(14);
    const jobs = await p.app.prisma.$queryRaw<{ task_identifier: string }[]>`
      SELECT task_identifier FROM graphile_worker.jobs WHERE key = ${`tenant-onboard:${tenant.id}`}`;
    expect(jobs.map((j) => j.task_identifier)).toEqual(['tenantOnboard']);
  });

  it('rejects an invalid email and time zone by field and creates nothing', async () => {
    const before = await p.app.prisma.tenant.count();
    const res = await p.gql(CREATE_TENANT, {
      input: { name: 'X', planId, ownerName: 'A', ownerEmail: 'nope', settings: { timezone: 'Mars/Olympus' } },
    }, owner);
    expect(res.data!.createTenant.__typename).toBe('ValidationError');
    expect(res.data!.createTenant.fieldErrors).toEqual(
      expect.arrayContaining([
        { field: 'input.ownerEmail', message: 'not a valid email address' },
        { field: 'input.settings.timezone', message: 'not a known IANA time zone' },
      ]),
    );
    expect(await p.app.prisma.tenant.count()).toBe(before);
  });

  it('refuses a taken slug', async () => {
    await p.gql(CREATE_TENANT, { input: { name: 'Dup', slug: 'dup', planId, ownerName: 'A', ownerEmail: 'a@b.co' } }, owner);
    const res = await p.gql(CREATE_TENANT, { input: { name: 'Dup 2', slug: 'dup', planId, ownerName: 'A', ownerEmail: 'a@b.co' } }, owner);
    expect(res.data!.createTenant).toMatchObject({ __typename: 'ConflictError', field: 'slug' });
  });

  it('suspends with a reason, refuses invalid transitions by name, activates and soft-deletes', async () => {
    const { tenantId } = await p.makeTenant();
    const SUSPEND = `mutation($id: ID!, $r: String!) { suspendTenant(id: $id, reason: $r) {
      __typename ... on MutationSuspendTenantSuccess { data { status suspensionReason } }
      ... on ValidationError { fieldErrors { field } }
      ... on InvalidTransitionError { currentStatus requestedStatus message } } }`;
    const noReason = await p.gql(SUSPEND, { id: tenantId, r: ' ' }, owner);
    expect(noReason.data!.suspendTenant.fieldErrors).toEqual([{ field: 'reason' }]);

    const suspended = await p.gql(SUSPEND, { id: tenantId, r: 'Chargeback' }, owner);
    expect(ok(suspended.data!.suspendTenant)).toEqual({ status: 'SUSPENDED', suspensionReason: 'Chargeback' });

    const again = await p.gql(SUSPEND, { id: tenantId, r: 'Again' }, owner);
    expect(again.data!.suspendTenant).toMatchObject({
      __typename: 'InvalidTransitionError', currentStatus: 'SUSPENDED', requestedStatus: 'SUSPENDED',
    });

    const activated = await p.gql(`mutation($id: ID!) { activateTenant(id: $id) { ... on MutationActivateTenantSuccess { data { status suspensionReason } } } }`, { id: tenantId }, owner);
    expect(ok(activated.data!.activateTenant)).toEqual({ status: 'ACTIVE', suspensionReason: null });

    const deleted = await p.gql(`mutation($id: ID!) { deleteTenant(id: $id) { ... on MutationDeleteTenantSuccess { data { status deletedAt } } } }`, { id: tenantId }, owner);
    expect(ok(deleted.data!.deleteTenant).status).toBe('DELETED');
    expect(await p.app.prisma.tenant.count({ where: { id: tenantId } })).toBe(1);

    const actions = await p.app.prisma.auditEvent.findMany({ where: { targetId: tenantId, actorType: 'ADMIN' }, orderBy: { occurredAt: 'asc' } });
    expect(actions.map((a) => a.action)).toEqual(['tenant.suspend', 'tenant.activate', 'tenant.delete']);
    expect(actions[0]!.diff).toMatchObject({ status: { from: 'TRIALING', to: 'SUSPENDED' } });
  });

  it('changes plan, refusing an archived plan', async () => {
    const { tenantId } = await p.makeTenant();
    const other = ok((await p.gql(CREATE_PLAN, { input: planInput('enterprise') }, owner)).data!.createPlan);
    const CHANGE = `mutation($id: ID!, $plan: ID!) { changeTenantPlan(id: $id, planId: $plan) {
      __typename ... on MutationChangeTenantPlanSuccess { data { plan { code } } } ... on ConflictError { field } } }`;
    expect(ok((await p.gql(CHANGE, { id: tenantId, plan: other.id }, owner)).data!.changeTenantPlan).plan.code).toBe('enterprise');
    await p.gql(`mutation($id: ID!) { archivePlan(id: $id) { __typename } }`, { id: planId }, owner);
    const refused = await p.gql(CHANGE, { id: tenantId, plan: planId }, owner);
    expect(refused.data!.changeTenantPlan).toEqual({ __typename: 'ConflictError', field: 'planId' });
    await p.gql(`mutation($id: ID!) { unarchivePlan(id: $id) { __typename } }`, { id: planId }, owner);
  });

  it('lists with status filter, search, sort, cursor pagination and a total count', async () => {
    for (const name of ['Lister Alpha', 'Lister Bravo', 'Lister Charlie']) await p.makeTenant({ name });
    const LIST = `query($f: TenantFilter, $after: String, $sort: TenantSort) {
      tenants(first: 2, after: $after, filter: $f, sort: $sort) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { name status } } } }`;
    const page1 = await p.gql(LIST, { f: { search: 'lister', status: ['TRIALING'] }, sort: 'NAME_ASC' }, owner);
    expect(page1.data!.tenants.totalCount).toBe(3);
    expect(page1.data!.tenants.edges.map((e: any) => e.node.name)).toEqual(['Lister Alpha', 'Lister Bravo']);
    expect(page1.data!.tenants.pageInfo.hasNextPage).toBe(true);
    const page2 = await p.gql(LIST, { f: { search: 'LISTER' }, sort: 'NAME_ASC', after: page1.data!.tenants.pageInfo.endCursor }, owner);
    expect(page2.data!.tenants.edges.map((e: any) => e.node.name)).toEqual(['Lister Charlie']);
    expect(page2.data!.tenants.pageInfo.hasNextPage).toBe(false);
    const none = await p.gql(LIST, { f: { search: 'lister', status: ['SUSPENDED'] } }, owner);
    expect(none.data!.tenants.totalCount).toBe(0);
  });

  it('counts tenants per status', async () => {
    const res = await p.gql(`{ tenantCounts { TRIALING ACTIVE SUSPENDED DELETED total } }`, {}, owner);
    const total = await p.app.prisma.tenant.count();
    expect(res.data!.tenantCounts.total).toBe(total);
    expect(res.data!.tenantCounts.TRIALING).toBe(await p.app.prisma.tenant.count({ where: { status: 'TRIALING' } }));
  });

  it('onboards a new tenant once, even when the job runs twice', async () => {
    const { tenantId } = await p.makeTenant();
    const worker = await p.startWorker();
    await expect.poll(async () => (await p.app.prisma.tenant.findUnique({ where: { id: tenantId } }))?.onboardedAt, { timeout: 10_000 }).toBeTruthy();
    const first = (await p.app.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).onboardedAt;
    await p.app.prisma.$executeRaw`SELECT graphile_worker.add_job('tenantOnboard', json_build_object('tenantId', ${tenantId}::text))`;
    await expect.poll(async () => (await p.app.prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM graphile_worker.jobs WHERE task_identifier = 'tenantOnboard'`)[0]!.n, { timeout: 10_000 }).toBe(0n);
    expect((await p.app.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).onboardedAt).toEqual(first);
    expect(await p.app.prisma.auditEvent.count({ where: { action: 'tenant.onboard', targetId: tenantId } })).toBe(1);
    await worker.stop();
  });
});

describe('text input', () => {
  it('refuses a NUL byte or an unpaired surrogate in a name as input naming the field, and creates nothing', async () => {
    const before = await p.app.prisma.tenant.count();
    for (const name of ['a\u0000b', 'broken \ud800 text']) {
      const res = await p.gql(CREATE_TENANT, { input: { name, planId, ownerName: 'O', ownerEmail: 'o@nul.example' } }, owner);
      expect(res.data ?? null, name).toBeNull();
      expect(res.errors?.[0]).toMatchObject({ message: expect.stringMatching(/^\$input\.name: must (not contain NUL characters|be valid Unicode text)$/), extensions: { code: 'BAD_USER_INPUT' } });
    }
    const { tenantId } = await p.makeTenant();
    const suspend = await p.gql(`mutation($id: ID!) { suspendTenant(id: $id, reason: "x\u0000yz") { __typename } }`, { id: tenantId }, owner);
    expect(suspend.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(suspend.errors?.[0]?.message).toMatch(/reason/);
    expect(await p.app.prisma.tenant.count()).toBe(before + 1);
    // The services refuse it too, for callers that do not come through GraphQL.
    const { createTenant } = await import('./service.ts');
    await expect(createTenant(p.system, { name: 'a\u0000b', planId, ownerName: 'O', ownerEmail: 'o@nul.example' })).rejects.toMatchObject({
      issues: [{ path: ['input', 'name'], message: 'must not contain NUL characters' }],
    });
  });

  it('writes no audit entry for an update that changes nothing', async () => {
    const { tenantId } = await p.makeTenant({ name: 'Unchanged Co' });
    const res = await p.gql(`mutation($id: ID!) { updateTenant(id: $id, input: { name: "Unchanged Co", settings: { timezone: "UTC" } }) { __typename } }`, { id: tenantId }, owner);
    expect(res.data!.updateTenant.__typename).toBe('MutationUpdateTenantSuccess');
    expect(await p.app.prisma.auditEvent.count({ where: { action: 'tenant.update', targetId: tenantId } })).toBe(0);
  });
});

describe('deleted tenants', () => {
  it('keeps a deleted tenant but refuses further changes with a conflict', async () => {
    const { tenantId, planId: otherPlan } = await p.makeTenant();
    await p.gql(`mutation($id: ID!) { deleteTenant(id: $id) { __typename } }`, { id: tenantId }, owner);
    const update = await p.gql(`mutation($id: ID!) { updateTenant(id: $id, input: { name: "Zombie" }) { __typename ... on ConflictError { message field } } }`, { id: tenantId }, owner);
    expect(update.data!.updateTenant).toMatchObject({ __typename: 'ConflictError', field: 'id' });
    const change = await p.gql(`mutation($id: ID!, $plan: ID!) { changeTenantPlan(id: $id, planId: $plan) { __typename } }`, { id: tenantId, plan: otherPlan }, owner);
    expect(change.data!.changeTenantPlan.__typename).toBe('ConflictError');
    const activate = await p.gql(`mutation($id: ID!) { activateTenant(id: $id) { __typename ... on InvalidTransitionError { currentStatus requestedStatus } } }`, { id: tenantId }, owner);
    expect(activate.data!.activateTenant).toEqual({ __typename: 'InvalidTransitionError', currentStatus: 'DELETED', requestedStatus: 'ACTIVE' });
    expect((await p.app.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).name).not.toBe('Zombie');
  });
});

describe('tenant settings', () => {
  it('updates settings field by field, clears a nullable one with null and refuses null for a required one', async () => {
    const { tenantId } = await p.makeTenant();
    const UPDATE = `mutation($id: ID!, $s: TenantSettingsInput!) { updateTenant(id: $id, input: { settings: $s }) {
      __typename ... on MutationUpdateTenantSuccess { data { settings { timezone locale supportEmail brandColor } } }
      ... on ValidationError { fieldErrors { field } } } }`;
    const set = await p.gql(UPDATE, { id: tenantId, s: { supportEmail: 'help@acme.example', timezone: 'Europe/Paris' } }, owner);
    expect(set.data!.updateTenant.data.settings).toEqual({ timezone: 'Europe/Paris', locale: 'en', supportEmail: 'help@acme.example', brandColor: null });
    const cleared = await p.gql(UPDATE, { id: tenantId, s: { supportEmail: null } }, owner);
    expect(cleared.data!.updateTenant.data.settings).toEqual({ timezone: 'Europe/Paris', locale: 'en', supportEmail: null, brandColor: null });
    const refused = await p.gql(UPDATE, { id: tenantId, s: { timezone: null } }, owner);
    expect(refused.data!.updateTenant).toEqual({ __typename: 'ValidationError', fieldErrors: [{ field: 'input.settings.timezone' }] });
    const stored = await p.app.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    expect(stored.settings).toMatchObject({ timezone: 'Europe/Paris', supportEmail: null });
  });
});
