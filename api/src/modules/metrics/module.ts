import type { TenantModelAccess, TenantModelSpecs } from '../../db/tenant-scope.ts';
import type { PermissionNames, PermissionSpecs } from '../../permissions.ts';
import { defineModule } from '../manifest.ts';
import { metricsCrontab, metricsRetention, metricsRollup } from './maintenance.ts';
import { metricRoutes } from './routes.ts';
import { selfMetricsObserver } from './self-metrics.ts';

const permissions = {
  MONITORING_READ: { description: 'See metrics, alert rules, alerts and channels.', roles: ['OWNER', 'ADMIN', 'SUPPORT', 'BILLING', 'VIEWER'] },
  MONITORING_WRITE: {
    description: 'Record metrics, change monitoring settings, manage alert rules and channels, acknowledge and resolve alerts.',
    roles: ['OWNER', 'ADMIN'],
  },
} as const satisfies PermissionSpecs;

/**
 * A tenant key's series are its own; the platform's (tenant null) do not exist for it. Points and rollups
 * are reached only through the series, in SQL confined to the key's tenant (reads.ts, ingest.ts).
 */
const tenantModels = {
  MetricSeries: { access: 'owned', column: 'tenantId' },
} as const satisfies TenantModelSpecs;

declare module '../../permissions.ts' {
  interface PermissionRegistry extends PermissionNames<typeof permissions> {}
}
declare module '../../db/tenant-scope.ts' {
  interface TenantModels extends TenantModelAccess<typeof tenantModels> {}
}

/**
 * Metrics: ingestion (GraphQL and POST /metrics), storage, hourly rollups, retention, time-series queries,
 * and the platform's own metrics (requests measured in each API process, activity counts per minute).
 */
export default defineModule({
  name: 'metrics',
  graphql: () => import('./schema.ts'),
  routes: metricRoutes,
  tasks: [metricsRollup, metricsRetention],
  crontab: metricsCrontab,
  requestObserver: selfMetricsObserver,
  auditActions: { 'monitoringSettings.update': 'MonitoringSettings' },
  permissions,
  tenantModels,
});
