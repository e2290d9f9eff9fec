// Each instance remembers the tokens it has just authenticated (the credential cache), so a request costs
// no lookup; revocation must still be immediate: on the instance that made it, at once, and on every other
// one as soon as the event arrives, whoever made the change (a service or plain SQL).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type TestPlatform } from './harness.ts';

let a: TestPlatform;
let b: TestPlatform;
let owner: string;

beforeAll(async () => {
  a = await startPlatform({ recordQueries: true });
  b = await startPlatform({ databaseUrl: a.databaseUrl, adminUrl: a.adminUrl });
  owner = (await a.login('OWNER')).token;
  // Both instances hear revocations before the tests start.
  await Promise.all([a.app.pubsub.start(), b.app.pubsub.start()]);
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

const ME = '{ me { id role } }';
const VIEWER = '{ viewer { tenant { id } } }';
const codeOf = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions?.code;

/** Asks `p` until the token is refused; fails after `ms`. Returns how long it took. */
async function refusedWithin(p: TestPlatform, query: string, token: string, ms: number): Promise<number> {
  const started = Date.now();
  while (codeOf(await p.gql(query, {}, token)) !== 'UNAUTHENTICATED') {
    if (Date.now() - started > ms) throw new Error(`still accepted after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - started;
}

/** Authenticates the token on both instances, so both remember it. */
async function warm(query: string, token: string): Promise<void> {
  for (const p of [a, b]) expect((await p.gql(query, {}, token)).errors).toBeUndefined();
  expect(b.app.credentials.get(token)).toBeDefined();
}

describe('credential cache', () => {
  it('refuses a revoked API key on the revoking instance at once, and on the other one as soon as it hears', async () => {
    const tenant = await a.makeTenant();
    await warm(VIEWER, tenant.apiKey);
    const key = await a.app.prisma.tenantApiKey.findFirstOrThrow({ where: { tenantId: tenant.tenantId } });
    const res = await a.gql(`mutation($id: ID!) { revokeTenantApiKey(id: $id) { __typename } }`, { id: key.id }, owner);
    expect(res.data?.revokeTenantApiKey.__typename).toBe('MutationRevokeTenantApiKeySuccess');
    expect(codeOf(await a.gql(VIEWER, {}, tenant.apiKey))).toBe('UNAUTHENTICATED');
    expect(await refusedWithin(b, VIEWER, tenant.apiKey, 1000)).toBeLessThan(1000);
  });

  it('serves a remembered session without looking it up again', async () => {
    const { token } = await a.login('VIEWER');
    const first = await a.recordQueries(() => a.gql(ME, {}, token));
    expect(first.some((sql) => /"AdminSession"/.test(sql))).toBe(true);
    const later = await a.recordQueries(() => a.gql(ME, {}, token));
    expect(later.some((sql) => /"AdminSession"/.test(sql))).toBe(false);
  });

  it.each([
    ['a session revoked', `UPDATE "AdminSession" SET "revokedAt" = now() WHERE "adminUserId" = $1`],
    ['a session expired early', `UPDATE "AdminSession" SET "expiresAt" = now() - interval '1 second' WHERE "adminUserId" = $1`],
    ['an admin deactivated', `UPDATE "AdminUser" SET active = false WHERE id = $1`],
    ['a session deleted', `DELETE FROM "AdminSession" WHERE "adminUserId" = $1`],
  ])('refuses a session everywhere when the database announces %s in plain SQL', async (_case, sql) => {
    const admin = await a.login('ADMIN');
    await warm(ME, admin.token);
    await a.app.prisma.$executeRawUnsafe(sql, admin.userId);
    await refusedWithin(a, ME, admin.token, 1000);
    await refusedWithin(b, ME, admin.token, 1000);
  });

  it('keeps answering a session whose expiry is brought forward in SQL, until that new expiry only', async () => {
    // An instance that would otherwise trust what it remembers for a minute.
    const patient = await startPlatform({ databaseUrl: a.databaseUrl, adminUrl: a.adminUrl, credentialTtlMs: 60_000 });
    try {
      await patient.app.pubsub.start();
      const admin = await a.login('ADMIN');
      expect((await patient.gql(ME, {}, admin.token)).data?.me.id).toBe(admin.userId);
      expect(patient.app.credentials.get(admin.token)).toBeDefined();
      await a.app.prisma.$executeRaw`UPDATE "AdminSession" SET "expiresAt" = now() + interval '1500 milliseconds' WHERE "adminUserId" = ${admin.userId}::uuid`;
      expect((await patient.gql(ME, {}, admin.token)).data?.me.id).toBe(admin.userId);
      // Remembered with its old expiry (hours away) it would be accepted for a minute; it ends at the new one.
      await refusedWithin(patient, ME, admin.token, 10_000);
    } finally {
      await patient.close();
    }
  });

  it('answers with the new role after a role change made in SQL', async () => {
    const admin = await a.login('VIEWER');
    await warm(ME, admin.token);
    await a.app.prisma.$executeRaw`UPDATE "AdminUser" SET role = 'SUPPORT' WHERE id = ${admin.userId}::uuid`;
    const started = Date.now();
    while ((await b.gql(ME, {}, admin.token)).data?.me.role !== 'SUPPORT') {
      if (Date.now() - started > 1000) throw new Error('the old role was still served after 1 s');
      await new Promise((r) => setTimeout(r, 10));
    }
  });

  it.each([
    ['a key revoked', (keyId: string) => ({ sql: `UPDATE "TenantApiKey" SET "revokedAt" = now() WHERE id = $1`, arg: keyId })],
    ['a key expired', (keyId: string) => ({ sql: `UPDATE "TenantApiKey" SET "expiresAt" = now() - interval '1 second' WHERE id = $1`, arg: keyId })],
    ['its tenant suspended', (_keyId: string, tenantId: string) => ({ sql: `UPDATE "Tenant" SET status = 'SUSPENDED' WHERE id = $1`, arg: tenantId })],
    ['its tenant deleted', (_keyId: string, tenantId: string) => ({ sql: `UPDATE "Tenant" SET status = 'DELETED' WHERE id = $1`, arg: tenantId })],
  ])('refuses an API key everywhere when the database announces %s in plain SQL', async (_case, change) => {
    const tenant = await a.makeTenant();
    await warm(VIEWER, tenant.apiKey);
    const key = await a.app.prisma.tenantApiKey.findFirstOrThrow({ where: { tenantId: tenant.tenantId } });
    const { sql, arg } = change(key.id, tenant.tenantId);
    await a.app.prisma.$executeRawUnsafe(sql, arg);
    await refusedWithin(b, VIEWER, tenant.apiKey, 1000);
  });

  it('sends one event per revocation, whether the service, the database or both announce it', async () => {
    const listener = new pg.Client({ connectionString: a.databaseUrl });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (msg) => {
      if (msg.payload?.includes('accessRevoked')) heard.push(msg.payload);
    });
    await listener.query('LISTEN opsgraph_events');
    try {
      const tenant = await a.makeTenant();
      const key = await a.app.prisma.tenantApiKey.findFirstOrThrow({ where: { tenantId: tenant.tenantId } });
      await a.gql(`mutation($id: ID!) { revokeTenantApiKey(id: $id) { __typename } }`, { id: key.id }, owner);
      // A later notification proves every earlier one has arrived.
      await a.app.prisma.$executeRaw`SELECT pg_notify('opsgraph_events', 'marker')`;
      const started = Date.now();
      while (!heard.length && Date.now() - started < 2000) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 100));
      expect(heard).toEqual([JSON.stringify({ event: 'accessRevoked', payload: { kind: 'apiKey', apiKeyId: key.id } })]);
    } finally {
      await listener.end();
    }
  });

  it('trusts nothing it remembered while its pub/sub connection was down: a revocation it never heard of is refused', async () => {
    const admin = await a.login('ADMIN');
    await warm(ME, admin.token);
    const lost = new Promise<void>((resolve) => {
      const stop = b.app.pubsub.onDisconnect(() => (stop(), resolve()));
    });
    await a.app.prisma.$queryRaw`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ${b.app.pubsub.applicationName}`;
    await lost;
    // No event at all: the triggers are off for this change, and B is not listening anyway.
    await a.unannounced(`UPDATE "AdminSession" SET "revokedAt" = now() WHERE "adminUserId" = $1`, admin.userId);
    expect(codeOf(await b.gql(ME, {}, admin.token))).toBe('UNAUTHENTICATED');
    // Once B listens again it remembers tokens again.
    const other = await a.login('VIEWER');
    const started = Date.now();
    while (!b.app.pubsub.listening) {
      if (Date.now() - started > 10_000) throw new Error('B did not listen again');
      await new Promise((r) => setTimeout(r, 20));
    }
    await b.gql(ME, {}, other.token);
    expect(b.app.credentials.get(other.token)).toBeDefined();
  });
});
