import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type TestPlatform } from './harness.ts';
import { openSocket, within } from './live-client.ts';

let one: TestPlatform;
let two: TestPlatform;

beforeAll(async () => {
  one = await startPlatform();
  two = await startPlatform({ databaseUrl: one.databaseUrl });
});
afterAll(async () => {
  await two.close();
  await one.close();
});

describe('pub/sub across instances', () => {
  it('delivers a change made on one API instance to a subscriber on another', async () => {
    const admin = await one.login('ADMIN');
    const { tenantId } = await one.makeTenant({ name: 'Cross Instance' });
    const socket = openSocket(two.url, admin.token);
    const op = socket.subscribe(`subscription($id: ID) { tenantChanged(id: $id) { tenantId kind status tenant { name status } } }`, { id: tenantId });
    await within(socket.connected, 5000, 'connection');
    // An event published before the subscriber's instance listens is gone: wait until the subscription is live.
    await two.untilListening('tenantChanged', 1);
    await one.gql(`mutation($id: ID!) { suspendTenant(id: $id, reason: "cross-instance") { __typename } }`, { id: tenantId }, admin.token);
    await expect.poll(() => op.results.length, { timeout: 5000 }).toBe(1);
    expect(op.results[0]!.data.tenantChanged).toEqual({ tenantId, kind: 'suspended', status: 'SUSPENDED', tenant: { name: 'Cross Instance', status: 'SUSPENDED' } });
    await socket.dispose();
  });

  it('does not deliver events of a rolled-back transaction', async () => {
    const received: unknown[] = [];
    const iterator = two.app.pubsub.subscribe('tenantChanged');
    void (async () => {
      for await (const e of { [Symbol.asyncIterator]: () => iterator }) received.push(e);
    })();
    await two.app.pubsub.start();
    await one.app.prisma
      .$transaction(async (tx) => {
        await one.app.pubsub.publish('tenantChanged', { tenantId: 'x', kind: 'updated', status: 'ACTIVE' }, tx);
        throw new Error('roll back');
      })
      .catch(() => {});
    await one.app.pubsub.publish('tenantChanged', { tenantId: 'y', kind: 'updated', status: 'ACTIVE' });
    await expect.poll(() => received.length, { timeout: 5000 }).toBe(1);
    expect(received).toEqual([{ tenantId: 'y', kind: 'updated', status: 'ACTIVE' }]);
    await iterator.return?.();
  });
});
