// What other modules do when an admin's standing or a tenant changes, declared by those modules (their
// manifest's `onAdminChanged` / `onTenantChanged` / `onPlanChanged` / `onAlertChanged`). The owning module calls them inside the transaction that
// makes the change, so the work they queue exists only if the change commits. `onMetricsRecorded` is the
// exception: it runs after an ingest batch is stored (committed), and its failures are logged, never the
// ingest's.
import type { AdminRole, TenantStatus } from './generated/prisma/enums.ts';
import type { PlatformScope, SystemScope, TransactionScope } from './scope.ts';

export interface AdminChange {
  adminId: string;
  kind: 'deactivated' | 'reactivated' | 'roleChanged';
  /** The admin's state after the change. */
  role: AdminRole;
  active: boolean;
}

export interface TenantChange {
  tenantId: string;
  /** The tenants module's change kind (`created`, `planChanged`, `suspended`, …). */
  kind: string;
  /** The tenant's state after the change. */
  status: TenantStatus;
  planId: string;
}

/** A plan's entitlements changed in place (the plans module's update). */
export interface PlanChange {
  planId: string;
  kind: 'entitlementsChanged';
  /** The plan's entitlements after the change. */
  entitlements: string[];
}

/** An alert that opened, fired, was acknowledged or resolved (the alerts module's change). */
export interface AlertChange {
  alertId: string;
  ruleId: string;
  /** The tenant it concerns, or null for the platform's own. */
  tenantId: string | null;
  kind: 'PENDING' | 'FIRING' | 'ACKNOWLEDGED' | 'RESOLVED';
  at: Date;
}

/** What one ingest batch stored: its distinct metric names and tenants (null: the platform's own). */
export interface RecordedMetrics {
  names: string[];
  tenantIds: (string | null)[];
  /** When the batch was stored. */
  at: Date;
}

type Tx = TransactionScope<PlatformScope>;
export type AdminChangeHook = (tx: Tx, change: AdminChange) => Promise<void>;
export type TenantChangeHook = (tx: Tx, change: TenantChange) => Promise<void>;
export type PlanChangeHook = (tx: Tx, change: PlanChange) => Promise<void>;
export type AlertChangeHook = (tx: Tx, change: AlertChange) => Promise<void>;
export type MetricsRecordedHook = (scope: SystemScope, batch: RecordedMetrics) => Promise<void>;

const adminHooks: AdminChangeHook[] = [];
const tenantHooks: TenantChangeHook[] = [];
const metricsHooks: MetricsRecordedHook[] = [];
const alertHooks: AlertChangeHook[] = [];
const planHooks: PlanChangeHook[] = [];

/** Called once per module by the module list. */
export function registerChangeHooks(hooks: {
  onAdminChanged?: AdminChangeHook;
  onTenantChanged?: TenantChangeHook;
  onMetricsRecorded?: MetricsRecordedHook;
  onAlertChanged?: AlertChangeHook;
  onPlanChanged?: PlanChangeHook;
}): void {
  if (hooks.onAdminChanged) adminHooks.push(hooks.onAdminChanged);
  if (hooks.onTenantChanged) tenantHooks.push(hooks.onTenantChanged);
  if (hooks.onMetricsRecorded) metricsHooks.push(hooks.onMetricsRecorded);
  if (hooks.onAlertChanged) alertHooks.push(hooks.onAlertChanged);
  if (hooks.onPlanChanged) planHooks.push(hooks.onPlanChanged);
}

/** Runs every module's admin hook, in module order, in the admin change's transaction. */
export async function adminChanged(tx: Tx, change: AdminChange): Promise<void> {
  for (const hook of adminHooks) await hook(tx, change);
}

/** Runs every module's tenant hook, in module order, in the tenant change's transaction. */
export async function tenantChanged(tx: Tx, change: TenantChange): Promise<void> {
  for (const hook of tenantHooks) await hook(tx, change);
}

/** Runs every module's plan hook, in module order, in the plan change's transaction. */
export async function planChanged(tx: Tx, change: PlanChange): Promise<void> {
  for (const hook of planHooks) await hook(tx, change);
}

/** Runs every module's alert hook, in module order, in the alert transition's transaction. */
export async function alertChanged(tx: Tx, change: AlertChange): Promise<void> {
  for (const hook of alertHooks) await hook(tx, change);
}

/**
 * Runs every module's metrics hook, in module order, after an ingest batch was stored. Each is awaited;
 * a failing hook is logged and the next one still runs: the points are stored whatever a hook does.
 */
export async function metricsRecorded(scope: SystemScope, batch: RecordedMetrics): Promise<void> {
  for (const hook of metricsHooks) {
    try {
      await hook(scope, batch);
    } catch (err) {
      scope.logger.error({ err, names: batch.names.slice(0, 20) }, 'onMetricsRecorded hook failed');
    }
  }
}
