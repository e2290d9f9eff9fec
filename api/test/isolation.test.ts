// Tenant isolation, by construction and by test: every field a tenant key can reach in the tenant graph
// (queries, subscriptions and, once they exist, mutations) must be exercised by a two-tenant scenario
// below, or the coverage test fails. A new tenant-facing field therefore comes with its scenario.
import {
  getNamedType, isInterfaceType, isObjectType, isUnionType, parse, TypeInfo, visit, visitWithTypeInfo, type GraphQLNamedType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantScopeError } from '../src/db/tenant-scope.ts';
import { tenantSchema } from '../src/graphql/schema.ts';
import { startPlatform, type TestPlatform } from './harness.ts';
import { openSocket, sleep, within } from './live-client.ts';
import { createFlag, setFlagEnabled, setFlagTenantOverride, setFlagUserOverride } from '../src/modules/flags/service.ts';

let p: TestPlatform;
let owner: string;
type TestTenant = { tenantId: string; planId: string; apiKey: string };
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  p = await startPlatform();
  owner = (await p.login('OWNER')).token;
  a = await p.makeTenant({ name: 'Tenant A' });
  b = await p.makeTenant({ name: 'Tenant B' });
});
afterAll(() => p.close());

/** Every field coordinate (`Type.field`) reachable from the tenant graph's root types. */
function reachableFields(): Set<string> {
  const coordinates = new Set<string>();
  const seen = new Set<string>();
  const roots = [tenantSchema.getQueryType(), tenantSchema.getMutationType(), tenantSchema.getSubscriptionType()];
  const queue: GraphQLNamedType[] = roots.filter((t): t is NonNullable<typeof t> => !!t);
  while (queue.length) {
    const type = queue.shift()!;
    if (seen.has(type.name) || type.name.startsWith('__')) continue;
    seen.add(type.name);
    if (isUnionType(type)) queue.push(...type.getTypes());
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        coordinates.add(`${type.name}.${field.name}`);
        queue.push(getNamedType(field.type));
      }
    }
  }
  return coordinates;
}

/** The field coordinates a document selects. */
function selectedFields(document: string): Set<string> {
  const typeInfo = new TypeInfo(tenantSchema);
  const coordinates = new Set<string>();
  visit(
    parse(document),
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (parent && !node.name.value.startsWith('__')) coordinates.add(`${parent.name}.${node.name.value}`);
      },
    }),
  );
  return coordinates;
}

interface Scenario {
  /** The tenant-graph document this scenario sends for both tenants; its fields count as covered. */
  document: string;
  /** Runs the document as tenants A and B and asserts that each sees only its own data. */
  run(document: string): Promise<void>;
}

const scenarios: Record<string, Scenario> = {
  viewer: {
    document: `{ viewer { tenant { id name slug status trialEndsAt createdAt ownerName ownerEmail
      settings { timezone locale supportEmail brandColor }
      plan { id code name description currency monthlyPrice yearlyPrice trialDays entitlements
        quotas { emailsPerMonth smsPerMonth seats apiCallsPerMonth } } } } }`,
    async run(document) {
      const [ra, rb] = await Promise.all([p.gql(document, {}, a.apiKey), p.gql(document, {}, b.apiKey)]);
      expect(ra.errors).toBeUndefined();
      expect(ra.data!.viewer.tenant).toMatchObject({ id: a.tenantId, name: 'Tenant A', plan: { id: a.planId } });
      expect(rb.data!.viewer.tenant).toMatchObject({ id: b.tenantId, name: 'Tenant B', plan: { id: b.planId } });
      expect(JSON.stringify(ra.data)).not.toContain(b.tenantId);
      expect(JSON.stringify(rb.data)).not.toContain(a.tenantId);
    },
  },
  viewerTenantChanged: {
    document: `subscription { viewerTenantChanged { tenantId kind status tenant { id name } } }`,
    async run(document) {
      const sa = openSocket(p.url, a.apiKey);
      const sb = openSocket(p.url, b.apiKey);
      const heardByA = sa.subscribe(document);
      const heardByB = sb.subscribe(document);
      try {
        await within(Promise.all([sa.connected, sb.connected]), 5000, 'connections');
        await p.untilListening('tenantChanged', 2);
        await p.gql(`mutation($id: ID!) { updateTenant(id: $id, input: { ownerName: "New Owner A" }) { __typename } }`, { id: a.tenantId }, owner);
        await expect.poll(() => heardByA.results.length, { timeout: 5000 }).toBe(1);
        expect(heardByA.results[0]!.data).toEqual({ viewerTenantChanged: { tenantId: a.tenantId, kind: 'updated', status: 'TRIALING', tenant: { id: a.tenantId, name: 'Tenant A' } } });
        await sleep(300);
        expect(heardByB.results).toEqual([]);
      } finally {
        await Promise.all([sa.dispose(), sb.dispose()]);
      }
    },
  },
  upsertUsers: {
    document: `mutation($users: [UserInput!]!) { upsertUsers(users: $users) {
      ... on MutationUpsertUsersSuccess { data { users { id externalId email name role locale timeZone attributes lastSeenAt userBlocked blockedAt createdAt updatedAt }
        errors { index path field message } } }
      ... on ValidationError { message fieldErrors { path field message } } } }`,
    async run(document) {
      const batch = (who: string) => [{ externalId: 'shared-user', email: `${who}@iso.example`, name: who, role: 'member', locale: 'fr-FR', timeZone: 'Europe/Paris', attributes: { who } }, { externalId: '', email: 'x' }];
      const [ra, rb] = await Promise.all([p.gql(document, { users: batch('a') }, a.apiKey), p.gql(document, { users: batch('b') }, b.apiKey)]);
      expect(ra.errors).toBeUndefined();
      const ua = ra.data!.upsertUsers.data;
      const ub = rb.data!.upsertUsers.data;
      expect(ua.users).toHaveLength(1);
      expect(ua.users[0]).toMatchObject({ externalId: 'shared-user', email: 'a@iso.example', userBlocked: false, blockedAt: null });
      expect(ub.users[0]).toMatchObject({ externalId: 'shared-user', email: 'b@iso.example' });
      expect(ua.users[0].id).not.toBe(ub.users[0].id);
      expect(ua.errors.map((e: { field: string }) => e.field)).toEqual(['externalId', 'email']);
      // The same external id again from B updates B's row only.
      await p.gql(document, { users: [{ externalId: 'shared-user', name: 'b again' }] }, b.apiKey);
      const rows = await p.app.prisma.user.findMany({ where: { externalId: 'shared-user' }, orderBy: { name: 'asc' } });
      expect(rows.map((r) => [r.tenantId, r.name])).toEqual([[a.tenantId, 'a'], [b.tenantId, 'b again']]);
      const tooMany = await p.gql(document, { users: Array.from({ length: 501 }, (_, i) => ({ externalId: `x${i}` })) }, a.apiKey);
      expect(tooMany.data!.upsertUsers).toMatchObject({ message: expect.stringMatching(/^users: at most 500/), fieldErrors: [{ path: ['users'], field: 'users' }] });
    },
  },
  viewerUsers: {
    document: `query($ext: String!) { viewer {
      user(externalId: $ext) { id externalId email }
      users(first: 10) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id externalId email tenantOnly: name } } } } }`,
    async run(document) {
      await p.gql(`mutation { upsertUsers(users: [{ externalId: "only-b", email: "only@b.example" }]) { __typename } }`, {}, b.apiKey);
      const [ra, rb] = await Promise.all([p.gql(document, { ext: 'shared-user' }, a.apiKey), p.gql(document, { ext: 'shared-user' }, b.apiKey)]);
      expect(ra.errors).toBeUndefined();
      const va = ra.data!.viewer;
      const vb = rb.data!.viewer;
      expect(va.user.email).toBe('a@iso.example');
      expect(vb.user.email).toBe('b@iso.example');
      const own = (tenantId: string) => p.app.prisma.user.findMany({ where: { tenantId } }).then((rows) => rows.map((r) => r.id).sort());
      expect(va.users.edges.map((e: { node: { id: string } }) => e.node.id).sort()).toEqual(await own(a.tenantId));
      expect(vb.users.edges.map((e: { node: { id: string } }) => e.node.id).sort()).toEqual(await own(b.tenantId));
      expect(va.users.totalCount).toBe((await own(a.tenantId)).length);
      expect(JSON.stringify(va)).not.toContain('b@iso.example');
      expect(JSON.stringify(va)).not.toContain('only-b');
      // B's user by its external id, asked by A: not found.
      expect((await p.gql(document, { ext: 'only-b' }, a.apiKey)).data!.viewer.user).toBeNull();
    },
  },
  viewerUserChanged: {
    document: `subscription { viewerUserChanged { userId kind user { id externalId userBlocked } } }`,
    async run(document) {
      const newKey = async (t: TestTenant) => {
        const res = await p.gql(
          `mutation($i: CreateTenantApiKeyInput!) { createTenantApiKey(input: $i) { ... on MutationCreateTenantApiKeySuccess { data { secret apiKey { id } } } } }`,
          { i: { tenantId: t.tenantId, name: 'iso-users' } }, owner,
        );
        return res.data!.createTenantApiKey.data as { secret: string; apiKey: { id: string } };
      };
      const [keyA, keyB] = await Promise.all([newKey(a), newKey(b)]);
      const userOf = (t: TestTenant) => p.app.prisma.user.findUniqueOrThrow({ where: { tenantId_externalId: { tenantId: t.tenantId, externalId: 'shared-user' } } });
      const [userA, userB] = await Promise.all([userOf(a), userOf(b)]);
      const sa = openSocket(p.url, keyA.secret);
      const sb = openSocket(p.url, keyB.secret);
      const heardByA = sa.subscribe(document);
      const heardByB = sb.subscribe(document);
      try {
        await within(Promise.all([sa.connected, sb.connected]), 5000, 'connections');
        await p.untilListening('userChanged', 2);
        const block = (id: string) => p.gql(`mutation($id: ID!) { blockUser(id: $id, reason: "isolation") { __typename } }`, { id }, owner);
        await block(userA.id);
        await expect.poll(() => heardByA.results.length, { timeout: 5000 }).toBe(1);
        expect(heardByA.results[0]!.data).toEqual({ viewerUserChanged: { userId: userA.id, kind: 'blocked', user: { id: userA.id, externalId: 'shared-user', userBlocked: true } } });
        // Upserts are not announced here, only blocks and unblocks.
        await p.gql(`mutation { upsertUsers(users: [{ externalId: "shared-user", role: "renamed" }]) { __typename } }`, {}, a.apiKey);
        await sleep(300);
        expect(heardByB.results).toEqual([]);
        expect(heardByA.results).toHaveLength(1);
        // A subscription opened before its key is revoked ends with the key and hears nothing more.
        await p.gql(`mutation($id: ID!) { revokeTenantApiKey(id: $id) { __typename } }`, { id: keyA.apiKey.id }, owner);
        await within(sa.closed, 3000, 'close of the revoked key\'s socket');
        await p.gql(`mutation($id: ID!) { unblockUser(id: $id) { __typename } }`, { id: userA.id }, owner);
        await block(userB.id);
        await expect.poll(() => heardByB.results.length, { timeout: 5000 }).toBe(1);
        expect(heardByB.results[0]!.data.viewerUserChanged.userId).toBe(userB.id);
        expect(heardByA.results).toHaveLength(1);
      } finally {
        await Promise.all([sa.dispose(), sb.dispose()]);
      }
    },
  },
  viewerTickets: {
    document: `query($text: String, $id: ID!) { viewer {
      tickets(first: 2, status: [NEW, OPEN], text: $text) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node {
        id number reference subject description descriptionHtml category priority status source createdAt updatedAt firstRespondedAt resolvedAt closedAt
        requester { id externalId }
        comments(first: 5) { id body bodyHtml authorType createdAt authorUser { id } attachments { id filename contentType size createdAt downloadUrl } }
        lastPublicComment { id body } } } }
      ticket(id: $id) { id subject comments { body } }
      ticketCounts(text: $text) { NEW OPEN PENDING ON_HOLD RESOLVED CLOSED total } } }`,
    async run(document) {
      const seeded = await Promise.all([a, b].map(async (t, i) => {
        const opened = await p.gql(`mutation($i: ViewerTicketInput!) { createViewerTicket(input: $i) { ... on MutationCreateViewerTicketSuccess { data { id } } } }`,
          { i: { requester: { externalId: 'iso-requester', name: `Req ${i}`, email: `req${i}@iso.example` }, subject: `Isolation walrus ${i}`, description: 'Shared words' } }, t.apiKey);
        const id = opened.data!.createViewerTicket.data.id as string;
        await p.gql(`mutation($id: ID!) { commentOnTicket(id: $id, input: { body: "internal walrus secret ${i}", internal: true }) { __typename } }`, { id }, owner);
        await p.gql(`mutation($id: ID!) { commentOnTicket(id: $id, input: { body: "public answer ${i}" }) { __typename } }`, { id }, owner);
        const reply = await p.gql(`mutation($id: ID!) { replyToTicket(id: $id, input: { body: "thanks ${i}" }) { ... on MutationReplyToTicketSuccess { data { id } } } }`, { id }, t.apiKey);
        const upload = await p.app.prisma.ticketAttachment.create({
          data: { tenantId: t.tenantId, ticketId: id, commentId: reply.data!.replyToTicket.data.id, filename: `log-${i}.txt`, contentType: 'text/plain', size: 3, sha256: 'x', storage: 'postgres', storageKey: `iso-${id}`, uploadedByType: 'REQUESTER' },
        });
        return { id, attachmentId: upload.id };
      }));
      const [ra, rb] = await Promise.all([
        p.gql(document, { text: 'walrus', id: seeded[0]!.id }, a.apiKey),
        p.gql(document, { text: 'walrus', id: seeded[0]!.id }, b.apiKey),
      ]);
      expect(ra.errors).toBeUndefined();
      const va = ra.data!.viewer;
      const vb = rb.data!.viewer;
      expect(va.tickets.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([seeded[0]!.id]);
      expect(vb.tickets.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([seeded[1]!.id]);
      expect(va.tickets.totalCount).toBe(1);
      expect(va.ticketCounts).toMatchObject({ OPEN: 1, total: 1 });
      expect(vb.ticketCounts).toMatchObject({ OPEN: 1, total: 1 });
      const thread = va.tickets.edges[0].node;
      expect(thread.comments.map((c: { body: string }) => c.body)).toEqual(['public answer 0', 'thanks 0']);
      expect(thread.comments[1].attachments).toEqual([expect.objectContaining({ id: seeded[0]!.attachmentId, filename: 'log-0.txt', downloadUrl: expect.stringMatching(new RegExp(`/tickets/attachments/${seeded[0]!.attachmentId}$`)) })]);
      expect(thread.lastPublicComment.body).toBe('thanks 0');
      expect(va.ticket.id).toBe(seeded[0]!.id);
      // B asks for A's ticket by id: not found.
      expect(vb.ticket).toBeNull();
      for (const text of [JSON.stringify(ra.data), JSON.stringify(rb.data)]) expect(text).not.toContain('internal walrus');
      expect(JSON.stringify(ra.data)).not.toContain(seeded[1]!.id);
      expect(JSON.stringify(rb.data)).not.toContain(seeded[0]!.id);
      // The word only an internal note holds finds nothing for a tenant, even its own ticket.
      const secret = await p.gql(document, { text: 'secret', id: seeded[0]!.id }, a.apiKey);
      expect(secret.data!.viewer.tickets.totalCount).toBe(0);
      expect(secret.data!.viewer.ticketCounts.total).toBe(0);
    },
  },
  createViewerTicket: {
    document: `mutation($i: ViewerTicketInput!) { createViewerTicket(input: $i) {
      ... on MutationCreateViewerTicketSuccess { data { id reference requester { id externalId email } } }
      ... on RequesterBlockedError { message userId }
      ... on ValidationError { message fieldErrors { path field message } } } }`,
    async run(document) {
      const input = (who: string) => ({ requester: { externalId: 'iso-create', name: who, email: `${who}@iso-create.example` }, subject: `From ${who}`, description: 'd' });
      const [ra, rb] = await Promise.all([p.gql(document, { i: input('a') }, a.apiKey), p.gql(document, { i: input('b') }, b.apiKey)]);
      const ta = ra.data!.createViewerTicket.data;
      const tb = rb.data!.createViewerTicket.data;
      expect(ta.requester.id).not.toBe(tb.requester.id);
      const rows = await p.app.prisma.ticket.findMany({ where: { id: { in: [ta.id, tb.id] } }, include: { requester: true } });
      expect(rows.find((r) => r.id === ta.id)).toMatchObject({ tenantId: a.tenantId, requester: { tenantId: a.tenantId, email: 'a@iso-create.example' } });
      expect(rows.find((r) => r.id === tb.id)).toMatchObject({ tenantId: b.tenantId, requester: { tenantId: b.tenantId } });
      // A blocked user of B cannot open a ticket; the same external id in A still can.
      await p.app.prisma.user.update({ where: { id: tb.requester.id }, data: { blockedAt: new Date() } });
      const blocked = await p.gql(document, { i: input('b') }, b.apiKey);
      expect(blocked.data!.createViewerTicket).toMatchObject({ userId: tb.requester.id });
      const fine = await p.gql(document, { i: input('a') }, a.apiKey);
      expect(fine.data!.createViewerTicket.data.requester.id).toBe(ta.requester.id);
      const bad = await p.gql(document, { i: { requester: {}, subject: '', description: 'd' } }, a.apiKey);
      expect(bad.data!.createViewerTicket.fieldErrors.map((f: { field: string }) => f.field).sort()).toEqual(['input.requester.externalId', 'input.subject']);
      await p.app.prisma.user.update({ where: { id: tb.requester.id }, data: { blockedAt: null } });
    },
  },
  replyToTicket: {
    document: `mutation($id: ID!, $body: String!) { replyToTicket(id: $id, input: { body: $body }) {
      ... on MutationReplyToTicketSuccess { data { id body } }
      ... on NotFoundError { message resourceType resourceId }
      ... on TicketClosedError { message ticketId }
      ... on RequesterBlockedError { message userId }
      ... on InvalidTransitionError { message resourceType currentStatus requestedStatus }
      ... on ValidationError { message fieldErrors { path field message } } } }`,
    async run(document) {
      const own = await Promise.all([a, b].map(async (t) => {
        const res = await p.gql(`mutation { createViewerTicket(input: { requester: { externalId: "iso-reply", email: "r@iso-reply.example" }, subject: "Reply", description: "d" }) { ... on MutationCreateViewerTicketSuccess { data { id } } } }`, {}, t.apiKey);
        return res.data!.createViewerTicket.data.id as string;
      }));
      const [ra, rb] = await Promise.all([p.gql(document, { id: own[0], body: 'from a' }, a.apiKey), p.gql(document, { id: own[1], body: 'from b' }, b.apiKey)]);
      expect(ra.data!.replyToTicket.data.body).toBe('from a');
      expect(rb.data!.replyToTicket.data.body).toBe('from b');
      // Across tenants: not found, nothing written.
      const cross = await p.gql(document, { id: own[1], body: 'a into b' }, a.apiKey);
      expect(cross.data!.replyToTicket).toMatchObject({ resourceType: 'Ticket', resourceId: own[1] });
      expect(await p.app.prisma.ticketComment.count({ where: { ticketId: own[1], body: 'a into b' } })).toBe(0);
      // A closed ticket takes no reply.
      await p.gql(`mutation($id: ID!) { closeViewerTicket(id: $id) { __typename } }`, { id: own[0] }, a.apiKey);
      expect((await p.gql(document, { id: own[0], body: 'late' }, a.apiKey)).data!.replyToTicket).toMatchObject({ ticketId: own[0] });
    },
  },
  closeViewerTicket: {
    document: `mutation($id: ID!) { closeViewerTicket(id: $id) {
      ... on MutationCloseViewerTicketSuccess { data { id status closedAt } }
      ... on NotFoundError { message resourceType resourceId }
      ... on InvalidTransitionError { message resourceType currentStatus requestedStatus }
      ... on ValidationError { message fieldErrors { path field message } } } }`,
    async run(document) {
      const own = await Promise.all([a, b].map(async (t) => {
        const res = await p.gql(`mutation { createViewerTicket(input: { requester: { externalId: "iso-close", email: "c@iso-close.example" }, subject: "Close", description: "d" }) { ... on MutationCreateViewerTicketSuccess { data { id } } } }`, {}, t.apiKey);
        return res.data!.createViewerTicket.data.id as string;
      }));
      const cross = await p.gql(document, { id: own[1] }, a.apiKey);
      expect(cross.data!.closeViewerTicket).toMatchObject({ resourceType: 'Ticket', resourceId: own[1] });
      expect((await p.app.prisma.ticket.findUniqueOrThrow({ where: { id: own[1] } })).status).toBe('NEW');
      const [ra, rb] = await Promise.all([p.gql(document, { id: own[0] }, a.apiKey), p.gql(document, { id: own[1] }, b.apiKey)]);
      expect(ra.data!.closeViewerTicket.data).toMatchObject({ id: own[0], status: 'CLOSED' });
      expect(rb.data!.closeViewerTicket.data).toMatchObject({ id: own[1], status: 'CLOSED' });
      expect((await p.gql(document, { id: own[0] }, a.apiKey)).data!.closeViewerTicket).toMatchObject({ currentStatus: 'CLOSED', requestedStatus: 'CLOSED' });
    },
  },
  viewerTicketChanged: {
    document: `subscription { viewerTicketChanged { ticketId number reference kind status priority ticket { id subject comments { body } } } }`,
    async run(document) {
      const newKey = async (t: TestTenant) => {
        const res = await p.gql(
          `mutation($i: CreateTenantApiKeyInput!) { createTenantApiKey(input: $i) { ... on MutationCreateTenantApiKeySuccess { data { secret apiKey { id } } } } }`,
          { i: { tenantId: t.tenantId, name: 'iso-tickets' } }, owner,
        );
        return res.data!.createTenantApiKey.data as { secret: string; apiKey: { id: string } };
      };
      const [keyA, keyB] = await Promise.all([newKey(a), newKey(b)]);
      const open = async (t: TestTenant) => {
        const res = await p.gql(`mutation { createViewerTicket(input: { requester: { externalId: "iso-live", email: "l@iso-live.example" }, subject: "Live", description: "d" }) { ... on MutationCreateViewerTicketSuccess { data { id } } } }`, {}, t.apiKey);
        return res.data!.createViewerTicket.data.id as string;
      };
      const [ticketA, ticketB] = await Promise.all([open(a), open(b)]);
      const comment = (id: string, body: string, internal = false) =>
        p.gql(`mutation($id: ID!, $i: TicketCommentInput!) { commentOnTicket(id: $id, input: $i) { __typename } }`, { id, i: { body, internal } }, owner);
      const sa = openSocket(p.url, keyA.secret);
      const sb = openSocket(p.url, keyB.secret);
      const heardByA = sa.subscribe(document);
      const heardByB = sb.subscribe(document);
      try {
        await within(Promise.all([sa.connected, sb.connected]), 5000, 'connections');
        await p.untilListening('ticketChanged', 2);
        // An internal note is announced to nobody in the tenant graph.
        await comment(ticketA, 'internal live secret', true);
        await comment(ticketA, 'public live answer');
        await expect.poll(() => heardByA.results.length, { timeout: 5000 }).toBe(1);
        expect(heardByA.results[0]!.data.viewerTicketChanged).toMatchObject({ ticketId: ticketA, kind: 'commented', status: 'OPEN', ticket: { id: ticketA, comments: [{ body: 'public live answer' }] } });
        expect(JSON.stringify(heardByA.results)).not.toContain('secret');
        await sleep(300);
        expect(heardByB.results).toEqual([]);
        // A subscription opened before its key is revoked ends with the key and hears nothing more.
        await p.gql(`mutation($id: ID!) { revokeTenantApiKey(id: $id) { __typename } }`, { id: keyA.apiKey.id }, owner);
        await within(sa.closed, 3000, "close of the revoked key's socket");
        await comment(ticketA, 'after revocation');
        await comment(ticketB, 'for b');
        await expect.poll(() => heardByB.results.length, { timeout: 5000 }).toBe(1);
        expect(heardByB.results[0]!.data.viewerTicketChanged.ticketId).toBe(ticketB);
        expect(heardByA.results).toHaveLength(1);
      } finally {
        await Promise.all([sa.dispose(), sb.dispose()]);
      }
    },
  },
  viewerAlertEvents: {
    document: `subscription { viewerAlertEvents { kind alertId ruleName severity state at } }`,
    async run(document) {
      const { createAlertRule } = await import('../src/modules/alerts/rules.ts');
      const { evaluateRule } = await import('../src/modules/alerts/service.ts');
      const at = new Date();
      // One tenant-visible rule per tenant over its own series, and a hidden one for tenant A.
      const rule = async (t: TestTenant, name: string, tenantVisible: boolean) => {
        const created = await createAlertRule(p.system, { name, metric: 'iso_alert_errors', tenantId: t.tenantId, tenantVisible, operator: 'GT', threshold: 1 });
        return created.id;
      };
      for (const t of [a, b]) {
        const series = await p.app.prisma.metricSeries.create({ data: { name: 'iso_alert_errors', key: `iso_alert_errors{}@${t.tenantId}`, labels: {}, tenantId: t.tenantId } });
        await p.app.prisma.metricPoint.create({ data: { seriesId: series.id, at: new Date(at.getTime() - 1000), value: 5 } });
      }
      const [visibleA, hiddenA, visibleB] = [await rule(a, 'Iso alerts A', true), await rule(a, 'Iso alerts A hidden', false), await rule(b, 'Iso alerts B', true)];
      const sa = openSocket(p.url, a.apiKey);
      const sb = openSocket(p.url, b.apiKey);
      const heardByA = sa.subscribe(document);
      const heardByB = sb.subscribe(document);
      try {
        await within(Promise.all([sa.connected, sb.connected]), 5000, 'connections');
        await p.untilListening('alertChanged', 2);
        await evaluateRule(p.system, hiddenA, at);
        await evaluateRule(p.system, visibleA, at);
        await expect.poll(() => heardByA.results.length, { timeout: 5000 }).toBe(1);
        expect(heardByA.results.map((r) => r.data.viewerAlertEvents)).toMatchObject([{ kind: 'FIRING', ruleName: 'Iso alerts A', state: 'FIRING' }]);
        await sleep(300);
        expect(heardByB.results).toEqual([]);
        await evaluateRule(p.system, visibleB, at);
        await expect.poll(() => heardByB.results.length, { timeout: 5000 }).toBe(1);
        expect(heardByB.results[0]!.data.viewerAlertEvents.ruleName).toBe('Iso alerts B');
        expect(heardByA.results).toHaveLength(1);
      } finally {
        await Promise.all([sa.dispose(), sb.dispose()]);
      }
    },
  },
  ticketAttachmentDownload: {
    document: `query($id: ID!) { viewer { ticket(id: $id) { comments { attachments { id downloadUrl } } } } }`,
    async run(document) {
      // Each tenant uploads a file through the attachments endpoint and replies with it.
      const seeded = await Promise.all([a, b].map(async (t, i) => {
        const opened = await p.gql(`mutation($i: ViewerTicketInput!) { createViewerTicket(input: $i) { ... on MutationCreateViewerTicketSuccess { data { id } } } }`,
          { i: { requester: { externalId: 'iso-files', name: `Files ${i}`, email: `files${i}@iso.example` }, subject: `Files ${i}`, description: 'With a file' } }, t.apiKey);
        const id = opened.data!.createViewerTicket.data.id as string;
        const res = await fetch(`${p.url}/tickets/${id}/attachments?filename=file-${i}.txt`, { method: 'POST', headers: { authorization: `Bearer ${t.apiKey}` }, body: `file of tenant ${i}` });
        const attachmentId = ((await res.json()) as { id: string }).id;
        await p.gql(`mutation($id: ID!, $f: [ID!]) { replyToTicket(id: $id, input: { body: "file attached", attachmentIds: $f }) { __typename } }`, { id, f: [attachmentId] }, t.apiKey);
        return { id, attachmentId };
      }));
      const [ra, rb] = await Promise.all([p.gql(document, { id: seeded[0]!.id }, a.apiKey), p.gql(document, { id: seeded[0]!.id }, b.apiKey)]);
      expect(ra.errors).toBeUndefined();
      const url = ra.data!.viewer.ticket.comments[0].attachments[0].downloadUrl as string;
      expect(url).toBe(`/tickets/attachments/${seeded[0]!.attachmentId}`);
      expect(rb.data!.viewer.ticket).toBeNull();
      const get = (key: string) => fetch(`${p.url}${url}`, { headers: { authorization: `Bearer ${key}` } });
      expect(await (await get(a.apiKey)).text()).toBe('file of tenant 0');
      expect((await get(b.apiKey)).status).toBe(404);
    },
  },
  recordMetrics: {
    document: `mutation($points: [MetricPointInput!]!) { recordMetrics(points: $points) { accepted rejected { index field message } } }`,
    async run(document) {
      // Each key records its own point; naming the other tenant is a rejection, not a write.
      const [ra, rb] = await Promise.all([
        p.gql(document, { points: [{ name: 'iso.orders', value: 1 }, { name: 'iso.orders', value: 2, tenantId: b.tenantId }] }, a.apiKey),
        p.gql(document, { points: [{ name: 'iso.orders', value: 3 }, { name: 'iso.orders', value: 4, tenantId: a.tenantId }] }, b.apiKey),
      ]);
      expect(ra.data!.recordMetrics).toEqual({ accepted: 1, rejected: [{ index: 1, field: 'tenantId', message: expect.any(String) }] });
      expect(rb.data!.recordMetrics).toEqual({ accepted: 1, rejected: [{ index: 1, field: 'tenantId', message: expect.any(String) }] });
      const series = await p.app.prisma.metricSeries.findMany({ where: { name: 'iso.orders' }, include: { points: true } });
      const byTenant = Object.fromEntries(series.map((s) => [s.tenantId, s.points.map((pt) => pt.value)]));
      expect(byTenant).toEqual({ [a.tenantId]: [1], [b.tenantId]: [3] });
    },
  },
  metricSeries: {
    document: `query($from: DateTime!, $to: DateTime!, $tenantId: ID) {
      metricSeries(name: "iso.cpu", from: $from, to: $to, aggregation: SUM, tenantId: $tenantId, groupBy: ["host"]) { labels tenantId points { at value } }
      metricNames(search: "iso.") { name seriesCount lastAt labelKeys } }`,
    async run(document) {
      const { recordMetrics } = await import('../src/modules/metrics/ingest.ts');
      await recordMetrics(p.system, [
        { name: 'iso.cpu', value: 10, labels: { host: 'a1' }, tenantId: a.tenantId },
        { name: 'iso.cpu', value: 20, labels: { host: 'b1' }, tenantId: b.tenantId },
        { name: 'iso.cpu', value: 30, labels: { host: 'platform' } },
        { name: 'iso.platform', value: 1 },
      ]);
      const vars = { from: new Date(Date.now() - 600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() };
      const [ra, rb] = await Promise.all([p.gql(document, vars, a.apiKey), p.gql(document, vars, b.apiKey)]);
      expect(ra.data!.metricSeries).toEqual([{ labels: { host: 'a1' }, tenantId: a.tenantId, points: [expect.objectContaining({ value: 10 })] }]);
      expect(rb.data!.metricSeries).toEqual([{ labels: { host: 'b1' }, tenantId: b.tenantId, points: [expect.objectContaining({ value: 20 })] }]);
      // Names come from the key's own series only: never the platform's, never the other tenant's label keys.
      expect(ra.data!.metricNames.map((n: { name: string }) => n.name)).not.toContain('iso.platform');
      expect(ra.data!.metricNames.find((n: { name: string }) => n.name === 'iso.cpu')).toMatchObject({ seriesCount: 1, labelKeys: ['host'] });
      // Asking for the other tenant's series is refused.
      const other = await p.gql(document, { ...vars, tenantId: b.tenantId }, a.apiKey);
      expect(other.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      // Over HTTP, a key's points are its own too.
      const res = await fetch(`${p.url}/metrics`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${a.apiKey}` },
        body: JSON.stringify({ points: [{ name: 'iso.http', value: 1, tenantId: b.tenantId }, { name: 'iso.http', value: 2 }] }),
      });
      expect(await res.json()).toEqual({ accepted: 1, rejected: [{ index: 0, field: 'tenantId', message: expect.any(String) }] });
      expect((await p.app.prisma.metricSeries.findMany({ where: { name: 'iso.http' } })).map((s) => s.tenantId)).toEqual([a.tenantId]);
    },
  },
  // Prompts: a tenant renders its own labels over the global ones, never another tenant's.
  renderPrompt: {
    document: `query($key: String!, $label: String!, $vars: JSON) { renderPrompt(key: $key, label: $label, variables: $vars) {
      __typename ... on Error { message }
      ... on QueryRenderPromptSuccess { data { text label parameters version { number } } }
      ... on MissingPromptVariableError { message variable } ... on UnknownPromptVariableError { message variable }
      ... on PromptVariableTypeError { message variable expected actual } ... on PromptInactiveError { message key }
      ... on NotFoundError { resourceType resourceId } ... on ValidationError { fieldErrors { path field message } } } }`,
    async run(document) {
      const { createPrompt, createPromptVersion, movePromptLabel, setPromptActive } = await import('../src/modules/prompts/service.ts');
      const { flushPromptUsage } = await import('../src/modules/prompts/usage.ts');
      const variables = [{ name: 'who', type: 'STRING' as const }];
      const prompt = await createPrompt(p.system, { key: 'iso.prompt', name: 'Iso', template: 'v1 {{who}}', variables, parameters: { temperature: 0 }, labels: ['production'] });
      const v2 = await createPromptVersion(p.system, prompt.id, { template: 'v2 {{who}}', variables });
      const v3 = await createPromptVersion(p.system, prompt.id, { template: 'v3 {{who}}', variables });
      await movePromptLabel(p.system, { promptId: prompt.id, label: 'production', versionId: v3.id, tenantId: b.tenantId });
      await movePromptLabel(p.system, { promptId: prompt.id, label: 'canary', versionId: v2.id, tenantId: a.tenantId });
      const run = (t: TestTenant, label: string, vars: unknown = { who: 'me' }) => p.gql(document, { key: 'iso.prompt', label, vars }, t.apiKey);
      const [pa, pb] = await Promise.all([run(a, 'production'), run(b, 'production')]);
      expect(pa.errors).toBeUndefined();
      // B's own production label (v3) is never used for A; A gets the global one.
      expect(pa.data!.renderPrompt).toEqual({ __typename: 'QueryRenderPromptSuccess', data: { text: 'v1 me', label: 'production', parameters: { temperature: 0 }, version: { number: 1 } } });
      expect(pb.data!.renderPrompt.data).toMatchObject({ text: 'v3 me', version: { number: 3 } });
      // A's custom label does not exist for B.
      const [ca, cb] = await Promise.all([run(a, 'canary'), run(b, 'canary')]);
      expect(ca.data!.renderPrompt.data).toMatchObject({ text: 'v2 me', version: { number: 2 } });
      expect(cb.data!.renderPrompt).toMatchObject({ __typename: 'NotFoundError', resourceType: 'PromptLabel' });
      // Typed refusals are the same for both tenants and name the variable.
      for (const t of [a, b]) {
        expect((await run(t, 'production', {})).data!.renderPrompt).toMatchObject({ __typename: 'MissingPromptVariableError', variable: 'who' });
        expect((await run(t, 'production', { who: 'me', x: 1 })).data!.renderPrompt).toMatchObject({ __typename: 'UnknownPromptVariableError', variable: 'x' });
        expect((await run(t, 'production', { who: 1 })).data!.renderPrompt).toMatchObject({ __typename: 'PromptVariableTypeError', expected: 'STRING', actual: 'NUMBER' });
        expect((await run(t, 'Not A Label')).data!.renderPrompt).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ field: 'label' }] });
      }
      // Usage is counted for the tenant that rendered, per version.
      await flushPromptUsage(p.system);
      const usage = await p.app.prisma.promptUsageDaily.findMany({ where: { version: { promptId: prompt.id } }, include: { version: { select: { number: true } } } });
      expect(usage.map((u) => [u.tenantId, u.version.number, u.count]).sort()).toEqual([[a.tenantId, 1, 1], [a.tenantId, 2, 1], [b.tenantId, 3, 1]].sort());
      // The scoped client: a tenant's labels are its own, usage is not readable at all.
      const db = p.app.tenantScoping.client(p.app.prisma, a.tenantId);
      expect((await db.promptTenantLabel.findMany({ where: { promptId: prompt.id } })).map((l) => l.tenantId)).toEqual([a.tenantId]);
      expect(() => (db as unknown as { promptUsageDaily: { findMany(): unknown } }).promptUsageDaily.findMany()).toThrow(TenantScopeError);
      // Admin-only prompt data (other tenants' labels, versions, usage) is not in the tenant graph.
      for (const query of [
        `{ prompt(id: "${prompt.id}") { tenantLabels { tenantId } } }`,
        `{ promptUsage(promptId: "${prompt.id}", from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z") { count } }`,
        `{ promptByKey(key: "iso.prompt") { versions { author { email } } } }`,
        `{ prompts(first: 5) { edges { node { id } } } }`,
        `mutation { movePromptLabel(promptId: "${prompt.id}", label: "production", versionId: "${v3.id}") { __typename } }`,
        `subscription { promptChanged { promptId } }`,
      ]) {
        const res = await p.gql(query, {}, a.apiKey);
        expect(res.errors?.[0]?.extensions?.code, query).toBe('GRAPHQL_VALIDATION_FAILED');
      }
      // An inactive prompt refuses both tenants alike.
      await setPromptActive(p.system, prompt.id, false);
      const [ia, ib] = await Promise.all([run(a, 'production'), run(b, 'production')]);
      expect([ia.data!.renderPrompt, ib.data!.renderPrompt]).toEqual([
        { __typename: 'PromptInactiveError', message: expect.any(String), key: 'iso.prompt' },
        { __typename: 'PromptInactiveError', message: expect.any(String), key: 'iso.prompt' },
      ]);
    },
  },
  // ─── settings ──────────────────────────────────────────────────────────────
  viewerSettings: {
    document: `{ viewer { settings { key category description value } tenant { plan { displayMonthlyPrice displayYearlyPrice } } } }`,
    async run(document) {
      const { setSetting, setTenantSetting, resetSetting } = await import('../src/modules/settings/service.ts');
      await setSetting(p.system, 'email.resendApiKey', 're_isolation_secret');
      await setSetting(p.system, 'general.statusPageUrl', 'https://status.iso.example');
      await setTenantSetting(p.system, a.tenantId, 'general.statusPageUrl', 'https://status.tenant-a.example');
      await setTenantSetting(p.system, a.tenantId, 'pricing.displayLocale', 'de-DE');
      try {
        const [ra, rb] = await Promise.all([p.gql(document, {}, a.apiKey), p.gql(document, {}, b.apiKey)]);
        expect(ra.errors).toBeUndefined();
        const values = (res: typeof ra) => Object.fromEntries(res.data!.viewer.settings.map((s: { key: string; value: unknown }) => [s.key, s.value]));
        expect(values(ra)).toMatchObject({ 'general.statusPageUrl': 'https://status.tenant-a.example', 'pricing.displayLocale': 'de-DE' });
        expect(values(rb)).toMatchObject({ 'general.statusPageUrl': 'https://status.iso.example', 'pricing.displayLocale': 'en-US' });
        expect(ra.data!.viewer.tenant.plan.displayMonthlyPrice).toMatch(/\u00a0\$$/);
        expect(rb.data!.viewer.tenant.plan.displayMonthlyPrice).toMatch(/^\$/);
        // Only tenant-visible keys, never a secret, and not the other tenant's value anywhere.
        for (const res of [ra, rb]) {
          expect(Object.keys(values(res))).not.toContain('email.resendApiKey');
          expect(Object.keys(values(res))).not.toContain('security.sessionTtlHours');
          expect(JSON.stringify(res)).not.toContain('re_isolation_secret');
        }
        expect(JSON.stringify(rb)).not.toContain('tenant-a');
        // The scoped client reaches the tenant's own overrides only, and no secret table at all.
        const scoped = p.app.tenantScoping.client(p.app.prisma, b.tenantId) as unknown as Record<string, { findMany: () => Promise<unknown[]> }>;
        expect(await scoped.tenantSetting!.findMany()).toEqual([]);
        expect(() => scoped.settingSecret!.findMany()).toThrow(TenantScopeError);
      } finally {
        await resetSetting(p.system, 'email.resendApiKey');
        await resetSetting(p.system, 'general.statusPageUrl');
      }
    },
  },
  // ─── navigation ───
  navigation: {
    document: `{ navigation { key label icon path children { key label icon path children { key label icon path children { key } } } } }`,
    async run(document) {
      const { createNavigationItem, setNavigationOverride } = await import('../src/modules/navigation/service.ts');
      const top = await createNavigationItem(p.system, { key: 'iso-nav', label: 'Iso', path: '/iso', icon: 'star' });
      await createNavigationItem(p.system, { key: 'iso-nav.child', label: 'Child', path: '/iso/child', parentId: top.id });
      await createNavigationItem(p.system, { key: 'iso-nav.secret', label: 'Secret', path: '/iso/secret', parentId: top.id, requiredEntitlement: 'iso-secret' });
      await setNavigationOverride(p.system, { tenantId: a.tenantId, itemKey: 'iso-nav.child', action: 'HIDE' });
      await setNavigationOverride(p.system, { tenantId: a.tenantId, itemKey: 'iso-nav.a-only', action: 'ADD', label: 'A only', path: '/iso/a', parentKey: 'iso-nav' });
      await setNavigationOverride(p.system, { tenantId: b.tenantId, itemKey: 'iso-nav', action: 'RENAME', label: 'Renamed by B' });
      const [ra, rb] = await Promise.all([p.gql(document, {}, a.apiKey), p.gql(document, {}, b.apiKey)]);
      expect(ra.errors).toBeUndefined();
      const mine = (res: typeof ra) => res.data!.navigation.find((n: { key: string }) => n.key === 'iso-nav');
      expect(mine(ra)).toEqual({ key: 'iso-nav', label: 'Iso', icon: 'star', path: '/iso', children: [{ key: 'iso-nav.a-only', label: 'A only', icon: null, path: '/iso/a', children: [] }] });
      expect(mine(rb)).toEqual({ key: 'iso-nav', label: 'Renamed by B', icon: 'star', path: '/iso', children: [{ key: 'iso-nav.child', label: 'Child', icon: null, path: '/iso/child', children: [] }] });
      expect(JSON.stringify(ra.data)).not.toContain('Renamed by B');
      expect(JSON.stringify(rb.data)).not.toContain('A only');
      expect(JSON.stringify([ra.data, rb.data])).not.toContain('Secret');
      // Neither the overrides nor the admin preview exist for a tenant key.
      for (const query of [`{ navigationOverrides(first: 5) { edges { node { id } } } }`, `{ resolvedNavigation(tenantId: "${b.tenantId}") { tree { key } } }`, `{ navigationItems(first: 5) { edges { node { id } } } }`]) {
        expect((await p.gql(query, {}, a.apiKey)).errors?.[0]?.extensions?.code, query).toBe('GRAPHQL_VALIDATION_FAILED');
      }
    },
  },
  navigationChanged: {
    document: `subscription { navigationChanged { reason navigation { key label icon path children { key label icon path children { key } } } } }`,
    async run(document) {
      const { createNavigationItem, setNavigationOverride } = await import('../src/modules/navigation/service.ts');
      await createNavigationItem(p.system, { key: 'iso-live', label: 'Live', path: '/live' });
      const sa = openSocket(p.url, a.apiKey);
      const sb = openSocket(p.url, b.apiKey);
      const heardByA = sa.subscribe(document);
      const heardByB = sb.subscribe(document);
      const live = (r: { data?: any }) => r.data.navigationChanged.navigation.find((n: { key: string }) => n.key === 'iso-live') ?? null;
      try {
        await within(Promise.all([sa.connected, sb.connected]), 5000, 'connections');
        await p.untilListening('navigationOverrideChanged', 2);
        await setNavigationOverride(p.system, { tenantId: a.tenantId, itemKey: 'iso-live', action: 'RENAME', label: 'A live' });
        await expect.poll(() => heardByA.results.length, { timeout: 5000 }).toBe(1);
        expect(heardByA.results[0]!.data.navigationChanged.reason).toBe('OVERRIDES');
        expect(live(heardByA.results[0]!)).toMatchObject({ label: 'A live' });
        await sleep(300);
        expect(heardByB.results).toEqual([]);
        // A change to the defaults reaches both, each with its own tree.
        await createNavigationItem(p.system, { key: 'iso-live-2', label: 'Live 2', path: '/live2' });
        await expect.poll(() => [heardByA.results.length, heardByB.results.length], { timeout: 5000 }).toEqual([2, 1]);
        expect(live(heardByA.results[1]!)).toMatchObject({ label: 'A live' });
        expect(live(heardByB.results[0]!)).toMatchObject({ label: 'Live' });
        expect(JSON.stringify(heardByB.results)).not.toContain('A live');
      } finally {
        await Promise.all([sa.dispose(), sb.dispose()]);
      }
    },
  },
  // ─── feature flags ─────────────────────────────────────────────────────────
  flags: {
    document: `query($c: FlagContextInput) { flags(context: $c) { key value reason ruleId bucket } }`,
    async run(document) {
      const flag = await isolationFlag();
      const [ra, rb] = await Promise.all([p.gql(document, { c: { userId: 'iso-user' } }, a.apiKey), p.gql(document, { c: { userId: 'iso-user' } }, b.apiKey)]);
      expect(ra.errors).toBeUndefined();
      const of = (r: typeof ra) => (r.data!.flags as { key: string }[]).find((f) => f.key === flag.key);
      // A's tenant override ("blue") comes before its user's ("red"); B has neither.
      expect(of(ra)).toMatchObject({ value: 'blue', reason: 'TENANT_OVERRIDE' });
      expect(of(rb)).toMatchObject({ value: 'green', reason: 'DEFAULT' });
      expect(JSON.stringify(rb.data)).not.toMatch(/blue|red/);
    },
  },
  flagSnapshot: {
    document: `{ flagSnapshot { version snapshot } }`,
    async run(document) {
      const flag = await isolationFlag();
      const [ra, rb] = await Promise.all([p.gql(document, {}, a.apiKey), p.gql(document, {}, b.apiKey)]);
      expect(ra.errors).toBeUndefined();
      const of = (r: typeof ra) => r.data!.flagSnapshot.snapshot.flags.find((f: { key: string }) => f.key === flag.key);
      expect(ra.data!.flagSnapshot.snapshot.tenant.id).toBe(a.tenantId);
      expect(of(ra)).toMatchObject({ tenantOverride: { value: 'blue' }, userOverrides: { 'iso-user': 'red' } });
      expect(rb.data!.flagSnapshot.snapshot.tenant.id).toBe(b.tenantId);
      expect(of(rb)).toMatchObject({ tenantOverride: null, userOverrides: {} });
      expect(JSON.stringify(rb.data)).not.toContain(a.tenantId);
      expect(JSON.stringify(rb.data)).not.toContain('iso-user');
      expect(JSON.stringify(ra.data)).not.toContain(b.tenantId);
    },
  },
  flagsChanged: {
    document: `subscription { flagsChanged { version keys } }`,
    async run(document) {
      const flag = await isolationFlag();
      const sa = openSocket(p.url, a.apiKey);
      const sb = openSocket(p.url, b.apiKey);
      const heardByA = sa.subscribe(document);
      const heardByB = sb.subscribe(document);
      try {
        await within(Promise.all([sa.connected, sb.connected]), 5000, 'connections');
        await sleep(300);
        // A's own override reaches A only; a global change reaches both.
        await setFlagTenantOverride(p.system, flag.id, a.tenantId, 'red');
        await expect.poll(() => heardByA.results.length, { timeout: 5000 }).toBe(1);
        expect(heardByA.results[0]!.data.flagsChanged.keys).toEqual([flag.key]);
        await sleep(300);
        expect(heardByB.results).toEqual([]);
        await setFlagEnabled(p.system, flag.id, false);
        await expect.poll(() => heardByB.results.length, { timeout: 5000 }).toBe(1);
        await expect.poll(() => heardByA.results.length, { timeout: 5000 }).toBe(2);
      } finally {
        await Promise.all([sa.dispose(), sb.dispose()]);
      }
    },
  },
};

let isolationFlags = 0;
/** A STRING flag with an override for tenant A and one for A's user `iso-user`. */
async function isolationFlag(): Promise<{ id: string; key: string }> {
  const flag = await createFlag(p.system, {
    key: `iso-${(isolationFlags += 1)}-${Date.now()}`, type: 'STRING', variants: ['green', 'blue', 'red'], defaultValue: 'green', onValue: 'green', enabled: true,
  });
  await setFlagTenantOverride(p.system, flag.id, a.tenantId, 'blue');
  await setFlagUserOverride(p.system, flag.id, a.tenantId, 'iso-user', 'red');
  return flag;
}

describe('tenant graph isolation (two tenants)', () => {
  it('has a two-tenant scenario for every field a tenant key can reach', () => {
    const covered = new Set(Object.values(scenarios).flatMap((s) => [...selectedFields(s.document)]));
    const missing = [...reachableFields()].filter((field) => !covered.has(field)).sort();
    expect(missing, 'tenant-graph fields without a two-tenant scenario in test/isolation.test.ts').toEqual([]);
  });

  for (const [name, scenario] of Object.entries(scenarios)) {
    it(`${name}: each tenant sees only its own data`, () => scenario.run(scenario.document));
  }

  it('does not expose admin-only fields or queries to a tenant key', async () => {
    for (const query of [
      `{ viewer { tenant { suspensionReason } } }`,
      `{ viewer { tenant { apiKeys { id } } } }`,
      `{ viewer { tenant { plan { status tenantCount } } } }`,
      `{ tenants(first: 5) { edges { node { id } } } }`,
      `{ tenant(id: "${b.tenantId}") { id } }`,
      `{ auditEvents(first: 1) { edges { node { id } } } }`,
      `mutation { suspendTenant(id: "${b.tenantId}", reason: "x") { __typename } }`,
      `subscription { tenantChanged { tenantId } }`,
      `{ viewer { user(externalId: "shared-user") { blockedReason } } }`,
      `{ viewer { user(externalId: "shared-user") { blockedBy { id } } } }`,
      `{ viewer { user(externalId: "shared-user") { tenant { id } timeline { entries { id } } } } }`,
      `{ users(first: 5) { edges { node { id } } } }`,
      `mutation { blockUser(id: "${b.tenantId}", reason: "x") { __typename } }`,
      `{ tickets(first: 5) { edges { node { id } } } }`,
      `{ viewer { tickets(first: 5) { edges { node { assignee { id } tags slaState history { id } } } } } }`,
      `{ viewer { tickets(first: 5) { edges { node { comments { internal authorAdmin { id } } } } } } }`,
      `mutation { commentOnTicket(id: "${b.tenantId}", input: { body: "x", internal: true }) { __typename } }`,
      `subscription { ticketChanged { ticketId } }`,
    ]) {
      const res = await p.gql(query, {}, a.apiKey);
      expect(res.data ?? null, query).toBeNull();
      expect(res.errors?.[0]?.extensions?.code, query).toBe('GRAPHQL_VALIDATION_FAILED');
    }
    const b2 = await p.app.prisma.tenant.findUniqueOrThrow({ where: { id: b.tenantId } });
    expect(b2.status).not.toBe('SUSPENDED');
  });

  it("scopes the data-access layer: another tenant's rows are invisible and unwritable", async () => {
    const db = p.app.tenantScoping.client(p.app.prisma, a.tenantId);
    const unscoped = db as unknown as Record<string, { findMany(): Promise<unknown> }> & { $queryRawUnsafe(sql: string): Promise<unknown> };
    expect(await db.tenant.findUnique({ where: { id: b.tenantId } })).toBeNull();
    expect((await db.tenant.findMany()).map((t) => t.id)).toEqual([a.tenantId]);
    expect(await db.tenantApiKey.count()).toBe(await p.app.prisma.tenantApiKey.count({ where: { tenantId: a.tenantId } }));
    expect((await db.tenantApiKey.updateMany({ where: { tenantId: b.tenantId }, data: { name: 'hacked' } })).count).toBe(0);
    await expect(db.tenant.update({ where: { id: b.tenantId }, data: { name: 'hacked' } })).rejects.toThrow();
    expect((await p.app.prisma.tenant.findUniqueOrThrow({ where: { id: b.tenantId } })).name).toBe('Tenant B');
    // Reading through a shared model cannot reach other tenants either.
    const plan = await db.plan.findUnique({ where: { id: b.planId }, include: { tenants: true } });
    expect(plan!.tenants.every((t) => t.id === a.tenantId)).toBe(true);
    expect(() => unscoped.adminUser!.findMany()).toThrow(TenantScopeError);
    expect(() => (db.auditEvent as unknown as { findMany(): unknown }).findMany()).toThrow(TenantScopeError);
    expect(() => (db.plan as unknown as { update(args: object): unknown }).update({ where: { id: a.planId }, data: { name: 'x' } })).toThrow(TenantScopeError);
    expect(() => unscoped.$queryRawUnsafe('SELECT 1')).toThrow(TenantScopeError);
  });

  it('stops a key at once when its tenant is suspended, revoked or deleted', async () => {
    const VIEWER = `{ viewer { tenant { id } } }`;
    const c = await p.makeTenant({ name: 'Tenant C' });
    expect((await p.gql(VIEWER, {}, c.apiKey)).data?.viewer.tenant.id).toBe(c.tenantId);
    await p.gql(`mutation($id: ID!) { suspendTenant(id: $id, reason: "unpaid") { __typename } }`, { id: c.tenantId }, owner);
    expect((await p.gql(VIEWER, {}, c.apiKey)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await p.gql(`mutation($id: ID!) { activateTenant(id: $id) { __typename } }`, { id: c.tenantId }, owner);
    expect((await p.gql(VIEWER, {}, c.apiKey)).data?.viewer.tenant.id).toBe(c.tenantId);
    await p.gql(`mutation($id: ID!) { deleteTenant(id: $id) { __typename } }`, { id: c.tenantId }, owner);
    expect((await p.gql(VIEWER, {}, c.apiKey)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('rejects a revoked, expired or forged key', async () => {
    const VIEWER = `{ viewer { tenant { id } } }`;
    const key = await p.gql(
      `mutation($i: CreateTenantApiKeyInput!) { createTenantApiKey(input: $i) { ... on MutationCreateTenantApiKeySuccess { data { secret apiKey { id prefix active } } } } }`,
      { i: { tenantId: a.tenantId, name: 'ci' } }, owner,
    );
    const created = key.data!.createTenantApiKey.data;
    expect(created.secret.startsWith(created.apiKey.prefix)).toBe(true);
    expect((await p.gql(VIEWER, {}, created.secret)).data?.viewer.tenant.id).toBe(a.tenantId);
    const stored = await p.app.prisma.tenantApiKey.findUniqueOrThrow({ where: { id: created.apiKey.id } });
    // The part after `ogk_<prefix>_` (base64url: it may itself contain `_`).
    expect(JSON.stringify(stored)).not.toContain(created.secret.slice(`ogk_${created.apiKey.prefix}_`.length));
    expect(stored.lastUsedAt).not.toBeNull();
    await p.gql(`mutation($id: ID!) { revokeTenantApiKey(id: $id) { __typename } }`, { id: created.apiKey.id }, owner);
    expect((await p.gql(VIEWER, {}, created.secret)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await p.gql(VIEWER, {}, `${a.apiKey.slice(0, -4)}AAAA`)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // A key that expires in a moment works until then (and is remembered), then stops at its expiry.
    const expiresAt = new Date(Date.now() + 500);
    const shortLived = await p.gql(
      `mutation($i: CreateTenantApiKeyInput!) { createTenantApiKey(input: $i) { ... on MutationCreateTenantApiKeySuccess { data { secret } } } }`,
      { i: { tenantId: b.tenantId, name: 'short', expiresAt: expiresAt.toISOString() } }, owner,
    );
    const secret = shortLived.data!.createTenantApiKey.data.secret as string;
    expect((await p.gql(VIEWER, {}, secret)).data?.viewer.tenant.id).toBe(b.tenantId);
    await sleep(expiresAt.getTime() - Date.now() + 10);
    expect((await p.gql(VIEWER, {}, secret)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it("hears only its own tenant's events, whatever filter a tenant-scope subscription passes", async () => {
    const { createScope } = await import('../src/scope.ts');
    const scope = createScope(p.app, { kind: 'tenant', tenantId: a.tenantId, apiKeyId: 'k', keyExpiresAt: null });
    const heard: unknown[] = [];
    const iterator = scope.subscribe('tenantChanged', () => true);
    void (async () => {
      for await (const e of { [Symbol.asyncIterator]: () => iterator }) heard.push(e);
    })();
    await p.app.pubsub.start();
    await p.app.pubsub.publish('tenantChanged', { tenantId: b.tenantId, kind: 'updated', status: 'ACTIVE' });
    await p.app.pubsub.publish('tenantChanged', { tenantId: a.tenantId, kind: 'updated', status: 'ACTIVE' });
    await expect.poll(() => heard.length, { timeout: 5000 }).toBe(1);
    expect(heard).toEqual([{ tenantId: a.tenantId, kind: 'updated', status: 'ACTIVE' }]);
    await iterator.return?.();
  });
});
