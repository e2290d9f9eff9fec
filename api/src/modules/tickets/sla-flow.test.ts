// The SLA clocks driven by the real ticket mutations (admin and tenant graphs), not by direct writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startPlatform, type TestPlatform } from '../../../test/harness.ts';
import { until } from '../../../test/until.ts';
import type { SlaTarget } from '../../generated/prisma/client.ts';
import { deadlineJobKey } from './sla.ts';

let p: TestPlatform;
let agent: { token: string; userId: string };
let tenant: { tenantId: string; planId: string; apiKey: string };

beforeAll(async () => {
  p = await startPlatform();
  agent = await p.login('SUPPORT');
  tenant = await p.makeTenant();
  await p.startWorker();
});
afterAll(() => p.close());

const CREATE = `mutation($i: CreateTicketInput!) { createTicket(input: $i) { __typename ... on MutationCreateTicketSuccess { data { id } } ... on Error { message } } }`;
const COMMENT = `mutation($id: ID!, $i: TicketCommentInput!) { commentOnTicket(id: $id, input: $i) { __typename ... on Error { message } } }`;
const STATUS = `mutation($id: ID!, $s: TicketStatus!) { setTicketStatus(id: $id, status: $s) { __typename ... on Error { message } } }`;
const UPDATE = `mutation($id: ID!, $i: UpdateTicketInput!) { updateTicket(id: $id, input: $i) { __typename ... on Error { message } } }`;
const REPLY = `mutation($id: ID!, $i: TicketReplyInput!) { replyToTicket(id: $id, input: $i) { __typename ... on Error { message } } }`;
const SLA = `query($id: ID!) { ticket(id: $id) { slaState firstResponseDueAt nextResponseDueAt resolutionDueAt slaDueAt remainingBusinessSeconds
  slaClocks { target state running dueAt metAt assigneeId } } }`;

let n = 0;
async function openTicket(priority = 'NORMAL') {
  n += 1;
  const res = await p.gql(CREATE, { i: { tenantId: tenant.tenantId, requester: { name: `Flow ${n}`, email: `flow${n}@sla.example` }, subject: `Flow ${n}`, description: 'Help', priority } }, agent.token);
  return ok<{ id: string }>(res.data!.createTicket).id;
}
const sla = async (id: string) => (await p.gql(SLA, { id }, agent.token)).data!.ticket;
const clockOf = (t: { slaClocks: { target: SlaTarget }[] }, target: SlaTarget) => t.slaClocks.find((c) => c.target === target) as any;
const jobRunAt = async (key: string) =>
  (await p.app.prisma.$queryRaw<{ run_at: Date }[]>`SELECT run_at FROM graphile_worker._private_jobs WHERE key = ${key}`)[0]?.run_at ?? null;

describe('SLA clocks through the ticket mutations', () => {
  it('starts the clocks on create and meets the first response on the first public admin reply, not on an internal note', async () => {
    const id = await openTicket();
    let t = await sla(id);
    expect(t.slaState).toBe('OK');
    expect(t.firstResponseDueAt).not.toBeNull();
    expect(clockOf(t, 'FIRST_RESPONSE')).toMatchObject({ state: 'OK', running: true });
    expect((await jobRunAt(deadlineJobKey(id, 'FIRST_RESPONSE', 'breach')))?.toISOString()).toBe(t.firstResponseDueAt);

    expect((await p.gql(COMMENT, { id, i: { body: 'Looking (internal)', internal: true } }, agent.token)).data!.commentOnTicket.__typename).toBe('MutationCommentOnTicketSuccess');
    expect(clockOf(await sla(id), 'FIRST_RESPONSE').state).toBe('OK');

    expect((await p.gql(COMMENT, { id, i: { body: 'On it.' } }, agent.token)).data!.commentOnTicket.__typename).toBe('MutationCommentOnTicketSuccess');
    t = await sla(id);
    expect(clockOf(t, 'FIRST_RESPONSE')).toMatchObject({ state: 'MET', running: false });
    expect(clockOf(t, 'FIRST_RESPONSE').metAt).not.toBeNull();
    expect(t.firstResponseDueAt).toBeNull();
    expect(t.slaDueAt).toBe(t.resolutionDueAt);
    expect(await jobRunAt(deadlineJobKey(id, 'FIRST_RESPONSE', 'breach'))).toBeNull();
  });

  it('moves the deadline jobs when an admin changes the priority', async () => {
    const id = await openTicket('LOW');
    const before = (await sla(id)).firstResponseDueAt;
    expect((await p.gql(UPDATE, { id, i: { priority: 'URGENT' } }, agent.token)).data!.updateTicket.__typename).toBe('MutationUpdateTicketSuccess');
    const after = (await sla(id)).firstResponseDueAt;
    expect(new Date(after).getTime()).toBeLessThan(new Date(before).getTime());
    expect((await jobRunAt(deadlineJobKey(id, 'FIRST_RESPONSE', 'breach')))?.toISOString()).toBe(after);
  });

  it('pauses in PENDING and resumes when the requester replies through the tenant graph, starting the next-response clock', async () => {
    const id = await openTicket();
    await p.gql(COMMENT, { id, i: { body: 'Can you send a screenshot?' } }, agent.token);
    expect((await p.gql(STATUS, { id, s: 'PENDING' }, agent.token)).data!.setTicketStatus.__typename).toBe('MutationSetTicketStatusSuccess');
    let t = await sla(id);
    expect(t).toMatchObject({ slaState: 'PAUSED', resolutionDueAt: null, slaDueAt: null });
    expect(clockOf(t, 'RESOLUTION')).toMatchObject({ state: 'PAUSED', running: false, dueAt: null });
    expect(await jobRunAt(deadlineJobKey(id, 'RESOLUTION', 'breach'))).toBeNull();

    expect((await p.gql(REPLY, { id, i: { body: 'Here it is' } }, tenant.apiKey)).data!.replyToTicket.__typename).toBe('MutationReplyToTicketSuccess');
    // Tenant-side changes recompute the clocks in the ticketSync job, right after.
    t = await until(() => sla(id), (x) => x.slaState !== 'PAUSED' && clockOf(x, 'NEXT_RESPONSE') != null, 'the clocks to resume');
    expect(clockOf(t, 'RESOLUTION')).toMatchObject({ state: 'OK', running: true });
    expect(clockOf(t, 'NEXT_RESPONSE')).toMatchObject({ state: 'OK', running: true });
    expect(t.nextResponseDueAt).toBe(clockOf(t, 'NEXT_RESPONSE').dueAt);
  });
});
