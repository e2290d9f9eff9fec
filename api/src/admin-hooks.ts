// What other modules do when an admin's standing changes (deactivated, reactivated, role changed), declared
// by those modules (their manifest's `onAdminChanged`). The admins module calls them inside the
// transaction that makes the change, so the work they queue exists only if the change commits.
import type { AdminRole } from './generated/prisma/enums.ts';
import type { PlatformScope, TransactionScope } from './scope.ts';

export interface AdminChange {
  adminId: string;
  kind: 'deactivated' | 'reactivated' | 'roleChanged';
  /** The admin's state after the change. */
  role: AdminRole;
  active: boolean;
}

export type AdminChangeHook = (tx: TransactionScope<PlatformScope>, change: AdminChange) => Promise<void>;

const hooks: { owner: string; hook: AdminChangeHook }[] = [];

/** Called once per module by the module list. */
export function registerAdminHook(owner: string, hook: AdminChangeHook | undefined): void {
  if (hook) hooks.push({ owner, hook });
}

/** Runs every module's hook, in module order, in the admin change's transaction. */
export async function adminChanged(tx: TransactionScope<PlatformScope>, change: AdminChange): Promise<void> {
  for (const { hook } of hooks) await hook(tx, change);
}
