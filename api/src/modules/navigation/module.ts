import type { TenantModelAccess, TenantModelSpecs } from '../../db/tenant-scope.ts';
import type { PermissionNames, PermissionSpecs } from '../../permissions.ts';
import { defineModule } from '../manifest.ts';
import { navigationItemsList, navigationOverridesList } from './lists.ts';
import { seedNavigation } from './seed.ts';
import type { NavigationDefaultsChanged, NavigationOverrideChanged } from './service.ts';

const permissions = {
  NAVIGATION_WRITE: { description: "Edit the tenant app's default navigation and tenants' overrides of it.", roles: ['OWNER', 'ADMIN'] },
} as const satisfies PermissionSpecs;

/** The defaults are a global catalogue; a tenant key reads its own overrides to resolve its tree. */
const tenantModels = {
  NavigationItem: { access: 'read' },
  NavigationTenantOverride: { access: 'owned', column: 'tenantId' },
} as const satisfies TenantModelSpecs;

declare module '../../permissions.ts' {
  interface PermissionRegistry extends PermissionNames<typeof permissions> {}
}
declare module '../../db/tenant-scope.ts' {
  interface TenantModels extends TenantModelAccess<typeof tenantModels> {}
}
declare module '../../events.ts' {
  interface EventMap {
    /** A default item was created, changed, moved or deleted: every tenant's tree may change. */
    navigationDefaultsChanged: NavigationDefaultsChanged;
    /** One tenant's override was set or removed. */
    navigationOverrideChanged: NavigationOverrideChanged;
  }
}

/** Navigation: the tenant app's items, tenants' overrides, and each tenant's resolved tree. */
export default defineModule({
  name: 'navigation',
  graphql: async () => {
    await import('./schema.ts');
    await import('./tenant-schema.ts');
  },
  lists: [navigationItemsList, navigationOverridesList],
  auditActions: {
    'navigationItem.create': 'NavigationItem',
    'navigationItem.update': 'NavigationItem',
    'navigationItem.move': 'NavigationItem',
    'navigationItem.delete': 'NavigationItem',
    'navigationOverride.set': 'NavigationTenantOverride',
    'navigationOverride.remove': 'NavigationTenantOverride',
  },
  permissions,
  tenantModels,
  seed: seedNavigation,
});
