// What other modules do when an admin's standing or a tenant changes, declared by those modules (their
// manifest's `onAdminChanged` / `onTenantChanged`). The owning module calls them inside the transaction that
// makes the change, so the work they queue exists only if the change commits.
import type { AdminRole, TenantStatus } from './generated/prisma/enums.ts';
import type { PlatformScope, TransactionScope } from './scope.ts';

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

type Tx = TransactionScope<PlatformScope>;
export type AdminChangeHook = (tx: Tx, change: AdminChange) => Promise<void>;
export type TenantChangeHook = (tx: Tx, change: TenantChange) => Promise<void>;

const adminHooks: AdminChangeHook[] = [];
const tenantHooks: TenantChangeHook[] = [];

/** Called once per module by the module list. */
export function registerChangeHooks(hooks: { onAdminChanged?: AdminChangeHook; onTenantChanged?: TenantChangeHook }): void {
  if (hooks.onAdminChanged) adminHooks.push(hooks.onAdminChanged);
  if (hooks.onTenantChanged) tenantHooks.push(hooks.onTenantChanged);
}

/** Runs every module's admin hook, in module order, in the admin change's transaction. */
export async function adminChanged(tx: Tx, change: AdminChange): Promise<void> {
  for (const hook of adminHooks) await hook(tx, change);
}

/** Runs every module's tenant hook, in module order, in the tenant change's transaction. */
export async function tenantChanged(tx: Tx, change: TenantChange): Promise<void> {
  for (const hook of tenantHooks) await hook(tx, change);
}
