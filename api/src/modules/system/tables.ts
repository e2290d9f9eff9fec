// Row counts and growth of the main tables, cheaply and in one statement: every count reads at most
// COUNT_CAP + 1 rows (an exact answer under the cap, the planner's estimate above it), and growth is
// counted over an index on the table's time column, capped the same way.
import { Prisma } from '../../db/client.ts';
import type { PlatformScope } from '../../scope.ts';

/** Counts stop here: below it a number is exact, above it an estimate (tables) or "at least" (growth). */
export const COUNT_CAP = 10_000;

interface TableSpec {
  /** The table as Postgres names it (the Prisma model's name). */
  name: string;
  /** Its creation-time column. */
  column: string;
  /** An index leads with `column`: a range count reads only the rows in the range. */
  indexed: boolean;
}

/** The tables the System page watches, with the column their growth is counted by. */
export const SYSTEM_TABLES: readonly TableSpec[] = [
  { name: 'Tenant', column: 'createdAt', indexed: true },
  { name: 'User', column: 'createdAt', indexed: true },
  { name: 'Email', column: 'createdAt', indexed: true },
  { name: 'EmailEvent', column: 'createdAt', indexed: false },
  { name: 'WebhookEvent', column: 'receivedAt', indexed: true },
  { name: 'WebhookAttempt', column: 'startedAt', indexed: true },
  { name: 'Ticket', column: 'createdAt', indexed: true },
  { name: 'TicketComment', column: 'createdAt', indexed: false },
  { name: 'TicketEvent', column: 'createdAt', indexed: false },
  { name: 'AuditEvent', column: 'occurredAt', indexed: true },
  { name: 'JobRun', column: 'startedAt', indexed: true },
  { name: 'MetricSeries', column: 'createdAt', indexed: false },
  { name: 'MetricPoint', column: 'at', indexed: true },
  { name: 'MetricRollup', column: 'hour', indexed: true },
  { name: 'Alert', column: 'startedAt', indexed: true },
  { name: 'AlertEvent', column: 'at', indexed: false },
  { name: 'AlertDelivery', column: 'createdAt', indexed: false },
];

export interface GrowthCount {
  count: number;
  /** More rows than COUNT_CAP matched: `count` is a lower bound. */
  capped: boolean;
}

export interface TableStats {
  name: string;
  /** Exact under COUNT_CAP rows; the planner's estimate (pg_class.reltuples) above it. */
  rows: number;
  estimated: boolean;
  /** Table, indexes and TOAST, in bytes. */
  sizeBytes: number;
  /**
   * Rows created since UTC midnight, in the last 7 and 30 days. Null for a big table without an index on
   * its time column (counting there would read the whole table).
   */
  growth: { today: GrowthCount; last7Days: GrowthCount; last30Days: GrowthCount } | null;
}

const ident = (name: string) => Prisma.raw(`"${name.replaceAll('"', '""')}"`);

/** Starts of the three growth windows for `now`. */
export function growthWindows(now: Date): { today: Date; week: Date; month: Date } {
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  return { today, week: new Date(now.getTime() - 7 * 86_400_000), month: new Date(now.getTime() - 30 * 86_400_000) };
}

/**
 * Every watched table's numbers in one statement. A table without an index on its time column has its
 * growth counted only when it is small (its exact count is under the cap): Postgres evaluates a CASE
 * branch's subquery only when the branch is taken.
 */
export async function tableStats(scope: PlatformScope, now = new Date()): Promise<TableStats[]> {
  const { today, week, month } = growthWindows(now);
  const limit = COUNT_CAP + 1;
  const rows = SYSTEM_TABLES.map((t) => {
    const table = ident(t.name);
    const column = ident(t.column);
    const capped = (since: Date) => Prisma.sql`(SELECT count(*) FROM (SELECT 1 FROM ${table} WHERE ${column} >= ${since}::timestamptz LIMIT ${limit}) s)::int`;
    const counted = Prisma.sql`(SELECT count(*) FROM (SELECT 1 FROM ${table} LIMIT ${limit}) s)::int`;
    const growth = (since: Date) => (t.indexed ? capped(since) : Prisma.sql`CASE WHEN c.counted <= ${COUNT_CAP} THEN ${capped(since)} END`);
    return Prisma.sql`
      SELECT ${t.name} AS name, c.counted, c.estimate, c.size, ${growth(today)} AS today, ${growth(week)} AS week, ${growth(month)} AS month
      FROM (SELECT ${counted} AS counted, pg_class.reltuples::float8 AS estimate, pg_total_relation_size(pg_class.oid)::float8 AS size
            FROM pg_class WHERE pg_class.oid = ${`"${t.name}"`}::regclass
            OFFSET 0) c`; // OFFSET 0: counted once, not once per reference
  });
  const result = await scope.db.$queryRaw<
    { name: string; counted: number; estimate: number; size: number; today: number | null; week: number | null; month: number | null }[]
  >(Prisma.join(rows, ' UNION ALL '));
  const byName = new Map(result.map((r) => [r.name, r]));
  const growthCount = (n: number): GrowthCount => ({ count: Math.min(n, COUNT_CAP), capped: n > COUNT_CAP });
  return SYSTEM_TABLES.map((t) => {
    const r = byName.get(t.name)!;
    const estimated = r.counted > COUNT_CAP;
    return {
      name: t.name,
      // Above the cap the statistics speak; stale ones (or none yet: -1) still say "more than the cap".
      rows: estimated ? Math.max(Math.round(r.estimate), COUNT_CAP + 1) : r.counted,
      estimated,
      sizeBytes: r.size,
      growth:
        r.today === null || r.week === null || r.month === null
          ? null
          : { today: growthCount(r.today), last7Days: growthCount(r.week), last30Days: growthCount(r.month) },
    };
  });
}
