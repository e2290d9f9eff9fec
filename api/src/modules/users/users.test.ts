import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type TestPlatform } from '../../../test/harness.ts';

let p: TestPlatform;
let owner: string;
let t: { tenantId: string; planId: string; apiKey: string };

beforeAll(async () => {
  p = await startPlatform({ recordQueries: true });
  owner = (await p.login('OWNER')).token;
  t = await p.makeTenant({ name: 'Users Co' });
});
afterAll(() => p.close());

const UPSERT = `mutation($users: [UserInput!]!) { upsertUsers(users: $users) {
  __typename
  ... on MutationUpsertUsersSuccess { data { users { id externalId email name locale timeZone attributes lastSeenAt userBlocked updatedAt } errors { index field message } } }
  ... on ValidationError { message fieldErrors { field message } } } }`;

async function upsert(users: unknown[], key = t.apiKey) {
  const res = await p.gql(UPSERT, { users }, key);
  expect(res.errors).toBeUndefined();
  return res.data!.upsertUsers;
}

const BLOCK = `mutation($id: ID!, $reason: String!) { blockUser(id: $id, reason: $reason) {
  __typename ... on MutationBlockUserSuccess { data { id userBlocked blockedReason blockedBy { email } } }
  ... on InvalidTransitionError { currentStatus requestedStatus } ... on ValidationError { fieldErrors { field message } } } }`;
const UNBLOCK = `mutation($id: ID!) { unblockUser(id: $id) { __typename ... on MutationUnblockUserSuccess { data { id userBlocked blockedReason } } ... on InvalidTransitionError { currentStatus } } }`;

describe('upsertUsers', () => {
  it('stores the valid items of a batch and reports each invalid one by index and field', async () => {
    const result = await upsert([
      { externalId: 'u-1', email: 'Ada@Example.com', name: 'Ada', locale: 'en-us', timeZone: 'Europe/Paris', attributes: { plan: 'pro', seats: 3, beta: true, tags: ['a', 'b'] } },
      { externalId: 'u-2', email: 'not-an-email' },
      { externalId: 'u-3', locale: 'not a locale!', timeZone: 'Mars/Olympus' },
      { externalId: 'u-4', attributes: { nested: { no: 1 } } },
      { externalId: 'u-5', attributes: ['list'] },
      { externalId: '', name: 'No id' },
      { externalId: 'u-1', name: 'Twice' },
      { externalId: 'u-6', lastSeenAt: '2026-01-02T03:04:05Z' },
    ]);
    expect(result.__typename).toBe('MutationUpsertUsersSuccess');
    const { users, errors } = result.data;
    expect(users.map((u: { externalId: string }) => u.externalId)).toEqual(['u-1', 'u-6']);
    expect(users[0]).toMatchObject({ email: 'ada@example.com', locale: 'en-US', timeZone: 'Europe/Paris', userBlocked: false, attributes: { plan: 'pro', seats: 3, beta: true, tags: ['a', 'b'] } });
    expect(users[1].lastSeenAt).toBe('2026-01-02T03:04:05.000Z');
    const byIndex = errors.map((e: { index: number; field: string }) => `${e.index}:${e.field}`);
    expect(byIndex).toEqual(['1:email', '2:locale', '2:timeZone', '3:attributes.nested', '4:attributes', '5:externalId', '6:externalId']);
    expect(errors.find((e: { index: number }) => e.index === 6).message).toMatch(/first at index 0/);
    expect(await p.app.prisma.user.count({ where: { tenantId: t.tenantId } })).toBe(2);
  });

  it('is idempotent on the external id: the same batch again changes nothing, a new value updates in place', async () => {
    const batch = [{ externalId: 'idem-1', name: 'First', attributes: { a: 1 } }, { externalId: 'idem-2', email: 'two@example.com' }];
    const first = (await upsert(batch)).data.users;
    const again = (await upsert(batch)).data.users;
    expect(again).toEqual(first);
    const changed = (await upsert([{ externalId: 'idem-1', name: 'Renamed' }])).data.users[0];
    expect(changed).toMatchObject({ id: first[0].id, name: 'Renamed', attributes: { a: 1 } });
    // null clears a field; an older lastSeenAt never moves it back.
    await upsert([{ externalId: 'idem-2', lastSeenAt: '2026-03-01T00:00:00Z' }]);
    const cleared = (await upsert([{ externalId: 'idem-2', email: null, lastSeenAt: '2026-02-01T00:00:00Z' }])).data.users[0];
    expect(cleared).toMatchObject({ email: null, lastSeenAt: '2026-03-01T00:00:00.000Z' });
    expect(await p.app.prisma.user.count({ where: { tenantId: t.tenantId, externalId: { startsWith: 'idem-' } } })).toBe(2);
  });

  it('refuses more than 500 users in one call, naming the field, and stores none', async () => {
    const users = Array.from({ length: 501 }, (_, i) => ({ externalId: `big-${i}` }));
    const result = await upsert(users);
    expect(result.__typename).toBe('ValidationError');
    expect(result.fieldErrors).toEqual([{ field: 'users', message: 'at most 500 users per call (got 501)' }]);
    expect(await p.app.prisma.user.count({ where: { externalId: { startsWith: 'big-' } } })).toBe(0);
    const full = await upsert(users.slice(0, 500));
    expect(full.data.users).toHaveLength(500);
  });

  it('leaves one row when batches race on the same external ids, and none of them fails', async () => {
    const batches = Array.from({ length: 6 }, (_, n) => [
      { externalId: 'race-a', name: `A${n}` },
      { externalId: 'race-b', name: `B${n}` },
    ]);
    const results = await Promise.all(batches.map((b, n) => upsert(n % 2 ? [...b].reverse() : b)));
    for (const r of results) expect(r.data.errors).toEqual([]);
    const rows = await p.app.prisma.user.findMany({ where: { tenantId: t.tenantId, externalId: { startsWith: 'race-' } } });
    expect(rows).toHaveLength(2);
    expect(new Set(results.map((r) => r.data.users.find((u: { externalId: string }) => u.externalId === 'race-a').id))).toEqual(
      new Set([rows.find((r) => r.externalId === 'race-a')!.id]),
    );
  });

  it('is not open to admins or anonymous callers', async () => {
    expect((await p.gql(UPSERT, { users: [] }, owner)).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await p.gql(UPSERT, { users: [] })).errors?.[0]?.extensions?.code).toMatch(/UNAUTHENTICATED|GRAPHQL_VALIDATION_FAILED/);
  });
});

describe('block and unblock', () => {
  async function freshUser(externalId: string) {
    return (await upsert([{ externalId, email: `${externalId}@example.com`, name: externalId }])).data.users[0].id as string;
  }

  it('blocks with a reason, audited and shown to the tenant as userBlocked; unblock clears it', async () => {
    const id = await freshUser('blockee');
    const missing = await p.gql(BLOCK, { id, reason: ' ' }, owner);
    expect(missing.data!.blockUser.fieldErrors).toEqual([{ field: 'reason', message: 'give a reason (3 characters or more)' }]);
    const blocked = await p.gql(BLOCK, { id, reason: 'Chargeback fraud' }, owner);
    expect(blocked.data!.blockUser.data).toMatchObject({ userBlocked: true, blockedReason: 'Chargeback fraud', blockedBy: { email: expect.any(String) } });
    const seen = await p.gql(`{ viewer { user(externalId: "blockee") { userBlocked } } }`, {}, t.apiKey);
    expect(seen.data!.viewer.user).toEqual({ userBlocked: true });
    const unblocked = await p.gql(UNBLOCK, { id }, owner);
    expect(unblocked.data!.unblockUser.data).toEqual({ id, userBlocked: false, blockedReason: null });
    const again = await p.gql(UNBLOCK, { id }, owner);
    expect(again.data!.unblockUser).toEqual({ __typename: 'InvalidTransitionError', currentStatus: 'ACTIVE' });
    const entries = await p.app.prisma.auditEvent.findMany({ where: { targetType: 'User', targetId: id }, orderBy: { occurredAt: 'asc' } });
    expect(entries.map((e) => e.action)).toEqual(['user.block', 'user.unblock']);
    expect(entries[0]!.tenantId).toBe(t.tenantId);
  });

  it('gives one success and one typed refusal to two admins blocking at once, with one audit entry', async () => {
    const id = await freshUser('contested');
    const support = (await p.login('SUPPORT')).token;
    const [r1, r2] = await Promise.all([p.gql(BLOCK, { id, reason: 'first admin' }, owner), p.gql(BLOCK, { id, reason: 'second admin' }, support)]);
    const kinds = [r1.data!.blockUser.__typename, r2.data!.blockUser.__typename].sort();
    expect(kinds).toEqual(['InvalidTransitionError', 'MutationBlockUserSuccess']);
    expect(await p.app.prisma.auditEvent.count({ where: { action: 'user.block', targetId: id } })).toBe(1);
  });

  it('refuses block and unblock to a role without USERS_WRITE', async () => {
    const id = await freshUser('viewer-try');
    const viewer = (await p.login('VIEWER')).token;
    expect((await p.gql(BLOCK, { id, reason: 'no rights' }, viewer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('admin reads', () => {
  it('shows a timeline of audit entries and emails about the user, newest first, in pages', async () => {
    const id = await (async () => (await upsert([{ externalId: 'timeline', email: 'tl@example.com' }])).data.users[0].id as string)();
    const template = await p.app.prisma.emailTemplate.create({ data: { key: `tl-${Date.now()}`, name: 'Timeline' } });
    const version = await p.app.prisma.emailTemplateVersion.create({ data: { templateId: template.id, version: 1, subject: 'Welcome', html: '<p>Hi</p>', text: 'Hi' } });
    const email = await p.app.prisma.email.create({
      data: { tenantId: t.tenantId, userId: id, templateId: template.id, templateVersionId: version.id, toAddress: 'tl@example.com', fromAddress: 'ops@example.com', subject: 'Welcome', transport: 'outbox', status: 'SENT' },
    });
    await p.gql(BLOCK, { id, reason: 'Abuse report' }, owner);
    await p.gql(UNBLOCK, { id }, owner);
    const TIMELINE = `query($id: ID!, $after: String) { user(id: $id) { externalId tenant { name } timeline(first: 2, after: $after) {
      endCursor entries { kind id occurredAt action subject emailStatus audit { action actorEmail } email { id subject status } } } } }`;
    const page1 = await p.gql(TIMELINE, { id }, owner);
    expect(page1.errors).toBeUndefined();
    const tl1 = page1.data!.user.timeline;
    expect(tl1.entries.map((e: { kind: string; audit?: { action: string } }) => e.audit?.action ?? e.kind)).toEqual(['user.unblock', 'user.block']);
    expect(tl1.endCursor).not.toBeNull();
    const tl2 = (await p.gql(TIMELINE, { id, after: tl1.endCursor }, owner)).data!.user.timeline;
    expect(tl2.entries).toEqual([{
      kind: 'EMAIL', id: email.id, occurredAt: email.createdAt.toISOString(), action: null, subject: 'Welcome', emailStatus: 'SENT',
      audit: null, email: { id: email.id, subject: 'Welcome', status: 'SENT' },
    }]);
    expect(tl1.entries[0]).toMatchObject({ action: 'user.unblock', subject: null, emailStatus: null });
    expect(tl2.endCursor).toBeNull();
    const bad = await p.gql(TIMELINE, { id, after: 'nope' }, owner);
    expect(bad.errors?.[0]?.message).toMatch(/after: not a valid cursor/);
  });

  it('filters the users list by tenant, blocked state, text and last seen, and exports the same as CSV', async () => {
    const other = await p.makeTenant({ name: 'Other Users Co' });
    await upsert([
      { externalId: 'list-1', email: 'grace@hopper.example', name: 'Grace', lastSeenAt: '2026-05-01T00:00:00Z' },
      { externalId: 'list-2', email: 'linus@example.com', name: 'Linus', lastSeenAt: '2026-06-01T00:00:00Z' },
    ], other.apiKey);
    const LIST = `query($f: UserFilter) { users(first: 10, filter: $f, sort: LAST_SEEN_AT_DESC) { totalCount edges { node { externalId tenant { name } } } } }`;
    const all = (await p.gql(LIST, { f: { tenantId: other.tenantId } }, owner)).data!.users;
    expect(all.edges.map((e: { node: { externalId: string } }) => e.node.externalId)).toEqual(['list-2', 'list-1']);
    const hopper = (await p.gql(LIST, { f: { search: 'HOPPER' } }, owner)).data!.users;
    expect(hopper.edges).toEqual([{ node: { externalId: 'list-1', tenant: { name: 'Other Users Co' } } }]);
    const may = (await p.gql(LIST, { f: { tenantId: other.tenantId, lastSeenFrom: '2026-04-15T00:00:00Z', lastSeenTo: '2026-05-15T00:00:00Z', blocked: false } }, owner)).data!.users;
    expect(may.totalCount).toBe(1);
    const reversed = await p.gql(LIST, { f: { lastSeenFrom: '2026-06-01T00:00:00Z', lastSeenTo: '2026-05-01T00:00:00Z' } }, owner);
    expect(reversed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const res = await fetch(`${p.url}/exports/users.csv?tenantId=${other.tenantId}&sort=LAST_SEEN_AT_DESC`, { headers: { authorization: `Bearer ${owner}` } });
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^id,tenantId,tenantName,externalId,email/);
    expect(lines.slice(1).map((l) => l.split(',')[3])).toEqual(['list-2', 'list-1']);
    expect(lines[1]).toContain('Other Users Co');
    expect((await fetch(`${p.url}/exports/users.csv?blocked=maybe`, { headers: { authorization: `Bearer ${owner}` } })).status).toBe(400);
  });

  it('loads users(first: 50) with nested tenant in one SQL statement, totals in one more', async () => {
    await upsert(Array.from({ length: 60 }, (_, i) => ({ externalId: `count-${i}`, email: `c${i}@example.com` })));
    await p.gql('{ me { id } }', {}, owner);
    const sql = await p.recordQueries(async () => {
      const res = await p.gql(`{ users(first: 50) { edges { node { id email userBlocked tenant { name status plan { name } } } } } }`, {}, owner);
      expect(res.data!.users.edges).toHaveLength(50);
    });
    expect(sql).toHaveLength(1);
    expect(sql[0]).toMatch(/"User"/);
    expect(sql[0]).toMatch(/"Tenant"/);
    const withTotal = await p.recordQueries(() => p.gql(`{ users(first: 50) { totalCount edges { node { id tenant { name } } } } }`, {}, owner));
    expect(withTotal).toHaveLength(2);
  });

  it("pages a tenant key's own users in one statement", async () => {
    await p.gql(`{ viewer { tenant { id } } }`, {}, t.apiKey);
    const sql = await p.recordQueries(async () => {
      const res = await p.gql(`{ viewer { users(first: 20) { edges { node { externalId userBlocked attributes } } pageInfo { hasNextPage } } } }`, {}, t.apiKey);
      expect(res.data!.viewer.users.edges).toHaveLength(20);
      expect(res.data!.viewer.users.pageInfo.hasNextPage).toBe(true);
    });
    expect(sql).toHaveLength(1);
  });
});

describe('demo data', () => {
  it('seeds users for the newest tenants, one blocked, and runs again without duplicates', async () => {
    const { seedUsers } = await import('./seed.ts');
    const before = await p.app.prisma.user.count();
    const [line] = await seedUsers(p.system);
    expect(line).toMatch(/^\d+ users across \d+ tenants$/);
    const added = (await p.app.prisma.user.count()) - before;
    expect(added).toBeGreaterThan(0);
    expect(await p.app.prisma.user.count({ where: { blockedReason: { startsWith: 'Demo:' } } })).toBe(1);
    await seedUsers(p.system);
    expect((await p.app.prisma.user.count()) - before).toBe(added);
  });
});
