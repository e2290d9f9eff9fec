// Evaluation at once on ingest: the metrics module calls `onMetricsRecorded` after it stores a batch; the
// rules watching those metric names are evaluated now. The rules are cached per metric name and dropped
// on every `alertRuleChanged` (from any instance) and after a short time anyway.
import type { PlatformScope, SystemScope } from '../../scope.ts';
import { enabledRules, evaluateRule, type loadRule } from './service.ts';

/** What an ingest stored: the distinct metric names and tenants of its points. */
export interface RecordedMetrics {
  names: string[];
  tenantIds: (string | null)[];
  at: Date;
}

type CachedRule = NonNullable<Awaited<ReturnType<typeof loadRule>>>;
interface RuleCache {
  byMetric: Map<string, CachedRule[]>;
  loadedAt: number;
}

const CACHE_TTL_MS = 30_000;
/** Per client (one per platform instance in this process). */
const caches = new WeakMap<object, Promise<RuleCache>>();
const listening = new WeakSet<object>();

/** Drops the cached rules (after a rule change committed here). */
export function forgetRules(db: PlatformScope['db']): void {
  caches.delete(db);
}

function listen(scope: SystemScope): void {
  if (listening.has(scope.db)) return;
  listening.add(scope.db);
  void (async () => {
    try {
      for await (const _change of scope.subscribe('alertRuleChanged')) caches.delete(scope.db);
    } catch (error) {
      scope.logger.warn({ err: error }, 'alert rule cache stopped listening');
    } finally {
      listening.delete(scope.db);
    }
  })();
}

async function watchingRules(scope: SystemScope): Promise<RuleCache> {
  const cached = caches.get(scope.db);
  if (cached) {
    const cache = await cached;
    if (Date.now() - cache.loadedAt < CACHE_TTL_MS) return cache;
  }
  const loading = (async () => {
    const byMetric = new Map<string, CachedRule[]>();
    for (const rule of await enabledRules(scope.db, { signal: 'METRIC' })) {
      if (rule.signal !== 'METRIC' || !rule.metric) continue;
      byMetric.set(rule.metric, [...(byMetric.get(rule.metric) ?? []), rule]);
    }
    return { byMetric, loadedAt: Date.now() };
  })();
  caches.set(scope.db, loading);
  loading.catch(() => caches.delete(scope.db));
  return loading;
}

/** The manifest hook: evaluates the enabled rules over the metrics just recorded (and their tenants). */
export async function onMetricsRecorded(scope: SystemScope, batch: RecordedMetrics): Promise<void> {
  listen(scope);
  const { byMetric } = await watchingRules(scope);
  const tenants = new Set(batch.tenantIds);
  const at = new Date();
  for (const name of new Set(batch.names)) {
    for (const rule of byMetric.get(name) ?? []) {
      if (rule.tenantId && !tenants.has(rule.tenantId)) continue;
      await evaluateRule(scope, rule, at);
    }
  }
}
