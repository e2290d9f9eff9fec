// Grouped subscription execution. graphql-ws on its own executes every subscriber's selection for every
// event, serialises every result and awaits every write, so an event costs each instance the full GraphQL
// work once per subscriber. Here subscriptions that would get the same answer share it: one source stream,
// one execution and one serialisation per event for every group of subscribers with the same document,
// operation name, variables and visibility; each subscriber gets the same payload bytes behind its own
// operation id, written straight to its socket.
//
// Visibility is everything a resolver reads from its context that changes the answer: the schema and the
// role for an admin (authScopes and permissions), the tenant for a tenant key (the tenant-scoped client and
// the tenant filter of `subscribe`). The group's shared context has nothing else: a resolver reading the
// caller's identity (user, session, key) from it fails loudly, telling whoever adds one to key groups by it.
//
// Bursts coalesce: the events a group's stream has ready together are executed together and written in
// order, each socket corked until the end of the tick, so a subscriber sees its events in arrival order in
// as few socket writes as possible. A socket that is closing (revoked, expired, gone) gets nothing more
// from the moment it starts to close; its subscriptions leave their groups when it has closed.
import type { Socket } from 'node:net';
import {
  createSourceEventStream, execute, GraphQLError, type ExecutionArgs, type ExecutionResult,
} from 'graphql';
import type { WebSocket } from 'ws';
import type { App } from '../app.ts';
import type { EventName } from '../events.ts';
import type { Context } from '../graphql/context.ts';
import type { Logger } from '../lib/logger.ts';
import { createScope, type AdminPrincipal, type TenantPrincipal } from '../scope.ts';
import { clientError, logErrors } from './errors.ts';

/** One subscription operation as its socket opened it. */
export interface Subscriber {
  socket: WebSocket;
  /** The graphql-ws operation id (the client's). */
  operationId: string;
  /** This operation's request id, quoted in its errors. */
  requestId: string;
  /** The operation's text, operation name and raw variables, as sent. */
  query: string;
  operationName: string | null | undefined;
  variables: Record<string, unknown> | null | undefined;
}

/** The most events one group executes together. */
const MAX_BATCH = 100;
const OPEN = 1; // WebSocket.OPEN

/** What the answer of a subscription may depend on, besides its document and variables. */
export function visibilityOf(principal: AdminPrincipal | TenantPrincipal): string {
  return principal.kind === 'admin' ? `admin:${principal.role}` : `tenant:${principal.tenantId}`;
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` name the same group. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** The principal a group's resolvers see: what its visibility names, and nothing that could tell members apart. */
function sharedPrincipal(principal: AdminPrincipal | TenantPrincipal): AdminPrincipal | TenantPrincipal {
  const visible: Record<string, unknown> = principal.kind === 'admin' ? { kind: 'admin', role: principal.role } : { kind: 'tenant', tenantId: principal.tenantId };
  return new Proxy(visible, {
    get(target, property) {
      if (typeof property === 'symbol' || Object.hasOwn(target, property)) return target[property as string];
      if (property === 'then' || property === 'toJSON') return undefined;
      throw new Error(
        `A subscription resolver read principal.${property}, which grouped execution does not tell subscribers apart by: add it to visibilityOf (http/subscription-groups.ts)`,
      );
    },
  }) as AdminPrincipal | TenantPrincipal;
}

/** Nothing a subscription resolver may write: audit entries belong to mutations. */
const noActor = new Proxy(
  {},
  {
    get(_target, property) {
      if (typeof property === 'symbol' || property === 'then' || property === 'toJSON') return undefined;
      throw new Error('A subscription resolver read the audit actor of a grouped subscription');
    },
  },
) as Context['actor'];

// ─── socket writes ───────────────────────────────────────────────────────────

const corked = new Set<Socket>();
function uncorkAll(): void {
  for (const socket of corked) socket.uncork();
  corked.clear();
}

/** Sends a text frame, the socket corked until the end of the tick so that frames written together go out in one write. */
function sendText(ws: WebSocket, frame: Buffer): void {
  const raw = (ws as unknown as { _socket?: Socket })._socket;
  if (raw && typeof raw.cork === 'function' && !corked.has(raw)) {
    raw.cork();
    corked.add(raw);
    if (corked.size === 1) process.nextTick(uncorkAll);
  }
  ws.send(frame, { binary: false });
}

const FRAME_END = Buffer.from('}');

// ─── members ─────────────────────────────────────────────────────────────────

/**
 * One subscriber in a group, as graphql-ws iterates it: it yields nothing (the group writes its frames),
 * and ends when the subscriber completes or its socket closes (`return`), or when the group's stream ends
 * (done) or fails (the error, which graphql-ws formats and sends as before).
 */
class Member implements AsyncGenerator<never, void, unknown> {
  active = true;
  /** `{"id":<operation id>,"type":"next","payload":` */
  readonly prefix: Buffer;
  private settle!: { resolve: (r: IteratorResult<never, void>) => void; reject: (e: unknown) => void };
  private readonly ended = new Promise<IteratorResult<never, void>>((resolve, reject) => (this.settle = { resolve, reject }));

  constructor(
    readonly subscriber: Subscriber,
    private readonly leave: (member: Member) => void,
  ) {
    this.prefix = Buffer.from(`{"id":${JSON.stringify(subscriber.operationId)},"type":"next","payload":`);
  }

  /** Whether a frame written now reaches the subscriber. */
  get reachable(): boolean {
    return this.active && this.subscriber.socket.readyState === OPEN;
  }

  end(error?: unknown): void {
    if (!this.active) return;
    this.active = false;
    if (error === undefined) this.settle.resolve({ value: undefined, done: true });
    else this.settle.reject(error);
  }

  next(): Promise<IteratorResult<never, void>> {
    return this.ended;
  }

  async return(): Promise<IteratorResult<never, void>> {
    if (this.active) {
      this.end();
      this.leave(this);
    }
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<never, void>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }
}

// ─── groups ──────────────────────────────────────────────────────────────────

const NOT_READY = Symbol('not ready');
const immediately = () => new Promise<typeof NOT_READY>((resolve) => setImmediate(resolve, NOT_READY));

class Group {
  readonly members = new Set<Member>();
  ended = false;
  /** Resolves with null once the stream runs, or with the errors that refused it. */
  readonly ready: Promise<ExecutionResult | null>;
  private source: AsyncIterator<unknown> | null = null;
  /** Events the shared context subscribed to, and how many extra subscribers are counted on them. */
  private readonly events = new Set<EventName>();
  private counted = 0;
  private readonly args: ExecutionArgs;
  private readonly logger: Logger;

  constructor(
    readonly id: string,
    private readonly app: App,
    args: ExecutionArgs,
    private readonly mask: boolean,
    private readonly forget: (group: Group) => void,
  ) {
    const first = args.contextValue as Context;
    const principal = first.principal as AdminPrincipal | TenantPrincipal;
    const shared = createScope(app, principal, { requestId: id, ip: null, userAgent: null }) as Context;
    const subscribe = shared.subscribe;
    shared.subscribe = ((event, filter) => {
      this.events.add(event);
      return subscribe(event, filter);
    }) as Context['subscribe'];
    shared.principal = sharedPrincipal(principal) as never;
    shared.actor = noActor;
    this.logger = shared.logger;
    this.args = { ...args, contextValue: shared };
    this.ready = this.start();
  }

  private async start(): Promise<ExecutionResult | null> {
    let stream: Awaited<ReturnType<typeof createSourceEventStream>>;
    try {
      stream = await createSourceEventStream(this.args);
    } catch (err) {
      this.close();
      throw err;
    }
    if (!(Symbol.asyncIterator in stream)) {
      this.close();
      return stream;
    }
    this.source = stream[Symbol.asyncIterator]();
    this.recount();
    void this.pump().then(
      () => this.close(),
      (err: unknown) => this.close(err),
    );
    return null;
  }

  join(subscriber: Subscriber): Member {
    const member = new Member(subscriber, (m) => this.leave(m));
    this.members.add(member);
    this.recount();
    return member;
  }

  private leave(member: Member): void {
    this.members.delete(member);
    if (this.members.size === 0) this.close();
    else this.recount();
  }

  /** Keeps pub/sub's listener count at one per subscriber, as if each had its own listener. */
  private recount(): void {
    const wanted = this.source && !this.ended ? Math.max(0, this.members.size - 1) : 0;
    if (wanted === this.counted) return;
    for (const event of this.events) this.app.pubsub.shareListener(event, wanted - this.counted);
    this.counted = wanted;
  }

  /** Ends the group: its stream stops, its members end (with `error`, if any) and a new subscriber starts a new group. */
  private close(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.forget(this);
    this.recount();
    for (const member of this.members) member.end(error);
    this.members.clear();
    void this.source?.return?.().catch(() => {});
  }

  private async pump(): Promise<void> {
    const source = this.source!;
    let pending = source.next();
    pending.catch(() => {});
    while (!this.ended) {
      const first = await pending;
      if (first.done) return;
      const batch: unknown[] = [first.value];
      pending = source.next();
      pending.catch(() => {});
      let finished = false;
      // Whatever else the stream already holds goes out with this event.
      while (batch.length < MAX_BATCH) {
        const ready = await Promise.race([pending, immediately()]);
        if (ready === NOT_READY) break;
        if (ready.done) {
          finished = true;
          break;
        }
        batch.push(ready.value);
        pending = source.next();
        pending.catch(() => {});
      }
      // The subscribers there are now: one that joins during the execution hears from the next event on.
      const recipients = [...this.members];
      const results = await Promise.all(batch.map((event) => execute({ ...this.args, rootValue: event }) as Promise<ExecutionResult>));
      if (this.ended) return;
      this.deliver(results, recipients);
      if (finished) return;
    }
  }

  private deliver(results: ExecutionResult[], recipients: Member[]): void {
    const payloads = results.map((result) => (result.errors?.length ? null : Buffer.concat([Buffer.from(JSON.stringify(result)), FRAME_END])));
    for (const result of results) {
      if (result.errors?.length) logErrors(this.logger.child({ requestIds: recipients.map((m) => m.subscriber.requestId) }), result.errors);
    }
    for (const member of recipients) {
      for (const [i, result] of results.entries()) {
        if (!member.reachable) break;
        const payload = payloads[i] ?? Buffer.from(`${JSON.stringify(this.masked(result, member.subscriber.requestId))}}`);
        sendText(member.subscriber.socket, Buffer.concat([member.prefix, payload]));
      }
    }
  }

  /** A result with errors, as this subscriber sees it: its own request id, internals masked (as onNext did). */
  private masked(result: ExecutionResult, requestId: string): ExecutionResult {
    return { ...result, errors: result.errors!.map((e) => clientError(e, requestId, this.mask) as GraphQLError) };
  }
}

/** The groups of one WebSocket server. */
export class SubscriptionGroups {
  private readonly groups = new Map<string, Group>();
  private readonly subscribers = new WeakMap<object, Subscriber>();
  private opened = 0;

  constructor(
    private readonly app: App,
    private readonly options: { maskErrors: boolean },
  ) {}

  /** Names the subscriber an operation's context belongs to (before graphql-ws subscribes it). */
  register(context: Context, subscriber: Subscriber): void {
    this.subscribers.set(context, subscriber);
  }

  /** Open groups and their subscribers. */
  get size(): { groups: number; subscribers: number } {
    let subscribers = 0;
    for (const group of this.groups.values()) subscribers += group.members.size;
    return { groups: this.groups.size, subscribers };
  }

  /**
   * graphql-ws's `subscribe`: the subscriber joins the group of its document, variables and visibility
   * (starting it if there is none); errors that refuse the subscription come back as a result, as
   * graphql's `subscribe` returns them.
   */
  async subscribe(args: ExecutionArgs): Promise<AsyncGenerator<never, void, unknown> | ExecutionResult> {
    const context = args.contextValue as Context;
    const subscriber = this.subscribers.get(context);
    if (!subscriber || (context.principal.kind !== 'admin' && context.principal.kind !== 'tenant')) {
      throw new Error('grouped subscribe: the operation was not registered');
    }
    const key = canonicalJson([visibilityOf(context.principal), subscriber.operationName ?? null, subscriber.variables ?? {}, subscriber.query]);
    for (;;) {
      let group = this.groups.get(key);
      if (!group) {
        const id = `live-group:${(this.opened += 1)}`;
        group = new Group(id, this.app, args, this.options.maskErrors, (g) => {
          if (this.groups.get(key) === g) this.groups.delete(key);
        });
        this.groups.set(key, group);
      }
      const refused = await group.ready;
      if (refused) return refused;
      // Its last subscriber may have left while this one waited: then it starts a new group.
      if (!group.ended) return group.join(subscriber);
    }
  }
}
