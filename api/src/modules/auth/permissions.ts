import type { AdminRole } from '../../generated/prisma/enums.ts';

/** What an admin role may do. Reads are open to every role; writes are granted per role. */
export type Permission =
  | 'read'
  | 'tenants:write'
  | 'tenants:plan'
  | 'apiKeys:write'
  | 'plans:write'
  | 'admins:manage';

const grants: Record<AdminRole, readonly Permission[]> = {
  OWNER: ['read', 'tenants:write', 'tenants:plan', 'apiKeys:write', 'plans:write', 'admins:manage'],
  ADMIN: ['read', 'tenants:write', 'tenants:plan', 'apiKeys:write', 'plans:write'],
  SUPPORT: ['read', 'tenants:write', 'apiKeys:write'],
  BILLING: ['read', 'tenants:plan', 'plans:write'],
  VIEWER: ['read'],
};

export function roleCan(role: AdminRole, permission: Permission): boolean {
  return grants[role].includes(permission);
}

export function permissionsOf(role: AdminRole): readonly Permission[] {
  return grants[role];
}
