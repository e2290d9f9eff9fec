import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { EventMap, EventName } from '../events.ts';
import { logger as rootLogger, type Logger } from '../lib/logger.ts';

const CHANNEL = 'opsgraph_events';
const MAX_PAYLOAD_BYTES = 7900;

/** Anything that can run a raw statement: the Prisma client or a Prisma transaction client. */
export interface SqlExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

interface Envelope<K extends EventName = EventName> {
  event: K;
  payload: EventMap[K];
}

export function encodeEvent<K extends EventName>(event: K, payload: EventMap[K]): string {
  const text = JSON.stringify({ event, payload } satisfies Envelope<K>);
  if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) {
    throw new Error(`Event ${event} payload exceeds ${MAX_PAYLOAD_BYTES} bytes; publish ids, not documents`);
  }
  return text;
}

type Listener = (envelope: Envelope) => void;

/**
 * Pub/sub over Postgres LISTEN/NOTIFY, so an event published by any API or worker process reaches the
 * subscribers of every process on the same database. Publishing inside a transaction delivers on commit.
 *
 * NOTIFY is not queued for a listener that is gone: what is published while the LISTEN connection is down
 * never arrives. Whoever must not miss an event (revocations above all) re-checks its state in
 * `onReconnect`, which runs once the connection listens again.
 */
export class PubSub {
  private client: pg.Client | null = null;
  private listeners = new Map<EventName, Set<Listener>>();
  private readonly openIterators = new Set<() => void>();
  /** Subscriptions beyond the first that hear an event through one shared listener (grouped execution). */
  private readonly sharing = new Map<EventName, number>();
  private closed = false;
  private connecting: Promise<void> | null = null;
  private readonly reconnectHandlers = new Set<() => void>();
  private readonly disconnectHandlers = new Set<() => void>();
  private readonly logger: Logger;
  /** The LISTEN connection's `application_name`, which tells it apart in `pg_stat_activity`. */
  readonly applicationName = `opsgraph-pubsub-${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly databaseUrl: string,
    private readonly executor: SqlExecutor,
    logger: Logger = rootLogger,
  ) {
    this.logger = logger.child({ component: 'pubsub' });
  }

  /** Opens the LISTEN connection. Publishing works without it; subscribing needs it. */
  start(): Promise<void> {
    this.connecting ??= this.connect();
    return this.connecting;
  }

  /**
   * Calls `handler` each time the LISTEN connection is back after a loss (not on the first connect); events
   * published while it was down are lost. Returns the way to stop.
   */
  onReconnect(handler: () => void): () => void {
    this.reconnectHandlers.add(handler);
    return () => this.reconnectHandlers.delete(handler);
  }

  /**
   * Calls `handler` each time the LISTEN connection is lost: from then until `onReconnect`, nothing
   * published anywhere reaches this instance. Returns the way to stop.
   */
  onDisconnect(handler: () => void): () => void {
    this.disconnectHandlers.add(handler);
    return () => this.disconnectHandlers.delete(handler);
  }

  /** Whether the LISTEN connection is in place now: every event published from now on arrives. */
  get listening(): boolean {
    return this.client !== null && !this.closed;
  }

  private notify(handlers: Set<() => void>, what: string): void {
    for (const handler of handlers) {
      try {
        handler();
      } catch (err) {
        this.logger.error({ err }, `a pub/sub ${what} handler failed`);
      }
    }
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl, application_name: this.applicationName });
    client.on('notification', (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      let envelope: Envelope;
      try {
        envelope = JSON.parse(msg.payload) as Envelope;
      } catch {
        this.logger.warn({ payload: msg.payload }, 'ignoring malformed event');
        return;
      }
      for (const listener of this.listeners.get(envelope.event) ?? []) listener(envelope);
    });
    let lost = false;
    const onLost = (err?: Error) => {
      // A terminated backend can say so twice ('error', then 'end'); one reconnect is enough.
      if (lost || this.closed || this.client !== client) return;
      lost = true;
      this.logger.error({ err }, 'pub/sub connection lost; reconnecting');
      this.client = null;
      void client.end().catch(() => {});
      this.notify(this.disconnectHandlers, 'disconnect');
      this.scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    this.client = client;
  }

  private scheduleReconnect(attempt = 1): void {
    const delay = Math.min(5000, 100 * 2 ** attempt);
    setTimeout(() => {
      if (this.closed) return;
      this.connecting = this.connect().then(
        () => {
          this.logger.info({ attempt }, 'pub/sub connection restored');
          this.notify(this.reconnectHandlers, 'reconnect');
        },
        (err) => {
          this.logger.warn({ err, attempt }, 'pub/sub reconnect failed');
          this.scheduleReconnect(attempt + 1);
        },
      );
    }, delay).unref();
  }

  /** Publishes through `db` (pass a transaction client to deliver only if it commits). */
  async publish<K extends EventName>(event: K, payload: EventMap[K], db: SqlExecutor = this.executor): Promise<void> {
    await db.$executeRawUnsafe('SELECT pg_notify($1, $2)', CHANNEL, encodeEvent(event, payload));
  }

  /**
   * Calls `handler` for each payload of `event` synchronously, in arrival order, before any later event
   * reaches an iterator; returns the way to stop. Await `start()` to know the LISTEN is in place.
   */
  listen<K extends EventName>(event: K, handler: (payload: EventMap[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const listener: Listener = (envelope) => handler(envelope.payload as EventMap[K]);
    set.add(listener);
    return () => set.delete(listener);
  }

  /**
   * How many listeners and iterators of this instance hear `event`: each open subscription holds one, also
   * when several share one listener (see `shareListener`).
   */
  listenerCount(event: EventName): number {
    return (this.listeners.get(event)?.size ?? 0) + (this.sharing.get(event) ?? 0);
  }

  /** Counts `delta` more (or, negative, fewer) subscriptions hearing `event` through a listener they share. */
  shareListener(event: EventName, delta: number): void {
    const count = (this.sharing.get(event) ?? 0) + delta;
    if (count) this.sharing.set(event, count);
    else this.sharing.delete(event);
  }

  /** An async iterator of one event's payloads, optionally filtered; ends when the consumer returns. */
  subscribe<K extends EventName>(event: K, filter?: (payload: EventMap[K]) => boolean): AsyncIterableIterator<EventMap[K]> {
    const queue: EventMap[K][] = [];
    let wake: (() => void) | null = null;
    let done = false;
    const listener: Listener = (envelope) => {
      const payload = envelope.payload as EventMap[K];
      if (filter && !filter(payload)) return;
      queue.push(payload);
      wake?.();
    };
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    const ready = this.start();
    const stop = () => {
      done = true;
      set.delete(listener);
      this.openIterators.delete(stop);
      wake?.();
    };
    this.openIterators.add(stop);
    const iterator: AsyncIterableIterator<EventMap[K]> = {
      async next() {
        await ready;
        while (!done && queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        if (queue.length > 0) return { value: queue.shift()!, done: false };
        return { value: undefined, done: true };
      },
      async return() {
        stop();
        return { value: undefined, done: true };
      },
      async throw(err) {
        stop();
        throw err;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const stop of [...this.openIterators]) stop();
    const client = this.client;
    this.client = null;
    await this.connecting?.catch(() => {});
    if (client) await client.end().catch(() => {});
  }
}
