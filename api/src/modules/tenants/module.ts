import type { TenantModelAccess, TenantModelSpecs } from '../../db/tenant-scope.ts';
import type { PermissionNames, PermissionSpecs } from '../../permissions.ts';
import { defineModule } from '../manifest.ts';
import { tenantsList } from './lists.ts';
import { seedTenants } from './seed.ts';
import type { TenantChanged } from './service.ts';
import { tenantOnboard } from './tasks.ts';

const permissions = {
  TENANTS_WRITE: { description: 'Create, edit, suspend, activate and delete tenants.', roles: ['OWNER', 'ADMIN', 'SUPPORT'] },
  TENANTS_PLAN: { description: "Change a tenant's plan.", roles: ['OWNER', 'ADMIN', 'BILLING'] },
  API_KEYS_WRITE: { description: 'Create and revoke tenant API keys.', roles: ['OWNER', 'ADMIN', 'SUPPORT'] },
} as const satisfies PermissionSpecs;

/** A tenant key reaches its own tenant row (by id) and its own keys. */
const tenantModels = {
  Tenant: { access: 'owned', column: 'id' },
  TenantApiKey: { access: 'owned', column: 'tenantId' },
} as const satisfies TenantModelSpecs;

declare module '../../permissions.ts' {
  interface PermissionRegistry extends PermissionNames<typeof permissions> {}
}
declare module '../../db/tenant-scope.ts' {
  interface TenantModels extends TenantModelAccess<typeof tenantModels> {}
}
declare module '../../events.ts' {
  interface EventMap {
    /** A tenant was created or changed (`kind` says how). */
    tenantChanged: TenantChanged;
  }
}

/** Tenants: the SaaS's customers, their lifecycle, settings and API keys. */
export default defineModule({
  name: 'tenants',
  graphql: () => import('./schema.ts'),
  tasks: [tenantOnboard],
  lists: [tenantsList],
  auditActions: {
    'tenant.create': 'Tenant',
    'tenant.update': 'Tenant',
    'tenant.changePlan': 'Tenant',
    'tenant.suspend': 'Tenant',
    'tenant.activate': 'Tenant',
    'tenant.delete': 'Tenant',
    'tenant.onboard': 'Tenant',
    'tenant.markPastDue': 'Tenant',
    'tenant.recoverPayment': 'Tenant',
    'apiKey.create': 'TenantApiKey',
    'apiKey.revoke': 'TenantApiKey',
  },
  permissions,
  tenantModels,
  seed: seedTenants,
});
