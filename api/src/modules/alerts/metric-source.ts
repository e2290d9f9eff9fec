// The metric aggregation evaluation reads: one row per group over [from, to], in one SQL statement.
// Same signature as the metrics service's `aggregateMetric`; the metrics module's own implementation
// replaces this one when it lands.
import { Prisma } from '../../db/client.ts';
import type { MetricAggregation } from '../../generated/prisma/enums.ts';

export interface AggregateQuery {
  name: string;
  labelFilter: Record<string, string>;
  /** undefined: every series; null: the platform's own; an id: that tenant's. */
  tenantId?: string | null;
  from: Date;
  to: Date;
  aggregation: MetricAggregation;
  groupBy: string[];
}

export interface AggregateRow {
  labels: Record<string, string>;
  tenantId: string | null;
  value: number | null;
  count: number;
}

type RawDb = Pick<Prisma.TransactionClient, '$queryRaw'>;

const AGGREGATE: Record<MetricAggregation, Prisma.Sql> = {
  AVG: Prisma.sql`avg(p.value)`,
  MIN: Prisma.sql`min(p.value)`,
  MAX: Prisma.sql`max(p.value)`,
  SUM: Prisma.sql`sum(p.value)`,
  COUNT: Prisma.sql`count(*)::float8`,
  P95: Prisma.sql`percentile_cont(0.95) WITHIN GROUP (ORDER BY p.value)`,
};

export async function aggregateMetric(db: RawDb, q: AggregateQuery): Promise<AggregateRow[]> {
  const tenant =
    q.tenantId === undefined ? Prisma.empty : q.tenantId === null ? Prisma.sql`AND s."tenantId" IS NULL` : Prisma.sql`AND s."tenantId" = ${q.tenantId}::uuid`;
  const rows = await db.$queryRaw<{ labels: Record<string, string>; tenantId: string | null; value: number | null; count: bigint }[]>`
    SELECT g.labels, s."tenantId", ${AGGREGATE[q.aggregation]} AS value, count(*) AS count
    FROM "MetricSeries" s
    CROSS JOIN LATERAL (
      SELECT coalesce(jsonb_object_agg(k, s.labels->>k) FILTER (WHERE s.labels ? k), '{}'::jsonb) AS labels
      FROM unnest(${q.groupBy}::text[]) AS k
    ) g
    JOIN "MetricPoint" p ON p."seriesId" = s.id AND p.at > ${q.from} AND p.at <= ${q.to}
    WHERE s.name = ${q.name} AND s.labels @> ${JSON.stringify(q.labelFilter)}::jsonb ${tenant}
    GROUP BY g.labels, s."tenantId"`;
  return rows.map((r) => ({ labels: r.labels, tenantId: r.tenantId, value: r.value === null ? null : Number(r.value), count: Number(r.count) }));
}
