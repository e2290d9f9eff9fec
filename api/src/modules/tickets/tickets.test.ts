import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSocket, sleep, within } from '../../../test/live-client.ts';
import { startPlatform, type TestPlatform } from '../../../test/harness.ts';
import type { TicketStatus } from '../../generated/prisma/enums.ts';
import { InvalidTransitionError } from '../../lib/errors.ts';
import { actionFor, ticketLifecycle } from './lifecycle.ts';
import { renderMarkdown } from './markdown.ts';
import { sendTicketNotification, TICKET_TEMPLATES } from './notifications.ts';

let p: TestPlatform;
let owner: { token: string; userId: string };
type TestTenant = { tenantId: string; planId: string; apiKey: string };
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  p = await startPlatform({ recordQueries: true });
  owner = await p.login('OWNER');
  a = await p.makeTenant({ name: 'Tickets A' });
  b = await p.makeTenant({ name: 'Tickets B' });
});
afterAll(() => p.close());

const TICKET_FIELDS = `id number reference status priority subject firstRespondedAt resolvedAt awaitingReplySince requester { id email name }`;

const CREATE = `mutation($i: CreateTicketInput!) { createTicket(input: $i) {
  __typename ... on MutationCreateTicketSuccess { data { ${TICKET_FIELDS} } } ... on Error { message } } }`;
const COMMENT = `mutation($id: ID!, $i: TicketCommentInput!) { commentOnTicket(id: $id, input: $i) {
  __typename ... on MutationCommentOnTicketSuccess { data { id internal bodyHtml } } ... on Error { message } } }`;
const RESOLVE = `mutation($id: ID!) { resolveTicket(id: $id) { __typename ... on MutationResolveTicketSuccess { data { status resolvedAt } } ... on Error { message } } }`;
const TENANT_CREATE = `mutation($i: ViewerTicketInput!) { createViewerTicket(input: $i) {
  __typename ... on MutationCreateViewerTicketSuccess { data { id reference status requester { externalId } } } ... on Error { message } } }`;
const REPLY = `mutation($id: ID!, $i: TicketReplyInput!) { replyToTicket(id: $id, input: $i) {
  __typename ... on MutationReplyToTicketSuccess { data { id body } } ... on Error { message } } }`;
const VIEWER_TICKET = `query($id: ID!) { viewer { ticket(id: $id) { id status comments { id body authorType } lastPublicComment { body } } } }`;

let counter = 0;
/** A ticket opened by an admin for a new requester of `tenant`. */
async function adminTicket(tenant: TestTenant, overrides: Record<string, unknown> = {}) {
  counter += 1;
  const res = await p.gql(CREATE, {
    i: { tenantId: tenant.tenantId, requester: { name: `Req ${counter}`, email: `req${counter}@tickets.example` }, subject: `Printer on fire ${counter}`, description: 'It **burns**.', ...overrides },
  }, owner.token);
  expect(res.data!.createTicket.__typename, JSON.stringify(res)).toBe('MutationCreateTicketSuccess');
  return res.data!.createTicket.data as { id: string; number: number; reference: string; status: TicketStatus; requester: { id: string } };
}

const comment = (id: string, body: string, internal = false) => p.gql(COMMENT, { id, i: { body, internal } }, owner.token);

describe('ticket lifecycle', () => {
  const ALL: TicketStatus[] = ['NEW', 'OPEN', 'PENDING', 'ON_HOLD', 'RESOLVED', 'CLOSED'];
  // from → the statuses it may move to.
  const allowed: Record<TicketStatus, TicketStatus[]> = {
    NEW: ['OPEN', 'RESOLVED', 'CLOSED'],
    OPEN: ['PENDING', 'ON_HOLD', 'RESOLVED', 'CLOSED'],
    PENDING: ['OPEN', 'RESOLVED', 'CLOSED'],
    ON_HOLD: ['OPEN', 'RESOLVED', 'CLOSED'],
    RESOLVED: ['OPEN', 'CLOSED'],
    CLOSED: [],
  };
  for (const from of ALL) {
    for (const to of ALL) {
      const expected = allowed[from].includes(to);
      it(`${expected ? 'allows' : 'refuses'} ${from} → ${to}`, () => {
        const action = actionFor(from, to);
        expect(action !== null).toBe(expected);
        if (action) expect(() => ticketLifecycle.assert(from, action)).not.toThrow();
        for (const other of Object.keys(ticketLifecycle.transitions) as (keyof typeof ticketLifecycle.transitions)[]) {
          if (ticketLifecycle.target(other) === to && !expected) expect(() => ticketLifecycle.assert(from, other)).toThrow(InvalidTransitionError);
        }
      });
    }
  }
});

describe('markdown', () => {
  it('renders Markdown without raw HTML or unsafe links', () => {
    const html = renderMarkdown('**bold** <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://example.com) ![i](https://img.example/a.png)');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toMatch(/href="javascript:/);
    expect(html).toContain('<a href="https://example.com" rel="nofollow noopener noreferrer" target="_blank">ok</a>');
    expect(html).not.toContain('<img');
  });
});

describe('admin tickets', () => {
  it('opens a ticket for a requester created on the fly, records history and the first response', async () => {
    const ticket = await adminTicket(a, { priority: 'HIGH', tags: ['Billing', 'billing'] });
    expect(ticket).toMatchObject({ status: 'NEW', reference: `T-${ticket.number}`, requester: { email: `req${counter}@tickets.example` } });
    expect(ticket.number).toBeGreaterThanOrEqual(1001);
    // The same email again finds the same user.
    const again = await p.gql(CREATE, { i: { tenantId: a.tenantId, requester: { name: 'X', email: `req${counter}@tickets.example` }, subject: 'Again', description: 'Again' } }, owner.token);
    expect(again.data!.createTicket.data.requester.id).toBe(ticket.requester.id);

    const note = await comment(ticket.id, 'internal: check the **logs**', true);
    expect(note.data!.commentOnTicket.data).toMatchObject({ internal: true, bodyHtml: '<p>internal: check the <strong>logs</strong></p>\n' });
    const reply = await comment(ticket.id, 'We are on it.');
    expect(reply.data!.commentOnTicket.__typename).toBe('MutationCommentOnTicketSuccess');
    const res = await p.gql(`query($id: ID!) { ticket(id: $id) { ${TICKET_FIELDS} tags descriptionHtml
      comments { body internal authorType authorAdmin { id } } lastPublicComment { body }
      history { kind actorType internal actorAdmin { id } } } }`, { id: ticket.id }, owner.token);
    const t = res.data!.ticket;
    expect(t).toMatchObject({ status: 'OPEN', priority: 'HIGH', tags: ['billing'], descriptionHtml: '<p>It <strong>burns</strong>.</p>\n', lastPublicComment: { body: 'We are on it.' } });
    expect(t.firstRespondedAt).not.toBeNull();
    expect(t.comments.map((c: { internal: boolean }) => c.internal)).toEqual([true, false]);
    expect(t.comments[0].authorAdmin.id).toBe(owner.userId);
    expect(t.history.map((h: { kind: string }) => h.kind)).toEqual(['CREATED', 'SLA_POLICY_APPLIED', 'STATUS_CHANGED', 'INTERNAL_NOTE', 'COMMENTED', 'SLA_MET']);
    expect(t.history.find((h: { kind: string }) => h.kind === 'INTERNAL_NOTE').internal).toBe(true);
    const audit = await p.app.prisma.auditEvent.findMany({ where: { targetId: ticket.id }, orderBy: { occurredAt: 'asc' } });
    expect(audit.map((e) => e.action)).toEqual(['ticket.create', 'ticket.comment', 'ticket.comment']);
  });

  it('refuses bad input naming the field, and a requester of another tenant', async () => {
    const res = await p.gql(CREATE, { i: { tenantId: a.tenantId, requester: { name: 'N', email: 'not-an-email' }, subject: '', description: 'x' } }, owner.token);
    expect(res.data!.createTicket).toMatchObject({ __typename: 'ValidationError' });
    const fields = (await p.gql(`mutation($i: CreateTicketInput!) { createTicket(input: $i) { ... on ValidationError { fieldErrors { field } } } }`,
      { i: { tenantId: a.tenantId, requester: { name: 'N', email: 'not-an-email' }, subject: '', description: 'x' } }, owner.token)).data!.createTicket.fieldErrors;
    expect(fields.map((f: { field: string }) => f.field).sort()).toEqual(['input.requester.email', 'input.subject']);
    const other = await adminTicket(b);
    const cross = await p.gql(CREATE, { i: { tenantId: a.tenantId, requesterId: other.requester.id, subject: 'S', description: 'D' } }, owner.token);
    expect(cross.data!.createTicket).toMatchObject({ __typename: 'ValidationError', message: 'input.requesterId: the user belongs to another tenant' });
  });

  it('lets one of two admins resolving at once win; the other gets a typed refusal and one audit entry is written', async () => {
    const ticket = await adminTicket(a);
    const second = await p.login('SUPPORT');
    const [r1, r2] = await Promise.all([p.gql(RESOLVE, { id: ticket.id }, owner.token), p.gql(RESOLVE, { id: ticket.id }, second.token)]);
    const kinds = [r1.data!.resolveTicket.__typename, r2.data!.resolveTicket.__typename].sort();
    expect(kinds).toEqual(['InvalidTransitionError', 'MutationResolveTicketSuccess']);
    expect(await p.app.prisma.auditEvent.count({ where: { targetId: ticket.id, action: 'ticket.resolve' } })).toBe(1);
    expect(await p.app.prisma.ticketEvent.count({ where: { ticketId: ticket.id, kind: 'STATUS_CHANGED' } })).toBe(1);
  });

  it('edits fields with one history entry each, and pauses the SLA while PENDING', async () => {
    const ticket = await adminTicket(a);
    const UPDATE = `mutation($id: ID!, $i: UpdateTicketInput!) { updateTicket(id: $id, input: $i) {
      __typename ... on MutationUpdateTicketSuccess { data { subject category tags priority slaState } } } }`;
    const res = await p.gql(UPDATE, { id: ticket.id, i: { subject: 'Renamed', category: 'api', tags: ['b', 'a'], priority: 'URGENT' } }, owner.token);
    expect(res.data!.updateTicket.data).toMatchObject({ subject: 'Renamed', category: 'api', tags: ['b', 'a'], priority: 'URGENT' });
    const same = await p.gql(UPDATE, { id: ticket.id, i: { subject: 'Renamed' } }, owner.token);
    expect(same.data!.updateTicket.__typename).toBe('MutationUpdateTicketSuccess');
    const cleared = await p.gql(UPDATE, { id: ticket.id, i: { clearCategory: true } }, owner.token);
    expect(cleared.data!.updateTicket.data.category).toBeNull();
    const kinds = (await p.app.prisma.ticketEvent.findMany({ where: { ticketId: ticket.id }, orderBy: [{ createdAt: 'asc' }, { seq: 'asc' }] })).map((e) => e.kind);
    expect(kinds).toEqual(['CREATED', 'SLA_POLICY_APPLIED', 'SLA_POLICY_APPLIED', 'SUBJECT_CHANGED', 'CATEGORY_CHANGED', 'TAGS_CHANGED', 'PRIORITY_CHANGED', 'CATEGORY_CHANGED']);
    expect(await p.app.prisma.auditEvent.count({ where: { targetId: ticket.id, action: 'ticket.update' } })).toBe(2);
    await comment(ticket.id, 'Can you send the logs?');
    const STATUS = `mutation($id: ID!, $s: TicketStatus!) { setTicketStatus(id: $id, status: $s) {
      __typename ... on MutationSetTicketStatusSuccess { data { status slaState } } ... on InvalidTransitionError { currentStatus } } }`;
    expect((await p.gql(STATUS, { id: ticket.id, s: 'PENDING' }, owner.token)).data!.setTicketStatus.data).toEqual({ status: 'PENDING', slaState: 'PAUSED' });
    expect((await p.gql(STATUS, { id: ticket.id, s: 'ON_HOLD' }, owner.token)).data!.setTicketStatus).toEqual({ __typename: 'InvalidTransitionError', currentStatus: 'PENDING' });
    expect((await p.gql(STATUS, { id: ticket.id, s: 'OPEN' }, owner.token)).data!.setTicketStatus.data.status).toBe('OPEN');
  });

  it('keeps CLOSED final', async () => {
    const ticket = await adminTicket(a);
    const closed = await p.gql(`mutation($id: ID!) { closeTicket(id: $id) { __typename } }`, { id: ticket.id }, owner.token);
    expect(closed.data!.closeTicket.__typename).toBe('MutationCloseTicketSuccess');
    const reopen = await p.gql(`mutation($id: ID!) { reopenTicket(id: $id) { __typename ... on InvalidTransitionError { currentStatus requestedStatus } } }`, { id: ticket.id }, owner.token);
    expect(reopen.data!.reopenTicket).toEqual({ __typename: 'InvalidTransitionError', currentStatus: 'CLOSED', requestedStatus: 'OPEN' });
    expect((await comment(ticket.id, 'late')).data!.commentOnTicket.__typename).toBe('TicketClosedError');
    const status = await p.gql(`mutation($id: ID!) { setTicketStatus(id: $id, status: OPEN) { __typename } }`, { id: ticket.id }, owner.token);
    expect(status.data!.setTicketStatus.__typename).toBe('InvalidTransitionError');
  });

  it('refuses tickets and replies from a blocked requester', async () => {
    const ticket = await adminTicket(a);
    await p.app.prisma.user.update({ where: { id: ticket.requester.id }, data: { blockedAt: new Date(), blockedReason: 'abuse' } });
    const res = await p.gql(CREATE, { i: { tenantId: a.tenantId, requesterId: ticket.requester.id, subject: 'S', description: 'D' } }, owner.token);
    expect(res.data!.createTicket).toMatchObject({ __typename: 'RequesterBlockedError' });
    const reply = await p.gql(REPLY, { id: ticket.id, i: { body: 'hello?' } }, a.apiKey);
    expect(reply.data!.replyToTicket.__typename).toBe('RequesterBlockedError');
    const user = await p.app.prisma.user.findUniqueOrThrow({ where: { id: ticket.requester.id } });
    const opened = await p.gql(TENANT_CREATE, { i: { requester: { externalId: user.externalId }, subject: 'S', description: 'D' } }, a.apiKey);
    expect(opened.data!.createViewerTicket.__typename).toBe('RequesterBlockedError');
  });

  it('bulk-updates every ticket matching a filter after counting them, each change audited, failures as data', async () => {
    const tag = `bulk-${Date.now()}`;
    const tickets = await Promise.all([1, 2, 3].map(() => adminTicket(a, { tags: [tag] })));
    await p.gql(`mutation($id: ID!) { closeTicket(id: $id) { __typename } }`, { id: tickets[2]!.id }, owner.token);
    const counts = await p.gql(`query($f: TicketFilter) { ticketCounts(filter: $f) { NEW CLOSED total } }`, { f: { tag } }, owner.token);
    expect(counts.data!.ticketCounts).toEqual({ NEW: 2, CLOSED: 1, total: 3 });
    const res = await p.gql(`mutation($s: TicketBulkSelection!, $c: TicketBulkChanges!) { bulkUpdateTickets(selection: $s, changes: $c) {
      __typename ... on MutationBulkUpdateTicketsSuccess { data { matched changed unchanged failures { ticketId code } } } } }`,
      { s: { filter: { tag } }, c: { priority: 'URGENT', addTag: 'escalated', assigneeId: owner.userId } }, owner.token);
    expect(res.data!.bulkUpdateTickets.data).toEqual({ matched: 3, changed: 2, unchanged: 0, failures: [{ ticketId: tickets[2]!.id, code: 'TicketClosedError' }] });
    const rows = await p.app.prisma.ticket.findMany({ where: { tags: { has: tag } }, orderBy: { number: 'asc' } });
    expect(rows.map((r) => [r.priority, r.tags.includes('escalated'), r.assigneeId])).toEqual([
      ['URGENT', true, owner.userId], ['URGENT', true, owner.userId], ['NORMAL', false, null],
    ]);
    expect(await p.app.prisma.auditEvent.count({ where: { action: 'ticket.bulkUpdate', targetId: { in: tickets.map((t) => t.id) } } })).toBe(4);
    // Again: nothing left to change.
    const again = await p.gql(`mutation($s: TicketBulkSelection!) { bulkUpdateTickets(selection: $s, changes: { priority: URGENT }) { ... on MutationBulkUpdateTicketsSuccess { data { changed unchanged } } } }`,
      { s: { ids: tickets.slice(0, 2).map((t) => t.id) } }, owner.token);
    expect(again.data!.bulkUpdateTickets.data).toEqual({ changed: 0, unchanged: 2 });
  });

  it('finds tickets by full text in public text and internal notes, filters and sorts the queue', async () => {
    const word = `zebrafish${Date.now() % 100000}`;
    const pub = await adminTicket(a, { subject: `The ${word} exporter fails` });
    const internal = await adminTicket(a);
    await comment(internal.id, `internal only: ${word} workaround`, true);
    const Q = `query($f: TicketFilter, $s: TicketSort) { tickets(first: 10, filter: $f, sort: $s) { totalCount edges { node { id } } } }`;
    const found = await p.gql(Q, { f: { text: word } }, owner.token);
    expect(found.data!.tickets.edges.map((e: { node: { id: string } }) => e.node.id).sort()).toEqual([pub.id, internal.id].sort());
    expect(found.data!.tickets.totalCount).toBe(2);
    const narrowed = await p.gql(Q, { f: { text: word, status: ['NEW'] } }, owner.token);
    expect(narrowed.data!.tickets.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([pub.id]);
    const unassigned = await p.gql(Q, { f: { unassigned: true, tenantId: b.tenantId }, s: 'PRIORITY_DESC' }, owner.token);
    expect(unassigned.errors).toBeUndefined();
    const bad = await p.gql(Q, { f: { assigneeId: owner.userId, unassigned: true } }, owner.token);
    expect(bad.errors?.[0]?.message).toMatch(/filter.unassigned/);
    const csv = await fetch(`${p.url}/exports/tickets.csv?text=${word}`, { headers: { authorization: `Bearer ${owner.token}` } });
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]!.startsWith('reference,id,status,priority,subject')).toBe(true);
    expect(lines).toHaveLength(3);
  });

  it('loads a ticket page (thread with authors and files, history with actors) in one statement', async () => {
    const ticket = await adminTicket(a);
    await comment(ticket.id, 'note', true);
    await comment(ticket.id, 'reply');
    await p.gql(REPLY, { id: ticket.id, i: { body: 'thanks' } }, a.apiKey);
    const PAGE = `query($id: ID!) { ticket(id: $id) { id reference subject descriptionHtml status priority tags slaState slaDueAt
      tenant { name plan { name } } requester { name email } assignee { name }
      comments { id bodyHtml internal authorType authorAdmin { name } authorUser { name } attachments { id filename } }
      history { kind actorType actorAdmin { name } actorUser { name } message createdAt } } }`;
    let res: { data?: Record<string, any>; errors?: unknown[] } | undefined;
    const sql = await p.recordQueries(async () => {
      res = await p.gql(PAGE, { id: ticket.id }, owner.token);
    });
    expect(res!.errors).toBeUndefined();
    expect(res!.data!.ticket.comments).toHaveLength(3);
    expect(sql).toHaveLength(1);
  });

  it('links uploaded attachments of the same ticket to a comment, once', async () => {
    const ticket = await adminTicket(a);
    const other = await adminTicket(a);
    const upload = (ticketId: string) => p.app.prisma.ticketAttachment.create({
      data: { tenantId: a.tenantId, ticketId, filename: 'trace.txt', contentType: 'text/plain', size: 5, sha256: 'x', storage: 'postgres', storageKey: `k-${Math.random()}`, uploadedByType: 'ADMIN' },
    });
    const [mine, foreign] = [await upload(ticket.id), await upload(other.id)];
    const WITH = `mutation($id: ID!, $i: TicketCommentInput!) { commentOnTicket(id: $id, input: $i) {
      __typename ... on MutationCommentOnTicketSuccess { data { attachments { id filename } } } ... on ValidationError { fieldErrors { field } } } }`;
    const wrong = await p.gql(WITH, { id: ticket.id, i: { body: 'see file', attachmentIds: [foreign.id] } }, owner.token);
    expect(wrong.data!.commentOnTicket).toEqual({ __typename: 'ValidationError', fieldErrors: [{ field: 'input.attachmentIds' }] });
    const res = await p.gql(WITH, { id: ticket.id, i: { body: 'see file', attachmentIds: [mine.id] } }, owner.token);
    expect(res.data!.commentOnTicket.data.attachments).toEqual([{ id: mine.id, filename: 'trace.txt' }]);
    const again = await p.gql(WITH, { id: ticket.id, i: { body: 'again', attachmentIds: [mine.id] } }, owner.token);
    expect(again.data!.commentOnTicket.__typename).toBe('ValidationError');
    // The refused comments left nothing behind.
    expect(await p.app.prisma.ticketComment.count({ where: { ticketId: ticket.id } })).toBe(1);
  });

  it('announces every change to admins, internal notes included, without comment text', async () => {
    const ticket = await adminTicket(b);
    const socket = openSocket(p.url, owner.token);
    const heard = socket.subscribe(`subscription($id: ID) { ticketChanged(id: $id) { ticketId tenantId kind status assigneeId ticket { id reference } } }`, { id: ticket.id });
    try {
      await within(socket.connected, 5000, 'connection');
      await p.untilListening('ticketChanged', 1);
      await comment(ticket.id, 'private words', true);
      await p.gql(`mutation($id: ID!, $a: ID) { assignTicket(id: $id, assigneeId: $a) { __typename } }`, { id: ticket.id, a: owner.userId }, owner.token);
      await expect.poll(() => heard.results.length, { timeout: 5000 }).toBe(2);
      expect(heard.results.map((r) => r.data.ticketChanged.kind)).toEqual(['noted', 'assigned']);
      expect(heard.results[1]!.data.ticketChanged).toMatchObject({ tenantId: b.tenantId, status: 'OPEN', assigneeId: owner.userId, ticket: { reference: ticket.reference } });
      expect(JSON.stringify(heard.results)).not.toContain('private words');
    } finally {
      await socket.dispose();
    }
  });

  it('plans the queue query into a constant number of statements (50 rows with tenant, plan, assignee, last public comment)', async () => {
    const t = await p.makeTenant({ name: 'Queue' });
    const requester = await p.app.prisma.user.create({ data: { tenantId: t.tenantId, externalId: 'queue-req', email: 'q@queue.example' } });
    const tickets = await p.app.prisma.ticket.createManyAndReturn({
      data: Array.from({ length: 60 }, (_, i) => ({
        tenantId: t.tenantId, requesterId: requester.id, subject: `Q${i}`, description: 'd', source: 'ADMIN' as const,
        assigneeId: i % 2 ? owner.userId : null, slaDueAt: new Date(Date.now() + i * 60_000),
      })),
    });
    await p.app.prisma.ticketComment.createMany({
      data: tickets.flatMap((ticket) => [
        { ticketId: ticket.id, tenantId: t.tenantId, authorType: 'REQUESTER' as const, authorUserId: requester.id, body: 'public', internal: false },
        { ticketId: ticket.id, tenantId: t.tenantId, authorType: 'ADMIN' as const, authorAdminId: owner.userId, body: 'note', internal: true },
      ]),
    });
    // The console's queue query, within the API's default cost limit.
    const QUEUE = `query($f: TicketFilter) { tickets(first: 50, filter: $f, sort: SLA_DUE_ASC) { totalCount edges { node {
      id reference subject status priority slaState slaDueAt firstResponseDueAt resolutionDueAt
      tenant { name plan { name } } assignee { name } lastPublicComment { body createdAt } } } } }`;
    await p.gql('{ me { id } }', {}, owner.token);
    let res: { data?: Record<string, any>; errors?: unknown[] } | undefined;
    const sql = await p.recordQueries(async () => {
      res = await p.gql(QUEUE, { f: { tenantId: t.tenantId } }, owner.token);
    });
    expect(res!.errors).toBeUndefined();
    const edges = res!.data!.tickets.edges as { node: { subject: string; lastPublicComment: { body: string }; tenant: { name: string } } }[];
    expect(edges).toHaveLength(50);
    expect(edges[0]!.node).toMatchObject({ subject: 'Q0', tenant: { name: 'Queue' }, lastPublicComment: { body: 'public' } });
    // The page and its total: nothing per row.
    expect(sql, sql.join('\n---\n')).toHaveLength(2);
  });
});

describe('tenant graph', () => {
  it('opens a ticket for a user created on the fly, and a reply to a RESOLVED ticket reopens it', async () => {
    const created = await p.gql(TENANT_CREATE, { i: { requester: { externalId: 'tenant-user-1', name: 'Tia', email: 'tia@a.example' }, subject: 'Help', description: 'Please' } }, a.apiKey);
    const ticket = created.data!.createViewerTicket.data;
    expect(ticket).toMatchObject({ status: 'NEW', requester: { externalId: 'tenant-user-1' } });
    const row = await p.app.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(row).toMatchObject({ tenantId: a.tenantId, source: 'TENANT_API' });
    await comment(ticket.id, 'Fixed, please check.');
    expect((await p.gql(RESOLVE, { id: ticket.id }, owner.token)).data!.resolveTicket.data.status).toBe('RESOLVED');
    const reply = await p.gql(REPLY, { id: ticket.id, i: { body: 'Still broken' } }, a.apiKey);
    expect(reply.data!.replyToTicket.__typename).toBe('MutationReplyToTicketSuccess');
    const after = await p.app.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(after).toMatchObject({ status: 'OPEN', resolvedAt: null });
    expect(after.awaitingReplySince).not.toBeNull();
    const history = await p.app.prisma.ticketEvent.findMany({ where: { ticketId: ticket.id }, orderBy: [{ createdAt: 'asc' }, { seq: 'asc' }] });
    expect(history.filter((h) => h.kind === 'STATUS_CHANGED').map((h) => [h.to, h.actorType])).toEqual([
      [{ status: 'OPEN' }, 'ADMIN'], [{ status: 'RESOLVED' }, 'ADMIN'], [{ status: 'OPEN' }, 'REQUESTER'],
    ]);
    // A public admin answer clears the wait.
    await comment(ticket.id, 'Looking again.');
    expect((await p.app.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).awaitingReplySince).toBeNull();
    // Waiting on the requester (PENDING): their reply puts it back in the queue.
    await p.gql(`mutation($id: ID!) { setTicketStatus(id: $id, status: PENDING) { __typename } }`, { id: ticket.id }, owner.token);
    await p.gql(REPLY, { id: ticket.id, i: { body: 'Here are the logs' } }, a.apiKey);
    expect((await p.app.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).status).toBe('OPEN');
  });

  it('never shows internal notes to a tenant: not in the thread, search, counts or subscriptions', async () => {
    const secret = `lighthouse${Date.now() % 100000}`;
    const ticket = await adminTicket(a, { subject: 'Visible subject' });
    const socket = openSocket(p.url, a.apiKey);
    const heard = socket.subscribe(`subscription($id: ID) { viewerTicketChanged(id: $id) { ticketId kind status ticket { comments { body } } } }`, { id: ticket.id });
    try {
      await within(socket.connected, 5000, 'connection');
      await p.untilListening('ticketChanged', 1);
      await comment(ticket.id, `internal: ${secret} password is hunter2`, true);
      await comment(ticket.id, 'Public answer');
      await expect.poll(() => heard.results.length, { timeout: 5000 }).toBe(1);
      await sleep(200);
      expect(heard.results).toHaveLength(1);
      expect(heard.results[0]!.data.viewerTicketChanged).toMatchObject({ ticketId: ticket.id, kind: 'commented', ticket: { comments: [{ body: 'Public answer' }] } });
      expect(JSON.stringify(heard.results)).not.toContain(secret);
    } finally {
      await socket.dispose();
    }
    const view = await p.gql(VIEWER_TICKET, { id: ticket.id }, a.apiKey);
    expect(view.data!.viewer.ticket.comments).toEqual([expect.objectContaining({ body: 'Public answer', authorType: 'ADMIN' })]);
    expect(JSON.stringify(view.data)).not.toContain(secret);
    const search = await p.gql(`query($q: String) { viewer { tickets(first: 5, text: $q) { totalCount edges { node { id } } } ticketCounts(text: $q) { total } } }`, { q: secret }, a.apiKey);
    expect(search.data!.viewer).toEqual({ tickets: { totalCount: 0, edges: [] }, ticketCounts: { total: 0 } });
    const publicSearch = await p.gql(`query($q: String) { viewer { tickets(first: 5, text: $q) { edges { node { id } } } } }`, { q: 'visible' }, a.apiKey);
    expect(publicSearch.data!.viewer.tickets.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(ticket.id);
    // The admin search finds the note.
    const admin = await p.gql(`query($q: String) { tickets(first: 5, filter: { text: $q }) { edges { node { id } } } }`, { q: secret }, owner.token);
    expect(admin.data!.tickets.edges).toEqual([{ node: { id: ticket.id } }]);
  });

  it("keeps tenant B away from tenant A's ticket: no read, reply, close or subscription", async () => {
    const ticket = await adminTicket(a);
    expect((await p.gql(VIEWER_TICKET, { id: ticket.id }, b.apiKey)).data!.viewer.ticket).toBeNull();
    const reply = await p.gql(REPLY, { id: ticket.id, i: { body: 'sneaky' } }, b.apiKey);
    expect(reply.data!.replyToTicket.__typename).toBe('NotFoundError');
    const close = await p.gql(`mutation($id: ID!) { closeViewerTicket(id: $id) { __typename } }`, { id: ticket.id }, b.apiKey);
    expect(close.data!.closeViewerTicket.__typename).toBe('NotFoundError');
    expect(await p.app.prisma.ticketComment.count({ where: { ticketId: ticket.id } })).toBe(0);
    const socket = openSocket(p.url, b.apiKey);
    const heard = socket.subscribe(`subscription($id: ID) { viewerTicketChanged(id: $id) { ticketId } }`, { id: ticket.id });
    try {
      await within(socket.connected, 5000, 'connection');
      await p.untilListening('ticketChanged', 1);
      await comment(ticket.id, 'for A only');
      await sleep(300);
      expect(heard.results).toEqual([]);
    } finally {
      await socket.dispose();
    }
  });
});

describe('notifications', () => {
  it('sends the editable template for a public reply once per comment, never for an internal note', async () => {
    const ticket = await adminTicket(a);
    await comment(ticket.id, 'internal', true);
    await comment(ticket.id, 'Here is **the fix**');
    const jobs = await p.app.prisma.$queryRaw<{ key: string }[]>`
      SELECT key FROM graphile_worker.jobs WHERE task_identifier = 'ticketNotify' AND key LIKE ${`ticket-notify:${ticket.id}:%`} ORDER BY key`;
    const publicReply = await p.app.prisma.ticketComment.findFirstOrThrow({ where: { ticketId: ticket.id, internal: false } });
    expect(jobs.map((j) => j.key)).toEqual([`ticket-notify:${ticket.id}:received:created`, `ticket-notify:${ticket.id}:reply:${publicReply.id}`]);
    const payload = { ticketId: ticket.id, kind: 'reply' as const, moment: publicReply.id, commentId: publicReply.id };
    expect(await sendTicketNotification(p.system, payload)).toEqual({ outcome: 'queued' });
    expect(await sendTicketNotification(p.system, payload)).toEqual({ outcome: 'queued' });
    const template = await p.app.prisma.emailTemplate.findUniqueOrThrow({ where: { key: TICKET_TEMPLATES.reply.key } });
    const emails = await p.app.prisma.email.findMany({ where: { templateId: template.id, idempotencyKey: { startsWith: `ticket:${ticket.id}:` } } });
    expect(emails).toHaveLength(1);
    expect(emails[0]!.variables).toMatchObject({ reference: ticket.reference, body: 'Here is **the fix**' });
    // An edited template is kept as it is when the notification ensures it again.
    await p.app.prisma.emailTemplate.update({ where: { id: template.id }, data: { name: 'Edited' } });
    await sendTicketNotification(p.system, { ticketId: ticket.id, kind: 'received', moment: 'created' });
    expect((await p.app.prisma.emailTemplate.findUniqueOrThrow({ where: { id: template.id } })).name).toBe('Edited');
  });
});
