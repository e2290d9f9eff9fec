import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { TenantScopeError } from '../src/db/tenant-scope.ts';
import { startPlatform, type TestPlatform } from './harness.ts';

let p: TestPlatform;
let owner: string;
let a: { tenantId: string; planId: string; apiKey: string };
let b: { tenantId: string; planId: string; apiKey: string };

const VIEWER = `{ viewer { tenant { id name slug status trialEndsAt createdAt ownerName ownerEmail
  settings { timezone locale supportEmail brandColor }
  plan { id code name description currency monthlyPrice yearlyPrice trialDays entitlements
    quotas { emailsPerMonth smsPerMonth seats apiCallsPerMonth } } } } }`;

beforeAll(async () => {
  p = await startPlatform();
  owner = (await p.login('OWNER')).token;
  a = await p.makeTenant({ name: 'Tenant A' });
  b = await p.makeTenant({ name: 'Tenant B' });
});
afterAll(() => p.close());

describe('tenant graph isolation (two tenants)', () => {
  it('shows each key only its own tenant, with every tenant-graph field', async () => {
    const ra = await p.gql(VIEWER, {}, a.apiKey);
    const rb = await p.gql(VIEWER, {}, b.apiKey);
    expect(ra.errors).toBeUndefined();
    expect(ra.data!.viewer.tenant).toMatchObject({ id: a.tenantId, name: 'Tenant A', plan: { id: a.planId } });
    expect(rb.data!.viewer.tenant).toMatchObject({ id: b.tenantId, name: 'Tenant B', plan: { id: b.planId } });
    expect(JSON.stringify(ra.data)).not.toContain(b.tenantId);
  });

  it('does not expose admin-only fields or queries to a tenant key', async () => {
    for (const query of [
      `{ viewer { tenant { suspensionReason } } }`,
      `{ viewer { tenant { apiKeys { id } } } }`,
      `{ viewer { tenant { plan { status tenantCount } } } }`,
      `{ tenants(first: 5) { edges { node { id } } } }`,
      `{ tenant(id: "${b.tenantId}") { id } }`,
      `{ auditEvents(first: 1) { edges { node { id } } } }`,
      `mutation { suspendTenant(id: "${b.tenantId}", reason: "x") { __typename } }`,
    ]) {
      const res = await p.gql(query, {}, a.apiKey);
      expect(res.data ?? null, query).toBeNull();
      expect(res.errors?.[0]?.extensions?.code, query).toBe('GRAPHQL_VALIDATION_FAILED');
    }
    const b2 = await p.app.prisma.tenant.findUniqueOrThrow({ where: { id: b.tenantId } });
    expect(b2.status).not.toBe('SUSPENDED');
  });

  it('scopes the data-access layer: another tenant\'s rows are invisible and unwritable', async () => {
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
    await p.app.prisma.tenantApiKey.updateMany({ where: { tenantId: b.tenantId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await p.gql(VIEWER, {}, b.apiKey)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await p.app.prisma.tenantApiKey.updateMany({ where: { tenantId: b.tenantId }, data: { expiresAt: null } });
  });

  it('delivers viewerTenantChanged only for the key\'s own tenant', async () => {
    const subscribe = (key: string) => {
      const events: any[] = [];
      const client = createClient({ url: p.url.replace('http', 'ws') + '/graphql', webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${key}` }, lazy: false });
      let connected!: () => void;
      const ready = new Promise<void>((r) => (connected = r));
      client.on('connected', () => connected());
      client.subscribe({ query: `subscription { viewerTenantChanged { tenantId kind tenant { name } } }` }, {
        next: (v) => events.push(v.data?.viewerTenantChanged), error: () => {}, complete: () => {},
      });
      return { events, ready, client };
    };
    const sa = subscribe(a.apiKey);
    const sb = subscribe(b.apiKey);
    await Promise.all([sa.ready, sb.ready]);
    await new Promise((r) => setTimeout(r, 200));
    await p.gql(`mutation($id: ID!) { updateTenant(id: $id, input: { name: "Tenant A2" }) { __typename } }`, { id: a.tenantId }, owner);
    await expect.poll(() => sa.events.length, { timeout: 5000 }).toBe(1);
    expect(sa.events[0]).toEqual({ tenantId: a.tenantId, kind: 'updated', tenant: { name: 'Tenant A2' } });
    await new Promise((r) => setTimeout(r, 300));
    expect(sb.events).toEqual([]);
    await sa.client.dispose();
    await sb.client.dispose();
  });
});
