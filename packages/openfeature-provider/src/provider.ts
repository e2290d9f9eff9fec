import {
  ErrorCode,
  FlagNotFoundError,
  GeneralError,
  OpenFeatureError,
  OpenFeatureEventEmitter,
  ParseError,
  ProviderEvents,
  ProviderNotReadyError,
  StandardResolutionReasons,
  TypeMismatchError,
  type EvaluationContext as OpenFeatureContext,
  type JsonValue,
  type Logger,
  type Provider,
  type ResolutionDetails,
  type ResolutionReason,
} from '@openfeature/server-sdk';
import { evaluateFlag, type AttributeValue, type EvaluationContext, type EvaluationReason, type FlagSnapshot, type FlagType } from '@opsgraph/flag-evaluator';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { changedKeys, isLater, readSnapshot, type ReadSnapshot } from './snapshot.ts';

export interface OpsgraphProviderOptions {
  /** The API's base URL (`https://api.example.com`): GraphQL over HTTP and WebSocket at `/graphql`. */
  url: string;
  /** The tenant's API key (`ogk_…`). */
  apiKey: string;
  /** The fetch the snapshot is read with (a proxy, an agent). Default: the global fetch. */
  fetch?: typeof globalThis.fetch;
  /** Headers added to every HTTP request and to the WebSocket's upgrade request. */
  headers?: Record<string, string>;
  /** The WebSocket implementation graphql-ws uses. Default: the `ws` package. */
  webSocketImpl?: unknown;
  /** One snapshot request's time limit. Default 5,000 ms. */
  timeoutMs?: number;
  /**
   * Also read the snapshot this often, in case an event was lost between a reconnect and its subscription.
   * 0 turns it off. Default 300,000 ms.
   */
  refreshIntervalMs?: number;
  /** Reconnects and failed reads wait this long first, doubling (with jitter) up to `maxRetryDelayMs`. Default 500 ms. */
  retryDelayMs?: number;
  /** Default 30,000 ms. */
  maxRetryDelayMs?: number;
  /** A snapshot to serve until the API first answers (an offline start): its reasons are STALE. */
  bootstrap?: FlagSnapshot;
}

const SNAPSHOT_QUERY = 'query OpenFeatureFlagSnapshot { flagSnapshot { version snapshot } }';
const CHANGES_SUBSCRIPTION = 'subscription OpenFeatureFlagsChanged { flagsChanged { version keys } }';

/** The evaluator's reason as OpenFeature's (the evaluator's own stays in `flagMetadata.reason`). */
export const openFeatureReasons: Readonly<Record<EvaluationReason, ResolutionReason>> = {
  DISABLED: StandardResolutionReasons.DISABLED,
  TENANT_OVERRIDE: StandardResolutionReasons.TARGETING_MATCH,
  USER_OVERRIDE: StandardResolutionReasons.TARGETING_MATCH,
  RULE: StandardResolutionReasons.TARGETING_MATCH,
  ENTITLEMENT: StandardResolutionReasons.TARGETING_MATCH,
  ROLLOUT: StandardResolutionReasons.SPLIT,
  SAFEGUARD_PAUSED: StandardResolutionReasons.DEFAULT,
  DEFAULT: StandardResolutionReasons.DEFAULT,
};

/** A GraphQL or HTTP failure of the API, with the error code it answered (UNAUTHENTICATED, …) when it said one. */
export class SnapshotRequestError extends Error {
  constructor(message: string, readonly code: string | null) {
    super(message);
    this.name = 'SnapshotRequestError';
  }
}

/**
 * OpenFeature server provider for Opsgraph flags: reads the tenant's flag snapshot with its API key,
 * evaluates every flag locally with the API's own evaluator, and reads the snapshot again on each
 * `flagsChanged` event. While the API is out of reach it keeps serving the last snapshot it read (reason
 * STALE); before it has one, evaluations fail with PROVIDER_NOT_READY and callers get their defaults.
 */
export class OpsgraphProvider implements Provider {
  readonly metadata = { name: 'opsgraph' } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();

  private readonly options: Required<Omit<OpsgraphProviderOptions, 'bootstrap' | 'webSocketImpl' | 'headers'>> &
    Pick<OpsgraphProviderOptions, 'webSocketImpl' | 'headers'>;
  private snapshot: ReadSnapshot | null = null;
  /** The snapshot may be out of date: the live connection is down, or reading it failed since. */
  private stale = false;
  /** Emitted Error or Stale since the last Ready: the next good read emits Ready. */
  private degraded = false;
  private initialized = false;
  private closed = false;
  private client: Client | null = null;
  private readonly aborts = new AbortController();
  private reading: Promise<Error | null> | null = null;
  private readAgain = false;
  /** Keys named by events since the last successful read. */
  private pendingKeys = new Set<string>();
  private retryTimer: NodeJS.Timeout | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private readFailures = 0;
  private connected = false;
  private everConnected = false;
  /** Served from `bootstrap` until the first read: whatever the API answers replaces it, whatever its version. */
  private bootstrapped = false;
  /** The latest version an event announced: a read that answers an earlier one is tried again. */
  private announced: string | null = null;
  private catchUps = 0;

  constructor(options: OpsgraphProviderOptions) {
    this.options = {
      url: options.url.replace(/\/+$/, ''),
      apiKey: options.apiKey,
      fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
      headers: options.headers,
      webSocketImpl: options.webSocketImpl,
      timeoutMs: options.timeoutMs ?? 5_000,
      refreshIntervalMs: options.refreshIntervalMs ?? 300_000,
      retryDelayMs: options.retryDelayMs ?? 500,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 30_000,
    };
    if (options.bootstrap) {
      this.snapshot = readSnapshot(options.bootstrap);
      this.stale = true;
      this.bootstrapped = true;
    }
  }

  /** The version of the snapshot being served, or null before the first one. */
  get snapshotVersion(): string | null {
    return this.snapshot?.version ?? null;
  }

  /**
   * Opens the live connection and reads the snapshot. Rejects when the first read fails and there is no
   * bootstrap snapshot (the SDK reports ERROR); reading goes on in the background and the provider emits
   * Ready once it succeeds.
   */
  async initialize(): Promise<void> {
    this.connect();
    if (this.options.refreshIntervalMs > 0) {
      this.refreshTimer = setInterval(() => void this.read(), this.options.refreshIntervalMs);
      this.refreshTimer.unref();
    }
    const error = await this.read();
    this.initialized = true;
    if (error === null) return;
    this.degraded = true;
    if (this.snapshot === null) throw new GeneralError(`could not read the flag snapshot: ${error.message}`);
  }

  async onClose(): Promise<void> {
    await this.shutDown();
  }

  /** Stops everything: timers, reads in flight and the socket (closed by the host, or for good by the API). */
  private async shutDown(): Promise<void> {
    this.closed = true;
    this.aborts.abort();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    const client = this.client;
    this.client = null;
    // graphql-ws rejects a dispose with the last connection error when no socket is open: nothing to close.
    await Promise.resolve(client?.dispose()).catch(() => {});
  }

  async resolveBooleanEvaluation(flagKey: string, _defaultValue: boolean, context: OpenFeatureContext, logger: Logger): Promise<ResolutionDetails<boolean>> {
    return this.resolve<boolean>(flagKey, 'BOOLEAN', context, logger);
  }

  async resolveStringEvaluation(flagKey: string, _defaultValue: string, context: OpenFeatureContext, logger: Logger): Promise<ResolutionDetails<string>> {
    return this.resolve<string>(flagKey, 'STRING', context, logger);
  }

  async resolveNumberEvaluation(flagKey: string, _defaultValue: number, context: OpenFeatureContext, logger: Logger): Promise<ResolutionDetails<number>> {
    return this.resolve<number>(flagKey, 'NUMBER', context, logger);
  }

  async resolveObjectEvaluation<T extends JsonValue>(flagKey: string, _defaultValue: T, context: OpenFeatureContext, logger: Logger): Promise<ResolutionDetails<T>> {
    return this.resolve<T>(flagKey, 'JSON', context, logger);
  }

  // ─── evaluation ────────────────────────────────────────────────────────────

  private resolve<T>(flagKey: string, type: FlagType, context: OpenFeatureContext, logger: Logger): ResolutionDetails<T> {
    try {
      const snapshot = this.snapshot;
      if (snapshot === null) throw new ProviderNotReadyError('no flag snapshot yet: the API has not answered');
      const flag = snapshot.flags.get(flagKey);
      if (flag === undefined) throw new FlagNotFoundError(`no flag "${flagKey}" for this tenant`);
      if ('unreadable' in flag) throw new ParseError(flag.unreadable);
      if (flag.type !== type) throw new TypeMismatchError(`flag "${flagKey}" is a ${flag.type} flag, not ${type}`);
      const evaluation = evaluateFlag(flag, snapshot.tenant, toEvaluationContext(context));
      const value = evaluation.value;
      return {
        // JSON values are copied: a caller changing its object must not change the snapshot.
        value: (type === 'JSON' && value !== null && typeof value === 'object' ? structuredClone(value) : value) as T,
        reason: this.stale ? StandardResolutionReasons.STALE : openFeatureReasons[evaluation.reason],
        ...(type === 'BOOLEAN' ? { variant: value ? 'on' : 'off' } : type === 'STRING' ? { variant: value as string } : {}),
        flagMetadata: {
          reason: evaluation.reason,
          snapshotVersion: snapshot.version,
          ...(evaluation.ruleId !== null ? { ruleId: evaluation.ruleId } : {}),
          ...(evaluation.bucket !== null ? { bucket: evaluation.bucket } : {}),
          ...(evaluation.pausedBy.length ? { pausedBy: evaluation.pausedBy.join(',') } : {}),
        },
      };
    } catch (error) {
      if (error instanceof OpenFeatureError) throw error;
      logger.error(`opsgraph provider: evaluating "${flagKey}" failed`, error);
      throw new GeneralError(`evaluating flag "${flagKey}" failed: ${(error as Error)?.message ?? String(error)}`);
    }
  }

  // ─── the snapshot ──────────────────────────────────────────────────────────

  /**
   * Reads the snapshot now; a read already running is followed by one more (an event may postdate it).
   * Resolves with the last attempt's failure, or null; a failure schedules a retry.
   */
  private read(): Promise<Error | null> {
    if (this.closed) return Promise.resolve(null);
    if (this.reading) {
      this.readAgain = true;
      return this.reading;
    }
    this.reading = (async () => {
      try {
        do {
          this.readAgain = false;
          try {
            await this.readOnce();
          } catch (error) {
            this.scheduleRetry();
            return error as Error;
          }
        } while (this.readAgain && !this.closed);
        return null;
      } finally {
        this.reading = null;
      }
    })();
    return this.reading;
  }

  private async readOnce(): Promise<void> {
    const named = [...this.pendingKeys];
    let next: ReadSnapshot;
    try {
      next = readSnapshot(await this.requestSnapshot());
    } catch (error) {
      this.readFailures += 1;
      this.markStale(error as Error);
      throw error;
    }
    if (this.closed) return;
    this.readFailures = 0;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    for (const key of named) this.pendingKeys.delete(key);
    const before = this.snapshot;
    // A snapshot older than the one served (a lagging read) is ignored.
    const replaced = before === null || this.bootstrapped || isLater(next.version, before.version);
    if (replaced) this.snapshot = next;
    this.bootstrapped = false;
    // Once the live connection has been lost, only a read after it is back makes the snapshot current again:
    // events sent in between were missed.
    this.stale = this.everConnected && !this.connected;
    if (this.initialized && this.degraded && !this.stale) {
      this.degraded = false;
      this.events.emit(ProviderEvents.Ready, { message: `flag snapshot ${this.snapshot!.version}` });
    }
    const changed = new Set([...(replaced ? changedKeys(before, next) : []), ...named]);
    if (this.initialized && before !== null && changed.size > 0) {
      this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: [...changed], message: `flag snapshot ${this.snapshot!.version}` });
    }
    // The instance that answered had not caught up with the event yet: ask again shortly, a few times.
    if (this.announced !== null && isLater(this.announced, this.snapshot!.version) && this.catchUps < 5) {
      this.catchUps += 1;
      this.readFailures = this.catchUps;
      this.scheduleRetry();
    } else {
      this.announced = null;
      this.catchUps = 0;
    }
  }

  private async requestSnapshot(): Promise<unknown> {
    const signal = AbortSignal.any([this.aborts.signal, AbortSignal.timeout(this.options.timeoutMs)]);
    let res: Response;
    try {
      res = await this.options.fetch(`${this.options.url}/graphql`, {
        method: 'POST',
        headers: { ...this.options.headers, 'content-type': 'application/json', authorization: `Bearer ${this.options.apiKey}` },
        body: JSON.stringify({ query: SNAPSHOT_QUERY }),
        signal,
      });
    } catch (error) {
      throw new SnapshotRequestError(`the API is out of reach: ${(error as Error).message}`, null);
    }
    const text = await res.text();
    let body: { data?: { flagSnapshot?: { version: string; snapshot: unknown } | null }; errors?: { message: string; extensions?: { code?: string } }[] };
    try {
      body = JSON.parse(text);
    } catch {
      throw new SnapshotRequestError(`the API answered ${res.status} with something other than JSON`, null);
    }
    const first = body.errors?.[0];
    if (first) throw new SnapshotRequestError(`the API answered ${res.status}: ${first.message}`, first.extensions?.code ?? null);
    const answer = body.data?.flagSnapshot;
    if (!res.ok || !answer) throw new SnapshotRequestError(`the API answered ${res.status} without a flag snapshot`, null);
    return answer.snapshot;
  }

  private markStale(error: Error): void {
    if (this.closed) return;
    this.stale = this.snapshot !== null;
    if (!this.initialized || this.degraded) return;
    this.degraded = true;
    if (this.snapshot !== null) this.events.emit(ProviderEvents.Stale, { message: error.message });
    else this.events.emit(ProviderEvents.Error, { message: error.message, errorCode: ErrorCode.GENERAL });
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.read();
    }, this.backoff(this.readFailures));
    this.retryTimer.unref();
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.options.maxRetryDelayMs, this.options.retryDelayMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  // ─── the live connection ───────────────────────────────────────────────────

  private connect(): void {
    const headers = this.options.headers ?? {};
    const impl =
      this.options.webSocketImpl ??
      class extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { headers });
        }
      };
    this.client = createClient({
      url: `${this.options.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: impl,
      connectionParams: { authorization: `Bearer ${this.options.apiKey}` },
      lazy: false,
      retryAttempts: Number.POSITIVE_INFINITY,
      // Unref'd: a wait pending when the provider closes must not keep the host process alive.
      retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, this.backoff(retries + 1)).unref()),
      // 4401: the key has ended for good (revoked, expired); everything else is worth another try.
      shouldRetry: (event) => !(isCloseEvent(event) && event.code === 4401),
      onNonLazyError: () => {},
      on: {
        connected: () => {
          this.connected = true;
          this.everConnected = true;
          // Whatever changed while the connection was down: read it afresh.
          void this.read();
        },
        closed: (event) => {
          const wasConnected = this.connected;
          this.connected = false;
          if (this.closed) return;
          if (isCloseEvent(event) && event.code === 4401) {
            this.fatal(`the API key was refused for good (${event.code} ${event.reason})`);
          } else if (wasConnected) {
            this.markStale(new Error(`the live connection closed${isCloseEvent(event) ? ` (${event.code})` : ''}`));
          }
        },
      },
    });
    this.subscribe();
  }

  /** `flagsChanged`: graphql-ws resubscribes after a reconnect; after an error answer this tries again later. */
  private subscribe(): void {
    let failures = 0;
    const start = () => {
      if (this.closed || this.client === null) return;
      this.client.subscribe(
        { query: CHANGES_SUBSCRIPTION },
        {
          next: (result) => {
            failures = 0;
            const event = (result.data as { flagsChanged?: { keys?: unknown; version?: unknown } } | undefined)?.flagsChanged;
            if (Array.isArray(event?.keys)) for (const key of event.keys) if (typeof key === 'string') this.pendingKeys.add(key);
            if (typeof event?.version === 'string' && (this.announced === null || isLater(event.version, this.announced))) this.announced = event.version;
            void this.read();
          },
          error: (error) => {
            if (this.closed) return;
            failures += 1;
            this.markStale(new Error(`the flagsChanged subscription failed: ${describe(error)}`));
            setTimeout(start, this.backoff(failures)).unref();
          },
          complete: () => {},
        },
      );
    };
    start();
  }

  private fatal(message: string): void {
    void this.shutDown();
    this.events.emit(ProviderEvents.Error, { message, errorCode: ErrorCode.PROVIDER_FATAL });
  }
}

/**
 * OpenFeature's context in the evaluator's terms: `targetingKey` is the tenant user's external id; strings,
 * finite numbers, booleans, dates (as ISO strings) and string arrays are attributes; anything else is left out.
 */
export function toEvaluationContext(context: OpenFeatureContext): EvaluationContext {
  const attributes: Record<string, AttributeValue> = {};
  for (const name of Object.keys(context)) {
    if (name === 'targetingKey') continue;
    const value = context[name];
    if (typeof value === 'string' || typeof value === 'boolean') attributes[name] = value;
    else if (typeof value === 'number') {
      if (Number.isFinite(value)) attributes[name] = value;
    } else if (value instanceof Date) attributes[name] = value.toISOString();
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) attributes[name] = value as string[];
  }
  const userId = typeof context.targetingKey === 'string' && context.targetingKey !== '' ? context.targetingKey : null;
  return { userId, attributes };
}

function isCloseEvent(event: unknown): event is { code: number; reason: string } {
  return typeof event === 'object' && event !== null && typeof (event as { code?: unknown }).code === 'number';
}

function describe(error: unknown): string {
  if (Array.isArray(error)) return error.map((e) => (e as Error).message).join('; ');
  if (isCloseEvent(error)) return `socket closed (${error.code})`;
  return (error as Error)?.message ?? String(error);
}
