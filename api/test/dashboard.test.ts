import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantStatus } from '../src/generated/prisma/enums.ts';
import { createPlan, setPlanArchived } from '../src/modules/plans/service.ts';
import { startPlatform, type TestPlatform } from './harness.ts';

// The numbers behind the console dashboard, checked against rows this file inserts into its own database.

let p: TestPlatform;
let viewer: string;

const DAY = 86_400_000;
const HOUR = 3_600_000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
let seq = 0;

async function plan(code: string, currency: string, monthlyPrice: number) {
  return createPlan(p.system, {
    code, name: `Dash ${code}`, currency, monthlyPrice, yearlyPrice: monthlyPrice * 10, trialDays: 0,
    emailsPerMonth: 1, smsPerMonth: 1, seats: 1, apiCallsPerMonth: 1, entitlements: [],
  });
}

async function tenant(planId: string, status: TenantStatus, extra: { createdAt?: Date; trialEndsAt?: Date } = {}) {
  seq += 1;
  return p.app.prisma.tenant.create({
    data: { name: `Dash ${seq}`, slug: `dash-${seq}`, status, planId, ownerName: 'O', ownerEmail: `o${seq}@dash.example`, ...extra },
  });
}

const now = Date.now();
const today = utcDay(now);
let trialSoonId: string;

beforeAll(async () => {
  p = await startPlatform();
  viewer = (await p.login('VIEWER')).token;

  const usdSmall = await plan('dash-usd-small', 'USD', 1000);
  const usdLarge = await plan('dash-usd-large', 'USD', 2500);
  const eur = await plan('dash-eur', 'EUR', 700);
  const retired = await plan('dash-usd-retired', 'USD', 300);

  // MRR counts ACTIVE tenants only; every other status is excluded.
  await tenant(usdSmall.id, 'ACTIVE', { createdAt: new Date(now) });
  await tenant(usdSmall.id, 'ACTIVE', { createdAt: new Date(now - 2 * DAY) });
  await tenant(usdLarge.id, 'ACTIVE', { createdAt: new Date(now - 2 * DAY) });
  await tenant(eur.id, 'ACTIVE', { createdAt: new Date(now - 5 * DAY) });
  await tenant(retired.id, 'ACTIVE', { createdAt: new Date(now - 40 * DAY) });
  await setPlanArchived(p.system, retired.id, true);
  await tenant(usdSmall.id, 'SUSPENDED', { createdAt: new Date(now - 40 * DAY) });
  await tenant(usdLarge.id, 'PAST_DUE', { createdAt: new Date(now - 40 * DAY) });
  await tenant(eur.id, 'DELETED', { createdAt: new Date(now - 5 * DAY) });
  trialSoonId = (await tenant(usdLarge.id, 'TRIALING', { createdAt: new Date(now - 40 * DAY), trialEndsAt: new Date(now + 2 * DAY) })).id;
  await tenant(usdLarge.id, 'TRIALING', { createdAt: new Date(now - 40 * DAY), trialEndsAt: new Date(now + 10 * DAY) });
});
afterAll(() => p.close());

describe('monthly recurring revenue', () => {
  it('sums the monthly prices of active tenants per currency, archived plans included', async () => {
    const res = await p.gql(`{ monthlyRecurringRevenue { amount currency } }`, {}, viewer);
    expect(res.errors).toBeUndefined();
    expect(res.data!.monthlyRecurringRevenue).toEqual([
      { amount: 700, currency: 'EUR' },
      { amount: 1000 + 1000 + 2500 + 300, currency: 'USD' },
    ]);
  });
});

describe('tenant signups per day', () => {
  it('counts tenants created on each UTC day, zero-filled, oldest first, deleted tenants included', async () => {
    const res = await p.gql(`{ tenantSignups(days: 6) { day count } }`, {}, viewer);
    expect(res.errors).toBeUndefined();
    expect(res.data!.tenantSignups).toEqual([
      { day: utcDay(now - 5 * DAY), count: 2 },
      { day: utcDay(now - 4 * DAY), count: 0 },
      { day: utcDay(now - 3 * DAY), count: 0 },
      { day: utcDay(now - 2 * DAY), count: 2 },
      { day: utcDay(now - DAY), count: 0 },
      { day: today, count: 1 },
    ]);
  });

  it('covers the last 30 days by default and 366 at most', async () => {
    const res = await p.gql(`{ tenantSignups { day count } }`, {}, viewer);
    const days = res.data!.tenantSignups as { day: string; count: number }[];
    expect(days).toHaveLength(30);
    expect(days[0]!.day).toBe(utcDay(now - 29 * DAY));
    expect(days.at(-1)!.day).toBe(today);
    expect(days.reduce((sum, d) => sum + d.count, 0)).toBe(5);
    const year = await p.gql(`{ tenantSignups(days: 366) { count } }`, {}, viewer);
    expect(year.data!.tenantSignups.reduce((sum: number, d: { count: number }) => sum + d.count, 0)).toBe(10);
  });

  it('rejects a day count outside 1..366 with a typed input error', async () => {
    for (const days of [0, 367]) {
      const res = await p.gql(`query($days: Int) { tenantSignups(days: $days) { day } }`, { days }, viewer);
      expect(res.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/^days: at (least 1|most 366)$/),
        extensions: { code: 'BAD_USER_INPUT', fieldErrors: [{ field: 'days', message: expect.any(String) }] },
      });
    }
  });
});

describe('trials ending soon', () => {
  it('filters tenants by trial end in the list and in the CSV export, with the same parameter names', async () => {
    const before = new Date(now + 7 * DAY).toISOString();
    const res = await p.gql(
      `query($f: TenantFilter) { tenants(first: 10, filter: $f) { totalCount edges { node { id } } } }`,
      { f: { status: ['TRIALING'], trialEndsBefore: before } },
      viewer,
    );
    expect(res.data!.tenants.totalCount).toBe(1);
    expect(res.data!.tenants.edges[0].node.id).toBe(trialSoonId);
    const after = await p.gql(
      `query($f: TenantFilter) { tenants(first: 10, filter: $f) { totalCount } }`,
      { f: { trialEndsAfter: before } },
      viewer,
    );
    expect(after.data!.tenants.totalCount).toBe(1);

    const csv = await fetch(`${p.url}/exports/tenants.csv?status=TRIALING&trialEndsBefore=${encodeURIComponent(before)}`, {
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(csv.headers.get('x-export-total')).toBe('1');
    expect((await csv.text()).split('\n')[1]).toContain(trialSoonId);
    const bad = await fetch(`${p.url}/exports/tenants.csv?trialEndsBefore=someday`, { headers: { authorization: `Bearer ${viewer}` } });
    expect(bad.status).toBe(400);
  });
});

describe('job runs per hour', () => {
  const Q = `query($from: DateTime, $to: DateTime, $task: String) {
    jobRunsPerHour(from: $from, to: $to, task: $task) { hour successes failures } }`;
  let job = 0;
  const run = (task: string, startedAt: Date, outcome: 'SUCCESS' | 'FAILURE') => ({
    task, jobId: `dash-${++job}`, attempt: 1, queuedAt: startedAt, startedAt, finishedAt: new Date(startedAt.getTime() + 5),
    durationMs: 5, outcome, errorMessage: outcome === 'FAILURE' ? 'boom' : null,
  });

  beforeAll(async () => {
    const t = (iso: string) => new Date(iso);
    await p.app.prisma.jobRun.createMany({
      data: [
        run('emailSend', t('2026-03-01T10:15:00Z'), 'FAILURE'), // before `from`
        run('emailSend', t('2026-03-01T10:45:00Z'), 'SUCCESS'),
        run('breachCheck', t('2026-03-01T10:50:00Z'), 'SUCCESS'),
        run('emailSend', t('2026-03-01T12:10:00Z'), 'FAILURE'),
        run('emailSend', t('2026-03-01T13:00:00Z'), 'SUCCESS'), // exactly `to`: inclusive
        run('emailSend', t('2026-03-01T13:00:00.001Z'), 'FAILURE'), // after `to`
        // Relative to now, for the default window.
        run('emailSend', new Date(now - HOUR), 'SUCCESS'),
        run('emailSend', new Date(now - HOUR), 'FAILURE'),
        run('breachCheck', new Date(now - 5 * HOUR), 'FAILURE'),
        run('emailSend', new Date(now - 30 * HOUR), 'SUCCESS'),
      ],
    });
  });

  it('buckets runs by UTC start hour within an inclusive window, with empty hours as zeros', async () => {
    const res = await p.gql(Q, { from: '2026-03-01T10:30:00Z', to: '2026-03-01T13:00:00Z' }, viewer);
    expect(res.errors).toBeUndefined();
    expect(res.data!.jobRunsPerHour).toEqual([
      { hour: '2026-03-01T10:00:00.000Z', successes: 2, failures: 0 },
      { hour: '2026-03-01T11:00:00.000Z', successes: 0, failures: 0 },
      { hour: '2026-03-01T12:00:00.000Z', successes: 0, failures: 1 },
      { hour: '2026-03-01T13:00:00.000Z', successes: 1, failures: 0 },
    ]);
    const oneTask = await p.gql(Q, { from: '2026-03-01T10:30:00Z', to: '2026-03-01T13:00:00Z', task: 'breachCheck' }, viewer);
    expect(oneTask.data!.jobRunsPerHour.map((h: { successes: number; failures: number }) => [h.successes, h.failures])).toEqual([
      [1, 0], [0, 0], [0, 0], [0, 0],
    ]);
  });

  it('defaults to the last 24 hours and agrees with jobStats over that window', async () => {
    const to = new Date().toISOString();
    const from = new Date(Date.parse(to) - 24 * HOUR).toISOString();
    const res = await p.gql(`query($from: DateTime, $to: DateTime) {
      jobRunsPerHour { hour successes failures }
      window: jobRunsPerHour(from: $from, to: $to) { successes failures }
      jobStats(from: $from, to: $to) { successes failures } }`, { from, to }, viewer);
    expect(res.errors).toBeUndefined();
    const hours = res.data!.jobRunsPerHour as { hour: string; successes: number; failures: number }[];
    // Every hour the window touches: 24 whole hours plus the partial hours at both ends share 25 buckets.
    expect(hours).toHaveLength(25);
    expect(hours.at(-1)!.hour).toBe(new Date(Math.floor(Date.parse(to) / HOUR) * HOUR).toISOString());
    const sum = (rows: { successes: number; failures: number }[]) =>
      rows.reduce((a, r) => ({ successes: a.successes + r.successes, failures: a.failures + r.failures }), { successes: 0, failures: 0 });
    expect(sum(hours)).toEqual({ successes: 1, failures: 2 });
    expect(sum(res.data!.window)).toEqual(sum(res.data!.jobStats));
    const lastHour = hours.find((h) => h.hour === new Date(Math.floor((now - HOUR) / HOUR) * HOUR).toISOString());
    expect(lastHour).toMatchObject({ successes: 1, failures: 1 });
  });

  it('accepts a 31-day window and rejects a longer or reversed one with a typed input error', async () => {
    const month = await p.gql(Q, { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' }, viewer);
    expect(month.data!.jobRunsPerHour).toHaveLength(31 * 24 + 1);
    const tooLong = await p.gql(Q, { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00.001Z' }, viewer);
    expect(tooLong.errors?.[0]).toMatchObject({
      message: 'from: the window may span at most 31 days',
      extensions: { code: 'BAD_USER_INPUT', fieldErrors: [{ field: 'from', message: 'the window may span at most 31 days' }] },
    });
    const reversed = await p.gql(Q, { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, viewer);
    expect(reversed.errors?.[0]).toMatchObject({ message: 'from: must not be after `to`', extensions: { code: 'BAD_USER_INPUT' } });
    // Only `to` given: the 24 hours before it.
    const dayBefore = await p.gql(Q, { to: '2026-03-01T13:00:00Z' }, viewer);
    expect(dayBefore.data!.jobRunsPerHour[0].hour).toBe('2026-02-28T13:00:00.000Z');
  });
});

describe('one audit entry', () => {
  it('returns an entry by id, null for an unknown id, and an input error for a malformed one', async () => {
    const list = await p.gql(`{ auditEvents(first: 1, filter: { action: "plan.archive" }) { edges { node { id } } } }`, {}, viewer);
    const id = list.data!.auditEvents.edges[0].node.id as string;
    const res = await p.gql(`query($id: ID!) { auditEvent(id: $id) { id action targetType actorType diff } }`, { id }, viewer);
    expect(res.errors).toBeUndefined();
    expect(res.data!.auditEvent).toMatchObject({ id, action: 'plan.archive', targetType: 'Plan', actorType: 'SYSTEM', diff: { status: { from: 'ACTIVE', to: 'ARCHIVED' } } });
    const missing = await p.gql(`{ auditEvent(id: "00000000-0000-4000-8000-000000000000") { id } }`, {}, viewer);
    expect(missing.errors).toBeUndefined();
    expect(missing.data!.auditEvent).toBeNull();
    const malformed = await p.gql(`{ auditEvent(id: "nope") { id } }`, {}, viewer);
    expect(malformed.errors?.[0]).toMatchObject({ message: 'id: not a valid id', extensions: { code: 'BAD_USER_INPUT' } });
  });
});

describe('access', () => {
  it('refuses the dashboard numbers to anonymous callers and leaves them out of the tenant graph', async () => {
    const anonymous = await p.gql(`{ monthlyRecurringRevenue { amount } }`);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const { apiKey } = await p.makeTenant();
    for (const field of ['monthlyRecurringRevenue { amount }', 'tenantSignups { day }', 'jobRunsPerHour { hour }', 'auditEvent(id: "x") { id }']) {
      const res = await p.gql(`{ ${field} }`, {}, apiKey);
      expect(res.errors?.[0]?.message).toMatch(/Cannot query field/);
    }
  });
});
