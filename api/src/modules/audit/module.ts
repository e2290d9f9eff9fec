import type { TenantModelAccess, TenantModelSpecs } from '../../db/tenant-scope.ts';
import { defineModule } from '../manifest.ts';
import { auditEventsList } from './lists.ts';

/** A tenant key's own changes are audited too: it may add entries about its tenant, never read them. */
const tenantModels = { AuditEvent: { access: 'append', column: 'tenantId' } } as const satisfies TenantModelSpecs;

declare module '../../db/tenant-scope.ts' {
  interface TenantModels extends TenantModelAccess<typeof tenantModels> {}
}

/** The audit log: every change, who made it, from where, and what changed. Append-only. */
export default defineModule({
  name: 'audit',
  graphql: () => import('./schema.ts'),
  lists: [auditEventsList],
  tenantModels,
});
