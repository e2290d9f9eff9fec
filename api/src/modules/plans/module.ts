import type { TenantModelAccess, TenantModelSpecs } from '../../db/tenant-scope.ts';
import type { PermissionNames, PermissionSpecs } from '../../permissions.ts';
import { defineModule } from '../manifest.ts';
import { plansList } from './lists.ts';
import { seedPlans } from './seed.ts';

const permissions = {
  PLANS_WRITE: { description: 'Create, edit, archive and delete plans.', roles: ['OWNER', 'ADMIN', 'BILLING'] },
} as const satisfies PermissionSpecs;

/** Plans are a global catalogue: a tenant key reads them (its own plan) and never writes them. */
const tenantModels = { Plan: { access: 'read' } } as const satisfies TenantModelSpecs;

declare module '../../permissions.ts' {
  interface PermissionRegistry extends PermissionNames<typeof permissions> {}
}
declare module '../../db/tenant-scope.ts' {
  interface TenantModels extends TenantModelAccess<typeof tenantModels> {}
}

/** Plans: prices, quotas and entitlements that tenants subscribe to. */
export default defineModule({
  name: 'plans',
  graphql: () => import('./schema.ts'),
  lists: [plansList],
  auditActions: {
    'plan.create': 'Plan',
    'plan.update': 'Plan',
    'plan.archive': 'Plan',
    'plan.unarchive': 'Plan',
    'plan.delete': 'Plan',
  },
  permissions,
  tenantModels,
  seed: seedPlans,
});
