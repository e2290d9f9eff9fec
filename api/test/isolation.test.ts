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
};

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
    expect(JSON.stringify(stored)).not.toContain(created.secret.split('_')[2]);
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
