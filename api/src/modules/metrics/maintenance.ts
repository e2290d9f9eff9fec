// Hourly upkeep of the metric tables: rollups of finished hours, and retention in bounded batches.
import { z } from 'zod';
import type { SystemScope } from '../../scope.ts';
import { defineTask } from '../../worker/task.ts';
import { monitoringSettings } from './settings.ts';
import { forgetSeriesIds, type MetricsDb } from './storage.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Finished hours each run (re)computes: a missed or late run is caught up, points arriving late counted. */
const ROLLUP_HOURS = 3;
/** Rows one DELETE removes, and DELETEs per table one run makes (the next run continues). */
const DELETE_BATCH = 5000;
const DELETE_ROUNDS = 100;

const floorHour = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;

/**
 * Summarises each series' raw points of every finished hour in [from, to) into MetricRollup: one upsert
 * per hour, so running it again gives the same rows. Returns the rows written.
 */
export async function rollupHours(db: MetricsDb, from: Date, to: Date): Promise<number> {
  let written = 0;
  const end = Math.min(floorHour(to.getTime()), floorHour(Date.now()));
  for (let hour = floorHour(from.getTime()); hour < end; hour += HOUR_MS) {
    written += await db.$executeRaw`
      INSERT INTO "MetricRollup" ("seriesId", hour, count, sum, min, max, p95)
      SELECT "seriesId", ${new Date(hour)}::timestamptz, count(*)::int, sum(value), min(value), max(value),
        percentile_cont(0.95) WITHIN GROUP (ORDER BY value)
      FROM "MetricPoint"
      WHERE at >= ${new Date(hour)}::timestamptz AND at < ${new Date(hour + HOUR_MS)}::timestamptz
      GROUP BY "seriesId"
      ON CONFLICT ("seriesId", hour) DO UPDATE SET
        count = EXCLUDED.count, sum = EXCLUDED.sum, min = EXCLUDED.min, max = EXCLUDED.max, p95 = EXCLUDED.p95`;
  }
  return written;
}

export interface RetentionResult {
  points: number;
  rollups: number;
  series: number;
  /** More remained past this run's bound; the next run goes on. */
  more: boolean;
}

/**
 * Deletes raw points older than the raw retention and rollups older than the rollup retention, in
 * batches of DELETE_BATCH rows (no long lock, no huge transaction), then the series left with nothing.
 */
export async function applyRetention(scope: SystemScope, now = new Date()): Promise<RetentionResult> {
  const settings = await monitoringSettings(scope.db);
  const rawCutoff = new Date(now.getTime() - settings.rawRetentionDays * DAY_MS);
  const rollupCutoff = new Date(now.getTime() - settings.rollupRetentionDays * DAY_MS);
  const result: RetentionResult = { points: 0, rollups: 0, series: 0, more: false };
  for (let round = 0; round < DELETE_ROUNDS; round += 1) {
    const n = await scope.db.$executeRaw`
      DELETE FROM "MetricPoint" WHERE ctid = ANY(ARRAY(SELECT ctid FROM "MetricPoint" WHERE at < ${rawCutoff} LIMIT ${DELETE_BATCH}))`;
    result.points += n;
    if (n < DELETE_BATCH) break;
    if (round === DELETE_ROUNDS - 1) result.more = true;
  }
  for (let round = 0; round < DELETE_ROUNDS; round += 1) {
    const n = await scope.db.$executeRaw`
      DELETE FROM "MetricRollup" WHERE ctid = ANY(ARRAY(SELECT ctid FROM "MetricRollup" WHERE hour < ${rollupCutoff} LIMIT ${DELETE_BATCH}))`;
    result.rollups += n;
    if (n < DELETE_BATCH) break;
    if (round === DELETE_ROUNDS - 1) result.more = true;
  }
  // A series silent for longer than everything is kept has no data left to show.
  result.series = await scope.db.$executeRaw`
    DELETE FROM "MetricSeries" s WHERE s.id = ANY(ARRAY(
      SELECT s2.id FROM "MetricSeries" s2
      WHERE coalesce(s2."lastAt", s2."createdAt") < ${rollupCutoff} AND coalesce(s2."lastAt", s2."createdAt") < ${rawCutoff}
        AND NOT EXISTS (SELECT 1 FROM "MetricPoint" p WHERE p."seriesId" = s2.id)
        AND NOT EXISTS (SELECT 1 FROM "MetricRollup" r WHERE r."seriesId" = s2.id)
      LIMIT ${DELETE_BATCH}))`;
  if (result.series) forgetSeriesIds();
  return result;
}

const rollupPayload = z.object({
  /** Recompute from this instant instead of the last few hours (backfill). */
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
});

declare global {
  namespace GraphileWorker {
    interface Tasks {
      metricsRollup: z.input<typeof rollupPayload>;
      metricsRetention: Record<string, never>;
    }
  }
}

export const metricsRollup = defineTask('metricsRollup', rollupPayload, async (payload, { scope, logger }) => {
  const to = payload.to ? new Date(payload.to) : new Date();
  const from = payload.from ? new Date(payload.from) : new Date(floorHour(to.getTime()) - ROLLUP_HOURS * HOUR_MS);
  const written = await rollupHours(scope.db, from, to);
  logger.debug({ written, from, to }, 'metric rollups written');
});

export const metricsRetention = defineTask('metricsRetention', z.object({}).passthrough(), async (_payload, { scope, logger }) => {
  const result = await applyRetention(scope);
  if (result.points || result.rollups || result.series) logger.info(result, 'old metric data deleted');
});

/** Rollups a few minutes after each hour; retention hourly (the same minute as the other hourly upkeep). */
export const metricsCrontab = ['5 * * * * metricsRollup ?max=1', '17 * * * * metricsRetention ?max=1'].join('\n');
