// The platform's own metrics, so the monitoring screen has data on a fresh install:
// - API requests, measured in process for every answered request and flushed every 10 s as a few points
//   (count, server errors, latency avg/p95/max per kind), never a row per request;
// - once a minute, counts of what other modules already record (job runs and failures per task, webhook
//   failures and dead events per provider, email bounces, SLA breaches), for the last few finished minutes,
//   upserted at the minute's start: idempotent, so every API instance may compute them.
// Those rows are read here, aggregated and read-only: the metrics are about the platform as a whole.
import type { Env } from '../../env.ts';
import type { SystemScope } from '../../scope.ts';
import type { RequestObserver, ServedRequest } from '../manifest.ts';
import { recordPlatformMetrics } from './ingest.ts';
import type { MetricInput } from './validate.ts';

const MINUTE_MS = 60_000;
/** Finished minutes each computation covers: late rows (job runs are recorded in batches) are counted. */
const MINUTES_BACK = 3;
/** Latencies kept per window and kind for the p95 (a uniform sample past it). */
const RESERVOIR = 4096;

class Window {
  count = 0;
  failed = 0;
  total = 0;
  max = 0;
  readonly sample: number[] = [];

  add(request: ServedRequest): void {
    this.count += 1;
    if (request.failed) this.failed += 1;
    this.total += request.durationMs;
    if (request.durationMs > this.max) this.max = request.durationMs;
    if (this.sample.length < RESERVOIR) this.sample.push(request.durationMs);
    else {
      const slot = Math.floor(Math.random() * this.count);
      if (slot < RESERVOIR) this.sample[slot] = request.durationMs;
    }
  }

  /** The 95th percentile (linear interpolation, as percentile_cont). */
  p95(): number {
    const sorted = [...this.sample].sort((a, b) => a - b);
    const rank = 0.95 * (sorted.length - 1);
    const lo = Math.floor(rank);
    return sorted[lo]! + (rank - lo) * ((sorted[lo + 1] ?? sorted[lo]!) - sorted[lo]!);
  }
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** The points of one window, at `at`. */
export function requestPoints(windows: ReadonlyMap<ServedRequest['kind'], Window>, at: Date): MetricInput[] {
  const points: MetricInput[] = [];
  for (const [kind, w] of windows) {
    if (!w.count) continue;
    const labels = { kind };
    points.push(
      { name: 'opsgraph.api.requests', value: w.count, labels, at },
      { name: 'opsgraph.api.errors', value: w.failed, labels, at },
      { name: 'opsgraph.api.latency_ms', value: round(w.total / w.count), labels: { ...labels, stat: 'avg' }, at },
      { name: 'opsgraph.api.latency_ms', value: round(w.p95()), labels: { ...labels, stat: 'p95' }, at },
      { name: 'opsgraph.api.latency_ms', value: round(w.max), labels: { ...labels, stat: 'max' }, at },
    );
  }
  return points;
}

/** Counts of the platform's recorded activity per finished minute in [from, to), zeros included. */
export async function platformMinutePoints(scope: SystemScope, from: Date, to: Date): Promise<MetricInput[]> {
  const rows = await scope.db.$queryRaw<{ name: string; labels: Record<string, string>; at: Date; value: number }[]>`
    WITH minutes AS (
      SELECT generate_series(${from}::timestamptz, ${to}::timestamptz - interval '1 minute', interval '1 minute') AS m
    ), providers AS (
      SELECT unnest(enum_range(NULL::"WebhookProvider"))::text AS provider
    )
    SELECT 'opsgraph.jobs.runs' AS name, jsonb_build_object('task', task) AS labels, date_trunc('minute', "finishedAt", 'UTC') AS at, count(*)::float8 AS value
    FROM "JobRun" WHERE "finishedAt" >= ${from} AND "finishedAt" < ${to} GROUP BY task, 3
    UNION ALL
    SELECT 'opsgraph.jobs.failures', jsonb_build_object('task', task), date_trunc('minute', "finishedAt", 'UTC'), (count(*) FILTER (WHERE outcome = 'FAILURE'))::float8
    FROM "JobRun" WHERE "finishedAt" >= ${from} AND "finishedAt" < ${to} GROUP BY task, 3
    UNION ALL
    SELECT 'opsgraph.jobs.duration_ms', jsonb_build_object('task', task, 'stat', 'p95'), date_trunc('minute', "finishedAt", 'UTC'),
      percentile_cont(0.95) WITHIN GROUP (ORDER BY "durationMs")
    FROM "JobRun" WHERE "finishedAt" >= ${from} AND "finishedAt" < ${to} GROUP BY task, 3
    UNION ALL
    SELECT 'opsgraph.webhooks.failures', jsonb_build_object('provider', pr.provider), mi.m,
      (SELECT count(*) FROM "WebhookAttempt" a JOIN "WebhookEvent" e ON e.id = a."eventId"
       WHERE a.outcome = 'FAILED' AND e.provider::text = pr.provider AND a."finishedAt" >= mi.m AND a."finishedAt" < mi.m + interval '1 minute')::float8
    FROM minutes mi CROSS JOIN providers pr
    UNION ALL
    SELECT 'opsgraph.webhooks.dead', jsonb_build_object('provider', pr.provider), mi.m,
      (SELECT count(*) FROM "WebhookEvent" e
       WHERE e.status = 'DEAD' AND e.provider::text = pr.provider AND e."updatedAt" >= mi.m AND e."updatedAt" < mi.m + interval '1 minute')::float8
    FROM minutes mi CROSS JOIN providers pr
    UNION ALL
    SELECT 'opsgraph.emails.bounces', '{}'::jsonb, mi.m,
      (SELECT count(*) FROM "EmailEvent" ev
       WHERE (ev.type = 'bounced' OR ev.status = 'BOUNCED') AND ev."createdAt" >= mi.m AND ev."createdAt" < mi.m + interval '1 minute')::float8
    FROM minutes mi
    UNION ALL
    SELECT 'opsgraph.tickets.sla_breaches', '{}'::jsonb, mi.m,
      (SELECT count(*) FROM "TicketEvent" t
       WHERE t.kind = 'SLA_BREACHED' AND t."createdAt" >= mi.m AND t."createdAt" < mi.m + interval '1 minute')::float8
    FROM minutes mi`;
  return rows.map((r) => ({ name: r.name, labels: r.labels, at: new Date(r.at), value: Number(r.value) }));
}

/** Records the minute counts of the last few finished minutes (idempotent by minute). */
export async function recordPlatformMinutes(scope: SystemScope, now = new Date()): Promise<number> {
  const to = new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS);
  const from = new Date(to.getTime() - MINUTES_BACK * MINUTE_MS);
  const points = await platformMinutePoints(scope, from, to);
  return (await recordPlatformMetrics(scope, points)).accepted;
}

/**
 * The API process's recorder: aggregates requests in memory and flushes every `SELF_METRICS_INTERVAL_MS`
 * (0 turns self-metrics off); once a minute the flush also records the minute counts.
 */
export function selfMetricsObserver(scope: SystemScope, env: Env): RequestObserver | null {
  const interval = env.SELF_METRICS_INTERVAL_MS;
  if (!interval) return null;
  let windows = new Map<ServedRequest['kind'], Window>();
  let lastMinute = 0;
  let flushing: Promise<void> = Promise.resolve();
  const flush = () => {
    const done = windows;
    windows = new Map();
    const now = new Date();
    flushing = flushing.then(async () => {
      try {
        const points = requestPoints(done, now);
        if (points.length) await recordPlatformMetrics(scope, points);
        const minute = Math.floor(now.getTime() / MINUTE_MS);
        if (minute !== lastMinute) {
          lastMinute = minute;
          await recordPlatformMinutes(scope, now);
        }
      } catch (err) {
        scope.logger.warn({ err }, 'could not record platform metrics');
      }
    });
    return flushing;
  };
  const timer = setInterval(() => void flush(), interval);
  timer.unref();
  return {
    observe(request) {
      let w = windows.get(request.kind);
      if (!w) windows.set(request.kind, (w = new Window()));
      w.add(request);
    },
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
