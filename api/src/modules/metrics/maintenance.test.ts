import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type TestPlatform } from '../../../test/harness.ts';
import type { MetricAggregation } from '../../generated/prisma/enums.ts';
import { recordMetrics } from './ingest.ts';
import { applyRetention, rollupHours } from './maintenance.ts';
import { aggregateMetric, metricSeries } from './queries.ts';
import { monitoringSettings, updateMonitoringSettings } from './settings.ts';

let p: TestPlatform;
let owner: { token: string; userId: string };

beforeAll(async () => {
  p = await startPlatform();
  owner = await p.login('OWNER');
});
afterAll(() => p.close());

const HOUR = 3_600_000;
const DAY = 86_400_000;
const hourAgo = (n: number) => new Date(Math.floor(Date.now() / HOUR) * HOUR - n * HOUR);
const AGGREGATIONS: MetricAggregation[] = ['AVG', 'MIN', 'MAX', 'SUM', 'COUNT', 'P95'];

describe('rollups', () => {
  const name = 'rollup.check';
  beforeAll(async () => {
    // Hours 5, 4 and 3 ago: 30 points each for two regions, values spread so every aggregation differs.
    const points = [5, 4, 3].flatMap((h) =>
      Array.from({ length: 30 }, (_, i) => [
        { name, value: ((i * 7) % 30) + h, labels: { region: 'eu' }, at: new Date(hourAgo(h).getTime() + i * 60_000) },
        { name, value: ((i * 11) % 30) * h, labels: { region: 'us' }, at: new Date(hourAgo(h).getTime() + i * 60_000 + 30_000) },
      ]).flat(),
    );
    expect((await recordMetrics(p.system, points)).accepted).toBe(180);
  });

  it('summarise finished hours, idempotently, and answer long ranges as the raw points would', async () => {
    const base = { name, labelFilter: {}, groupBy: ['region'] };
    const short = { ...base, from: hourAgo(6), to: hourAgo(2), step: 3600 };
    const raw = new Map<MetricAggregation, unknown>();
    for (const aggregation of AGGREGATIONS) raw.set(aggregation, await metricSeries(p.app.prisma, { ...short, aggregation }));
    expect((raw.get('COUNT') as { points: unknown[] }[]).map((s) => s.points.length)).toEqual([3, 3]);

    expect(await rollupHours(p.app.prisma, hourAgo(6), hourAgo(2))).toBe(6);
    const first = await p.app.prisma.metricRollup.findMany({ orderBy: [{ seriesId: 'asc' }, { hour: 'asc' }] });
    expect(await rollupHours(p.app.prisma, hourAgo(6), hourAgo(2))).toBe(6);
    expect(await p.app.prisma.metricRollup.findMany({ orderBy: [{ seriesId: 'asc' }, { hour: 'asc' }] })).toEqual(first);

    // With the raw points gone, a range longer than two days reads the rollups alone.
    await p.app.prisma.metricPoint.deleteMany({ where: { series: { name } } });
    const long = { ...base, from: new Date(hourAgo(2).getTime() - 3 * DAY), to: hourAgo(2), step: 3600 };
    for (const aggregation of AGGREGATIONS) {
      const fromRollups = await metricSeries(p.app.prisma, { ...long, aggregation });
      expect(fromRollups, aggregation).toEqual(raw.get(aggregation));
    }
    const sum = await aggregateMetric(p.app.prisma, { ...long, aggregation: 'SUM' });
    const rawSums = (raw.get('SUM') as { points: { value: number }[] }[]).map((s) => s.points.reduce((x, pt) => x + pt.value, 0));
    expect(sum.map((g) => g.value)).toEqual(rawSums);
    expect(sum.map((g) => g.count)).toEqual([90, 90]);
  });

  it('refuses a step finer than an hour on rollups, and picks an hourly one when absent', async () => {
    const q = { name, labelFilter: {}, groupBy: [], aggregation: 'AVG' as const, from: new Date(Date.now() - 30 * DAY), to: new Date() };
    await expect(metricSeries(p.app.prisma, { ...q, from: new Date(Date.now() - 3 * DAY), step: 1800 })).rejects.toThrow(/step: .*hours/);
    await expect(metricSeries(p.app.prisma, { ...q, step: 600 })).rejects.toThrow(/step: too small/);
    const auto = await metricSeries(p.app.prisma, q);
    const ats = auto[0]!.points.map((pt) => pt.at.getTime());
    expect(ats.every((t) => t % HOUR === 0)).toBe(true);
  });
});

describe('retention', () => {
  it('deletes raw points and rollups past their retention in batches, and the series left empty', async () => {
    await updateMonitoringSettings(p.system, { rawRetentionDays: 2, rollupRetentionDays: 10 });
    const fresh = await recordMetrics(p.system, [{ name: 'retention.kept', value: 1 }]);
    expect(fresh.accepted).toBe(1);
    const series = await p.app.prisma.metricSeries.create({
      data: { name: 'retention.old', key: 'test|retention.old', lastAt: new Date(Date.now() - 20 * DAY), createdAt: new Date(Date.now() - 30 * DAY) },
    });
    const kept = await p.app.prisma.metricSeries.create({ data: { name: 'retention.mixed', key: 'test|retention.mixed', lastAt: new Date() } });
    await p.app.prisma.$executeRaw`
      INSERT INTO "MetricPoint" ("seriesId", at, value)
      SELECT ${series.id}::uuid, now() - interval '3 days' - make_interval(secs => g), g FROM generate_series(1, 6000) g`;
    await p.app.prisma.$executeRaw`
      INSERT INTO "MetricPoint" ("seriesId", at, value) VALUES (${kept.id}::uuid, now() - interval '1 day', 1), (${kept.id}::uuid, now() - interval '3 days', 2)`;
    await p.app.prisma.$executeRaw`
      INSERT INTO "MetricRollup" ("seriesId", hour, count, sum, min, max, p95)
      VALUES (${series.id}::uuid, date_trunc('hour', now()) - interval '11 days', 1, 1, 1, 1, 1),
             (${kept.id}::uuid, date_trunc('hour', now()) - interval '11 days', 1, 1, 1, 1, 1),
             (${kept.id}::uuid, date_trunc('hour', now()) - interval '9 days', 1, 1, 1, 1, 1)`;
    const result = await applyRetention(p.system);
    expect(result).toEqual({ points: 6001, rollups: 2, series: 1, more: false });
    expect(await p.app.prisma.metricSeries.findUnique({ where: { id: series.id } })).toBeNull();
    expect(await p.app.prisma.metricPoint.count({ where: { seriesId: kept.id } })).toBe(1);
    expect(await p.app.prisma.metricRollup.count({ where: { seriesId: kept.id } })).toBe(1);
    expect(await p.app.prisma.metricSeries.count({ where: { name: 'retention.kept' } })).toBe(1);
    expect(await applyRetention(p.system)).toEqual({ points: 0, rollups: 0, series: 0, more: false });
    // A point older than the new raw retention is now refused at ingest.
    const late = await recordMetrics(p.system, [{ name: 'retention.kept', value: 1, at: new Date(Date.now() - 3 * DAY) }]);
    expect(late.rejected).toEqual([{ index: 0, field: 'at', message: expect.stringMatching(/retention/) }]);
  });
});

describe('settings', () => {
  const UPDATE = `mutation($input: MonitoringSettingsInput!) { updateMonitoringSettings(input: $input) {
    __typename ... on MutationUpdateMonitoringSettingsSuccess { data { rawRetentionDays rollupRetentionDays evaluationIntervalSecs } }
    ... on ValidationError { fieldErrors { field message } } } }`;

  it('are read by every role, changed by OWNER and ADMIN, validated and audited', async () => {
    const set = await p.gql(UPDATE, { input: { rawRetentionDays: 5, evaluationIntervalSecs: 30 } }, owner.token);
    expect(set.data!.updateMonitoringSettings.data).toEqual({ rawRetentionDays: 5, rollupRetentionDays: 10, evaluationIntervalSecs: 30 });
    const entry = await p.app.prisma.auditEvent.findFirstOrThrow({ where: { action: 'monitoringSettings.update', actorId: owner.userId } });
    expect(entry.diff).toMatchObject({ rawRetentionDays: { from: 2, to: 5 }, evaluationIntervalSecs: { from: 15, to: 30 } });
    const bad = await p.gql(UPDATE, { input: { rawRetentionDays: 0, evaluationIntervalSecs: 2 } }, owner.token);
    expect(bad.data!.updateMonitoringSettings.fieldErrors.map((e: { field: string }) => e.field).sort()).toEqual(['input.evaluationIntervalSecs', 'input.rawRetentionDays']);
    const inverted = await p.gql(UPDATE, { input: { rawRetentionDays: 60, rollupRetentionDays: 30 } }, owner.token);
    expect(inverted.data!.updateMonitoringSettings.fieldErrors).toEqual([{ field: 'input.rollupRetentionDays', message: expect.stringMatching(/raw retention/) }]);
    const before = await p.app.prisma.auditEvent.count({ where: { action: 'monitoringSettings.update' } });
    await p.gql(UPDATE, { input: { rawRetentionDays: 5 } }, owner.token);
    expect(await p.app.prisma.auditEvent.count({ where: { action: 'monitoringSettings.update' } })).toBe(before);
    const viewer = (await p.login('VIEWER')).token;
    expect((await p.gql(`{ monitoringSettings { rawRetentionDays } }`, {}, viewer)).data!.monitoringSettings).toEqual({ rawRetentionDays: 5 });
    expect((await p.gql(UPDATE, { input: { rawRetentionDays: 6 } }, viewer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await monitoringSettings(p.app.prisma)).rawRetentionDays).toBe(5);
  });
});
