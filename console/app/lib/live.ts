import { Client, fetchExchange, subscriptionExchange, type SubscriptionForwarder } from '@urql/core';
import type { Client as Socket } from 'graphql-ws';
import { useSyncExternalStore } from 'react';

// The browser's live layer: an urql client whose subscriptions run over one graphql-ws connection per tab,
// opened on the first subscription and only in the browser. It goes to the console's own /graphql, which the
// console server proxies to the API with the session cookie. Components subscribe with urql's
// `useSubscription` for as long as they are mounted.

export type LiveStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting';

/**
 * Opens the socket the client's subscriptions share, telling the layer when it connects (with the API's
 * acknowledgement payload) and closes.
 */
export type OpenSocket = (on: {
  connected: (socket: unknown, payload?: Record<string, unknown>) => void;
  closed: (event: unknown) => void;
}) => Promise<Pick<Socket, 'subscribe'>>;

/**
 * The API closes a connected socket with 4401 when its session ends (logout elsewhere, revoked, expired)
 * and with 4403 when the admin's rights change (deactivated, another role).
 */
export const ACCESS_LOST_CODES = [4401, 4403];
/** How graphql-ws closes a lazy socket whose last subscription ended (and then opens a new one). */
const NORMAL_CLOSURE = 1000;

export type LiveLayer = {
  client: Client;
  status(): LiveStatus;
  /**
   * How many times the socket came back after it dropped with subscriptions open. Events sent while it was
   * down are gone, so a page reloads its data when this grows.
   */
  resumes(): number;
  /** Calls `listener` whenever the status or the resume count changes; returns the unsubscribe function. */
  onStatus(listener: () => void): () => void;
  /**
   * The role the page was rendered for. A socket the API accepts with another role (the role changed while
   * no socket was open to be closed) hands the tab over as a lost access does.
   */
  expectRole(role: string | null): void;
};

/**
 * `onAccessLost` runs when the API closes a connected socket because the admin lost access or changed role:
 * the tab then loads the page again, which sends a signed-out admin to the login page and shows a new role
 * its own screens.
 */
export function createLiveLayer(openSocket: OpenSocket, { onAccessLost }: { onAccessLost: () => void }): LiveLayer {
  let socket: ReturnType<OpenSocket> | null = null;
  let status: LiveStatus = 'idle';
  let wasConnected = false;
  let expectedRole: string | null = null;
  /** The role the API acknowledged the open socket with (admins only). */
  let acceptedRole: string | null = null;
  /** Subscriptions open on the socket: it closes itself when the last one ends (lazy mode). */
  let active = 0;
  /** The socket dropped (not graphql-ws's normal lazy close) while subscriptions were open. */
  let dropped = false;
  let resumes = 0;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of listeners) listener();
  };

  const accessLost = () => {
    wasConnected = false;
    acceptedRole = null;
    onAccessLost();
  };
  const checkRole = () => {
    if (expectedRole !== null && acceptedRole !== null && acceptedRole !== expectedRole) accessLost();
  };
  const setStatus = (next: LiveStatus) => {
    if (next === status) return;
    status = next;
    notify();
  };
  const tabSocket = () => {
    socket ??= openSocket({
      connected: (_socket, payload) => {
        wasConnected = true;
        acceptedRole = typeof payload?.role === 'string' ? payload.role : null;
        if (dropped) {
          dropped = false;
          resumes += 1;
          status = 'connected';
          notify();
        } else {
          setStatus('connected');
        }
        checkRole();
      },
      closed: (event) => {
        const code = (event as { code?: number } | null)?.code;
        // Only a socket that was accepted: a refused connect is no news about this page's session.
        if (wasConnected && code !== undefined && ACCESS_LOST_CODES.includes(code)) {
          accessLost();
          return;
        }
        acceptedRole = null;
        if (active > 0 && code !== NORMAL_CLOSURE) dropped = true;
        setStatus(active > 0 ? 'reconnecting' : 'idle');
      },
    }).catch((err: unknown) => {
      socket = null; // the next subscription tries again
      throw err;
    });
    return socket;
  };

  const forwardSubscription: SubscriptionForwarder = (request) => ({
    subscribe(sink) {
      let open = true;
      let counted = false;
      let stop: (() => void) | null = null;
      const end = () => {
        open = false;
        if (counted) active -= 1;
        counted = false;
      };
      tabSocket().then(
        (ws) => {
          if (!open) return;
          counted = true;
          active += 1;
          if (status === 'idle') setStatus('connecting');
          stop = ws.subscribe<Record<string, unknown>, Record<string, unknown>>(
            { ...request, query: request.query ?? '' },
            {
              next: (result) => sink.next(result),
              error: (err) => {
                end();
                sink.error(err);
              },
              complete: () => {
                end();
                sink.complete();
              },
            },
          );
        },
        (err: unknown) => {
          if (open) sink.error(err);
        },
      );
      return {
        unsubscribe() {
          if (!open) return;
          end();
          stop?.();
        },
      };
    },
  });

  const client = new Client({
    url: '/graphql',
    // urql would send queries as GET, which the API's CSRF prevention refuses. Only subscriptions go through
    // this client (loaders and actions query on the server), but a query sent here goes as a POST.
    preferGetMethod: false,
    exchanges: [subscriptionExchange({ forwardSubscription }), fetchExchange],
  });

  return {
    client,
    status: () => status,
    resumes: () => resumes,
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    expectRole(role) {
      expectedRole = role;
      checkRole();
    },
  };
}

/**
 * graphql-ws needs a WebSocket, which the server render has none of: it is loaded and created on the first
 * subscription, which only a mounted component in the browser makes.
 */
const openTabSocket: OpenSocket = async (on) => {
  const { createClient } = await import('graphql-ws');
  return createClient({
    url: `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/graphql`,
    lazy: true,
    keepAlive: 15_000,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    on,
  });
};

/** This tab's live layer; root.tsx provides its client to every screen. */
export const live = createLiveLayer(openTabSocket, { onAccessLost: () => window.location.reload() });

export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(live.onStatus, live.status, () => 'idle');
}

/** This tab's resume count (see `LiveLayer.resumes`). */
export function useLiveResumes(): number {
  return useSyncExternalStore(live.onStatus, live.resumes, () => 0);
}

/**
 * The reducer to hand urql's `useSubscription` when only "something changed" matters: the result's data is
 * the number of events so far, which grows by one with each event.
 */
export function countEvents(count: number | undefined): number {
  return (count ?? 0) + 1;
}
