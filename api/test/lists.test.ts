import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlan, setPlanArchived } from '../src/modules/plans/service.ts';
import { startPlatform, type TestPlatform } from './harness.ts';

let p: TestPlatform;
let owner: string;

const plan = (code: string, monthlyPrice: number) => ({
  code, name: `List ${code}`, currency: 'EUR', monthlyPrice, yearlyPrice: monthlyPrice * 10, trialDays: 0,
  emailsPerMonth: 1, smsPerMonth: 1, seats: 1, apiCallsPerMonth: 1, entitlements: [],
});

beforeAll(async () => {
  p = await startPlatform();
  owner = (await p.login('OWNER')).token;
  for (const [code, price] of [['list-a', 300], ['list-b', 100], ['list-c', 200], ['list-d', 400]] as const) {
    await createPlan(p.system, plan(code, price));
  }
  const d = await p.app.prisma.plan.findUniqueOrThrow({ where: { code: 'list-d' } });
  await setPlanArchived(p.system, d.id, true);
});
afterAll(() => p.close());

describe('plans list', () => {
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
    const archived = await p.gql(`{ plans(first: 10, filter: { status: ARCHIVED }) { edges { node { code } } } }`, {}, owner);
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

describe('admins list', () => {
  it('filters by role, active and search, and pages', async () => {
    await p.login('SUPPORT');
    await p.login('SUPPORT');
    const inactive = await p.login('SUPPORT');
    await p.app.prisma.adminUser.update({ where: { id: inactive.userId }, data: { active: false } });
    const Q = `query($f: AdminFilter, $after: String) { admins(first: 1, after: $after, filter: $f) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { email role active } } } }`;
    const page1 = await p.gql(Q, { f: { role: ['SUPPORT'], active: true } }, owner);
    expect(page1.data!.admins.totalCount).toBe(2);
    const page2 = await p.gql(Q, { f: { role: ['SUPPORT'], active: true }, after: page1.data!.admins.pageInfo.endCursor }, owner);
    const emails = [page1, page2].map((r) => r.data!.admins.edges[0].node.email);
    expect(new Set(emails).size).toBe(2);
    expect(emails).toEqual([...emails].sort());
    const search = await p.gql(Q, { f: { search: inactive.email.toUpperCase() } }, owner);
    expect(search.data!.admins.edges[0].node).toMatchObject({ email: inactive.email, active: false });
  });

  it('exports admins as CSV without password hashes, to admins only', async () => {
    const res = await fetch(`${p.url}/exports/admins.csv?role=SUPPORT&active=true`, { headers: { authorization: `Bearer ${owner}` } });
    const text = await res.text();
    expect(text.split('\n')[0]).toBe('id,email,name,role,active,lastLoginAt,lockedUntil,deactivatedAt,createdAt');
    expect(text).not.toMatch(/scrypt/);
    expect(res.headers.get('x-export-total')).toBe('2');
    expect((await fetch(`${p.url}/exports/admins.csv?active=maybe`, { headers: { authorization: `Bearer ${owner}` } })).status).toBe(400);
  });
});
