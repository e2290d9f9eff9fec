import type { ApolloServerPlugin } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type TestPlatform } from '../../../test/harness.ts';
import { until } from '../../../test/until.ts';
import { registerChangeHooks, type RecordedMetrics } from '../../change-hooks.ts';
import type { Context } from '../../graphql/context.ts';
import { recordMetrics } from './ingest.ts';
import { recordPlatformMinutes } from './self-metrics.ts';

let p: TestPlatform;
let owner: string;

/** An operation named Boom fails inside the server, as an unexpected error would. */
const boom: ApolloServerPlugin<Context> = {
  requestDidStart: async () => ({
    async didResolveOperation({ operationName }) {
      if (operationName === 'Boom') throw new Error('exploded');
    },
  }),
};

// A real hook, registered the way a module's manifest does, that keeps what it is told.
const heard: RecordedMetrics[] = [];
let hookFails = false;
registerChangeHooks({
  onMetricsRecorded: async (_scope, batch) => {
    heard.push(batch);
    if (hookFails) throw new Error('hook failure');
  },
});

beforeAll(async () => {
  p = await startPlatform({ plugins: [boom], env: { SELF_METRICS_INTERVAL_MS: 100 } });
  owner = (await p.login('OWNER')).token;
});
afterAll(() => p.close());

const SERIES = `query($name: String!, $labels: JSON, $from: DateTime!, $to: DateTime!, $agg: MetricAggregation!, $groupBy: [String!]) {
  metricSeries(name: $name, labels: $labels, from: $from, to: $to, aggregation: $agg, groupBy: $groupBy) { labels points { at value } } }`;

async function total(name: string, labels: Record<string, string> = {}, agg = 'SUM'): Promise<number> {
  const res = await p.gql(SERIES, { name, labels, agg, from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 120_000).toISOString() }, owner);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.metricSeries.flatMap((s: any) => s.points).reduce((x: number, pt: any) => x + pt.value, 0);
}

describe('self-metrics', () => {
  it('records API requests, server errors and latency from the process, without a row per request', async () => {
    for (let i = 0; i < 5; i += 1) await p.gql('{ monitoringSettings { rawRetentionDays } }', {}, owner);
    const failed = await p.gql('query Boom { monitoringSettings { rawRetentionDays } }', {}, owner);
    expect(failed.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    // A caller's own mistake is not a server error.
    await p.gql('{ metricSeries(name: "x", from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z", aggregation: AVG) { labels } }', {}, owner);
    await until(() => total('opsgraph.api.errors', { kind: 'graphql' }), (n) => n >= 1, 'the server error to be recorded');
    await until(() => total('opsgraph.api.requests', { kind: 'graphql' }), (n) => n >= 7, 'the requests to be recorded');
    expect(await total('opsgraph.api.errors', { kind: 'graphql' })).toBe(1);
    const p95 = await total('opsgraph.api.latency_ms', { kind: 'graphql', stat: 'p95' }, 'MAX');
    expect(p95).toBeGreaterThan(0);
    const series = await p.app.prisma.metricSeries.findMany({ where: { name: { startsWith: 'opsgraph.api.' } } });
    expect(series.every((s) => s.tenantId === null)).toBe(true);
    // A few points per flush, far fewer than the requests made.
    const points = await p.app.prisma.metricPoint.count({ where: { series: { name: 'opsgraph.api.requests' } } });
    expect(points).toBeLessThan(await total('opsgraph.api.requests'));
  });

  it('turns job runs, webhook failures and dead events, email bounces and SLA breaches into points per minute, idempotently', async () => {
    const now = new Date();
    await p.app.prisma.jobRun.createMany({
      data: ['SUCCESS', 'FAILURE', 'FAILURE'].map((outcome, i) => ({
        task: 'selfMetricsTask', jobId: `sm-${i}`, attempt: 1, queuedAt: now, startedAt: now, finishedAt: now, durationMs: 10 * (i + 1), outcome: outcome as 'SUCCESS' | 'FAILURE',
      })),
    });
    const event = await p.app.prisma.webhookEvent.create({ data: { provider: 'STRIPE', externalId: 'evt_self_metrics', type: 'x', payload: {}, status: 'DEAD', attempts: 2 } });
    await p.app.prisma.webhookAttempt.createMany({
      data: [1, 2].map((number) => ({ eventId: event.id, number, startedAt: now, finishedAt: now, outcome: 'FAILED' as const, error: 'no' })),
    });
    const { createTemplate, sendEmail } = await import('../emails/service.ts');
    await createTemplate(p.system, { key: 'self-metrics', name: 'Self', subject: 'Hi', html: '<p>Hi</p>', text: 'Hi' });
    const email = await sendEmail(p.system, { template: 'self-metrics', to: 'bounce@example.com' });
    await p.app.prisma.emailEvent.create({ data: { emailId: email.id, type: 'bounced', status: 'BOUNCED', occurredAt: now, source: 'test' } });
    const t = await p.makeTenant();
    const requester = await p.app.prisma.user.create({ data: { tenantId: t.tenantId, externalId: 'sm-req' } });
    const ticket = await p.app.prisma.ticket.create({ data: { tenantId: t.tenantId, requesterId: requester.id, subject: 'S', description: 'd', source: 'ADMIN' } });
    await p.app.prisma.ticketEvent.create({ data: { ticketId: ticket.id, tenantId: t.tenantId, kind: 'SLA_BREACHED', actorType: 'SYSTEM' } });

    // The current minute counted as if it had just finished; twice, as two instances would.
    const later = new Date(now.getTime() + 60_000);
    await recordPlatformMinutes(p.system, later);
    await recordPlatformMinutes(p.system, later);
    expect(await total('opsgraph.jobs.runs', { task: 'selfMetricsTask' })).toBe(3);
    expect(await total('opsgraph.jobs.failures', { task: 'selfMetricsTask' })).toBe(2);
    expect(await total('opsgraph.jobs.duration_ms', { task: 'selfMetricsTask', stat: 'p95' }, 'MAX')).toBeCloseTo(29, 5);
    expect(await total('opsgraph.webhooks.failures', { provider: 'STRIPE' })).toBe(2);
    expect(await total('opsgraph.webhooks.failures', { provider: 'RESEND' })).toBe(0);
    expect(await total('opsgraph.webhooks.dead', { provider: 'STRIPE' })).toBe(1);
    expect(await total('opsgraph.emails.bounces')).toBe(1);
    expect(await total('opsgraph.tickets.sla_breaches')).toBe(1);
    // Zeros for the minutes before, so a chart has a line on a fresh install.
    const minutes = await p.app.prisma.metricPoint.count({ where: { series: { name: 'opsgraph.tickets.sla_breaches' } } });
    expect(minutes).toBeGreaterThanOrEqual(3);
    // The platform's series are invisible to tenant keys.
    const asTenant = await p.gql(SERIES, { name: 'opsgraph.tickets.sla_breaches', agg: 'SUM', from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 120_000).toISOString() }, t.apiKey);
    expect(asTenant.data!.metricSeries).toEqual([]);
  });
});

describe('onMetricsRecorded', () => {
  it('hears each stored batch with its distinct names and tenants, and a failing hook fails no ingest', async () => {
    const t = await p.makeTenant();
    heard.length = 0;
    await recordMetrics(p.system, [
      { name: 'hook.a', value: 1 }, { name: 'hook.a', value: 2, labels: { x: 'y' } }, { name: 'hook.b', value: 3, tenantId: t.tenantId }, { name: '1bad', value: 1 },
    ]);
    const batch = heard.find((b) => b.names.includes('hook.a'))!;
    expect(batch.names.sort()).toEqual(['hook.a', 'hook.b']);
    expect(batch.tenantIds).toEqual([null, t.tenantId]);
    expect(batch.at).toBeInstanceOf(Date);
    // Nothing stored, nothing heard.
    heard.length = 0;
    await recordMetrics(p.system, [{ name: '1bad', value: 1 }]);
    expect(heard.filter((b) => b.names.includes('1bad'))).toEqual([]);
    hookFails = true;
    try {
      const res = await p.gql(`mutation { recordMetrics(points: [{ name: "hook.c", value: 1 }]) { accepted rejected { field } } }`, {}, owner);
      expect(res.data!.recordMetrics).toEqual({ accepted: 1, rejected: [] });
    } finally {
      hookFails = false;
    }
    expect(heard.some((b) => b.names.includes('hook.c'))).toBe(true);
  });
});
