// The request scope: every request, WebSocket operation and job runs with one. Services take a scope,
// never the app or a bare client, so a tenant key's work can only ever see its tenant's rows.
import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { App } from './app.ts';
import type { PoolUsage, Prisma, PrismaClient } from './db/client.ts';
import { conflictFromUniqueViolation } from './db/errors.ts';
import type { TenantDb } from './db/tenant-scope.ts';
import type { EventMap, EventName } from './events.ts';
import type { ActorType, AdminRole } from './generated/prisma/enums.ts';
import { getDatamodel } from './generated/pothos-types.ts';
import type { Logger } from './lib/logger.ts';
import { enqueueJob, type EnqueueOptions, type TaskName } from './worker/task.ts';

export interface RequestMeta {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
}

export type AdminPrincipal = {
  kind: 'admin';
  userId: string;
  email: string;
  role: AdminRole;
  sessionId: string;
  sessionExpiresAt: Date;
  impersonatorId: null;
};
export type TenantPrincipal = { kind: 'tenant'; tenantId: string; apiKeyId: string; keyExpiresAt: Date | null };
/** The platform itself: jobs, boot, the command line, and authentication before a principal exists. */
export type SystemPrincipal = { kind: 'system'; name: string };
export type AnonymousPrincipal = { kind: 'anonymous' };
export type Principal = AdminPrincipal | TenantPrincipal | SystemPrincipal | AnonymousPrincipal;

/** Who did it, from where: copied onto every audit entry. */
export interface AuditActor {
  actorType: ActorType;
  actorId: string | null;
  actorEmail: string | null;
  actorRole: AdminRole | null;
  impersonatorId: string | null;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}

type Publish = <K extends EventName>(event: K, payload: EventMap[K]) => Promise<void>;
type Subscribe = <K extends EventName>(event: K, filter?: (payload: EventMap[K]) => boolean) => AsyncIterableIterator<EventMap[K]>;

const APP = Symbol('app');

interface ScopeBase {
  meta: RequestMeta;
  logger: Logger;
  actor: AuditActor;
  /** Publishes at once (inside a transaction, use the transaction's `publish`: delivered on commit). */
  publish: Publish;
  /**
   * Events as they happen on any instance, while the consumer iterates. A tenant scope hears only events
   * about its own tenant (payloads with its `tenantId`), whatever filter it passes.
   */
  subscribe: Subscribe;
  /** The process's resources; only the platform code in this file reads it. */
  readonly [APP]: App;
}

/** An admin session: the full client, subject to the field's permission checks. */
export interface AdminScope extends ScopeBase {
  principal: AdminPrincipal;
  db: PrismaClient;
}
/** A tenant API key: the tenant-scoped client, no raw SQL, no other tenant's rows. */
export interface TenantScope extends ScopeBase {
  principal: TenantPrincipal;
  db: TenantDb;
}
/** Jobs, boot, seed, command line: the full client, recorded as SYSTEM in the audit log. */
export interface SystemScope extends ScopeBase {
  principal: SystemPrincipal;
  db: PrismaClient;
}
/** No credentials: no data access at all (the login mutation is the one exception, see `asSystem`). */
export interface AnonymousScope extends ScopeBase {
  principal: AnonymousPrincipal;
  db: Record<string, never>;
}
export type Scope = AdminScope | TenantScope | SystemScope | AnonymousScope;
/** Scopes with the full client. */
export type PlatformScope = AdminScope | SystemScope;
/** Scopes that may change data (and so write audit entries). */
export type WritableScope = AdminScope | TenantScope | SystemScope;

const noMeta: RequestMeta = { requestId: '', ip: null, userAgent: null };

function actorFor(principal: Principal, meta: RequestMeta): AuditActor {
  const where = { requestId: meta.requestId || null, ip: meta.ip, userAgent: meta.userAgent, impersonatorId: null };
  switch (principal.kind) {
    case 'admin':
      return { ...where, actorType: 'ADMIN', actorId: principal.userId, actorEmail: principal.email, actorRole: principal.role, impersonatorId: principal.impersonatorId };
    case 'tenant':
      return { ...where, actorType: 'TENANT', actorId: principal.apiKeyId, actorEmail: null, actorRole: null };
    default:
      return { ...where, actorType: 'SYSTEM', actorId: null, actorEmail: null, actorRole: null };
  }
}

/** Any use of an anonymous scope's data access is refused. */
const noData = new Proxy(Object.freeze({}) as Record<string, never>, {
  get(_target, property) {
    if (property === 'then' || typeof property !== 'string') return undefined;
    throw new GraphQLError('Authentication required', { extensions: { code: 'UNAUTHENTICATED' } });
  },
});

const tenantClients = new WeakMap<App, Map<string, TenantDb>>();

/** Tenant clients over the root client are cached: a Proxy per tenant, not per request. */
function tenantClient(app: App, tenantId: string): TenantDb {
  let byTenant = tenantClients.get(app);
  if (!byTenant) tenantClients.set(app, (byTenant = new Map()));
  let client = byTenant.get(tenantId);
  if (!client) {
    if (byTenant.size >= 1000) byTenant.delete(byTenant.keys().next().value!);
    client = app.tenantScoping.client(app.prisma, tenantId);
    byTenant.set(tenantId, client);
  }
  return client;
}

/** The scope of one request, WebSocket operation or job for `principal`. */
export function createScope(app: App, principal: Principal, meta: RequestMeta = noMeta): Scope {
  const base = {
    meta,
    logger: app.logger.child({ reqId: meta.requestId || undefined, principal: principal.kind }),
    actor: actorFor(principal, meta),
    publish: (async (event, payload) => {
      await app.pubsub.publish(event, payload);
      appliedHere(app, event, payload);
    }) as Publish,
    subscribe: ((event, filter) => {
      if (principal.kind !== 'tenant') return app.pubsub.subscribe(event, filter);
      const own = (payload: unknown) => (payload as { tenantId?: unknown }).tenantId === principal.tenantId;
      return app.pubsub.subscribe(event, (payload) => own(payload) && (!filter || filter(payload)));
    }) as Subscribe,
    [APP]: app,
  };
  switch (principal.kind) {
    case 'admin':
      return { ...base, principal, db: app.prisma };
    case 'system':
      return { ...base, principal, db: app.prisma };
    case 'tenant':
      return { ...base, principal, db: tenantClient(app, principal.tenantId) };
    default:
      return { ...base, principal, db: noData };
  }
}

/**
 * What an event this instance published (and, inside a transaction, committed) changes here at once,
 * rather than when its own NOTIFY comes back a moment later: a revocation is immediate where it was made.
 */
function appliedHere(app: App, event: EventName, payload: unknown): void {
  if (event === 'accessRevoked') app.credentials.revoke(payload as EventMap['accessRevoked']);
}

/** The platform acting on its own: jobs, boot, seed and the command line. */
export function systemScope(app: App, name: string, meta: Partial<RequestMeta> = {}): SystemScope {
  return createScope(app, { kind: 'system', name }, { ...noMeta, requestId: meta.requestId ?? randomUUID(), ...meta }) as SystemScope;
}

/**
 * The named paths where code in a module may act as the platform from a request that has no principal
 * yet. A test fails when a module calls `asSystem` with any other purpose or reaches the client another
 * way.
 */
export const ELEVATIONS = {
  login: 'signing in reads the admin and opens a session before the request has a principal',
  ticketSearch: "a tenant's full-text ticket search needs raw SQL (tsvector), confined to its own tenant and public text",
  metricsTenant: "a tenant key's metrics ingestion and time-series queries need raw SQL (unnest, date_bin), confined to its own tenant",
  metricsRecorded: 'the onMetricsRecorded hook runs as the platform after an ingest batch of any caller is stored',
  flagDefinitions: "a tenant's flag evaluation reads the global flag definitions from the process's cache (refreshed on every instance's flagChanged) and counts its evaluations",
} as const;

export function asSystem(scope: Scope, purpose: keyof typeof ELEVATIONS): SystemScope {
  scope.logger.debug({ purpose }, 'acting as the platform');
  return createScope(scope[APP], { kind: 'system', name: purpose }, scope.meta) as SystemScope;
}

/** The platform acting for an admin it has just authenticated (the new session's own login entry). */
export function actingFor(scope: SystemScope, principal: AdminPrincipal): AdminScope {
  return createScope(scope[APP], principal, scope.meta) as AdminScope;
}

/**
 * Facts about this process a module may report but not reach into: the database pool's usage (for the
 * System page), read through the scope so no module holds the app or the pool.
 */
export function processDatabasePool(scope: PlatformScope): PoolUsage | null {
  return scope[APP].poolUsage();
}

// ─── transactions ────────────────────────────────────────────────────────────

/** What work inside a transaction may use: the scope's client bound to the transaction, and more. */
export interface TransactionScope<S extends WritableScope> {
  /** The scope's client inside the transaction (tenant-scoped for a tenant key). */
  db: S extends TenantScope ? TenantDb : Prisma.TransactionClient;
  scope: S;
  /** Publishes when the transaction commits, and not at all when it rolls back. */
  publish: Publish;
  /** Queues a job that exists only if the transaction commits. */
  enqueue<K extends TaskName>(task: K, payload: GraphileWorker.Tasks[K], options?: EnqueueOptions): Promise<void>;
  /**
   * Locks one row of `model` (SELECT … FOR UPDATE) until the transaction ends, so a read-check-write on
   * it cannot interleave with another. False when there is no such row (or it belongs to another tenant).
   */
  lock(model: Prisma.ModelName, id: string): Promise<boolean>;
  /**
   * Serialises every transaction that takes the same named lock, for invariants across rows (the last
   * active owner). Held until the transaction ends.
   */
  lockNamed(name: string): Promise<void>;
}

const tables = new Map(
  Object.entries(getDatamodel().datamodel.models).map(([name, model]) => [name, (model as { dbName?: string | null }).dbName ?? name]),
);
const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Runs `work` in one database transaction with the scope's own client. A unique violation comes back as
 * a ConflictError naming the field.
 */
export async function transaction<S extends WritableScope, T>(
  scope: S,
  work: (tx: TransactionScope<S>) => Promise<T>,
  options: { timeoutMs?: number } = {},
): Promise<T> {
  const app = scope[APP];
  const published: [EventName, unknown][] = [];
  try {
    const result = await app.prisma.$transaction(
    async (raw) => {
      const tenantId = scope.principal.kind === 'tenant' ? scope.principal.tenantId : null;
      const db = (tenantId ? app.tenantScoping.client(raw, tenantId) : raw) as TransactionScope<S>['db'];
      const tx: TransactionScope<S> = {
        db,
        scope,
        publish: (event, payload) => {
          published.push([event, payload]);
          return app.pubsub.publish(event, payload, raw);
        },
        enqueue: (task, payload, opts) => enqueueJob(raw, task, payload, opts),
        async lock(model, id) {
          const table = tables.get(model);
          if (!table) throw new Error(`lock: no model ${model}`);
          const spec = tenantId ? app.tenantScoping.specs[model] : null;
          if (tenantId && (!spec || spec.access !== 'owned')) throw new Error(`lock: ${model} is not owned by tenants`);
          const tenantColumn = spec && spec.access === 'owned' ? spec.column : null;
          const rows = await raw.$queryRawUnsafe<unknown[]>(
            `SELECT 1 FROM ${quoteIdent(table)} WHERE id = $1::uuid${tenantColumn ? ` AND ${quoteIdent(tenantColumn)} = $2::uuid` : ''} FOR UPDATE`,
            id,
            ...(tenantColumn ? [tenantId] : []),
          );
          return rows.length > 0;
        },
        async lockNamed(name) {
          await raw.$executeRawUnsafe('SELECT pg_advisory_xact_lock(hashtext($1))', name);
        },
      };
      return work(tx);
    },
    { timeout: options.timeoutMs ?? 15_000, maxWait: 10_000 },
    );
    for (const [event, payload] of published) appliedHere(app, event, payload);
    return result;
  } catch (error) {
    // Uniqueness is the database's to decide: the loser of a race gets a typed conflict.
    throw conflictFromUniqueViolation(error) ?? error;
  }
}
