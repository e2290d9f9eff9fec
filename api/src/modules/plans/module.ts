import type { TenantModelAccess, TenantModelSpecs } from '../../db/tenant-scope.ts';
import type { PermissionNames, PermissionSpecs } from '../../permissions.ts';
import { defineModule } from '../manifest.ts';
import { defineSetting, type SettingTypes } from '../settings/registry.ts';
import { displayLocale } from './service.ts';
import { plansList } from './lists.ts';
import { seedPlans } from './seed.ts';

const permissions = {
  PLANS_WRITE: { description: 'Create, edit, archive and delete plans.', roles: ['OWNER', 'ADMIN', 'BILLING'] },
} as const satisfies PermissionSpecs;

/** Plans are a global catalogue: a tenant key reads them (its own plan) and never writes them. */
const tenantModels = { Plan: { access: 'read' } } as const satisfies TenantModelSpecs;

const settings = {
  'pricing.displayLocale': defineSetting({
    category: 'PRICING',
    description: "Locale of the plans' formatted prices (displayMonthlyPrice, displayYearlyPrice); a tenant may have its own.",
    schema: displayLocale,
    default: 'en-US',
    input: 'TEXT',
    tenantOverridable: true,
    tenantVisible: true,
  }),
};

declare module '../settings/registry.ts' {
  interface SettingRegistry extends SettingTypes<typeof settings> {}
}
declare module '../../permissions.ts' {
  interface PermissionRegistry extends PermissionNames<typeof permissions> {}
}
declare module '../../db/tenant-scope.ts' {
  interface TenantModels extends TenantModelAccess<typeof tenantModels> {}
}
declare module '../../events.ts' {
  interface EventMap {
    /** A plan changed in a way its tenants' evaluations follow (no tenant id: tenants hear it only through an elevation). */
    planChanged: { planId: string; kind: 'entitlementsChanged' };
  }
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
  settings,
  seed: seedPlans,
});
