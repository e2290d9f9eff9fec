import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdminChangeHook, AlertChangeHook, MetricsRecordedHook, PlanChangeHook, TenantChangeHook } from '../change-hooks.ts';
import type { TenantModelSpecs } from '../db/tenant-scope.ts';
import type { Env } from '../env.ts';
import type { ListDefinition } from '../lib/list.ts';
import type { PermissionSpecs } from '../permissions.ts';
import type { AdminScope, AnonymousScope, SystemScope, TenantScope } from '../scope.ts';
import type { SettingSpecs } from './settings/registry.ts';
import type { TaskDefinition } from '../worker/task.ts';

export interface SeedOptions {
  /** Queue real onboarding jobs for the newest trials (needs graphile-worker's schema installed). */
  onboardNewTrials?: boolean;
}

/**
 * Everything a module registers, declared once in its `module.ts`; every registry (GraphQL, worker,
 * exports, tenant scope, permissions, demo data) is built from the list in `modules/index.ts`.
 */
/** What an HTTP route outside GraphQL gets besides the request and response. */
export interface RouteContext {
  /** The platform acting for this request (the route authenticates callers its own way, e.g. by signature). */
  scope: SystemScope;
  /** The path pattern's capture groups. */
  params: string[];
  requestId: string;
  env: Env;
  /**
   * The caller's own scope from its credentials (an admin session cookie or bearer token, or a tenant
   * API key), the way GraphQL authenticates them; anonymous without valid ones.
   */
  authenticate(): Promise<AdminScope | TenantScope | AnonymousScope>;
}

/** An HTTP endpoint outside GraphQL (inbound webhooks), served on the API's port. */
export interface HttpRoute {
  method: 'GET' | 'POST';
  /** Matched against the whole path, e.g. /^\/webhooks\/([^/]+)$/; its groups become `params`. */
  path: RegExp;
  handle(req: IncomingMessage, res: ServerResponse, ctx: RouteContext): Promise<void>;
}

/** A provider event as stored by the webhooks module, handed to the module that acts on it. */
export interface InboundWebhookEvent {
  id: string;
  provider: 'STRIPE' | 'RESEND';
  externalId: string;
  type: string;
  payload: unknown;
  receivedAt: Date;
  /** Why it runs: its delivery or a retry, or a replay of an event already processed. */
  trigger: 'delivery' | 'retry' | 'replay';
}

/** What a handler made of an event: acted on, or nothing to do (unknown customer, …) and why. */
export type WebhookOutcome = { outcome: 'processed'; tenantId?: string | null } | { outcome: 'ignored'; reason: string; tenantId?: string | null };

/**
 * Acts on verified provider events. Must be idempotent: a replay, or a retry after a crash, runs it again
 * and may change nothing the first run already did. Throwing fails the attempt (it is retried).
 */
export interface WebhookHandler {
  provider: InboundWebhookEvent['provider'];
  /** Event types it handles: exact (`invoice.paid`) or a prefix ending in `*` (`email.*`). */
  types: readonly string[];
  handle(scope: SystemScope, event: InboundWebhookEvent): Promise<WebhookOutcome>;
}

/** One answered HTTP request, as `requestObserver`s see it. */
export interface ServedRequest {
  /** `graphql` for /graphql, `route` for a module's HTTP route, `other` for the rest (exports, 404s). */
  kind: 'graphql' | 'route' | 'other';
  status: number;
  durationMs: number;
  /** A server-side failure: a 5xx, or a GraphQL answer carrying an error that is not the caller's doing. */
  failed: boolean;
}

export interface RequestObserver {
  observe(request: ServedRequest): void;
  /** Called when the server stops: flush what is buffered. */
  close(): Promise<void>;
}

export interface ModuleManifest {
  /** The domain's noun, as its folder is named. */
  name: string;
  /** Registers the module's GraphQL types and fields; only processes that serve GraphQL load it. */
  graphql?: () => Promise<unknown>;
  /** Its graphile-worker tasks. */
  tasks?: readonly TaskDefinition[];
  /** Recurring work, in graphile-worker's crontab syntax. */
  crontab?: string;
  /** Its lists: each becomes a GraphQL connection field and a CSV export (see lib/list.ts). */
  lists?: readonly ListDefinition<any, any, any>[];
  /** Models a tenant key's scoped client may reach, and how. */
  tenantModels?: TenantModelSpecs;
  /** The audit actions it records (`<target>.<verb>`) and the type of record each targets. */
  auditActions?: Readonly<Record<string, string>>;
  /** The admin permissions it introduces and the roles that hold them. */
  permissions?: PermissionSpecs;
  /** HTTP endpoints outside GraphQL. */
  routes?: readonly HttpRoute[];
  /** Runs inside the transaction that deactivates, reactivates or changes the role of an admin. */
  onAdminChanged?: AdminChangeHook;
  /** Runs inside the transaction of every tenant change (created, plan changed, suspended, …). */
  onTenantChanged?: TenantChangeHook;
  /** Runs inside the transaction that changes a plan's entitlements in place. */
  onPlanChanged?: PlanChangeHook;
  /** Runs inside the transaction of every alert transition or acknowledgement (opened, fired, resolved). */
  onAlertChanged?: AlertChangeHook;
  /**
   * Runs after each metrics ingest batch is stored (committed), awaited; errors are logged and never fail
   * the ingest. Gets the distinct names and tenants of the points just stored.
   */
  onMetricsRecorded?: MetricsRecordedHook;
  /**
   * Sees every HTTP request the API serves (GraphQL and routes, not health checks), once it has been
   * answered. Created once per server with the platform's scope (null: not observing with this
   * configuration); `observe` must be cheap (it runs per request); closed when the server stops.
   */
  requestObserver?: (scope: SystemScope, env: Env) => RequestObserver | null;
  /** The provider events it acts on (the webhooks module stores, verifies and retries them). */
  webhookHandlers?: readonly WebhookHandler[];
  /** The system settings it reads (`getSetting`), by key: `<category>.<name>` (see settings/registry.ts). */
  settings?: SettingSpecs;
  /** Demo data for an empty development database; returns lines to print (one-time secrets). */
  seed?: (scope: SystemScope, options: SeedOptions) => Promise<string[] | void>;
}

export function defineModule<const M extends ModuleManifest>(manifest: M): M {
  return manifest;
}
