// Who reads which series: an admin every series (or one tenant's, or the platform's with `tenantId`), a
// tenant key only its own tenant's. The key's scoped client has no raw SQL, so its reads run on the
// platform's client with the tenant forced into the SQL; the platform's series never reach a tenant.
import { InputError } from '../../lib/errors.ts';
import { asSystem, type AdminScope, type TenantScope } from '../../scope.ts';
import type { MetricsDb } from './storage.ts';
import { metricNames, metricSeries, type MetricNameSummary, type MetricQuery, type MetricSeriesResult } from './queries.ts';

type Reader = AdminScope | TenantScope;

/** The tenant a read is confined to, and the client that reads it. */
function readerOf(scope: Reader, tenantId: string | null | undefined): { db: MetricsDb; tenantId: string | undefined } {
  if (scope.principal.kind === 'admin') return { db: (scope as AdminScope).db, tenantId: tenantId ?? undefined };
  if (tenantId && tenantId !== scope.principal.tenantId) throw InputError.field('tenantId', "a tenant key reads its own tenant's series only");
  return { db: asSystem(scope, 'metricsTenant').db, tenantId: scope.principal.tenantId };
}

export function readMetricNames(scope: Reader, args: { search?: string | null; first?: number | null }): Promise<MetricNameSummary[]> {
  const { db, tenantId } = readerOf(scope, undefined);
  return metricNames(db, { ...args, tenantId });
}

export function readMetricSeries(
  scope: Reader,
  q: Omit<MetricQuery, 'tenantId'> & { tenantId?: string | null; step?: number | null },
): Promise<MetricSeriesResult[]> {
  const { db, tenantId } = readerOf(scope, q.tenantId);
  return metricSeries(db, { ...q, tenantId });
}
