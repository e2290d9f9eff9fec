// Points are stored for volume: a series row per name + label set + tenant (upserted once, its id then
// cached in process) and one narrow row per sample. A batch whose series are all cached is ONE statement:
// the points inserted from arrays (unnest), a later write of the same instant winning. The series' coarse
// `lastAt` is moved on in that same statement only when this process has not moved it for a minute.
import type { PlatformScope, TransactionScope } from '../../scope.ts';
import type { MetricPointRejection, ValidPoint } from './validate.ts';

export type MetricsDb = PlatformScope['db'] | TransactionScope<PlatformScope>['db'];

/** Series ids this process knows, by canonical key; bounded, oldest dropped first. */
const SERIES_CACHE_SIZE = 20_000;
/** The series id, and when this process last moved the series' `lastAt` (0: not yet). */
const seriesIds = new Map<string, { id: string; touchedAt: number }>();
const LAST_AT_EVERY_MS = 60_000;

function remember(key: string, id: string): void {
  if (seriesIds.size >= SERIES_CACHE_SIZE) seriesIds.delete(seriesIds.keys().next().value!);
  seriesIds.set(key, { id, touchedAt: 0 });
}

/** Forgets every cached series id (a series deleted behind the cache's back, tests). */
export function forgetSeriesIds(): void {
  seriesIds.clear();
}

// Existing series answer through DO UPDATE (a no-op write) so that RETURNING gives every id, also for a
// series a concurrent batch created a moment ago. A point for a tenant that does not exist is left out.
const UPSERT_SERIES_SQL = `
INSERT INTO "MetricSeries" (id, name, labels, key, "tenantId", "createdAt")
SELECT gen_random_uuid(), i.name, i.labels::jsonb, i.key, i.tenant_id, now()
FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[]) AS i(name, labels, key, tenant_id)
WHERE i.tenant_id IS NULL OR EXISTS (SELECT 1 FROM "Tenant" t WHERE t.id = i.tenant_id)
ON CONFLICT (key) DO UPDATE SET name = EXCLUDED.name
RETURNING id::text AS id, key`;

const INSERT_POINTS_SQL = `
INSERT INTO "MetricPoint" ("seriesId", at, value)
SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::float8[])
ON CONFLICT ("seriesId", at) DO UPDATE SET value = EXCLUDED.value`;

const INSERT_POINTS_TOUCH_SQL = `
WITH input AS (
  SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::float8[]) AS i(series_id, at, value)
), stored AS (
  INSERT INTO "MetricPoint" ("seriesId", at, value)
  SELECT series_id, at, value FROM input
  ON CONFLICT ("seriesId", at) DO UPDATE SET value = EXCLUDED.value
  RETURNING 1
), newest AS (
  SELECT series_id, max(at) AS at FROM input GROUP BY series_id
), due AS (
  -- lastAt is coarse: a series another batch is updating right now is skipped, never waited for.
  SELECT s.id, n.at FROM "MetricSeries" s JOIN newest n ON n.series_id = s.id
  WHERE s."lastAt" IS NULL OR s."lastAt" < n.at - interval '1 minute'
  ORDER BY s.id FOR UPDATE OF s SKIP LOCKED
), touched AS (
  UPDATE "MetricSeries" s SET "lastAt" = due.at FROM due WHERE s.id = due.id
  RETURNING 1
)
SELECT (SELECT count(*) FROM stored)::int AS stored`;

/** The ids of the points' series, creating the missing ones (one statement, only for cache misses). */
async function seriesIdsFor(db: MetricsDb, points: readonly ValidPoint[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const missing = new Map<string, ValidPoint>();
  for (const point of points) {
    const key = point.key;
    const id = seriesIds.get(key)?.id;
    if (id) ids.set(key, id);
    else if (!missing.has(key)) missing.set(key, point);
  }
  if (missing.size) {
    // In key order, so concurrent batches creating the same series lock them in the same order.
    const wanted = [...missing].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const rows = await db.$queryRawUnsafe<{ id: string; key: string }[]>(
      UPSERT_SERIES_SQL,
      wanted.map(([, p]) => p.name),
      wanted.map(([, p]) => JSON.stringify(p.labels)),
      wanted.map(([key]) => key),
      wanted.map(([, p]) => p.tenantId),
    );
    for (const row of rows) {
      remember(row.key, row.id);
      ids.set(row.key, row.id);
    }
  }
  return ids;
}

export interface StoredBatch {
  accepted: number;
  /** Points refused while storing (their tenant does not exist). */
  rejected: MetricPointRejection[];
  names: string[];
  tenantIds: (string | null)[];
}

/**
 * Stores valid points: same series and instant within the batch, the last one wins (so the insert never
 * meets its own row twice). Returns what was stored, for the `onMetricsRecorded` hook.
 */
export async function storePoints(db: MetricsDb, points: readonly ValidPoint[]): Promise<StoredBatch> {
  const stored: StoredBatch = { accepted: 0, rejected: [], names: [], tenantIds: [] };
  if (!points.length) return stored;
  let ids = await seriesIdsFor(db, points);
  const latest = new Map<string, { seriesId: string; point: ValidPoint }>();
  const names = new Set<string>();
  const tenants = new Set<string | null>();
  for (const point of points) {
    const seriesId = ids.get(point.key);
    if (!seriesId) {
      stored.rejected.push({ index: point.index, field: 'tenantId', message: 'no such tenant' });
      continue;
    }
    latest.set(`${seriesId}|${point.at.getTime()}`, { seriesId, point });
    stored.accepted += 1;
    names.add(point.name);
    tenants.add(point.tenantId);
  }
  if (latest.size) {
    // In (series, instant) order: concurrent batches overwriting the same samples take their locks alike.
    const rows = [...latest.values()].sort((x, y) => (x.seriesId < y.seriesId ? -1 : x.seriesId > y.seriesId ? 1 : x.point.at.getTime() - y.point.at.getTime()));
    const insert = (batch: typeof rows) => {
      const args = [batch.map((r) => r.seriesId), batch.map((r) => r.point.at.toISOString()), batch.map((r) => r.point.value)];
      return touchDue(batch.map((r) => r.point)) ? db.$queryRawUnsafe(INSERT_POINTS_TOUCH_SQL, ...args) : db.$executeRawUnsafe(INSERT_POINTS_SQL, ...args);
    };
    try {
      await insert(rows);
    } catch (error) {
      // A cached series deleted since (with its tenant): forget the cache and resolve the ids again, once.
      if (!isForeignKeyViolation(error)) throw error;
      forgetSeriesIds();
      ids = await seriesIdsFor(db, rows.map((r) => r.point));
      const again = rows.flatMap((r) => {
        const seriesId = ids.get(r.point.key);
        if (seriesId) return [{ ...r, seriesId }];
        stored.accepted -= 1;
        stored.rejected.push({ index: r.point.index, field: 'tenantId', message: 'no such tenant' });
        return [];
      });
      if (again.length) await insert(again);
    }
  }
  stored.names = [...names];
  stored.tenantIds = [...tenants];
  return stored;
}

/** Whether some series of the batch is due a `lastAt` update (marking them updated). */
function touchDue(points: readonly ValidPoint[]): boolean {
  const now = Date.now();
  let due = false;
  for (const point of points) {
    const entry = seriesIds.get(point.key);
    if (entry && now - entry.touchedAt < LAST_AT_EVERY_MS) continue;
    if (entry) entry.touchedAt = now;
    due = true;
  }
  return due;
}

function isForeignKeyViolation(error: unknown): boolean {
  const text = String((error as { message?: unknown })?.message ?? '') + JSON.stringify((error as { meta?: unknown })?.meta ?? {});
  return /23503|foreign key/i.test(text);
}
