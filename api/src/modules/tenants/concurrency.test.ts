// Two admins click at the same moment: every request below is sent at once, over HTTP, to a real
// PostgreSQL. Status changes serialise on the row, uniqueness is the database's to decide, and the loser
// of a race gets a typed error and writes nothing (no audit entry, no event).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type TestPlatform } from '../../../test/harness.ts';

let p: TestPlatform;
let owners: string[];

beforeAll(async () => {
  p = await startPlatform();
  owners = await Promise.all([p.login('OWNER'), p.login('ADMIN')]).then((admins) => admins.map((a) => a.token));
});
afterAll(() => p.close());

// Each result union lists only the errors its mutation can return, so each selects only those.
const TRANSITION = `__typename ... on Error { message } ... on InvalidTransitionError { currentStatus requestedStatus }`;
const CONFLICT = `__typename ... on Error { message } ... on ConflictError { field }`;

async function auditCount(targetId: string, actions: string[]): Promise<number> {
  return p.app.prisma.auditEvent.count({ where: { targetId, action: { in: actions } } });
}

describe('tenant status changes under concurrency', () => {
  it('lets only one of delete and activate win on a suspended tenant, and records only the winner', async () => {
    for (let round = 0; round < 6; round += 1) {
      const { tenantId } = await p.makeTenant({ name: `Race ${round}` });
      await p.app.prisma.tenant.update({ where: { id: tenantId }, data: { status: 'SUSPENDED', suspensionReason: 'test' } });
      const [deleted, activated] = await Promise.all([
        p.gql(`mutation($id: ID!) { deleteTenant(id: $id) { ${TRANSITION} } }`, { id: tenantId }, owners[0]),
        p.gql(`mutation($id: ID!) { activateTenant(id: $id) { ${TRANSITION} } }`, { id: tenantId }, owners[1]),
      ]);
      const outcomes = [deleted.data!.deleteTenant, activated.data!.activateTenant];
      const won = outcomes.filter((o) => o.__typename.endsWith('Success'));
      // Both saw SUSPENDED: the one that waited for the other finds the state changed and acts on nothing.
      expect(won, `round ${round}: ${JSON.stringify(outcomes)}`).toHaveLength(1);
      expect(outcomes.find((o) => o.__typename === 'InvalidTransitionError')).toMatchObject({ currentStatus: expect.stringMatching(/^(ACTIVE|DELETED)$/) });
      const tenant = await p.app.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
      // Never the mixture the race used to produce: ACTIVE with deletedAt set.
      expect([tenant.status, tenant.deletedAt === null]).toEqual(won[0]!.__typename === 'MutationDeleteTenantSuccess' ? ['DELETED', false] : ['ACTIVE', true]);
      expect(await auditCount(tenantId, ['tenant.delete', 'tenant.activate'])).toBe(1);
    }
  });

  it('suspends once when eight admins suspend the same tenant at once', async () => {
    const { tenantId } = await p.makeTenant({ name: 'Eight Suspensions' });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => p.gql(`mutation($id: ID!) { suspendTenant(id: $id, reason: "race ${i}") { ${TRANSITION} } }`, { id: tenantId }, owners[i % 2])),
    );
    const types = results.map((r) => r.data!.suspendTenant.__typename);
    expect(types.filter((t) => t === 'MutationSuspendTenantSuccess')).toHaveLength(1);
    expect(results.filter((r) => r.data!.suspendTenant.__typename === 'InvalidTransitionError').map((r) => r.data!.suspendTenant)).toEqual(
      Array.from({ length: 7 }, () => expect.objectContaining({ currentStatus: 'SUSPENDED', requestedStatus: 'SUSPENDED' })),
    );
    expect(await auditCount(tenantId, ['tenant.suspend'])).toBe(1);
  });

  it('refuses a transition to the state a tenant is already in, writing nothing', async () => {
    const { tenantId } = await p.makeTenant({ name: 'Already Active' });
    await p.app.prisma.tenant.update({ where: { id: tenantId }, data: { status: 'ACTIVE' } });
    const res = await p.gql(`mutation($id: ID!) { activateTenant(id: $id) { ${TRANSITION} } }`, { id: tenantId }, owners[0]);
    expect(res.data!.activateTenant).toMatchObject({ __typename: 'InvalidTransitionError', currentStatus: 'ACTIVE', requestedStatus: 'ACTIVE' });
    expect(await auditCount(tenantId, ['tenant.activate'])).toBe(0);
  });
});

describe('uniqueness under concurrency', () => {
  it('creates one of eight tenants asking for the same slug and answers the others with a typed conflict', async () => {
    const { planId } = await p.makeTenant();
    const before = await p.app.prisma.auditEvent.count({ where: { action: 'tenant.create' } });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        p.gql(
          `mutation($input: CreateTenantInput!) { createTenant(input: $input) { ${CONFLICT} } }`,
          { input: { name: `Same Slug ${i}`, slug: 'same-slug', planId, ownerName: 'O', ownerEmail: `o${i}@same.example` } },
          owners[i % 2],
        ),
      ),
    );
    expect(results.every((r) => !r.errors), JSON.stringify(results.find((r) => r.errors))).toBe(true);
    const types = results.map((r) => r.data!.createTenant.__typename);
    expect(types.filter((t) => t === 'MutationCreateTenantSuccess')).toHaveLength(1);
    expect(results.filter((r) => r.data!.createTenant.__typename === 'ConflictError').map((r) => r.data!.createTenant.field)).toEqual(Array(7).fill('slug'));
    expect(await p.app.prisma.tenant.count({ where: { slug: 'same-slug' } })).toBe(1);
    expect(await p.app.prisma.auditEvent.count({ where: { action: 'tenant.create' } })).toBe(before + 1);
  });

  it('never fails internally when eight tenants with one name race for its derived slug', async () => {
    // On different plans, so nothing but the slug's unique index orders them.
    const plans: string[] = [];
    for (let i = 0; i < 8; i += 1) plans.push((await p.makeTenant()).planId);
    const results = await Promise.all(
      plans.map((planId, i) =>
        p.gql(
          `mutation($input: CreateTenantInput!) { createTenant(input: $input) { ${CONFLICT} ... on MutationCreateTenantSuccess { data { slug } } } }`,
          { input: { name: 'Same Name Inc', planId, ownerName: 'O', ownerEmail: `o${i}@same.example` } },
          owners[i % 2],
        ),
      ),
    );
    expect(results.every((r) => !r.errors), JSON.stringify(results.find((r) => r.errors))).toBe(true);
    const created = results.filter((r) => r.data!.createTenant.__typename === 'MutationCreateTenantSuccess').map((r) => r.data!.createTenant.data.slug);
    const conflicts = results.filter((r) => r.data!.createTenant.__typename === 'ConflictError');
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(created.length + conflicts.length).toBe(8);
    expect(conflicts.every((r) => r.data!.createTenant.field === 'slug')).toBe(true);
    expect(new Set(created).size).toBe(created.length);
    expect(await p.app.prisma.tenant.count({ where: { name: 'Same Name Inc' } })).toBe(created.length);
  });

  it('creates one of eight plans with the same code and answers the others with a typed conflict', async () => {
    const input = {
      code: 'same-code', name: 'Same', currency: 'EUR', monthlyPrice: 100, yearlyPrice: 1000, trialDays: 0, emailsPerMonth: 1,
      smsPerMonth: 1, seats: 1, apiCallsPerMonth: 1, entitlements: [],
    };
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => p.gql(`mutation($input: CreatePlanInput!) { createPlan(input: $input) { ${CONFLICT} } }`, { input }, owners[i % 2])),
    );
    expect(results.every((r) => !r.errors)).toBe(true);
    const types = results.map((r) => r.data!.createPlan.__typename);
    expect(types.filter((t) => t === 'MutationCreatePlanSuccess')).toHaveLength(1);
    expect(results.filter((r) => r.data!.createPlan.__typename === 'ConflictError').map((r) => r.data!.createPlan.field)).toEqual(Array(7).fill('code'));
    expect(await p.app.prisma.auditEvent.count({ where: { action: 'plan.create', after: { path: ['code'], equals: 'same-code' } } })).toBe(1);
  });

  it('moves no tenant onto a plan that is being deleted at the same moment', async () => {
    for (let round = 0; round < 4; round += 1) {
      const plan = await p.app.prisma.plan.create({
        data: { code: `doomed-${round}`, name: 'Doomed', currency: 'USD', monthlyPrice: 0, yearlyPrice: 0, emailsPerMonth: 0, smsPerMonth: 0, seats: 1, apiCallsPerMonth: 0, entitlements: [] },
      });
      const [created, removed] = await Promise.all([
        p.gql(
          `mutation($input: CreateTenantInput!) { createTenant(input: $input) { ${CONFLICT} } }`,
          { input: { name: `Doomed ${round}`, planId: plan.id, ownerName: 'O', ownerEmail: 'o@doomed.example' } },
          owners[0],
        ),
        p.gql(`mutation($id: ID!) { deletePlan(id: $id) { ${CONFLICT} } }`, { id: plan.id }, owners[1]),
      ]);
      expect([created.errors, removed.errors]).toEqual([undefined, undefined]);
      const outcome = [created.data!.createTenant.__typename, removed.data!.deletePlan.__typename];
      // Either the tenant came first (and the plan is in use) or the plan went first (and is gone).
      expect([
        ['MutationCreateTenantSuccess', 'ConflictError'],
        ['NotFoundError', 'MutationDeletePlanSuccess'],
      ]).toContainEqual(outcome);
    }
  });
});
