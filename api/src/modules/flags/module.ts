import type { TenantModelAccess, TenantModelSpecs } from '../../db/tenant-scope.ts';
import type { PermissionNames, PermissionSpecs } from '../../permissions.ts';
import { defineModule } from '../manifest.ts';
import { flagEvaluationRecorder } from './evaluations.ts';
import { flagsList } from './lists.ts';
import { onAlertChanged } from './safeguard.ts';
import { seedFlags } from './seed.ts';
import { onPlanChanged, onTenantChanged, type FlagChanged } from './service.ts';
import { flagScheduledChange } from './tasks.ts';

const permissions = {
  FLAGS_WRITE: { description: 'Create, change, target, schedule and delete feature flags.', roles: ['OWNER', 'ADMIN'] },
} as const satisfies PermissionSpecs;

/**
 * A tenant key reads its own overrides, pauses and revision (its snapshot); the global definitions reach
 * it only through the evaluation, never as rows.
 */
const tenantModels = {
  FlagTenantOverride: { access: 'owned', column: 'tenantId' },
  FlagUserOverride: { access: 'owned', column: 'tenantId' },
  FlagSafeguardPause: { access: 'owned', column: 'tenantId' },
  FlagTenantState: { access: 'owned', column: 'tenantId' },
} as const satisfies TenantModelSpecs;

declare module '../../permissions.ts' {
  interface PermissionRegistry extends PermissionNames<typeof permissions> {}
}
declare module '../../db/tenant-scope.ts' {
  interface TenantModels extends TenantModelAccess<typeof tenantModels> {}
}
declare module '../../events.ts' {
  interface EventMap {
    /** A flag was created, changed or deleted; `tenantId` when only that tenant's evaluation changed. */
    flagChanged: FlagChanged;
  }
}

/** Feature flags: definitions, targeting, overrides, scheduled changes, safeguards and evaluation counts. */
export default defineModule({
  name: 'flags',
  graphql: async () => {
    await import('./schema.ts');
    await import('./tenant-schema.ts');
  },
  lists: [flagsList],
  tasks: [flagScheduledChange],
  auditActions: {
    'flag.create': 'Flag',
    'flag.update': 'Flag',
    'flag.setEnabled': 'Flag',
    'flag.setRules': 'Flag',
    'flag.setRollout': 'Flag',
    'flag.setTenantOverride': 'Flag',
    'flag.removeTenantOverride': 'Flag',
    'flag.setUserOverride': 'Flag',
    'flag.removeUserOverride': 'Flag',
    'flag.scheduleChange': 'Flag',
    'flag.cancelChange': 'Flag',
    'flag.applyScheduledChange': 'Flag',
    'flag.delete': 'Flag',
  },
  permissions,
  tenantModels,
  onAlertChanged,
  onTenantChanged,
  onPlanChanged,
  // The evaluation counts kept in memory are written when the server stops.
  requestObserver: flagEvaluationRecorder,
  seed: seedFlags,
});
