import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startPlatform, type TestPlatform } from '../../../test/harness.ts';
import { until } from '../../../test/until.ts';
import type { SlaTarget, TicketPriority, TicketStatus } from '../../generated/prisma/client.ts';
import { transaction } from '../../scope.ts';
import { startWorker, type WorkerHandle } from '../../worker/runner.ts';
import { addBusinessSeconds } from './business-hours.ts';
import { createSlaCalendar, updateSlaPolicy } from './sla-service.ts';
import { fireSlaDeadline } from './sla-tasks.ts';
import { calendarOf, deadlineJobKey, ensureDefaultPolicies, syncTicketSla, type SlaChange } from './sla.ts';

let p: TestPlatform;
let owner: { token: string; userId: string; email: string };
let manager: string;
let worker: WorkerHandle | null = null;
let allDayCalendarId: string;

beforeAll(async () => {
  p = await startPlatform({ recordQueries: true });
  owner = await p.login('OWNER');
  manager = (await p.login('ADMIN')).token;
  const allDay = await createSlaCalendar(p.system, {
    name: 'Around the clock',
    timeZone: 'UTC',
    weeklyHours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start: '00:00', end: '24:00' })),
  });
  allDayCalendarId = allDay.id;
});
afterAll(async () => {
  await worker?.stop();
  await p.close();
});

let tickets = 0;
/**
 * A ticket as the core service leaves it (created `ageSeconds` ago), with its clocks synced as core does
 * right after creating it.
 */
async function makeTicket(
  planId: string | null,
  opts: { ageSeconds?: number; priority?: TicketPriority; assigneeId?: string; tenant?: { tenantId: string; planId: string } } = {},
) {
  const tenant = opts.tenant ?? (planId ? await p.makeTenant({ planCode: (await p.app.prisma.plan.findUniqueOrThrow({ where: { id: planId } })).code }) : await p.makeTenant());
  tickets += 1;
  const requester = await p.app.prisma.user.create({ data: { tenantId: tenant.tenantId, externalId: `req-${tickets}`, email: `req${tickets}@t.example`, name: 'Req' } });
  const createdAt = new Date(Date.now() - (opts.ageSeconds ?? 0) * 1000);
  const ticket = await p.app.prisma.ticket.create({
    data: {
      tenantId: tenant.tenantId, requesterId: requester.id, subject: `SLA ${tickets}`, description: 'Help', source: 'ADMIN',
      priority: opts.priority ?? 'NORMAL', status: 'NEW', createdAt, lastActivityAt: createdAt, assigneeId: opts.assigneeId ?? null,
    },
  });
  await sync(ticket.id, 'created');
  return { ...ticket, planId: tenant.planId };
}

const sync = (ticketId: string, why: SlaChange) => transaction(p.system, (tx) => syncTicketSla(tx, ticketId, why));

/** A change core makes to a ticket, followed by the resync it does in the same transaction. */
function change(ticketId: string, data: { status?: TicketStatus; priority?: TicketPriority; firstRespondedAt?: Date; awaitingReplySince?: Date | null; resolvedAt?: Date | null }, why: SlaChange) {
  return transaction(p.system, async (tx) => {
    await tx.db.ticket.update({ where: { id: ticketId }, data });
    await syncTicketSla(tx, ticketId, why);
  });
}

const clock = (ticketId: string, target: SlaTarget) => p.app.prisma.ticketSlaClock.findUnique({ where: { ticketId_target: { ticketId, target } } });
const job = async (key: string) =>
  (await p.app.prisma.$queryRaw<{ run_at: Date; payload: { at: string } }[]>`SELECT run_at, payload FROM graphile_worker._private_jobs WHERE key = ${key}`)[0] ?? null;

/** A plan whose NORMAL tickets must get a first response within `minutes` of round-the-clock time. */
async function planWithFirstResponse(minutes: number, escalateTo: TicketPriority | null = null) {
  const { planId } = await p.makeTenant();
  await ensureDefaultPolicies(p.app.prisma, planId);
  const policy = await p.app.prisma.slaPolicy.findUniqueOrThrow({ where: { planId_priority: { planId, priority: 'NORMAL' } } });
  await updateSlaPolicy(p.system, policy.id, { calendarId: allDayCalendarId, firstResponseMinutes: minutes, escalateTo });
  return planId;
}

describe('SLA clocks', () => {
  it('gives every plan the default policies on the default calendar and starts three-target clocks', async () => {
    const ticket = await makeTicket(null);
    const policies = await p.app.prisma.slaPolicy.findMany({ where: { planId: ticket.planId }, include: { calendar: true } });
    expect(policies.map((x) => x.priority).sort()).toEqual(['HIGH', 'LOW', 'NORMAL', 'URGENT']);
    expect(new Set(policies.map((x) => x.calendar.name))).toEqual(new Set(['Business hours']));
    const row = await p.app.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id }, include: { slaClocks: true } });
    expect(row.slaPolicyId).toBe(policies.find((x) => x.priority === 'NORMAL')!.id);
    expect(row.slaClocks.map((c) => c.target).sort()).toEqual(['FIRST_RESPONSE', 'RESOLUTION']);
    const fr = row.slaClocks.find((c) => c.target === 'FIRST_RESPONSE')!;
    const cal = calendarOf(policies[0]!.calendar);
    expect(fr.dueAt).toEqual(addBusinessSeconds(cal, row.createdAt, 480 * 60));
    expect(row.firstResponseDueAt).toEqual(fr.dueAt);
    expect(row.slaDueAt).toEqual(fr.dueAt);
    expect(row.slaState).toBe('OK');
    expect((await job(deadlineJobKey(ticket.id, 'FIRST_RESPONSE', 'breach')))!.run_at).toEqual(fr.dueAt);
    expect((await job(deadlineJobKey(ticket.id, 'FIRST_RESPONSE', 'risk')))!.run_at).toEqual(fr.atRiskAt);
  });

  it('moves the deadline jobs when the priority changes (same keys, new run times)', async () => {
    const ticket = await makeTicket(null);
    const key = deadlineJobKey(ticket.id, 'FIRST_RESPONSE', 'breach');
    const before = (await job(key))!;
    await change(ticket.id, { priority: 'URGENT' }, 'priority');
    const after = (await job(key))!;
    const fr = (await clock(ticket.id, 'FIRST_RESPONSE'))!;
    expect(fr.targetMinutes).toBe(60);
    expect(after.run_at).toEqual(fr.dueAt);
    expect(after.run_at.getTime()).toBeLessThan(before.run_at.getTime());
    expect(after.payload.at).toBe(fr.dueAt!.toISOString());
    const [{ count }] = await p.app.prisma.$queryRaw<[{ count: number }]>`SELECT count(*)::int AS count FROM graphile_worker._private_jobs WHERE key LIKE ${`ticket-sla:${ticket.id}:%`}`;
    expect(count).toBe(4); // risk + breach for first response and resolution, no duplicates
    const row = await p.app.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(row.firstResponseDueAt).toEqual(fr.dueAt);
  });

  it('pauses every clock in PENDING, banking the time used, and resumes with the time left', async () => {
    const planId = await planWithFirstResponse(60);
    const ticket = await makeTicket(planId, { ageSeconds: 600 });
    await change(ticket.id, { status: 'PENDING' }, 'status');
    const paused = (await clock(ticket.id, 'FIRST_RESPONSE'))!;
    expect(paused).toMatchObject({ state: 'PAUSED', runningSince: null, dueAt: null, atRiskAt: null });
    expect(paused.consumedSeconds).toBeGreaterThanOrEqual(600);
    const row = await p.app.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(row).toMatchObject({ slaState: 'PAUSED', firstResponseDueAt: null, resolutionDueAt: null, slaDueAt: null });
    expect(await job(deadlineJobKey(ticket.id, 'FIRST_RESPONSE', 'breach'))).toBeNull();
    expect(await job(deadlineJobKey(ticket.id, 'FIRST_RESPONSE', 'risk'))).toBeNull();

    await change(ticket.id, { status: 'OPEN' }, 'status');
    const resumed = (await clock(ticket.id, 'FIRST_RESPONSE'))!;
    expect(resumed.state).toBe('OK');
    expect(resumed.consumedSeconds).toBe(paused.consumedSeconds);
    const cal = calendarOf(await p.app.prisma.slaCalendar.findUniqueOrThrow({ where: { id: allDayCalendarId } }));
    expect(resumed.dueAt).toEqual(addBusinessSeconds(cal, resumed.runningSince!, 3600 - paused.consumedSeconds));
    expect((await job(deadlineJobKey(ticket.id, 'FIRST_RESPONSE', 'breach')))!.run_at).toEqual(resumed.dueAt);
    expect((await p.app.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).slaState).toBe('OK');
  });

  it('meets the first response on the first public admin reply, for the assignee, and tracks the next response after a requester reply', async () => {
    const ticket = await makeTicket(null, { assigneeId: owner.userId });
    await change(ticket.id, { status: 'OPEN', firstRespondedAt: new Date() }, 'adminReply');
    const fr = (await clock(ticket.id, 'FIRST_RESPONSE'))!;
    expect(fr).toMatchObject({ state: 'MET', assigneeId: owner.userId, runningSince: null, breachedAt: null });
    expect(fr.metAt).not.toBeNull();
    expect(await job(deadlineJobKey(ticket.id, 'FIRST_RESPONSE', 'breach'))).toBeNull();
    let row = await p.app.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(row.firstResponseDueAt).toBeNull();
    expect(row.slaDueAt).toEqual(row.resolutionDueAt);
    expect(await p.app.prisma.ticketEvent.count({ where: { ticketId: ticket.id, kind: 'SLA_MET' } })).toBe(1);

    await change(ticket.id, { awaitingReplySince: new Date() }, 'requesterReply');
    const next = (await clock(ticket.id, 'NEXT_RESPONSE'))!;
    expect(next.state).toBe('OK');
    row = await p.app.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(row.nextResponseDueAt).toEqual(next.dueAt);
    expect((await job(deadlineJobKey(ticket.id, 'NEXT_RESPONSE', 'breach')))!.run_at).toEqual(next.dueAt);

    await change(ticket.id, { awaitingReplySince: null }, 'adminReply');
    expect((await clock(ticket.id, 'NEXT_RESPONSE'))!.state).toBe('MET');
    expect(await job(deadlineJobKey(ticket.id, 'NEXT_RESPONSE', 'breach'))).toBeNull();

    await change(ticket.id, { status: 'RESOLVED', resolvedAt: new Date() }, 'status');
    row = await p.app.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(row).toMatchObject({ slaState: 'MET', slaDueAt: null, resolutionDueAt: null });
  });

  it('ignores a deadline job whose clock has moved on', async () => {
    const ticket = await makeTicket(null);
    const stale = (await clock(ticket.id, 'FIRST_RESPONSE'))!.dueAt!;
    await change(ticket.id, { priority: 'HIGH' }, 'priority');
    expect(await fireSlaDeadline(p.system, 'breach', { ticketId: ticket.id, target: 'FIRST_RESPONSE', at: stale.toISOString() })).toBe(false);
    expect((await clock(ticket.id, 'FIRST_RESPONSE'))!.state).toBe('OK');
  });
});

describe('SLA deadlines on the worker', () => {
  it('fires the breach within 2 s of the due time: state, history, event, email and escalation', async () => {
    // The production worker settings (its default poll interval), not the test harness's faster one.
    worker = await startWorker({ databaseUrl: p.databaseUrl, app: p.app, logger: p.app.logger });
    const planId = await planWithFirstResponse(1, 'HIGH');
    const events = p.system.subscribe('ticketSlaChanged');
    await p.untilListening('ticketSlaChanged', 1);
    // Created 57 s ago with a one-minute target on a round-the-clock calendar: due in about 3 s.
    const ticket = await makeTicket(planId, { ageSeconds: 57, assigneeId: owner.userId });
    const dueAt = (await clock(ticket.id, 'FIRST_RESPONSE'))!.dueAt!;
    expect(dueAt.getTime()).toBeGreaterThan(Date.now());

    const breached = await until(() => clock(ticket.id, 'FIRST_RESPONSE'), (c) => c?.breachedAt != null, 'the breach', 15_000);
    const lateMs = breached!.breachedAt!.getTime() - dueAt.getTime();
    expect(lateMs).toBeGreaterThanOrEqual(0);
    expect(lateMs).toBeLessThanOrEqual(2000);
    console.log(`breach recorded ${lateMs} ms after its due time`);
    expect(breached).toMatchObject({ state: 'BREACHED', assigneeId: owner.userId });

    const seen: string[] = [];
    for await (const e of events) {
      if (e.ticketId !== ticket.id) continue;
      seen.push(`${e.target}:${e.state}`);
      if (e.state === 'BREACHED') break;
    }
    expect(seen).toEqual(['FIRST_RESPONSE:AT_RISK', 'FIRST_RESPONSE:BREACHED']);

    const row = await p.app.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(row.slaState).toBe('BREACHED');
    expect(row.priority).toBe('HIGH');
    const history = await p.app.prisma.ticketEvent.findMany({ where: { ticketId: ticket.id }, orderBy: [{ createdAt: 'asc' }, { seq: 'asc' }] });
    // The breach, the escalation and the new policy share one transaction (one timestamp).
    expect(history.slice(0, 2).map((h) => h.kind)).toEqual(['SLA_POLICY_APPLIED', 'SLA_AT_RISK']);
    expect(history.slice(2).map((h) => h.kind).sort()).toEqual(['ESCALATED', 'SLA_BREACHED', 'SLA_POLICY_APPLIED']);
    expect(history[0]!.message).toBe('SLA targets for NORMAL: first response 1 min, next response 960 min, resolution 2400 min (Around the clock)');
    expect(history.find((h) => h.kind === 'ESCALATED')).toMatchObject({ actorType: 'SYSTEM', from: { priority: 'NORMAL' }, to: { priority: 'HIGH' } });
    // The HIGH policy (default targets) now runs the resolution clock; the breach stays on record.
    expect((await clock(ticket.id, 'RESOLUTION'))!.targetMinutes).toBe(1440);
    expect((await clock(ticket.id, 'FIRST_RESPONSE'))!.state).toBe('BREACHED');

    const email = await until(
      () => p.app.prisma.email.findFirst({ where: { toAddress: owner.email }, select: { subject: true } }),
      (e) => e != null,
      'the breach email to the assignee',
    );
    expect(email!.subject).toContain('SLA');
  });
});

describe('an unassigned ticket at risk', () => {
  it('emails the support team, once, and records the history entry', async () => {
    worker ??= await p.startWorker();
    await p.app.prisma.ticketSettings.upsert({ where: { id: 1 }, create: { id: 1, supportTeamEmail: 'support-team@sla.example' }, update: { supportTeamEmail: 'support-team@sla.example' } });
    const planId = await planWithFirstResponse(1);
    // 50 s into a one-minute target: past the at-risk instant (48 s), not yet due.
    const ticket = await makeTicket(planId, { ageSeconds: 50 });
    await until(() => clock(ticket.id, 'FIRST_RESPONSE'), (c) => c?.state !== 'OK', 'the at-risk job');
    await change(ticket.id, { firstRespondedAt: new Date() }, 'adminReply');
    const email = await until(
      () => p.app.prisma.email.findMany({ where: { toAddress: 'support-team@sla.example' }, select: { subject: true } }),
      (list) => list.length > 0,
      'the at-risk email to the support team',
    );
    expect(email).toHaveLength(1);
    expect(email[0]!.subject).toContain('SLA at risk');
    expect(await p.app.prisma.ticketEvent.count({ where: { ticketId: ticket.id, kind: 'SLA_AT_RISK' } })).toBe(1);
    expect((await clock(ticket.id, 'FIRST_RESPONSE'))!).toMatchObject({ state: 'MET', breachedAt: null });
  });
});

describe('SLA settings in the admin graph', () => {
  const CREATE_CALENDAR = `mutation($input: SlaCalendarInput!) { createSlaCalendar(input: $input) {
    __typename ... on MutationCreateSlaCalendarSuccess { data { id name timeZone weeklyHours { day start end } holidays { date name } } }
    ... on ValidationError { fieldErrors { field message } } ... on ConflictError { field } } }`;
  const paris = { name: 'Paris office', timeZone: 'Europe/Paris', weeklyHours: [{ day: 1, start: '09:00', end: '17:00' }], holidays: [{ date: '2026-12-25', name: 'Noël' }] };

  it('creates a calendar, refuses bad hours naming the field and duplicate names as a conflict', async () => {
    const created = ok((await p.gql(CREATE_CALENDAR, { input: paris }, manager)).data!.createSlaCalendar);
    expect(created).toMatchObject({ name: 'Paris office', weeklyHours: [{ day: 1, start: '09:00', end: '17:00' }], holidays: [{ date: '2026-12-25', name: 'Noël' }] });
    expect(await p.app.prisma.auditEvent.count({ where: { action: 'slaCalendar.create', targetId: created.id } })).toBe(1);

    const bad = (await p.gql(CREATE_CALENDAR, { input: { ...paris, name: 'Bad', timeZone: 'Paris', weeklyHours: [{ day: 1, start: '18:00', end: '09:00' }] } }, manager)).data!.createSlaCalendar;
    expect(bad.__typename).toBe('ValidationError');
    expect(bad.fieldErrors).toEqual([
      { field: 'input.timeZone', message: 'not a known IANA time zone' },
      { field: 'input.weeklyHours.0.end', message: 'must be after start' },
    ]);
    expect((await p.gql(CREATE_CALENDAR, { input: paris }, manager)).data!.createSlaCalendar).toMatchObject({ __typename: 'ConflictError', field: 'name' });
  });

  it('lists the default policies of a plan created since, on the default calendar', async () => {
    const { planId } = await p.makeTenant();
    const res = await p.gql(`query($plan: ID) { slaPolicies(planId: $plan) { priority firstResponseMinutes nextResponseMinutes resolutionMinutes escalateTo calendar { name timeZone weeklyHours { day start end } } } }`, { plan: planId }, manager);
    const policies = res.data!.slaPolicies;
    expect(policies.map((x: { priority: string }) => x.priority)).toEqual(['LOW', 'NORMAL', 'HIGH', 'URGENT']);
    expect(policies[3]).toMatchObject({ firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 480, escalateTo: null });
    expect(policies[0].calendar).toEqual({
      name: 'Business hours', timeZone: 'UTC', weeklyHours: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
    });
  });

  it('refuses calendar and policy changes without SUPPORT_MANAGE', async () => {
    const support = (await p.login('SUPPORT')).token;
    const res = await p.gql(CREATE_CALENDAR, { input: { ...paris, name: 'Support try' } }, support);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses a second policy for the same plan and priority, and deleting a calendar in use', async () => {
    const { planId } = await p.makeTenant();
    const CREATE = `mutation($input: CreateSlaPolicyInput!) { createSlaPolicy(input: $input) { __typename
      ... on MutationCreateSlaPolicySuccess { data { id priority calendar { name } plan { id } escalateTo } }
      ... on ConflictError { field } ... on ValidationError { fieldErrors { field message } } } }`;
    const input = { planId, priority: 'HIGH', calendarId: allDayCalendarId, firstResponseMinutes: 30, nextResponseMinutes: 60, resolutionMinutes: 240, escalateTo: 'URGENT' };
    const created = ok((await p.gql(CREATE, { input }, manager)).data!.createSlaPolicy);
    expect(created).toMatchObject({ priority: 'HIGH', calendar: { name: 'Around the clock' }, plan: { id: planId }, escalateTo: 'URGENT' });
    expect((await p.gql(CREATE, { input }, manager)).data!.createSlaPolicy.__typename).toBe('ConflictError');
    const lower = (await p.gql(CREATE, { input: { ...input, priority: 'LOW', escalateTo: 'LOW', firstResponseMinutes: 0 } }, manager)).data!.createSlaPolicy;
    expect(lower.fieldErrors).toEqual([{ field: 'input.firstResponseMinutes', message: 'at least 1 minute' }]);
    const del = await p.gql(`mutation($id: ID!) { deleteSlaCalendar(id: $id) { __typename } }`, { id: allDayCalendarId }, manager);
    expect(del.data!.deleteSlaCalendar.__typename).toBe('ConflictError');
  });

  it('resyncs the open tickets of a changed policy through a keyed job', async () => {
    const ticket = await makeTicket(null);
    const policy = await p.app.prisma.slaPolicy.findUniqueOrThrow({ where: { planId_priority: { planId: ticket.planId, priority: 'NORMAL' } } });
    const UPDATE = `mutation($id: ID!, $input: UpdateSlaPolicyInput!) { updateSlaPolicy(id: $id, input: $input) { __typename ... on MutationUpdateSlaPolicySuccess { data { firstResponseMinutes } } } }`;
    expect(ok((await p.gql(UPDATE, { id: policy.id, input: { firstResponseMinutes: 120, calendarId: allDayCalendarId } }, manager)).data!.updateSlaPolicy)).toEqual({ firstResponseMinutes: 120 });
    expect(await p.app.prisma.auditEvent.count({ where: { action: 'slaPolicy.update', targetId: policy.id } })).toBe(1);
    worker ??= await p.startWorker();
    const fr = await until(() => clock(ticket.id, 'FIRST_RESPONSE'), (c) => c?.targetMinutes === 120, 'the resync');
    const cal = calendarOf(await p.app.prisma.slaCalendar.findUniqueOrThrow({ where: { id: allDayCalendarId } }));
    expect(fr!.dueAt).toEqual(addBusinessSeconds(cal, ticket.createdAt, 120 * 60));
    expect((await p.app.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).firstResponseDueAt).toEqual(fr!.dueAt);
  });
});

describe('a tenant moving to another plan', () => {
  it('resyncs its open tickets onto the new plan\'s policy through a keyed job', async () => {
    const ticket = await makeTicket(null);
    const fastPlan = await planWithFirstResponse(15);
    // Through the tenants module's own mutation: its change hook queues the resync.
    const moved = await p.gql(`mutation($id: ID!, $planId: ID!) { changeTenantPlan(id: $id, planId: $planId) { __typename } }`, { id: ticket.tenantId, planId: fastPlan }, manager);
    expect(moved.data!.changeTenantPlan.__typename).toBe('MutationChangeTenantPlanSuccess');
    worker ??= await p.startWorker();
    const fr = await until(() => clock(ticket.id, 'FIRST_RESPONSE'), (c) => c?.targetMinutes === 15, 'the tenant resync');
    const policy = await p.app.prisma.slaPolicy.findUniqueOrThrow({ where: { planId_priority: { planId: fastPlan, priority: 'NORMAL' } } });
    const row = await p.app.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(row.slaPolicyId).toBe(policy.id);
    expect(row.firstResponseDueAt).toEqual(fr!.dueAt);
  });
});

describe('SLA fields of a ticket in the admin graph', () => {
  const SLA_FIELDS = `slaState remainingBusinessSeconds slaPolicy { priority calendar { name } }
    slaClocks { target state targetMinutes dueAt atRiskAt running consumedSeconds remainingBusinessSeconds metAt breachedAt }`;

  it('shows the clocks and the business time left, paused included', async () => {
    const planId = await planWithFirstResponse(60);
    const ticket = await makeTicket(planId, { ageSeconds: 600 });
    await change(ticket.id, { status: 'PENDING' }, 'status');
    const res = await p.gql(`query($id: ID!) { ticket(id: $id) { ${SLA_FIELDS} } }`, { id: ticket.id }, manager);
    expect(res.errors).toBeUndefined();
    const t = res.data!.ticket;
    const consumed = (await clock(ticket.id, 'FIRST_RESPONSE'))!.consumedSeconds;
    expect(t).toMatchObject({ slaState: 'PAUSED', slaPolicy: { priority: 'NORMAL', calendar: { name: 'Around the clock' } }, remainingBusinessSeconds: 3600 - consumed });
    expect(t.slaClocks.map((c: { target: string }) => c.target)).toEqual(['FIRST_RESPONSE', 'RESOLUTION']);
    expect(t.slaClocks[0]).toEqual({
      target: 'FIRST_RESPONSE', state: 'PAUSED', targetMinutes: 60, dueAt: null, atRiskAt: null, running: false,
      consumedSeconds: consumed, remainingBusinessSeconds: 3600 - consumed, metAt: null, breachedAt: null,
    });
  });

  it('loads 50 tickets with their clocks, policy and remaining time in the same statements as the page', async () => {
    const tenant = await p.makeTenant();
    for (let i = 0; i < 50; i++) await makeTicket(null, { tenant, priority: i % 2 ? 'HIGH' : 'LOW' });
    const QUEUE = `query($f: TicketFilter) { tickets(first: 50, filter: $f) { edges { node { id remainingBusinessSeconds slaPolicy { priority } slaClocks { target state dueAt targetMinutes remainingBusinessSeconds } } } } }`;
    let res: { data?: Record<string, any>; errors?: unknown[] } | undefined;
    await p.gql('{ me { id } }', {}, manager);
    const sql = await p.recordQueries(async () => {
      res = await p.gql(QUEUE, { f: { tenantId: tenant.tenantId } }, manager);
    });
    expect(res!.errors).toBeUndefined();
    const nodes = res!.data!.tickets.edges.map((e: { node: any }) => e.node);
    expect(nodes).toHaveLength(50);
    for (const node of nodes) {
      expect(node.slaClocks).toHaveLength(2);
      expect(node.remainingBusinessSeconds).toBeGreaterThan(0);
      expect(node.slaClocks[0].remainingBusinessSeconds).toBeLessThanOrEqual(node.slaClocks[0].targetMinutes * 60);
    }
    // The page, clocks, policy and calendar in one statement: nothing per row.
    expect(sql).toHaveLength(1);
  });
});
