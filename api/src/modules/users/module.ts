import type { TenantModelAccess, TenantModelSpecs } from '../../db/tenant-scope.ts';
import type { PermissionNames, PermissionSpecs } from '../../permissions.ts';
import { defineModule } from '../manifest.ts';
import { usersList } from './lists.ts';
import { seedUsers } from './seed.ts';
import type { UserChanged } from './service.ts';

const permissions = {
  USERS_WRITE: { description: "Block and unblock a tenant's users.", roles: ['OWNER', 'ADMIN', 'SUPPORT'] },
} as const satisfies PermissionSpecs;

/** A tenant key reads and writes its own tenant's users. */
const tenantModels = {
  User: { access: 'owned', column: 'tenantId' },
} as const satisfies TenantModelSpecs;

declare module '../../permissions.ts' {
  interface PermissionRegistry extends PermissionNames<typeof permissions> {}
}
declare module '../../db/tenant-scope.ts' {
  interface TenantModels extends TenantModelAccess<typeof tenantModels> {}
}
declare module '../../events.ts' {
  interface EventMap {
    /** A tenant user was created or changed by its tenant, or blocked or unblocked by an admin. */
    userChanged: UserChanged;
  }
}

/** Tenant users: the people of each tenant, as the tenant app reports them. */
export default defineModule({
  name: 'users',
  graphql: () => import('./schema.ts'),
  lists: [usersList],
  auditActions: { 'user.block': 'User', 'user.unblock': 'User' },
  permissions,
  tenantModels,
  seed: seedUsers,
});
