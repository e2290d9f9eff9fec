// A real graphql-ws client over a real socket, instrumented for tests: when it connected, how and when it
// closed, and what each operation received.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface Closed {
  code: number;
  reason: string;
  at: number;
}

export interface Operation {
  /** `next` payloads with their arrival time. */
  results: { at: number; data?: any; errors?: any[] }[];
  /** The error the operation ended with (GraphQL errors, or the socket's close event). */
  error: Promise<any>;
  /** Results received at or after `since` (epoch ms). */
  since(since: number): { at: number; data?: any; errors?: any[] }[];
  stop(): void;
}

export interface TestSocket {
  client: Client;
  /** Resolves with the acknowledgement's payload when the server accepted the connection; never when it refused it. */
  connected: Promise<Record<string, unknown> | undefined>;
  isConnected(): boolean;
  closed: Promise<Closed>;
  subscribe(query: string, variables?: Record<string, unknown>): Operation;
  /** One query or mutation over the socket; resolves with its single result or its errors. */
  execute(query: string, variables?: Record<string, unknown>): Promise<{ data?: any; errors?: any[] }>;
  dispose(): Promise<void>;
}

/** Opens a socket to `baseUrl`'s /graphql with `token`; no retries, so a close is final. */
export function openSocket(baseUrl: string, token: string | null, options: { headers?: Record<string, string> } = {}): TestSocket {
  let connected = false;
  let onConnected!: (payload: Record<string, unknown> | undefined) => void;
  let onClosed!: (c: Closed) => void;
  const connectedPromise = new Promise<Record<string, unknown> | undefined>((r) => (onConnected = r));
  const closed = new Promise<Closed>((r) => (onClosed = r));
  const headers = options.headers ?? {};
  const client = createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: class extends WebSocket {
      constructor(url: string, protocol: string) {
        super(url, protocol, { headers });
      }
    },
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: () => {},
    on: {
      connected: (_socket, payload) => {
        connected = true;
        onConnected(payload);
      },
      closed: (event) => {
        const e = event as { code: number; reason: string | Buffer };
        onClosed({ code: e.code, reason: String(e.reason), at: Date.now() });
      },
    },
  });
  const subscribe = (query: string, variables?: Record<string, unknown>): Operation => {
    const results: Operation['results'] = [];
    let fail!: (e: unknown) => void;
    const error = new Promise<any>((r) => (fail = r));
    const stop = client.subscribe(
      { query, variables },
      { next: (v) => results.push({ at: Date.now(), ...(v as object) }), error: (e) => fail(e), complete: () => {} },
    );
    return { results, error, since: (t) => results.filter((r) => r.at >= t), stop };
  };
  return {
    client,
    connected: connectedPromise,
    isConnected: () => connected,
    closed,
    subscribe,
    execute: (query, variables) =>
      new Promise((resolve) => {
        let result: { data?: any; errors?: any[] } = {};
        client.subscribe(
          { query, variables },
          {
            next: (v) => (result = v as typeof result),
            error: (e) => resolve({ errors: Array.isArray(e) ? e : [e] }),
            complete: () => resolve(result),
          },
        );
      }),
    dispose: () => client.dispose() as Promise<void>,
  };
}

/** Races `promise` against a timer; rejects with `what` when the timer wins. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
    }),
  ]);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
