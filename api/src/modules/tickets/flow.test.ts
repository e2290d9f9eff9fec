// The ticket service with the other parts of the desk: auto-assignment on create and reopen (in the
// admin's transaction, or right after a tenant-side change through the ticketSync job).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type TestPlatform } from '../../../test/harness.ts';
import { updateTicketSettings } from './assignment.ts';
import { syncTicket } from './service.ts';

let p: TestPlatform;
let owner: { token: string; userId: string };
let tenant: { tenantId: string; apiKey: string };
let agentId: string;

beforeAll(async () => {
  p = await startPlatform();
  owner = await p.login('OWNER');
  tenant = await p.makeTenant({ name: 'Flow' });
  agentId = (await p.login('SUPPORT')).userId;
  await p.app.prisma.agentProfile.create({ data: { adminUserId: agentId, available: true, capacity: 10 } });
  await updateTicketSettings(p.system, { assignmentStrategy: 'ROUND_ROBIN' });
});
afterAll(() => p.close());

const notifyKeys = async (ticketId: string) =>
  (await p.app.prisma.$queryRaw<{ key: string }[]>`SELECT key FROM graphile_worker.jobs WHERE key LIKE ${`ticket-notify:${ticketId}:%`} ORDER BY key`).map((j) => j.key);

describe('tickets with auto-assignment', () => {
  it('assigns an admin-created ticket in the same transaction and emails the agent', async () => {
    const res = await p.gql(`mutation($t: ID!) { createTicket(input: { tenantId: $t, requester: { name: "Flo", email: "flo@flow.example" }, subject: "S", description: "D" }) {
      ... on MutationCreateTicketSuccess { data { id assignee { id } slaState firstResponseDueAt slaDueAt history { kind actorType message } } } } }`, { t: tenant.tenantId }, owner.token);
    const ticket = res.data!.createTicket.data;
    expect(ticket.assignee.id).toBe(agentId);
    // The clocks started in the same transaction (default policies of the plan).
    expect(ticket).toMatchObject({ slaState: 'OK', firstResponseDueAt: expect.any(String) });
    expect(ticket.slaDueAt).toBe(ticket.firstResponseDueAt);
    expect(ticket.history).toContainEqual({ kind: 'ASSIGNED', actorType: 'SYSTEM', message: 'assigned by round-robin' });
    const keys = await notifyKeys(ticket.id);
    expect(keys.some((k) => k.startsWith(`ticket-notify:${ticket.id}:assigned:${agentId}@`))).toBe(true);
  });

  it('assigns a tenant-created ticket right after, through the keyed ticketSync job', async () => {
    const res = await p.gql(`mutation { createViewerTicket(input: { requester: { externalId: "flow-1", email: "f1@flow.example" }, subject: "From the app", description: "D" }) {
      ... on MutationCreateViewerTicketSuccess { data { id } } } }`, {}, tenant.apiKey);
    const id = res.data!.createViewerTicket.data.id as string;
    expect((await p.app.prisma.ticket.findUniqueOrThrow({ where: { id } })).assigneeId).toBeNull();
    const jobs = await p.app.prisma.$queryRaw<{ key: string }[]>`SELECT key FROM graphile_worker.jobs WHERE task_identifier = 'ticketSync'`;
    expect(jobs.map((j) => j.key)).toContain(`ticket-sync:${id}`);
    const worker = await p.startWorker();
    try {
      // Assignment and clocks commit together in the job's transaction.
      await expect.poll(async () => (await p.app.prisma.ticket.findUniqueOrThrow({ where: { id } })).firstResponseDueAt, { timeout: 10_000 }).not.toBeNull();
    } finally {
      await worker.stop();
    }
    const synced = await p.app.prisma.ticket.findUniqueOrThrow({ where: { id }, include: { slaClocks: true } });
    expect(synced.assigneeId).toBe(agentId);
    expect(synced.slaClocks.map((c) => c.target).sort()).toEqual(['FIRST_RESPONSE', 'RESOLUTION']);
    const events = await p.app.prisma.ticketEvent.findMany({ where: { ticketId: id }, orderBy: [{ createdAt: 'asc' }, { seq: 'asc' }] });
    expect(events.map((e) => [e.kind, e.actorType])).toEqual([['CREATED', 'REQUESTER'], ['ASSIGNED', 'SYSTEM'], ['SLA_POLICY_APPLIED', 'SYSTEM']]);
  });

  it('still assigns a tenant ticket when a reply replaced its pending sync job', async () => {
    const res = await p.gql(`mutation { createViewerTicket(input: { requester: { externalId: "flow-2", email: "f2@flow.example" }, subject: "Quick", description: "D" }) {
      ... on MutationCreateViewerTicketSuccess { data { id } } } }`, {}, tenant.apiKey);
    const id = res.data!.createViewerTicket.data.id as string;
    await p.gql(`mutation($id: ID!) { replyToTicket(id: $id, input: { body: "more details" }) { __typename } }`, { id }, tenant.apiKey);
    await syncTicket(p.system, id, 'requesterReply');
    expect((await p.app.prisma.ticket.findUniqueOrThrow({ where: { id } })).assigneeId).toBe(agentId);
  });

  it('frees the agent when a ticket is resolved, and assigns again when it is reopened unassigned', async () => {
    const res = await p.gql(`mutation($t: ID!) { createTicket(input: { tenantId: $t, requester: { name: "Re", email: "re@flow.example" }, subject: "Again", description: "D" }) {
      ... on MutationCreateTicketSuccess { data { id } } } }`, { t: tenant.tenantId }, owner.token);
    const id = res.data!.createTicket.data.id as string;
    await p.gql(`mutation($id: ID!) { resolveTicket(id: $id) { __typename } }`, { id }, owner.token);
    const waiting = await p.app.prisma.$queryRaw<{ key: string }[]>`SELECT key FROM graphile_worker.jobs WHERE task_identifier = 'ticketsAssignWaiting'`;
    expect(waiting).toHaveLength(1);
    await p.app.prisma.ticket.update({ where: { id }, data: { assigneeId: null } });
    const reopened = await p.gql(`mutation($id: ID!) { reopenTicket(id: $id) { ... on MutationReopenTicketSuccess { data { status assignee { id } } } } }`, { id }, owner.token);
    expect(reopened.data!.reopenTicket.data).toEqual({ status: 'OPEN', assignee: { id: agentId } });
  });
});
