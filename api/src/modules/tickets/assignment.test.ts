import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { transaction } from '../../scope.ts';
import { startPlatform, type TestPlatform } from '../../../test/harness.ts';
import { until } from '../../../test/until.ts';
import { assignWaiting, autoAssign, OPEN_STATUSES, updateTicketSettings } from './assignment.ts';
import type { AssignmentStrategy } from '../../generated/prisma/enums.ts';

let p: TestPlatform;
let tenantId: string;
let requesterId: string;
let n = 0;

beforeAll(async () => {
  p = await startPlatform({ recordQueries: true });
  ({ tenantId } = await p.makeTenant());
  requesterId = (await p.app.prisma.user.create({ data: { tenantId, externalId: 'requester', email: 'req@t.example', name: 'Req' } })).id;
});
afterAll(() => p.close());

// Each test starts with no open ticket and nobody available.
beforeEach(async () => {
  await p.app.prisma.ticket.updateMany({ where: { status: { in: [...OPEN_STATUSES] } }, data: { status: 'CLOSED' } });
  await p.app.prisma.agentProfile.updateMany({ data: { available: false } });
});

async function strategy(assignmentStrategy: AssignmentStrategy) {
  await updateTicketSettings(p.system, { assignmentStrategy });
}

/** An admin with an agent profile. */
async function agent(profile: { available?: boolean; capacity?: number } = {}, role: 'SUPPORT' | 'ADMIN' = 'SUPPORT') {
  n += 1;
  const admin = await p.app.prisma.adminUser.create({ data: { email: `agent-${n}@test.example`, name: `Agent ${String(n).padStart(3, '0')}`, role, passwordHash: 'x' } });
  await p.app.prisma.agentProfile.create({ data: { adminUserId: admin.id, available: profile.available ?? true, capacity: profile.capacity ?? 10 } });
  return admin.id;
}

/** A new ticket auto-assigned in its own transaction, as the tickets service does on create. */
async function newTicket(fields: { assigneeId?: string } = {}) {
  return transaction(p.system, async (tx) => {
    n += 1;
    const ticket = await tx.db.ticket.create({
      data: { tenantId, requesterId, subject: `Ticket ${n}`, description: 'Help', source: 'TENANT_API', assigneeId: fields.assigneeId ?? null },
    });
    await autoAssign(tx, ticket.id, 'created');
    return tx.db.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
  });
}

async function openCounts(ids: string[]) {
  const rows = await p.app.prisma.ticket.groupBy({ by: ['assigneeId'], where: { status: { in: [...OPEN_STATUSES] } }, _count: { _all: true } });
  return ids.map((id) => rows.find((r) => r.assigneeId === id)?._count._all ?? 0);
}

describe('auto-assignment', () => {
  it('hands tickets round-robin to the agent assigned longest ago, and explains it in the history', async () => {
    await strategy('ROUND_ROBIN');
    const agents = [await agent(), await agent(), await agent()];
    const order: (string | null)[] = [];
    for (let i = 0; i < 6; i += 1) order.push((await newTicket()).assigneeId);
    expect(order.slice(0, 3).sort()).toEqual([...agents].sort());
    expect(order.slice(3)).toEqual(order.slice(0, 3));
    const last = await p.app.prisma.ticket.findFirstOrThrow({ where: { assigneeId: order[5] }, orderBy: { createdAt: 'desc' }, include: { events: true } });
    expect(last.assignedAt).not.toBeNull();
    expect(last.events).toContainEqual(expect.objectContaining({ kind: 'ASSIGNED', actorType: 'SYSTEM', message: 'assigned by round-robin' }));
    // The agent is told by email (the ticketNotify job, sent once the change commits).
    const jobs = await p.app.prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE key LIKE ${`ticket-notify:${last.id}:assigned:%`}`;
    expect(jobs[0]!.n).toBe(1);
  });

  it('hands tickets least-loaded to the agent with the fewest open tickets', async () => {
    await strategy('LEAST_LOADED');
    const busy = await agent();
    const idle = await agent();
    await newTicket({ assigneeId: busy });
    await newTicket({ assigneeId: busy });
    const first = await newTicket();
    const second = await newTicket();
    expect([first.assigneeId, second.assigneeId]).toEqual([idle, idle]);
    // Two each now: the tie goes to the one assigned longest ago.
    const third = await newTicket();
    expect(third.assigneeId).toBe(busy);
    const events = await p.app.prisma.ticketEvent.findMany({ where: { ticketId: third.id, kind: 'ASSIGNED' } });
    expect(events.map((e) => e.message)).toEqual(['assigned by least-loaded']);
  });

  it('gives nothing to unavailable agents, inactive admins or roles that are not agents, and nothing when OFF', async () => {
    await strategy('ROUND_ROBIN');
    const away = await agent({ available: false });
    const gone = await agent();
    await p.app.prisma.adminUser.update({ where: { id: gone }, data: { active: false } });
    const owner = await p.app.prisma.adminUser.create({ data: { email: `owner-agent-${n}@test.example`, name: 'Owner', role: 'OWNER', passwordHash: 'x' } });
    await p.app.prisma.agentProfile.create({ data: { adminUserId: owner.id, available: true } });
    const full = await agent({ capacity: 0 });
    const ticket = await newTicket();
    expect(ticket.assigneeId).toBeNull();
    expect(await openCounts([away, gone, owner.id, full])).toEqual([0, 0, 0, 0]);

    const ready = await agent();
    await strategy('OFF');
    expect((await newTicket()).assigneeId).toBeNull();
    expect(await openCounts([ready])).toEqual([0]);
  });

  it('never overfills an agent when tickets are assigned at once, and picks up waiting ones oldest first as capacity frees', async () => {
    await strategy('LEAST_LOADED');
    const a = await agent({ capacity: 3 });
    const b = await agent({ capacity: 3 });
    const tickets = await Promise.all(Array.from({ length: 20 }, () => newTicket()));
    expect(await openCounts([a, b])).toEqual([3, 3]);
    expect(tickets.filter((t) => t.assigneeId === null)).toHaveLength(14);

    // Two of a's tickets resolved: the two oldest waiting tickets go to a.
    const ofA = tickets.filter((t) => t.assigneeId === a).slice(0, 2);
    await p.app.prisma.ticket.updateMany({ where: { id: { in: ofA.map((t) => t.id) } }, data: { status: 'RESOLVED' } });
    const waiting = await p.app.prisma.ticket.findMany({ where: { assigneeId: null, status: 'NEW' }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    expect(await assignWaiting(p.system)).toEqual({ assigned: 2, more: false });
    const picked = await p.app.prisma.ticket.findMany({ where: { id: { in: waiting.slice(0, 2).map((t) => t.id) } } });
    expect(picked.map((t) => t.assigneeId)).toEqual([a, a]);
    expect(await openCounts([a, b])).toEqual([3, 3]);
    expect(await p.app.prisma.ticket.count({ where: { assigneeId: null, status: 'NEW' } })).toBe(12);
  });
});

describe('agents and settings in the admin graph', () => {
  const AGENT = `mutation($id: ID!, $available: Boolean, $capacity: Int) {
    updateAgentProfile(adminId: $id, available: $available, capacity: $capacity) {
      __typename
      ... on MutationUpdateAgentProfileSuccess { data { available capacity openTickets admin { id } } }
      ... on ValidationError { fieldErrors { field message } }
    } }`;

  it('lets a manager set capacity, and picks up waiting tickets when an agent becomes available', async () => {
    await strategy('ROUND_ROBIN');
    const manager = await p.login('ADMIN');
    const support = await p.login('SUPPORT');
    const waiting = await newTicket();
    expect(waiting.assigneeId).toBeNull();
    const worker = await p.startWorker();
    try {
      const res = await p.gql(AGENT, { id: support.userId, available: true, capacity: 5 }, manager.token);
      expect(res.data!.updateAgentProfile).toMatchObject({ __typename: 'MutationUpdateAgentProfileSuccess', data: { available: true, capacity: 5, admin: { id: support.userId } } });
      await until(() => p.app.prisma.ticket.findUniqueOrThrow({ where: { id: waiting.id } }), (t) => t.assigneeId === support.userId, 'the waiting ticket assigned');
      const agents = await p.gql(`{ agents { admin { id } available capacity openTickets } }`, {}, manager.token);
      expect(agents.data!.agents).toContainEqual({ admin: { id: support.userId }, available: true, capacity: 5, openTickets: 1 });
      const audit = await p.app.prisma.auditEvent.findFirstOrThrow({ where: { action: 'agentProfile.update', targetId: support.userId } });
      expect(audit.actorId).toBe(manager.userId);
    } finally {
      await worker.stop();
    }
  });

  it('lets agents set their own availability only, and refuses bad capacities naming the field', async () => {
    const support = await p.login('SUPPORT');
    const other = await p.login('SUPPORT');
    const own = await p.gql(AGENT, { id: support.userId, available: true }, support.token);
    expect(own.data!.updateAgentProfile).toMatchObject({ data: { available: true, capacity: 20 } });
    const capacity = await p.gql(AGENT, { id: support.userId, capacity: 50 }, support.token);
    expect(capacity.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const someoneElse = await p.gql(AGENT, { id: other.userId, available: true }, support.token);
    expect(someoneElse.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const manager = await p.login('OWNER');
    const bad = await p.gql(AGENT, { id: support.userId, capacity: -1 }, manager.token);
    expect(bad.data!.updateAgentProfile).toEqual({ __typename: 'ValidationError', fieldErrors: [{ field: 'input.capacity', message: 'at least 0' }] });
    const viewer = await p.login('VIEWER');
    const notAgent = await p.gql(AGENT, { id: viewer.userId, available: true }, manager.token);
    expect(notAgent.data!.updateAgentProfile).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ field: 'input.adminId' }] });
  });

  it('releases and reassigns the open tickets of an agent marked unavailable or deactivated', async () => {
    await strategy('ROUND_ROBIN');
    const manager = await p.login('OWNER');
    const leaving = await p.login('SUPPORT');
    const staying = await agent({ capacity: 2 });
    await p.app.prisma.agentProfile.create({ data: { adminUserId: leaving.userId, available: true, capacity: 10 } });
    const mine = await Promise.all([1, 2, 3].map(() => newTicket({ assigneeId: leaving.userId })));
    const worker = await p.startWorker();
    try {
      const res = await p.gql(`mutation($id: ID!) { deactivateAdmin(id: $id) { __typename } }`, { id: leaving.userId }, manager.token);
      expect(res.data!.deactivateAdmin.__typename).toBe('MutationDeactivateAdminSuccess');
      const after = await until(
        () => p.app.prisma.ticket.findMany({ where: { id: { in: mine.map((t) => t.id) } }, orderBy: { createdAt: 'asc' } }),
        (rows) => rows.every((t) => t.assigneeId !== leaving.userId),
        'tickets released',
      );
      // Capacity 2: two go to the remaining agent, the third waits.
      expect(after.map((t) => t.assigneeId).sort()).toEqual([null, staying, staying].sort());
      const events = await p.app.prisma.ticketEvent.findMany({ where: { ticketId: after[0]!.id }, orderBy: { createdAt: 'asc' } });
      expect(events.map((e) => [e.kind, e.message])).toEqual([['UNASSIGNED', 'released: assignee deactivated'], ['ASSIGNED', 'assigned by round-robin']]);

      // The remaining agent sets themself unavailable: their tickets go back to waiting.
      const self = await p.login('SUPPORT');
      await p.app.prisma.agentProfile.create({ data: { adminUserId: self.userId, available: true, capacity: 10 } });
      const held = await newTicket({ assigneeId: self.userId });
      await p.gql(AGENT, { id: self.userId, available: false }, self.token);
      await until(() => p.app.prisma.ticket.findUniqueOrThrow({ where: { id: held.id } }), (t) => t.assigneeId === null, 'ticket released by unavailability');
    } finally {
      await worker.stop();
    }
  });

  it('releases the tickets of an admin whose new role cannot work them, and gives waiting ones to a reactivated agent', async () => {
    await strategy('ROUND_ROBIN');
    const owner = await p.login('OWNER');
    const demoted = await p.login('SUPPORT');
    await p.app.prisma.agentProfile.create({ data: { adminUserId: demoted.userId, available: true, capacity: 10 } });
    const held = await newTicket({ assigneeId: demoted.userId });
    const returning = await agent();
    await p.app.prisma.adminUser.update({ where: { id: returning }, data: { active: false } });
    const worker = await p.startWorker();
    try {
      await p.gql(`mutation($id: ID!) { changeAdminRole(id: $id, role: VIEWER) { __typename } }`, { id: demoted.userId }, owner.token);
      await until(() => p.app.prisma.ticket.findUniqueOrThrow({ where: { id: held.id } }), (t) => t.assigneeId === null, 'the demoted admin\'s ticket released');
      const reactivated = await p.gql(`mutation($id: ID!) { reactivateAdmin(id: $id) { __typename } }`, { id: returning }, owner.token);
      expect(reactivated.data!.reactivateAdmin.__typename).toBe('MutationReactivateAdminSuccess');
      await until(() => p.app.prisma.ticket.findUniqueOrThrow({ where: { id: held.id } }), (t) => t.assigneeId === returning, 'the waiting ticket given to the reactivated agent');
    } finally {
      await worker.stop();
    }
  });

  it('lists agents in a constant number of statements', async () => {
    const manager = await p.login('OWNER');
    const Q = `{ agents { admin { id name email } available capacity openTickets lastAssignedAt } }`;
    await p.gql(Q, {}, manager.token);
    const few = await p.recordQueries(() => p.gql(Q, {}, manager.token));
    for (let i = 0; i < 5; i += 1) await newTicket({ assigneeId: await agent() });
    const many = await p.recordQueries(() => p.gql(Q, {}, manager.token));
    expect(many.length).toBe(few.length);
    expect(many.length).toBeLessThanOrEqual(3);
  });

  it('reads and updates the settings, with bounds naming the field', async () => {
    const manager = await p.login('OWNER');
    const UPDATE = `mutation($input: TicketSettingsInput!) { updateTicketSettings(input: $input) {
      __typename ... on MutationUpdateTicketSettingsSuccess { data { assignmentStrategy supportTeamEmail attachmentMaxBytes } }
      ... on ValidationError { fieldErrors { field message } } } }`;
    const set = await p.gql(UPDATE, { input: { assignmentStrategy: 'LEAST_LOADED', supportTeamEmail: 'Support@Example.com', attachmentMaxBytes: 2048 } }, manager.token);
    expect(set.data!.updateTicketSettings.data).toEqual({ assignmentStrategy: 'LEAST_LOADED', supportTeamEmail: 'support@example.com', attachmentMaxBytes: 2048 });
    const keep = await p.gql(UPDATE, { input: { attachmentMaxBytes: 4096 } }, manager.token);
    expect(keep.data!.updateTicketSettings.data).toMatchObject({ supportTeamEmail: 'support@example.com', attachmentMaxBytes: 4096 });
    const clear = await p.gql(UPDATE, { input: { supportTeamEmail: null } }, manager.token);
    expect(clear.data!.updateTicketSettings.data).toMatchObject({ supportTeamEmail: null });
    const bad = await p.gql(UPDATE, { input: { attachmentMaxBytes: 10, supportTeamEmail: 'nope' } }, manager.token);
    expect(bad.data!.updateTicketSettings.fieldErrors.map((e: { field: string }) => e.field).sort()).toEqual(['input.attachmentMaxBytes', 'input.supportTeamEmail']);
    const read = await p.gql(`{ ticketSettings { assignmentStrategy attachmentMaxBytes } }`, {}, (await p.login('VIEWER')).token);
    expect(read.data!.ticketSettings).toEqual({ assignmentStrategy: 'LEAST_LOADED', attachmentMaxBytes: 4096 });
    const support = await p.login('SUPPORT');
    expect((await p.gql(UPDATE, { input: { attachmentMaxBytes: 4096 } }, support.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await p.app.prisma.auditEvent.count({ where: { action: 'ticketSettings.update', actorId: manager.userId } })).toBe(3);
  });
});
