// Grouped subscription execution through real sockets: subscriptions sharing document, variables and
// visibility share one execution per event yet each gets its own frames; different variables, roles and
// tenants never mix; a revoked key stops hearing at once while its group carries on; bursts arrive
// complete and in order; errors are masked per subscriber with its own request id.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../modules/tenants/api-keys.ts';
import type { TenantChanged } from '../modules/tenants/service.ts';
import { transaction } from '../scope.ts';
import { startPlatform, type TestPlatform } from '../../test/harness.ts';
import { openSocket, sleep, within, type TestSocket } from '../../test/live-client.ts';

let p: TestPlatform;
let owner: string;

beforeAll(async () => {
  p = await startPlatform({ recordQueries: true, env: { maskErrors: true } });
  owner = (await p.login('OWNER')).token;
});
afterAll(async () => {
  await p?.close();
});

const CHANGED = `subscription($id: ID) { tenantChanged(id: $id) { tenantId kind tenant { name } } }`;
const VIEWER_CHANGED = `subscription { viewerTenantChanged { tenantId kind tenant { name } } }`;

const sockets: TestSocket[] = [];
async function connected(...tokens: string[]): Promise<TestSocket[]> {
  const opened = tokens.map((token) => openSocket(p.url, token));
  sockets.push(...opened);
  await within(Promise.all(opened.map((s) => s.connected)), 5000, 'connections');
  return opened;
}
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.dispose()));
  await p.untilListening('tenantChanged', 0);
});

const announce = (event: TenantChanged) => p.app.pubsub.publish('tenantChanged', event);
const tenantStatements = (statements: string[]) => statements.filter((sql) => /FROM "public"\."Tenant"/.test(sql));

describe('grouped subscriptions', () => {
  it('executes a selection once per event for subscriptions sharing document, variables and role, each with its own frames', async () => {
    const { tenantId } = await p.makeTenant({ name: 'Grouped' });
    const other = await p.makeTenant({ name: 'Other' });
    const [ownerA, ownerB, viewer] = await Promise.all([p.login('OWNER'), p.login('OWNER'), p.login('VIEWER')]);
    const [s1, s2, s3] = await connected(ownerA.token, ownerB.token, viewer.token);
    // Two operations on one socket, one on another socket of another owner: one group.
    const first = s1!.subscribe(CHANGED);
    const second = s1!.subscribe(CHANGED);
    const third = s2!.subscribe(CHANGED);
    // Other variables, another role: groups of their own.
    const otherTenant = s2!.subscribe(CHANGED, { id: other.tenantId });
    const asViewer = s3!.subscribe(CHANGED);
    await p.untilListening('tenantChanged', 5);

    const statements = await p.recordQueries(async () => {
      await announce({ tenantId, kind: 'updated', status: 'TRIALING' });
      await expect.poll(() => [first, second, third, asViewer].every((op) => op.results.length === 1), { timeout: 5000 }).toBe(true);
    });
    // One read of the tenant for the owners' group and one for the viewer's, not one per subscription.
    expect(tenantStatements(statements)).toHaveLength(2);
    const expected = { tenantChanged: { tenantId, kind: 'updated', tenant: { name: 'Grouped' } } };
    for (const op of [first, second, third, asViewer]) expect(op.results.map((r) => r.data)).toEqual([expected]);
    await sleep(200);
    expect(otherTenant.results).toEqual([]);
    for (const op of [first, second, third, asViewer]) expect(op.results).toHaveLength(1);

    // The group's other members hear on when one completes.
    first.stop();
    await p.untilListening('tenantChanged', 4);
    await announce({ tenantId: other.tenantId, kind: 'updated', status: 'TRIALING' });
    await expect.poll(() => [second, third, otherTenant].every((op) => op.results.length === (op === otherTenant ? 1 : 2)), { timeout: 5000 }).toBe(true);
    expect(first.results).toHaveLength(1);
    expect(otherTenant.results[0]!.data).toEqual({ tenantChanged: { tenantId: other.tenantId, kind: 'updated', tenant: { name: 'Other' } } });
  });

  it("groups tenant keys by tenant: both of tenant A's keys hear A's change, tenant B's key never does", async () => {
    const a = await p.makeTenant({ name: 'Tenant A' });
    const b = await p.makeTenant({ name: 'Tenant B' });
    const { secret: secondKeyOfA } = await createApiKey(p.system, { tenantId: a.tenantId, name: 'second' });
    const [sa1, sa2, sb] = await connected(a.apiKey, secondKeyOfA, b.apiKey);
    const heardByA1 = sa1!.subscribe(VIEWER_CHANGED);
    const heardByA2 = sa2!.subscribe(VIEWER_CHANGED);
    const heardByB = sb!.subscribe(VIEWER_CHANGED);
    await p.untilListening('tenantChanged', 3);

    const statements = await p.recordQueries(async () => {
      await announce({ tenantId: a.tenantId, kind: 'updated', status: 'TRIALING' });
      await expect.poll(() => heardByA1.results.length + heardByA2.results.length, { timeout: 5000 }).toBe(2);
    });
    expect(tenantStatements(statements)).toHaveLength(1);
    const forA = { viewerTenantChanged: { tenantId: a.tenantId, kind: 'updated', tenant: { name: 'Tenant A' } } };
    expect(heardByA1.results.map((r) => r.data)).toEqual([forA]);
    expect(heardByA2.results.map((r) => r.data)).toEqual([forA]);

    await announce({ tenantId: b.tenantId, kind: 'suspended', status: 'SUSPENDED' });
    await expect.poll(() => heardByB.results.length, { timeout: 5000 }).toBe(1);
    expect(heardByB.results[0]!.data).toEqual({ viewerTenantChanged: { tenantId: b.tenantId, kind: 'suspended', tenant: { name: 'Tenant B' } } });
    await sleep(200);
    expect(JSON.stringify(heardByB.results)).not.toContain(a.tenantId);
    expect(JSON.stringify([...heardByA1.results, ...heardByA2.results])).not.toContain(b.tenantId);
  });

  it('stops delivering to a revoked key at once while the rest of its group hears on', async () => {
    const a = await p.makeTenant({ name: 'Revoked' });
    const second = await createApiKey(p.system, { tenantId: a.tenantId, name: 'second' });
    const kept = await createApiKey(p.system, { tenantId: a.tenantId, name: 'kept' });
    const [revokedSocket, keptSocket] = await connected(second.secret, kept.secret);
    const revokedOp = revokedSocket!.subscribe(VIEWER_CHANGED);
    const keptOp = keptSocket!.subscribe(VIEWER_CHANGED);
    await p.untilListening('tenantChanged', 2);
    await announce({ tenantId: a.tenantId, kind: 'updated', status: 'TRIALING' });
    await expect.poll(() => revokedOp.results.length + keptOp.results.length, { timeout: 5000 }).toBe(2);

    const sent = Date.now();
    const res = await p.gql(`mutation($id: ID!) { revokeTenantApiKey(id: $id) { __typename } }`, { id: second.apiKey.id }, owner);
    expect(res.data?.revokeTenantApiKey?.__typename).toBe('MutationRevokeTenantApiKeySuccess');
    // Published right behind the revocation: the revoked socket is closing by the time it arrives.
    await announce({ tenantId: a.tenantId, kind: 'planChanged', status: 'TRIALING' });
    const closed = await within(revokedSocket!.closed, 3000, 'close of the revoked key');
    expect(closed.code).toBe(4401);
    await expect.poll(() => keptOp.results.length, { timeout: 5000 }).toBe(2);
    expect(keptOp.results[1]!.data.viewerTenantChanged.kind).toBe('planChanged');
    await sleep(200);
    expect(revokedOp.since(sent)).toEqual([]);
  });

  it('delivers a burst committed at once complete and in order to every member', async () => {
    const x = await p.makeTenant({ name: 'Burst X' });
    const y = await p.makeTenant({ name: 'Burst Y' });
    const [s1, s2] = await connected((await p.login('SUPPORT')).token, (await p.login('SUPPORT')).token);
    const ops = [s1!.subscribe(CHANGED), s2!.subscribe(CHANGED), s2!.subscribe(CHANGED)];
    const onlyY = s1!.subscribe(CHANGED, { id: y.tenantId });
    await p.untilListening('tenantChanged', 4);
    const kinds = ['created', 'updated', 'planChanged', 'suspended', 'activated', 'onboarded', 'pastDue', 'paymentRecovered'] as const;
    const burst = kinds.map((kind, i) => ({ tenantId: (i % 2 ? y : x).tenantId, kind, status: 'TRIALING' as const }));
    // One transaction: every NOTIFY arrives at once, on commit.
    await transaction(p.system, async (tx) => {
      for (const event of burst) await tx.publish('tenantChanged', event);
    });
    await expect.poll(() => ops.every((op) => op.results.length === burst.length) && onlyY.results.length === burst.length / 2, { timeout: 5000 }).toBe(true);
    for (const op of ops) expect(op.results.map((r) => [r.data.tenantChanged.tenantId, r.data.tenantChanged.kind])).toEqual(burst.map((e) => [e.tenantId, e.kind]));
    expect(onlyY.results.map((r) => r.data.tenantChanged.kind)).toEqual(burst.filter((e) => e.tenantId === y.tenantId).map((e) => e.kind));
  });

  it('masks an unexpected error per subscriber, quoting its own request id, and the group lives on', async () => {
    const { tenantId } = await p.makeTenant({ name: 'Faulty' });
    const [s1, s2] = await connected((await p.login('OWNER')).token, (await p.login('OWNER')).token);
    const ops = [s1!.subscribe(CHANGED), s2!.subscribe(CHANGED)];
    await p.untilListening('tenantChanged', 2);
    // A kind the enum cannot represent: the selection fails while executing.
    await announce({ tenantId, kind: 'exploded' as never, status: 'TRIALING' });
    await expect.poll(() => ops.every((op) => op.results.length === 1), { timeout: 5000 }).toBe(true);
    const errors = ops.map((op) => op.results[0]!.errors![0]);
    for (const error of errors) {
      expect(error.extensions.code).toBe('INTERNAL_SERVER_ERROR');
      expect(error.message).toBe(`Internal server error (request id ${error.extensions.requestId})`);
      expect(error.message).not.toContain('exploded');
    }
    expect(errors[0].extensions.requestId).not.toBe(errors[1].extensions.requestId);
    await announce({ tenantId, kind: 'updated', status: 'TRIALING' });
    await expect.poll(() => ops.every((op) => op.results.length === 2), { timeout: 5000 }).toBe(true);
    for (const op of ops) expect(op.results[1]).toMatchObject({ data: { tenantChanged: { tenantId, kind: 'updated', tenant: { name: 'Faulty' } } } });
  });
});
