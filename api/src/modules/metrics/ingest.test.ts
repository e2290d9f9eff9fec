import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type TestPlatform } from '../../../test/harness.ts';
import type { MetricAggregation } from '../../generated/prisma/enums.ts';
import { recordMetrics } from './ingest.ts';
import { aggregateMetric, metricSeries } from './queries.ts';
import { forgetSeriesIds } from './storage.ts';

let p: TestPlatform;
let owner: string;
type TestTenant = { tenantId: string; planId: string; apiKey: string };
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  p = await startPlatform({ recordQueries: true });
  owner = (await p.login('OWNER')).token;
  a = await p.makeTenant({ name: 'Metrics A' });
  b = await p.makeTenant({ name: 'Metrics B' });
});
afterAll(() => p.close());

const RECORD = `mutation($points: [MetricPointInput!]!) { recordMetrics(points: $points) { accepted rejected { index field message } } }`;
const SERIES = `query($name: String!, $labels: JSON, $tenantId: ID, $from: DateTime!, $to: DateTime!, $step: Int, $agg: MetricAggregation!, $groupBy: [String!]) {
  metricSeries(name: $name, labels: $labels, tenantId: $tenantId, from: $from, to: $to, step: $step, aggregation: $agg, groupBy: $groupBy) { labels tenantId points { at value } } }`;
const NAMES = `query($search: String) { metricNames(search: $search) { name seriesCount lastAt labelKeys } }`;

/** A minute boundary `minutesAgo` before now, so points land in known buckets. */
function minuteAgo(minutesAgo: number): Date {
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  return new Date(now - minutesAgo * 60_000);
}

async function post(body: unknown, token?: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${p.url}/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('validation', () => {
  const at = new Date().toISOString();
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ['a missing name', { value: 1 }, 'name', /required/],
    ['a name starting with a digit', { name: '1abc', value: 1 }, 'name', /not starting with a digit/],
    ['a name with a space', { name: 'a b', value: 1 }, 'name', /letters/],
    ['a name of 201 characters', { name: 'a'.repeat(201), value: 1 }, 'name', /at most 200/],
    ['a NUL in the name', { name: 'a\u0000b', value: 1 }, 'name', /letters/],
    ['a string value', { name: 'ok', value: '1' }, 'value', /a number/],
    ['a value too large for a double', 'RAW:{"name":"ok","value":1e400}' as never, 'value', /finite/],
    ['labels that are an array', { name: 'ok', value: 1, labels: ['a'] }, 'labels', /object/],
    ['21 labels', { name: 'ok', value: 1, labels: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) }, 'labels', /at most 20/],
    ['a label key with a dash', { name: 'ok', value: 1, labels: { 'bad-key': 'v' } }, 'labels', /label key/],
    ['a label key of 101 characters', { name: 'ok', value: 1, labels: { ['k'.repeat(101)]: 'v' } }, 'labels', /at most 100/],
    ['a numeric label value', { name: 'ok', value: 1, labels: { env: 1 } }, 'labels.env', /a string/],
    ['a label value of 201 characters', { name: 'ok', value: 1, labels: { env: 'v'.repeat(201) } }, 'labels.env', /at most 200/],
    ['a NUL in a label value', { name: 'ok', value: 1, labels: { env: 'pro\u0000d' } }, 'labels.env', /NUL/],
    ['a time 10 minutes ahead', { name: 'ok', value: 1, at: new Date(Date.now() + 600_000).toISOString() }, 'at', /future/],
    ['a time older than the raw retention', { name: 'ok', value: 1, at: new Date(Date.now() - 8 * 86_400_000).toISOString() }, 'at', /retention/],
    ['a time that is no date', { name: 'ok', value: 1, at: 'yesterday' }, 'at', /ISO 8601/],
    ['a malformed tenant id', { name: 'ok', value: 1, tenantId: 'nope' }, 'tenantId', /valid id/],
    ['a tenant that does not exist', { name: 'ok', value: 1, tenantId: '00000000-0000-4000-8000-000000000000' }, 'tenantId', /no such tenant/],
    ['a point that is not an object', 5 as never, '(point)', /object/],
  ];
  for (const [what, point, field, message] of cases) {
    it(`rejects ${what}, naming ${field}`, async () => {
      const item = typeof point === 'string' && (point as string).startsWith('RAW:') ? (point as string).slice(4) : JSON.stringify(point);
      const res = await post(`{"points":[${JSON.stringify({ name: 'valid.one', value: 1, at })},${item}]}`, owner);
      expect(res.status).toBe(200);
      expect(res.body.accepted).toBe(1);
      expect(res.body.rejected).toHaveLength(1);
      expect(res.body.rejected[0]).toMatchObject({ index: 1, field });
      expect(res.body.rejected[0].message).toMatch(message);
    });
  }

  it('refuses a NUL byte anywhere in a GraphQL operation before it runs', async () => {
    const res = await p.gql(RECORD, { points: [{ name: 'ok', value: 1, labels: { env: 'a\u0000' } }] }, owner);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a batch of more than 1,000 points as a whole, over GraphQL and HTTP', async () => {
    const points = Array.from({ length: 1001 }, (_, i) => ({ name: 'too.many', value: i }));
    const gql = await p.gql(RECORD, { points }, owner);
    expect(gql.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: [{ field: 'points' }] });
    const http = await post({ points }, owner);
    expect(http.status).toBe(400);
    expect(http.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: [{ field: 'points' }] });
    expect(await p.app.prisma.metricSeries.count({ where: { name: 'too.many' } })).toBe(0);
  });

  it('answers typed 4xx errors over HTTP for bad credentials, permissions, bodies and sizes', async () => {
    expect(await post({ points: [] })).toMatchObject({ status: 401, body: { errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] } });
    const viewer = (await p.login('VIEWER')).token;
    expect(await post({ points: [] }, viewer)).toMatchObject({ status: 403, body: { errors: [{ extensions: { code: 'FORBIDDEN' } }] } });
    expect(await post('{"points": [', owner)).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'BAD_REQUEST' } }] } });
    expect(await post({ point: [] }, owner)).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'BAD_USER_INPUT', fieldErrors: [{ field: 'points' }] } }] } });
    expect(await post({ points: [] }, owner, { 'content-type': 'text/plain' })).toMatchObject({ status: 415 });
    const huge = JSON.stringify({ points: [{ name: 'x', value: 1, labels: { pad: 'x'.repeat(1024 * 1024) } }] });
    expect(await post(huge, owner)).toMatchObject({ status: 413, body: { errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] } });
    expect(await post({ points: [] }, owner)).toMatchObject({ status: 200, body: { accepted: 0, rejected: [] } });
  });

  it('refuses recordMetrics to a VIEWER and to anonymous callers over GraphQL', async () => {
    const viewer = (await p.login('VIEWER')).token;
    expect((await p.gql(RECORD, { points: [] }, viewer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await p.gql(RECORD, { points: [] })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('storage', () => {
  it('stores the valid points of a mixed batch and names each rejected one', async () => {
    const at = minuteAgo(3).toISOString();
    const res = await p.gql(RECORD, {
      points: [
        { name: 'mixed.ok', value: 1, at, labels: { region: 'eu' } },
        { name: '9bad', value: 2, at },
        { name: 'mixed.ok', value: 3, at, labels: { region: 'us' } },
        { name: 'mixed.ok', value: 4, at: new Date(Date.now() + 3_600_000).toISOString() },
      ],
    }, owner);
    expect(res.data!.recordMetrics).toEqual({
      accepted: 2,
      rejected: [
        { index: 1, field: 'name', message: expect.any(String) },
        { index: 3, field: 'at', message: expect.stringMatching(/future/) },
      ],
    });
    const series = await p.app.prisma.metricSeries.findMany({ where: { name: 'mixed.ok' }, include: { points: true }, orderBy: { key: 'asc' } });
    expect(series.map((s) => [s.labels, s.tenantId, s.points.map((pt) => pt.value)])).toEqual([
      [{ region: 'eu' }, null, [1]],
      [{ region: 'us' }, null, [3]],
    ]);
  });

  it('keeps one sample per series and instant: the last of a batch wins, and a later batch overwrites', async () => {
    const at = minuteAgo(4).toISOString();
    const res = await p.gql(RECORD, { points: [{ name: 'dedupe', value: 1, at }, { name: 'dedupe', value: 2, at }, { name: 'dedupe', value: 3, at }] }, owner);
    expect(res.data!.recordMetrics.accepted).toBe(3);
    await p.gql(RECORD, { points: [{ name: 'dedupe', value: 7, at }] }, owner);
    const points = await p.app.prisma.metricPoint.findMany({ where: { series: { name: 'dedupe' } } });
    expect(points.map((pt) => pt.value)).toEqual([7]);
  });

  it('gives the same series to label sets that differ only in key order', async () => {
    await recordMetrics(p.system, [{ name: 'order', value: 1, labels: { b: '2', a: '1' }, at: minuteAgo(2) }]);
    await recordMetrics(p.system, [{ name: 'order', value: 2, labels: { a: '1', b: '2' }, at: minuteAgo(1) }]);
    const series = await p.app.prisma.metricSeries.findMany({ where: { name: 'order' } });
    expect(series).toHaveLength(1);
    expect(Object.keys(series[0]!.labels as object)).toEqual(['a', 'b']);
  });

  it('stores a batch of 100 points of known series in one statement, and a new series with one more', async () => {
    const base = minuteAgo(30).getTime();
    const batch = (offset: number) => Array.from({ length: 100 }, (_, i) => ({ name: 'bench.cpu', value: i, labels: { host: `h${i % 5}` }, at: new Date(base + offset + i * 1000) }));
    const first = await p.recordQueries(() => recordMetrics(p.system, batch(0)));
    expect(first).toHaveLength(2);
    const cached = await p.recordQueries(() => recordMetrics(p.system, batch(200_000)));
    expect(cached).toHaveLength(1);
    expect(cached[0]).toMatch(/INSERT INTO "MetricPoint"/);
    expect(await p.app.prisma.metricPoint.count({ where: { series: { name: 'bench.cpu' } } })).toBe(200);
  });

  it('stores concurrent batches overwriting the same series and instants without deadlock', async () => {
    const at = minuteAgo(6);
    const batch = (reverse: boolean, value: number) => {
      const points = Array.from({ length: 50 }, (_, i) => ({ name: 'race.same', value, labels: { n: String(i) }, at }));
      return reverse ? points.reverse() : points;
    };
    const results = await Promise.all([0, 1, 2, 3].map((i) => recordMetrics(p.system, batch(i % 2 === 1, i))));
    expect(results.map((r) => r.accepted)).toEqual([50, 50, 50, 50]);
    expect(await p.app.prisma.metricSeries.count({ where: { name: 'race.same' } })).toBe(50);
    expect(await p.app.prisma.metricPoint.count({ where: { series: { name: 'race.same' } } })).toBe(50);
  });

  it('finds its series again after its cache is forgotten', async () => {
    await recordMetrics(p.system, [{ name: 'cache.miss', value: 1, at: minuteAgo(2) }]);
    forgetSeriesIds();
    await recordMetrics(p.system, [{ name: 'cache.miss', value: 2, at: minuteAgo(1) }]);
    expect(await p.app.prisma.metricPoint.count({ where: { series: { name: 'cache.miss' } } })).toBe(2);
    expect(await p.app.prisma.metricSeries.count({ where: { name: 'cache.miss' } })).toBe(1);
  });
});

describe('tenants', () => {
  it("forces a tenant key's points onto its tenant and rejects one naming another tenant", async () => {
    const at = minuteAgo(2).toISOString();
    const res = await p.gql(RECORD, { points: [{ name: 'app.orders', value: 5, at }, { name: 'app.orders', value: 6, at, tenantId: b.tenantId }, { name: 'app.orders', value: 7, at: minuteAgo(1).toISOString(), tenantId: a.tenantId }] }, a.apiKey);
    expect(res.data!.recordMetrics).toEqual({ accepted: 2, rejected: [{ index: 1, field: 'tenantId', message: expect.stringMatching(/own tenant/) }] });
    const http = await post({ points: [{ name: 'app.orders', value: 9, at }] }, b.apiKey);
    expect(http).toMatchObject({ status: 200, body: { accepted: 1, rejected: [] } });
    const series = await p.app.prisma.metricSeries.findMany({ where: { name: 'app.orders' }, include: { points: true } });
    expect(series.map((s) => [s.tenantId, s.points.map((pt) => pt.value).sort()]).sort()).toEqual(
      [[a.tenantId, [5, 7]], [b.tenantId, [9]]].sort(),
    );
  });

  it('lets a tenant read only its own series: never another tenant\'s, never the platform\'s', async () => {
    const at = minuteAgo(5).toISOString();
    await p.gql(RECORD, { points: [{ name: 'shared.name', value: 10, at }] }, a.apiKey);
    await p.gql(RECORD, { points: [{ name: 'shared.name', value: 20, at }] }, b.apiKey);
    await p.gql(RECORD, { points: [{ name: 'shared.name', value: 30, at }, { name: 'platform.only', value: 1, at }] }, owner);
    const vars = { name: 'shared.name', from: minuteAgo(10).toISOString(), to: new Date().toISOString(), agg: 'SUM', step: 60 };
    const ra = await p.gql(SERIES, vars, a.apiKey);
    expect(ra.data!.metricSeries).toEqual([{ labels: {}, tenantId: a.tenantId, points: [{ at: minuteAgo(5).toISOString(), value: 10 }] }]);
    const rb = await p.gql(SERIES, vars, b.apiKey);
    expect(rb.data!.metricSeries).toEqual([{ labels: {}, tenantId: b.tenantId, points: [{ at: minuteAgo(5).toISOString(), value: 20 }] }]);
    const asOther = await p.gql(SERIES, { ...vars, tenantId: b.tenantId }, a.apiKey);
    expect(asOther.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect((await p.gql(SERIES, { ...vars, name: 'platform.only' }, a.apiKey)).data!.metricSeries).toEqual([]);
    const admin = await p.gql(SERIES, vars, owner);
    expect(admin.data!.metricSeries.map((s: any) => [s.tenantId, s.points[0].value])).toEqual(
      [[null, 30], ...[[a.tenantId, 10], [b.tenantId, 20]].sort()],
    );
    const names = await p.gql(NAMES, { search: 'only' }, a.apiKey);
    expect(names.data!.metricNames).toEqual([]);
    const own = await p.gql(NAMES, { search: 'shared' }, a.apiKey);
    expect(own.data!.metricNames).toEqual([{ name: 'shared.name', seriesCount: 1, lastAt: expect.any(String), labelKeys: [] }]);
    const all = await p.gql(NAMES, { search: 'shared' }, owner);
    expect(all.data!.metricNames[0].seriesCount).toBe(3);
  });
});

describe('queries', () => {
  // Ten points one minute apart, values 1..10, for two hosts (host b doubled).
  const name = 'known.latency';
  beforeAll(async () => {
    const points = Array.from({ length: 10 }, (_, i) => [
      { name, value: i + 1, labels: { host: 'a', dc: 'x' }, at: minuteAgo(20 - i) },
      { name, value: 2 * (i + 1), labels: { host: 'b', dc: 'x' }, at: minuteAgo(20 - i) },
    ]).flat();
    expect((await recordMetrics(p.system, points)).accepted).toBe(20);
  });
  const range = () => ({ name, from: minuteAgo(20).toISOString(), to: minuteAgo(10).toISOString() });

  it('aggregates in SQL: AVG, MIN, MAX, SUM, COUNT and P95, per group', async () => {
    const all = [...Array.from({ length: 10 }, (_, i) => i + 1), ...Array.from({ length: 10 }, (_, i) => 2 * (i + 1))].sort((x, y) => x - y);
    const r = 0.95 * (all.length - 1);
    const p95 = all[Math.floor(r)]! + (r - Math.floor(r)) * (all[Math.floor(r) + 1]! - all[Math.floor(r)]!);
    const q = { name, labelFilter: {}, from: minuteAgo(20), to: minuteAgo(10), groupBy: [] as string[] };
    const value = async (aggregation: MetricAggregation) => (await aggregateMetric(p.app.prisma, { ...q, aggregation }))[0];
    expect(await value('SUM')).toEqual({ labels: {}, tenantId: null, value: 165, count: 20 });
    expect((await value('AVG'))!.value).toBe(165 / 20);
    expect((await value('MIN'))!.value).toBe(1);
    expect((await value('MAX'))!.value).toBe(20);
    expect((await value('COUNT'))!.value).toBe(20);
    expect((await value('P95'))!.value).toBeCloseTo(p95, 10);
    const byHost = await aggregateMetric(p.app.prisma, { ...q, aggregation: 'MAX', groupBy: ['host', 'missing'] });
    expect(byHost).toEqual([
      { labels: { host: 'a' }, tenantId: null, value: 10, count: 10 },
      { labels: { host: 'b' }, tenantId: null, value: 20, count: 10 },
    ]);
    // Over GraphQL, the buckets' sums add up to the whole and each minimum is at least the overall one.
    const sums = await p.gql(SERIES, { ...range(), agg: 'SUM', step: 120 }, owner);
    expect(sums.data!.metricSeries[0].points.reduce((x: number, pt: any) => x + pt.value, 0)).toBe(165);
    const buckets = new Set(Array.from({ length: 10 }, (_, i) => Math.floor(minuteAgo(20 - i).getTime() / 120_000) * 120_000));
    expect(sums.data!.metricSeries[0].points.map((pt: any) => new Date(pt.at).getTime())).toEqual([...buckets]);
    const p95s = await p.gql(SERIES, { ...range(), agg: 'P95', step: 60, labels: { host: 'b' } }, owner);
    expect(p95s.data!.metricSeries[0].points.map((pt: any) => pt.value)).toEqual(Array.from({ length: 10 }, (_, i) => 2 * (i + 1)));
  });

  it('buckets by step from the epoch and groups by labels', async () => {
    const res = await p.gql(SERIES, { ...range(), agg: 'MAX', step: 300, groupBy: ['host'] }, owner);
    const series = res.data!.metricSeries;
    expect(series.map((s: any) => s.labels)).toEqual([{ host: 'a' }, { host: 'b' }]);
    // Minutes 20..11 ago: two 5-minute buckets of 5 points each when minuteAgo(20) is on a 5-minute boundary.
    for (const s of series) {
      expect(s.points.length).toBeGreaterThanOrEqual(2);
      for (const pt of s.points) expect(new Date(pt.at).getTime() % 300_000).toBe(0);
    }
    expect(Math.max(...series[1].points.map((pt: any) => pt.value))).toBe(20);
    const filtered = await p.gql(SERIES, { ...range(), agg: 'COUNT', step: 600, labels: { host: 'a' } }, owner);
    expect(filtered.data!.metricSeries.flatMap((s: any) => s.points.map((pt: any) => pt.value)).reduce((x: number, y: number) => x + y, 0)).toBe(10);
  });

  it('bounds the range, the buckets and the step with typed errors naming the argument', async () => {
    const err = async (vars: Record<string, unknown>) => (await p.gql(SERIES, { name, agg: 'AVG', ...vars }, owner)).errors?.[0];
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    expect(await err({ from: iso(now - 3_600_000), to: iso(now), step: 1 })).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', fieldErrors: [{ field: 'step' }] } });
    expect((await err({ from: iso(now - 3_600_000), to: iso(now), step: 1 }))!.message).toMatch(/at least 4 s/);
    expect(await err({ from: iso(now - 401 * 86_400_000), to: iso(now) })).toMatchObject({ extensions: { fieldErrors: [{ field: 'to' }] } });
    expect(await err({ from: iso(now), to: iso(now - 1000) })).toMatchObject({ extensions: { fieldErrors: [{ field: 'to' }] } });
    expect(await err({ from: iso(now - 10 * 86_400_000), to: iso(now), step: 5400 })).toMatchObject({ extensions: { fieldErrors: [{ field: 'step' }] } });
    expect(await err({ from: iso(now - 3_600_000), to: iso(now), groupBy: ['bad-key'] })).toMatchObject({ extensions: { fieldErrors: [{ field: 'groupBy' }] } });
    expect(await err({ from: iso(now - 3_600_000), to: iso(now), labels: { host: 1 } })).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    const auto = await p.gql(SERIES, { name, agg: 'AVG', from: iso(now - 30 * 86_400_000), to: iso(now) }, owner);
    expect(auto.errors).toBeUndefined();
  });

  it('refuses more than 100 series in one answer', async () => {
    const at = minuteAgo(1);
    await recordMetrics(p.system, Array.from({ length: 101 }, (_, i) => ({ name: 'many.series', value: i, labels: { n: String(i) }, at })));
    const res = await p.gql(SERIES, { name: 'many.series', agg: 'AVG', from: minuteAgo(5).toISOString(), to: new Date().toISOString(), groupBy: ['n'] }, owner);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: [{ field: 'groupBy' }] });
    const fine = await p.gql(SERIES, { name: 'many.series', agg: 'COUNT', from: minuteAgo(5).toISOString(), to: new Date().toISOString() }, owner);
    expect(fine.data!.metricSeries[0].points.reduce((x: number, pt: any) => x + pt.value, 0)).toBe(101);
  });

  it('answers a series query in one SQL statement', async () => {
    const q = { name, labelFilter: { dc: 'x' }, from: minuteAgo(20), to: minuteAgo(10), aggregation: 'P95' as const, groupBy: ['host'], step: 60 };
    await metricSeries(p.app.prisma, q);
    const statements = await p.recordQueries(() => metricSeries(p.app.prisma, q));
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/date_bin/);
  });

  it('lists metric names with their series count and label keys', async () => {
    const res = await p.gql(NAMES, { search: 'known' }, owner);
    expect(res.data!.metricNames).toEqual([{ name, seriesCount: 2, lastAt: expect.any(String), labelKeys: ['dc', 'host'] }]);
    const viewer = (await p.login('VIEWER')).token;
    expect((await p.gql(NAMES, { search: 'known' }, viewer)).data!.metricNames).toHaveLength(1);
    expect((await p.gql(NAMES, { search: '%' }, owner)).data!.metricNames).toEqual([]);
  });
});
