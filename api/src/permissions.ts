import { AdminRole } from './generated/prisma/enums.ts';

// What an admin role may do. Each module declares its permissions once, in its manifest, and adds
// their names to this registry by declaration merging:
//
//   const permissions = { TENANTS_WRITE: { description: '…', roles: ['OWNER', 'ADMIN'] } } satisfies PermissionSpecs;
//   declare module '../../permissions.ts' { interface PermissionRegistry extends PermissionNames<typeof permissions> {} }
//
// The GraphQL `Permission` enum (and with it the console's types) is built from the same declarations.

export interface PermissionRegistry {}
export type Permission = keyof PermissionRegistry & string;

export interface PermissionSpec {
  description: string;
  roles: readonly AdminRole[];
}
export type PermissionSpecs = Record<string, PermissionSpec>;
export type PermissionNames<T extends PermissionSpecs> = { [K in keyof T]: true };

/** Every role, from the Prisma enum. */
export const ADMIN_ROLES = Object.values(AdminRole) as [AdminRole, ...AdminRole[]];

const registered = new Map<string, PermissionSpec>();

/** Called once per module by the module list; a permission declared twice is a programming error. */
export function registerPermissions(owner: string, specs: PermissionSpecs): void {
  for (const [name, spec] of Object.entries(specs)) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(name)) throw new Error(`Permission ${name} (${owner}) must be UPPER_SNAKE_CASE`);
    if (registered.has(name)) throw new Error(`Permission ${name} is declared twice (${owner})`);
    registered.set(name, spec);
  }
}

/** Every declared permission with its description, in declaration order. */
export function allPermissions(): [Permission, PermissionSpec][] {
  return [...registered] as [Permission, PermissionSpec][];
}

export function roleCan(role: AdminRole, permission: Permission): boolean {
  return registered.get(permission)?.roles.includes(role) ?? false;
}

export function permissionsOf(role: AdminRole): Permission[] {
  return allPermissions()
    .filter(([, spec]) => spec.roles.includes(role))
    .map(([name]) => name);
}
