// @vitest-environment jsdom
import { act, render } from '@testing-library/react';
import type { Sink, SubscribePayload } from 'graphql-ws';
import { createClient } from 'graphql-ws';
import { renderToString } from 'react-dom/server';
import { Provider, useSubscription } from 'urql';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AdminAccessDocument, TenantDetailChangedDocument, TenantsListChangedDocument } from '../gql/graphql.ts';
import { countEvents, createLiveLayer, live, type OpenSocket } from './live.ts';

vi.mock('graphql-ws', () => ({ createClient: vi.fn() }));

type SocketSubscription = { payload: SubscribePayload; sink: Sink; stopped: boolean };

/** A stand-in for the tab's graphql-ws client: records subscriptions and plays the server's part. */
function fakeSocket() {
  const subscriptions: SocketSubscription[] = [];
  let opened = 0;
  let on: Parameters<OpenSocket>[0] | null = null;
  const open: OpenSocket = async (handlers) => {
    opened += 1;
    on = handlers;
    return {
      subscribe(payload: SubscribePayload, sink: Sink) {
        const subscription = { payload, sink, stopped: false };
        subscriptions.push(subscription);
        return () => {
          subscription.stopped = true;
        };
      },
    };
  };
  return {
    open,
    subscriptions,
    opened: () => opened,
    connect: (payload?: Record<string, unknown>) => on!.connected(null, payload),
    close: (code = 1006) => on!.closed({ code }),
    /** One `tenantChanged` event, as the API sends it. */
    tenantChanged: (subscription: SocketSubscription, tenantId: string) =>
      subscription.sink.next({ data: { tenantChanged: { __typename: 'TenantChange', tenantId, kind: 'suspended' } } }),
  };
}

/** Lets the microtasks run that urql and the layer start subscriptions in. */
const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 0)));

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the live layer', () => {
  it('opens one socket, on the first subscription, for every subscription in the tab', async () => {
    const socket = fakeSocket();
    const layer = createLiveLayer(socket.open, { onAccessLost: () => {} });
    expect(socket.opened()).toBe(0);
    expect(layer.status()).toBe('idle');

    const events: unknown[] = [];
    const list = layer.client.subscription(TenantsListChangedDocument, {}).subscribe((result) => events.push(result.data));
    const detail = layer.client.subscription(TenantDetailChangedDocument, { id: 't1' }).subscribe(() => {});
    await settle();
    expect(socket.opened()).toBe(1);
    expect(socket.subscriptions.map((s) => s.payload.variables)).toEqual([{}, { id: 't1' }]);
    expect(socket.subscriptions[0]!.payload.query).toContain('subscription TenantsListChanged');
    expect(layer.status()).toBe('connecting');

    socket.connect();
    expect(layer.status()).toBe('connected');
    socket.tenantChanged(socket.subscriptions[0]!, 't9');
    expect(events).toEqual([{ tenantChanged: { __typename: 'TenantChange', tenantId: 't9', kind: 'suspended' } }]);
    list.unsubscribe();
    detail.unsubscribe();
  });

  it('says reconnecting while the socket is down with subscriptions open, and idle once the last one ended', async () => {
    const socket = fakeSocket();
    const layer = createLiveLayer(socket.open, { onAccessLost: () => {} });
    const statuses: string[] = [];
    layer.onStatus(() => statuses.push(layer.status()));
    const subscription = layer.client.subscription(TenantsListChangedDocument, {}).subscribe(() => {});
    await settle();
    socket.connect();
    socket.close();
    socket.connect();
    subscription.unsubscribe();
    expect(socket.subscriptions[0]!.stopped).toBe(true);
    // graphql-ws closes a lazy socket once nothing is subscribed.
    socket.close();
    expect(statuses).toEqual(['connecting', 'connected', 'reconnecting', 'connected', 'idle']);
  });

  it('hands the tab over when the API closes a connected socket because access was lost, and only then', async () => {
    const socket = fakeSocket();
    let lost = 0;
    const layer = createLiveLayer(socket.open, { onAccessLost: () => (lost += 1) });
    layer.client.subscription(TenantsListChangedDocument, {}).subscribe(() => {});
    await settle();
    // A connect that is refused says nothing about this page's session.
    socket.close(4403);
    expect(lost).toBe(0);
    socket.connect();
    socket.close(1006);
    expect([lost, layer.status()]).toEqual([0, 'reconnecting']);
    socket.connect();
    socket.close(4401);
    expect(lost).toBe(1);
    socket.connect();
    socket.close(4403);
    expect(lost).toBe(2);
  });

  it('hands the tab over when the API accepts a socket with another role than the page was rendered for', async () => {
    const socket = fakeSocket();
    let lost = 0;
    const layer = createLiveLayer(socket.open, { onAccessLost: () => (lost += 1) });
    layer.expectRole('SUPPORT');
    layer.client.subscription(TenantsListChangedDocument, {}).subscribe(() => {});
    await settle();
    socket.connect({ role: 'SUPPORT' });
    socket.close(1006);
    expect(lost).toBe(0);
    // The role changed while the socket was down: no 4403 reached this page, the reconnect's acknowledgement tells.
    socket.connect({ role: 'VIEWER' });
    expect(lost).toBe(1);
  });

  it('compares the role once both are known, whichever comes first', async () => {
    const socket = fakeSocket();
    let lost = 0;
    const layer = createLiveLayer(socket.open, { onAccessLost: () => (lost += 1) });
    layer.client.subscription(TenantsListChangedDocument, {}).subscribe(() => {});
    await settle();
    socket.connect({ role: 'VIEWER' });
    expect(lost).toBe(0);
    layer.expectRole('VIEWER');
    expect(lost).toBe(0);
    layer.expectRole('ADMIN');
    expect(lost).toBe(1);
    // A tenant key's socket, or an API without the payload, names no role: nothing to compare.
    socket.close(1006);
    socket.connect();
    expect(lost).toBe(1);
  });

  it('counts a return after the socket dropped with subscriptions open, not the lazy close between pages', async () => {
    const socket = fakeSocket();
    const layer = createLiveLayer(socket.open, { onAccessLost: () => {} });
    let notified = 0;
    layer.onStatus(() => (notified += 1));
    const first = layer.client.subscription(TenantsListChangedDocument, {}).subscribe(() => {});
    await settle();
    socket.connect();
    expect(layer.resumes()).toBe(0);
    socket.close(1006);
    expect(layer.resumes()).toBe(0);
    const before = notified;
    socket.connect();
    expect([layer.resumes(), notified > before]).toEqual([1, true]);
    // A page change: the last subscription ends, graphql-ws closes normally, the next page opens a socket.
    first.unsubscribe();
    socket.close(1000);
    layer.client.subscription(TenantsListChangedDocument, {}).subscribe(() => {});
    await settle();
    socket.connect();
    expect(layer.resumes()).toBe(1);
  });

  it('counts a subscription the server completed as ended', async () => {
    const socket = fakeSocket();
    const layer = createLiveLayer(socket.open, { onAccessLost: () => {} });
    layer.client.subscription(TenantsListChangedDocument, {}).subscribe(() => {});
    await settle();
    socket.connect();
    socket.subscriptions[0]!.sink.complete();
    socket.close();
    expect(layer.status()).toBe('idle');
  });

  it('sends a query as a POST, never as the GET the API’s CSRF prevention refuses', async () => {
    const fetch = vi.fn(async (_url: string, _init: RequestInit) =>
      Response.json({ data: { me: { __typename: 'AdminUser', id: 'a1', permissions: ['READ'] } } }),
    );
    vi.stubGlobal('fetch', fetch);
    const { client } = createLiveLayer(fakeSocket().open, { onAccessLost: () => {} });
    const result = await client.query(AdminAccessDocument, {}).toPromise();
    expect(result.data?.me.id).toBe('a1');
    expect(fetch).toHaveBeenCalledOnce();
    expect(fetch.mock.calls[0]![1].method).toBe('POST');
  });
});

function TenantChanges({ id }: { id: string }) {
  const [changes] = useSubscription({ query: TenantDetailChangedDocument, variables: { id } }, countEvents);
  return <output>{changes.data ?? 0}</output>;
}

describe('useSubscription over the live layer', () => {
  it('subscribes while the component is mounted, counts every event, and ends the subscription on unmount', async () => {
    const socket = fakeSocket();
    const layer = createLiveLayer(socket.open, { onAccessLost: () => {} });
    const view = render(
      <Provider value={layer.client}>
        <TenantChanges id="t1" />
      </Provider>,
    );
    await settle();
    expect(socket.subscriptions).toHaveLength(1);
    const [subscription] = socket.subscriptions;

    // Two events in one task still count as two.
    act(() => {
      socket.tenantChanged(subscription!, 't1');
      socket.tenantChanged(subscription!, 't1');
    });
    expect(view.container.textContent).toBe('2');

    view.unmount();
    expect(subscription!.stopped).toBe(true);
  });

  it('renders on the server without creating a socket', async () => {
    const html = renderToString(
      <Provider value={live.client}>
        <TenantChanges id="t1" />
      </Provider>,
    );
    await settle();
    expect(html).toBe('<output>0</output>');
    expect(createClient).not.toHaveBeenCalled();
    expect(live.status()).toBe('idle');
  });
});
