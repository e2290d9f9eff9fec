// Support desk statistics for the admin graph: the queue right now, and per period (UTC days or weeks)
// created vs resolved, SLA outcomes and first-response times, and SLA outcomes per agent. Each part is
// one SQL statement over indexed columns; ranges are bounded (at most 366 days).
import { z } from 'zod';
import type { TicketPriority } from '../../generated/prisma/client.ts';
import { parseInput } from '../../lib/errors.ts';
import type { PlatformScope } from '../../scope.ts';
import { statsRangeSchema } from '../emails/service.ts';

export const STATS_BUCKETS = ['DAY', 'WEEK'] as const;
export type StatsBucket = (typeof STATS_BUCKETS)[number];

/** One period's counts. An SLA outcome belongs to the period of its breach, or of its on-time meeting. */
export interface TicketStatsPeriod {
  /** First UTC day of the period, YYYY-MM-DD. */
  start: string;
  created: number;
  resolved: number;
  firstResponseMet: number;
  firstResponseBreached: number;
  resolutionMet: number;
  resolutionBreached: number;
  /** Median wall-clock seconds from creation to the first public admin reply, for replies in the period. */
  medianFirstResponseSeconds: number | null;
}

export interface TicketStatsAgent {
  /** Null: tickets nobody held when the target was met or breached. */
  agentId: string | null;
  agentName: string | null;
  firstResponseMet: number;
  firstResponseBreached: number;
  resolutionMet: number;
  resolutionBreached: number;
}

export interface TicketStats {
  from: Date;
  to: Date;
  bucket: StatsBucket;
  openByPriority: { priority: TicketPriority; count: number }[];
  /** Open tickets with a breached SLA target, now. */
  breachedNow: number;
  /** Over the whole range. */
  medianFirstResponseSeconds: number | null;
  firstResponseMet: number;
  firstResponseBreached: number;
  resolutionMet: number;
  resolutionBreached: number;
  periods: TicketStatsPeriod[];
  agents: TicketStatsAgent[];
}

/** Share of outcomes met on time, in percent (one decimal); null when there was none. */
export function percentMet(met: number, breached: number): number | null {
  return met + breached === 0 ? null : Math.round((1000 * met) / (met + breached)) / 10;
}

const statsInputSchema = z.object({ from: z.date(), to: z.date(), bucket: z.enum(STATS_BUCKETS).default('DAY') }).and(statsRangeSchema);

const PRIORITIES: TicketPriority[] = ['LOW', 'NORMAL', 'HIGH', 'URGENT'];
const MAX_AGENTS = 500;

/** Statistics from the UTC day of `from` to the UTC day of `to`, both included. */
export async function ticketStats(scope: PlatformScope, input: { from: Date; to: Date; bucket?: StatsBucket }): Promise<TicketStats> {
  const { from, to, bucket } = parseInput(statsInputSchema, input, []);
  const unit = bucket === 'WEEK' ? 'week' : 'day';
  const db = scope.db;
  // [lo, hi): from the start of from's UTC day to the end of to's.
  const lo = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  const hi = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth(), to.getUTCDate() + 1));

  const [open, overall, periods, agents] = await Promise.all([
    db.$queryRaw<{ priority: TicketPriority; count: number; breached: number }[]>`
      SELECT priority::text AS priority, count(*)::int AS count, count(*) FILTER (WHERE "slaState" = 'BREACHED')::int AS breached
      FROM "Ticket" WHERE status NOT IN ('RESOLVED', 'CLOSED') GROUP BY priority`,
    db.$queryRaw<[{ median: number | null }]>`
      SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM "firstRespondedAt" - "createdAt")) AS median
      FROM "Ticket" WHERE "firstRespondedAt" >= ${lo} AND "firstRespondedAt" < ${hi}`,
    db.$queryRaw<TicketStatsPeriod[]>`
      WITH periods AS (
        SELECT p AS start FROM generate_series(
          date_trunc(${unit}, ${lo}::timestamptz AT TIME ZONE 'UTC'),
          date_trunc(${unit}, (${hi}::timestamptz - interval '1 ms') AT TIME ZONE 'UTC'),
          ('1 ' || ${unit})::interval) AS p
      ),
      facts AS (
        SELECT date_trunc(${unit}, "createdAt" AT TIME ZONE 'UTC') AS start, 'created' AS kind, NULL::float8 AS seconds
          FROM "Ticket" WHERE "createdAt" >= ${lo} AND "createdAt" < ${hi}
        UNION ALL SELECT date_trunc(${unit}, "resolvedAt" AT TIME ZONE 'UTC'), 'resolved', NULL
          FROM "Ticket" WHERE "resolvedAt" >= ${lo} AND "resolvedAt" < ${hi}
        UNION ALL SELECT date_trunc(${unit}, "firstRespondedAt" AT TIME ZONE 'UTC'), 'responded', extract(epoch FROM "firstRespondedAt" - "createdAt")::float8
          FROM "Ticket" WHERE "firstRespondedAt" >= ${lo} AND "firstRespondedAt" < ${hi}
        UNION ALL SELECT date_trunc(${unit}, "breachedAt" AT TIME ZONE 'UTC'), target::text || ':breached', NULL
          FROM "TicketSlaClock" WHERE target IN ('FIRST_RESPONSE', 'RESOLUTION') AND "breachedAt" >= ${lo} AND "breachedAt" < ${hi}
        UNION ALL SELECT date_trunc(${unit}, "metAt" AT TIME ZONE 'UTC'), target::text || ':met', NULL
          FROM "TicketSlaClock" WHERE target IN ('FIRST_RESPONSE', 'RESOLUTION') AND state = 'MET' AND "breachedAt" IS NULL
            AND "metAt" >= ${lo} AND "metAt" < ${hi}
      )
      SELECT to_char(periods.start, 'YYYY-MM-DD') AS start,
        count(*) FILTER (WHERE kind = 'created')::int AS created,
        count(*) FILTER (WHERE kind = 'resolved')::int AS resolved,
        count(*) FILTER (WHERE kind = 'FIRST_RESPONSE:met')::int AS "firstResponseMet",
        count(*) FILTER (WHERE kind = 'FIRST_RESPONSE:breached')::int AS "firstResponseBreached",
        count(*) FILTER (WHERE kind = 'RESOLUTION:met')::int AS "resolutionMet",
        count(*) FILTER (WHERE kind = 'RESOLUTION:breached')::int AS "resolutionBreached",
        percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) FILTER (WHERE kind = 'responded') AS "medianFirstResponseSeconds"
      FROM periods LEFT JOIN facts USING (start)
      GROUP BY periods.start ORDER BY periods.start`,
    db.$queryRaw<TicketStatsAgent[]>`
      SELECT c."assigneeId" AS "agentId", a.name AS "agentName",
        count(*) FILTER (WHERE c.target = 'FIRST_RESPONSE' AND c."breachedAt" IS NULL)::int AS "firstResponseMet",
        count(*) FILTER (WHERE c.target = 'FIRST_RESPONSE' AND c."breachedAt" IS NOT NULL)::int AS "firstResponseBreached",
        count(*) FILTER (WHERE c.target = 'RESOLUTION' AND c."breachedAt" IS NULL)::int AS "resolutionMet",
        count(*) FILTER (WHERE c.target = 'RESOLUTION' AND c."breachedAt" IS NOT NULL)::int AS "resolutionBreached"
      FROM "TicketSlaClock" c LEFT JOIN "AdminUser" a ON a.id = c."assigneeId"
      WHERE c.target IN ('FIRST_RESPONSE', 'RESOLUTION')
        AND ((c."breachedAt" >= ${lo} AND c."breachedAt" < ${hi})
          OR (c.state = 'MET' AND c."breachedAt" IS NULL AND c."metAt" >= ${lo} AND c."metAt" < ${hi}))
      GROUP BY c."assigneeId", a.name
      ORDER BY a.name NULLS LAST, c."assigneeId"
      LIMIT ${MAX_AGENTS}`,
  ]);

  const byPriority = new Map(open.map((row) => [row.priority, row]));
  const sum = (key: 'firstResponseMet' | 'firstResponseBreached' | 'resolutionMet' | 'resolutionBreached') => periods.reduce((n, row) => n + row[key], 0);
  return {
    from: lo,
    to: new Date(hi.getTime() - 1),
    bucket,
    openByPriority: PRIORITIES.map((priority) => ({ priority, count: byPriority.get(priority)?.count ?? 0 })),
    breachedNow: open.reduce((n, row) => n + row.breached, 0),
    medianFirstResponseSeconds: overall[0].median,
    firstResponseMet: sum('firstResponseMet'),
    firstResponseBreached: sum('firstResponseBreached'),
    resolutionMet: sum('resolutionMet'),
    resolutionBreached: sum('resolutionBreached'),
    periods,
    agents,
  };
}
