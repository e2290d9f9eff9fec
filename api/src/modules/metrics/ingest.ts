// Ingestion: a batch of points from an admin, a tenant key (its points forced onto its tenant) or the
// platform itself. Each point is validated on its own; the valid ones are stored even when others are
// rejected. Ingestion is data, not an admin action: no audit entry is written per batch (the points are the
// record), which is also what keeps a batch at one or two statements.
import { metricsRecorded } from '../../change-hooks.ts';
import { asSystem, type AdminScope, type PlatformScope, type SystemScope, type TenantScope } from '../../scope.ts';
import { cachedMonitoringSettings } from './settings.ts';
import { storePoints } from './storage.ts';
import { checkBatchSize, validatePoint, type MetricInput, type MetricPointRejection, type ValidPoint } from './validate.ts';

export interface RecordMetricsResult {
  accepted: number;
  /** In input order. */
  rejected: MetricPointRejection[];
}

const DAY_MS = 86_400_000;

/**
 * Validates and stores a batch. More than 1,000 points is an InputError for the whole request (field
 * `points`); anything wrong with one point is a rejection naming its index and field.
 */
export async function recordMetrics(scope: AdminScope | TenantScope | SystemScope, points: readonly unknown[]): Promise<RecordMetricsResult> {
  checkBatchSize(points);
  // The tenant key's client has no raw SQL: its points go through the platform's client, every one of
  // them forced onto the key's tenant by validatePoint.
  const platform: PlatformScope = scope.principal.kind === 'tenant' ? asSystem(scope, 'metricsTenant') : (scope as PlatformScope);
  const forcedTenantId = scope.principal.kind === 'tenant' ? scope.principal.tenantId : null;
  const settings = await cachedMonitoringSettings(platform.db);
  const now = new Date();
  const ctx = { now, oldest: new Date(now.getTime() - settings.rawRetentionDays * DAY_MS), forcedTenantId };
  const valid: ValidPoint[] = [];
  const rejected: MetricPointRejection[] = [];
  points.forEach((raw, index) => {
    const result = validatePoint(raw, index, ctx);
    if ('field' in result) rejected.push(result);
    else valid.push(result);
  });
  const stored = await storePoints(platform.db, valid);
  rejected.push(...stored.rejected);
  rejected.sort((a, b) => a.index - b.index);
  if (stored.accepted) {
    await metricsRecorded(asSystem(scope, 'metricsRecorded'), { names: stored.names, tenantIds: stored.tenantIds, at: now });
  }
  return { accepted: stored.accepted, rejected };
}

/**
 * The platform's own metrics (request latency, job runs, …): tenant-less unless a point names one.
 * Invalid points are dropped and logged: they are the platform's bug, not a caller's.
 */
export async function recordPlatformMetrics(scope: PlatformScope, points: MetricInput[]): Promise<RecordMetricsResult> {
  let result: RecordMetricsResult = { accepted: 0, rejected: [] };
  for (let start = 0; start < points.length; start += 1000) {
    const part = await recordMetrics(scope, points.slice(start, start + 1000));
    result = { accepted: result.accepted + part.accepted, rejected: [...result.rejected, ...part.rejected.map((r) => ({ ...r, index: r.index + start }))] };
  }
  if (result.rejected.length) scope.logger.warn({ rejected: result.rejected.slice(0, 5) }, 'platform metrics rejected');
  return result;
}
