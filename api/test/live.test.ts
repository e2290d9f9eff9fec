// Live connections follow revocation across instances: a socket opened on instance B closes within a
// second of a revocation made through instance A (or of its credential's expiry), delivers nothing after
// it, and a reconnect with the same credential is refused at connect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/modules/tenants/api-keys.ts';
import { startPlatform, type TestPlatform } from './harness.ts';
import { openSocket, sleep, within, type Closed, type Operation, type TestSocket } from './live-client.ts';

let a: TestPlatform;
let b: TestPlatform;
let owner: string;
const latencies: { case: string; ms: number }[] = [];

beforeAll(async () => {
  a = await startPlatform();
  b = await startPlatform({ databaseUrl: a.databaseUrl });
  owner = (await a.login('OWNER')).token;
});
afterAll(async () => {
  if (latencies.length) console.log(`[live] revocation on A → socket closed on B: ${latencies.map((l) => `${l.case} ${l.ms} ms`).join(', ')}`);
  await b?.close();
  await a?.close();
});

const TENANT_CHANGED = `subscription($id: ID) { tenantChanged(id: $id) { tenantId kind tenant { name } } }`;
const VIEWER_CHANGED = `subscription { viewerTenantChanged { tenantId kind tenant { name } } }`;
const sockets: TestSocket[] = [];

function socketOnB(token: string): TestSocket {
  const socket = openSocket(b.url, token);
  sockets.push(socket);
  return socket;
}
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.dispose()));
});

let renames = 0;
function rename(tenantId: string) {
  renames += 1;
  return a.gql(`mutation($id: ID!, $n: String!) { updateTenant(id: $id, input: { name: $n }) { __typename } }`, { id: tenantId, n: `Renamed ${renames}` }, owner);
}

/** Runs `field(args)` (an admin mutation on `$id`) through A as the owner, and checks it succeeded. */
async function ownerOnA(field: string, args: string, id: string): Promise<void> {
  const res = await a.gql(`mutation($id: ID!) { ${field}(${args}) { __typename } }`, { id }, owner);
  expect(res.data?.[field]?.__typename, JSON.stringify(res)).toBe(`Mutation${field[0]!.toUpperCase()}${field.slice(1)}Success`);
}

/** Changes the tenant through A until the subscription on B delivers: it is live before the revocation. */
async function live(socket: TestSocket, op: Operation, tenantId: string): Promise<void> {
  await within(socket.connected, 5000, 'connection');
  for (let attempt = 0; op.results.length === 0; attempt += 1) {
    if (attempt === 20) throw new Error('the subscription never delivered');
    await rename(tenantId);
    for (let i = 0; i < 10 && op.results.length === 0; i += 1) await sleep(50);
  }
  expect(op.results[0]!.errors).toBeUndefined();
}

/**
 * Revokes through A and checks the socket on B: closed with `code` within 1 s of the revocation's commit,
 * nothing delivered from the moment the revocation was sent, nothing after a further change either.
 */
async function expectClosedByRevocation(
  name: string,
  socket: TestSocket,
  op: Operation,
  tenantId: string,
  revoke: () => Promise<unknown>,
  code: number,
  reason: RegExp,
): Promise<Closed> {
  const sent = Date.now();
  await revoke();
  const committed = Date.now();
  const closed = await within(socket.closed, 3000, `close of the socket on B after ${name}`);
  expect(closed.code).toBe(code);
  expect(closed.reason).toMatch(reason);
  const latency = closed.at - committed;
  expect(latency).toBeLessThan(1000);
  latencies.push({ case: name, ms: Math.max(0, latency) });
  await rename(tenantId);
  await sleep(300);
  expect(op.since(sent)).toEqual([]);
  return closed;
}

/** Without any revocation: closed with 4401 within 1 s of `expiresAt`, nothing delivered from then on. */
async function expectClosedAtExpiry(name: string, socket: TestSocket, op: Operation, tenantId: string, expiresAt: Date, reason: RegExp) {
  const closed = await within(socket.closed, 5000, `close at the ${name}`);
  expect(closed.code).toBe(4401);
  expect(closed.reason).toMatch(reason);
  const late = closed.at - expiresAt.getTime();
  // Timers may fire a hair early by the wall clock.
  expect(late).toBeGreaterThanOrEqual(-20);
  expect(late).toBeLessThan(1000);
  latencies.push({ case: name, ms: Math.max(0, late) });
  await rename(tenantId);
  await sleep(300);
  expect(op.since(expiresAt.getTime())).toEqual([]);
}

/** A new socket with the same credential: refused at connect, never acknowledged. */
async function expectRefusedAtConnect(token: string, code = 4403): Promise<void> {
  const again = socketOnB(token);
  const closed = await within(again.closed, 5000, 'refusal of the reconnect');
  expect(closed.code).toBe(code);
  expect(again.isConnected()).toBe(false);
}

async function sessionIdOf(userId: string): Promise<string> {
  const session = await a.app.prisma.adminSession.findFirstOrThrow({ where: { adminUserId: userId, revokedAt: null } });
  return session.id;
}

describe('admin sockets follow their session and admin', () => {
  /** An admin with a live `tenantChanged` subscription on B; `before` runs ahead of the connect. */
  async function adminSocket(role: 'ADMIN' | 'SUPPORT' | 'VIEWER', before?: (userId: string) => Promise<unknown>) {
    const admin = await a.login(role);
    const { tenantId } = await a.makeTenant();
    await before?.(admin.userId);
    const socket = socketOnB(admin.token);
    const op = socket.subscribe(TENANT_CHANGED, { id: tenantId });
    await live(socket, op, tenantId);
    return { ...admin, tenantId, socket, op };
  }

  it('closes on logout (4401) and refuses the reconnect', async () => {
    const { socket, op, tenantId, ...admin } = await adminSocket('VIEWER');
    await expectClosedByRevocation('logout', socket, op, tenantId, async () => {
      expect((await a.gql('mutation { logout }', {}, admin.token)).data).toEqual({ logout: true });
    }, 4401, /session ended/);
    await expectRefusedAtConnect(admin.token);
  });

  it('closes when another admin revokes the session (4401)', async () => {
    const { socket, op, tenantId, ...admin } = await adminSocket('SUPPORT');
    const sessionId = await sessionIdOf(admin.userId);
    await expectClosedByRevocation('revokeAdminSession', socket, op, tenantId, () => ownerOnA('revokeAdminSession', 'id: $id', sessionId), 4401, /session ended/);
    await expectRefusedAtConnect(admin.token);
  });

  it('closes every socket of a deactivated admin (4403) and refuses the reconnect', async () => {
    const { socket, op, tenantId, ...admin } = await adminSocket('ADMIN');
    await expectClosedByRevocation('deactivateAdmin', socket, op, tenantId, () => ownerOnA('deactivateAdmin', 'id: $id', admin.userId), 4403, /access revoked/);
    await expectRefusedAtConnect(admin.token);
  });

  it('closes on a role change (4403), and the reconnect is accepted under the new role', async () => {
    const { socket, op, tenantId, ...admin } = await adminSocket('VIEWER');
    await expectClosedByRevocation('changeAdminRole', socket, op, tenantId, () => ownerOnA('changeAdminRole', 'id: $id, role: SUPPORT', admin.userId), 4403, /access revoked/);
    const again = socketOnB(admin.token);
    // The acknowledgement names the new role, so a page rendered for the old one knows to load again.
    expect(await within(again.connected, 5000, 'acknowledgement of the new socket')).toEqual({ role: 'SUPPORT' });
    const me = await within(again.execute('{ me { role } }'), 5000, 'query on the new socket');
    expect(me).toEqual({ data: { me: { role: 'SUPPORT' } } });
  });

  it('closes when the session expires (4401), with no revocation at all', async () => {
    const expiresAt = new Date(Date.now() + 2500);
    const { socket, op, tenantId, ...admin } = await adminSocket('VIEWER', (userId) =>
      a.app.prisma.adminSession.updateMany({ where: { adminUserId: userId }, data: { expiresAt } }),
    );
    await expectClosedAtExpiry('session expiry', socket, op, tenantId, expiresAt, /session expired/);
    await expectRefusedAtConnect(admin.token);
  });
});

describe('tenant sockets follow their key and tenant', () => {
  async function tenantSocket() {
    const tenant = await a.makeTenant();
    const key = await a.app.prisma.tenantApiKey.findFirstOrThrow({ where: { tenantId: tenant.tenantId } });
    const socket = socketOnB(tenant.apiKey);
    const op = socket.subscribe(VIEWER_CHANGED);
    await live(socket, op, tenant.tenantId);
    return { ...tenant, apiKeyId: key.id, socket, op };
  }

  it('closes on revokeTenantApiKey (4401): the revoked key no longer hears the tenant\'s new name', async () => {
    const t = await tenantSocket();
    await expectClosedByRevocation('revokeTenantApiKey', t.socket, t.op, t.tenantId, () => ownerOnA('revokeTenantApiKey', 'id: $id', t.apiKeyId), 4401, /API key revoked/);
    await expectRefusedAtConnect(t.apiKey);
  });

  it('closes on suspendTenant (4403) before the suspension itself reaches the tenant; admins keep theirs', async () => {
    const t = await tenantSocket();
    const admin = await a.login('VIEWER');
    const watcher = socketOnB(admin.token);
    const watching = watcher.subscribe(TENANT_CHANGED, { id: t.tenantId });
    await live(watcher, watching, t.tenantId);
    const sent = Date.now();
    await expectClosedByRevocation('suspendTenant', t.socket, t.op, t.tenantId, () => ownerOnA('suspendTenant', 'id: $id, reason: "unpaid"', t.tenantId), 4403, /access revoked/);
    await expectRefusedAtConnect(t.apiKey);
    // The admin's socket on B is untouched and heard the suspension.
    expect(watching.since(sent).map((r) => r.data?.tenantChanged.kind)).toContain('suspended');
    expect(watcher.isConnected()).toBe(true);
  });

  it('closes on deleteTenant (4403) and refuses the reconnect', async () => {
    const t = await tenantSocket();
    await expectClosedByRevocation('deleteTenant', t.socket, t.op, t.tenantId, () => ownerOnA('deleteTenant', 'id: $id', t.tenantId), 4403, /access revoked/);
    await expectRefusedAtConnect(t.apiKey);
  });

  it('closes when the key expires (4401), with no revocation at all', async () => {
    const { tenantId } = await a.makeTenant();
    const expiresAt = new Date(Date.now() + 2500);
    const { secret } = await createApiKey(a.system, { tenantId, name: 'short-lived', expiresAt });
    const socket = socketOnB(secret);
    const op = socket.subscribe(VIEWER_CHANGED);
    await live(socket, op, tenantId);
    await expectClosedAtExpiry('key expiry', socket, op, tenantId, expiresAt, /API key expired/);
    await expectRefusedAtConnect(secret);
  });
});

describe('events the pub/sub connection missed', () => {
  it('closes every socket on B (1012) once B listens again; the reconnects are decided afresh', async () => {
    const tenant = await a.makeTenant();
    const key = await a.app.prisma.tenantApiKey.findFirstOrThrow({ where: { tenantId: tenant.tenantId } });
    const keySocket = socketOnB(tenant.apiKey);
    const keyOp = keySocket.subscribe(VIEWER_CHANGED);
    await live(keySocket, keyOp, tenant.tenantId);
    const promoted = await a.login('VIEWER');
    const promotedSocket = socketOnB(promoted.token);
    await live(promotedSocket, promotedSocket.subscribe(TENANT_CHANGED, { id: tenant.tenantId }), tenant.tenantId);

    // Changed behind the platform's back with the database's triggers off: no revocation is announced at
    // all, as if it had been lost.
    await a.unannounced(`UPDATE "TenantApiKey" SET "revokedAt" = now() WHERE id = $1`, key.id);
    await a.unannounced(`UPDATE "AdminUser" SET role = 'SUPPORT' WHERE id = $1`, promoted.userId);
    const terminated = await a.app.prisma.$queryRaw<{ ok: boolean }[]>`
      SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = ${b.app.pubsub.applicationName}`;
    expect(terminated).toEqual([{ ok: true }]);

    const closes = await within(Promise.all([keySocket.closed, promotedSocket.closed]), 10_000, 'close of the sockets on B');
    expect(closes.map((c) => c.code)).toEqual([1012, 1012]);
    // The revoked key is refused at its reconnect; the admin comes back under the new role.
    await expectRefusedAtConnect(tenant.apiKey);
    const again = socketOnB(promoted.token);
    expect(await within(again.connected, 5000, 'acknowledgement of the reconnect')).toEqual({ role: 'SUPPORT' });
    // B listens again: the reconnected socket hears changes.
    const watching = again.subscribe(TENANT_CHANGED, { id: tenant.tenantId });
    await live(again, watching, tenant.tenantId);
  });
});
