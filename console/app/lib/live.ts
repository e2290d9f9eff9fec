import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import type { Client } from 'graphql-ws';
import { useEffect, useRef, useSyncExternalStore } from 'react';

// One graphql-ws connection per tab, opened on the first subscription and only in the browser. It goes to
// the console's own /graphql, which the console server proxies to the API with the session cookie.

export type LiveStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting';

let client: Client | null = null;
let status: LiveStatus = 'idle';
/** Subscriptions open in this tab: the socket closes itself when the last one ends (lazy mode). */
let active = 0;
const listeners = new Set<() => void>();

function setStatus(next: LiveStatus) {
  status = next;
  for (const listener of listeners) listener();
}

async function liveClient(): Promise<Client> {
  if (client) return client;
  const { createClient } = await import('graphql-ws');
  if (client) return client;
  client = createClient({
    url: `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/graphql`,
    lazy: true,
    keepAlive: 15_000,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    on: {
      connected: () => setStatus('connected'),
      closed: () => setStatus(active > 0 ? 'reconnecting' : 'idle'),
    },
  });
  return client;
}

export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => status,
    () => 'idle',
  );
}

/**
 * Calls `onEvent` for each event of a subscription while the component is mounted. Variables are
 * compared by value, so an inline object does not resubscribe on every render.
 */
export function useSubscription<TResult, TVariables extends Record<string, unknown>>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  onEvent: (data: TResult) => void,
  { enabled = true }: { enabled?: boolean } = {},
) {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (!enabled) return;
    let unsubscribe: (() => void) | null = null;
    let cancelled = false;
    void liveClient().then((c) => {
      if (cancelled) return;
      active += 1;
      if (status === 'idle') setStatus('connecting');
      const stop = c.subscribe<TResult>(
        { query: print(document), variables: JSON.parse(key) },
        {
          next: (result) => {
            if (result.data) handler.current(result.data as TResult);
          },
          error: () => {},
          complete: () => {},
        },
      );
      unsubscribe = () => {
        active -= 1;
        stop();
      };
    });
    return () => {
      cancelled = true;
      unsubscribe?.();
    };
  }, [document, key, enabled]);
}
