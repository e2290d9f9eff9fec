import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startPlatform, type TestPlatform } from '../../../test/harness.ts';
import { CREATE_PLAN, planInput } from './fixtures.ts';
import { createPlan, setPlanArchived } from './service.ts';

let p: TestPlatform;
let owner: string;

beforeAll(async () => {
  p = await startPlatform();
  owner = (await p.login('OWNER')).token;
  ok((await p.gql(CREATE_PLAN, { input: planInput('pro') }, owner)).data!.createPlan);
});
afterAll(() => p.close());

describe('plans', () => {
  it('creates a plan with money in minor units, an upper-case currency and unique entitlements', async () => {
    const res = await p.gql(CREATE_PLAN, { input: planInput('team') }, owner);
    expect(ok(res.data!.createPlan)).toMatchObject({
      code: 'team', monthlyPrice: 4900, currency: 'USD', quotas: { seats: 5 }, entitlements: ['email', 'tickets'],
    });
  });

  it('rejects bad input naming each field, and creates nothing', async () => {
    const before = await p.app.prisma.plan.count();
    const res = await p.gql(CREATE_PLAN, { input: planInput('Bad Code', { monthlyPrice: -1, currency: 'dollars' }) }, owner);
    const result = res.data!.createPlan;
    expect(result.__typename).toBe('ValidationError');
    expect(result.fieldErrors.map((e: { field: string }) => e.field).sort()).toEqual([
      'input.code', 'input.currency', 'input.monthlyPrice',
    ]);
    expect(await p.app.prisma.plan.count()).toBe(before);
    expect(await p.app.prisma.auditEvent.count({ where: { action: 'plan.create', after: { path: ['code'], equals: 'Bad Code' } } })).toBe(0);
  });

  it('refuses a duplicate code with a conflict on the code field', async () => {
    const res = await p.gql(CREATE_PLAN, { input: planInput('pro') }, owner);
    expect(res.data!.createPlan).toMatchObject({ __typename: 'ConflictError', field: 'code' });
  });

  it('archives a plan in use but refuses to delete it', async () => {
    const { planId: usedPlan } = await p.makeTenant();
    const del = await p.gql(`mutation($id: ID!) { deletePlan(id: $id) { __typename ... on ConflictError { message } } }`, { id: usedPlan }, owner);
    expect(del.data!.deletePlan.__typename).toBe('ConflictError');
    expect(await p.app.prisma.plan.count({ where: { id: usedPlan } })).toBe(1);
    const arch = await p.gql(`mutation($id: ID!) { archivePlan(id: $id) { ... on MutationArchivePlanSuccess { data { status } } } }`, { id: usedPlan }, owner);
    expect(ok(arch.data!.archivePlan).status).toBe('ARCHIVED');
  });

  it('deletes an unused plan', async () => {
    const created = ok(( await p.gql(CREATE_PLAN, { input: planInput('unused') }, owner)).data!.createPlan);
    const del = await p.gql(`mutation($id: ID!) { deletePlan(id: $id) { __typename } }`, { id: created.id }, owner);
    expect(del.data!.deletePlan.__typename).toBe('MutationDeletePlanSuccess');
    expect(await p.app.prisma.plan.count({ where: { id: created.id } })).toBe(0);
  });
});

describe('plan changes that change nothing', () => {
  it('refuses to archive an archived plan, and writes no second audit entry', async () => {
    const plan = ok((await p.gql(CREATE_PLAN, { input: planInput('twice') }, owner)).data!.createPlan);
    const ARCHIVE = `mutation($id: ID!) { archivePlan(id: $id) { __typename ... on InvalidTransitionError { currentStatus requestedStatus } } }`;
    expect((await p.gql(ARCHIVE, { id: plan.id }, owner)).data!.archivePlan.__typename).toBe('MutationArchivePlanSuccess');
    expect((await p.gql(ARCHIVE, { id: plan.id }, owner)).data!.archivePlan).toEqual({
      __typename: 'InvalidTransitionError', currentStatus: 'ARCHIVED', requestedStatus: 'ARCHIVED',
    });
    expect(await p.app.prisma.auditEvent.count({ where: { action: 'plan.archive', targetId: plan.id } })).toBe(1);
  });

  it('writes no audit entry for an update that changes nothing', async () => {
    const plan = ok((await p.gql(CREATE_PLAN, { input: planInput('same') }, owner)).data!.createPlan);
    const UPDATE = `mutation($id: ID!, $input: UpdatePlanInput!) { updatePlan(id: $id, input: $input) { __typename } }`;
    const same = await p.gql(UPDATE, { id: plan.id, input: { name: 'Plan same', monthlyPrice: 4900, entitlements: ['tickets', 'email'] } }, owner);
    expect(same.data!.updatePlan.__typename).toBe('MutationUpdatePlanSuccess');
    expect(await p.app.prisma.auditEvent.count({ where: { action: 'plan.update', targetId: plan.id } })).toBe(0);
    await p.gql(UPDATE, { id: plan.id, input: { name: 'Renamed' } }, owner);
    expect(await p.app.prisma.auditEvent.count({ where: { action: 'plan.update', targetId: plan.id } })).toBe(1);
  });

  it('validates the currency against ISO 4217', async () => {
    const res = await p.gql(CREATE_PLAN, { input: planInput('xxq', { currency: 'ABC' }) }, owner);
    expect(res.data!.createPlan.fieldErrors).toEqual([{ field: 'input.currency', message: 'an ISO 4217 currency code such as USD' }]);
    expect(ok((await p.gql(CREATE_PLAN, { input: planInput('chf', { currency: 'chf' }) }, owner)).data!.createPlan).currency).toBe('CHF');
  });
});

describe('plans list', () => {
  const plan = (code: string, monthlyPrice: number) => ({
    code, name: `List ${code}`, currency: 'EUR', monthlyPrice, yearlyPrice: monthlyPrice * 10, trialDays: 0,
    emailsPerMonth: 1, smsPerMonth: 1, seats: 1, apiCallsPerMonth: 1, entitlements: [],
  });

  beforeAll(async () => {
    for (const [code, price] of [['list-a', 300], ['list-b', 100], ['list-c', 200], ['list-d', 400]] as const) {
      await createPlan(p.system, plan(code, price));
    }
    const d = await p.app.prisma.plan.findUniqueOrThrow({ where: { code: 'list-d' } });
    await setPlanArchived(p.system, d.id, true);
  });

  it('filters by status and search, sorts, pages with cursors and counts', async () => {
    const Q = `query($after: String, $sort: PlanSort) { plans(first: 2, after: $after, sort: $sort, filter: { status: ACTIVE, search: "LIST-" }) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { code monthlyPrice status } } } }`;
    const first = await p.gql(Q, {}, owner);
    expect(first.data!.plans.totalCount).toBe(3);
    expect(first.data!.plans.edges.map((e: any) => e.node.code)).toEqual(['list-b', 'list-c']);
    const second = await p.gql(Q, { after: first.data!.plans.pageInfo.endCursor }, owner);
    expect(second.data!.plans.edges.map((e: any) => e.node.code)).toEqual(['list-a']);
    expect(second.data!.plans.pageInfo.hasNextPage).toBe(false);
    const desc = await p.gql(Q, { sort: 'MONTHLY_PRICE_DESC' }, owner);
    expect(desc.data!.plans.edges.map((e: any) => e.node.code)).toEqual(['list-a', 'list-c']);
    const archived = await p.gql(`{ plans(first: 10, filter: { status: ARCHIVED, search: "list-" }) { edges { node { code } } } }`, {}, owner);
    expect(archived.data!.plans.edges.map((e: any) => e.node.code)).toEqual(['list-d']);
  });

  it('exports the filtered plans as CSV', async () => {
    const res = await fetch(`${p.url}/exports/plans.csv?status=ACTIVE&search=list-&sort=MONTHLY_PRICE_DESC`, { headers: { authorization: `Bearer ${owner}` } });
    const lines = (await res.text()).trim().split('\n');
    expect(res.headers.get('x-export-total')).toBe('3');
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(['list-a', 'list-c', 'list-b']);
    const bad = await fetch(`${p.url}/exports/plans.csv?status=GONE`, { headers: { authorization: `Bearer ${owner}` } });
    expect(bad.status).toBe(400);
  });
});
