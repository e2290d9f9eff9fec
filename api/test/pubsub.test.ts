import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startPlatform, type TestPlatform } from './harness.ts';

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
    const events: any[] = [];
    let connected!: () => void;
    const ready = new Promise<void>((r) => (connected = r));
    const client = createClient({
      url: `${two.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, lazy: false,
      connectionParams: { authorization: `Bearer ${admin.token}` },
      on: { connected: () => connected() },
    });
    client.subscribe(
      { query: `subscription($id: ID) { tenantChanged(id: $id) { tenantId kind status tenant { name status } } }`, variables: { id: tenantId } },
      { next: (v) => events.push(v.data?.tenantChanged), error: (e) => events.push({ error: e }), complete: () => {} },
    );
    await ready;
    // An event published before the subscriber's instance listens is gone: wait until the subscription is live.
    await two.untilListening('tenantChanged', 1);
    await one.gql(`mutation($id: ID!) { suspendTenant(id: $id, reason: "cross-instance") { __typename } }`, { id: tenantId }, admin.token);
    await expect.poll(() => events.length, { timeout: 5000 }).toBe(1);
    expect(events[0]).toEqual({ tenantId, kind: 'suspended', status: 'SUSPENDED', tenant: { name: 'Cross Instance', status: 'SUSPENDED' } });
    await client.dispose();
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
