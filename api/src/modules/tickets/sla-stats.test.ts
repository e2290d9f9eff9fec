import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type TestPlatform } from '../../../test/harness.ts';
import type { SlaTarget, TicketPriority, TicketStatus } from '../../generated/prisma/client.ts';

let p: TestPlatform;
let token: string;
let ada: { userId: string };
let sam: { userId: string };

const at = (iso: string) => new Date(iso);
let n = 0;

interface Seed {
  createdAt: string;
  status?: TicketStatus;
  priority?: TicketPriority;
  slaState?: 'OK' | 'BREACHED';
  firstRespondedAt?: string;
  resolvedAt?: string;
  clocks?: { target: SlaTarget; metAt?: string; breachedAt?: string; assigneeId?: string | null }[];
}

async function seedTicket(tenantId: string, requesterId: string, s: Seed) {
  n += 1;
  const ticket = await p.app.prisma.ticket.create({
    data: {
      tenantId, requesterId, subject: `Stats ${n}`, description: 'x', source: 'ADMIN', priority: s.priority ?? 'NORMAL', status: s.status ?? 'OPEN',
      createdAt: at(s.createdAt), firstRespondedAt: s.firstRespondedAt ? at(s.firstRespondedAt) : null, resolvedAt: s.resolvedAt ? at(s.resolvedAt) : null,
      slaState: s.slaState ?? 'OK',
    },
  });
  for (const c of s.clocks ?? []) {
    await p.app.prisma.ticketSlaClock.create({
      data: {
        ticketId: ticket.id, tenantId, target: c.target, targetMinutes: 60, startedAt: at(s.createdAt),
        state: c.metAt ? 'MET' : 'BREACHED', metAt: c.metAt ? at(c.metAt) : null, breachedAt: c.breachedAt ? at(c.breachedAt) : null,
        assigneeId: c.assigneeId ?? null,
      },
    });
  }
}

beforeAll(async () => {
  p = await startPlatform();
  token = (await p.login('VIEWER')).token;
  ada = await p.login('SUPPORT');
  sam = await p.login('SUPPORT');
  await p.app.prisma.adminUser.update({ where: { id: ada.userId }, data: { name: 'Ada' } });
  await p.app.prisma.adminUser.update({ where: { id: sam.userId }, data: { name: 'Sam' } });
  const { tenantId } = await p.makeTenant();
  const requester = await p.app.prisma.user.create({ data: { tenantId, externalId: 'stats', email: 'stats@t.example' } });
  const seed = (s: Seed) => seedTicket(tenantId, requester.id, s);
  // Monday 2026-11-02: two tickets; Ada answers one on time (10 min), Sam the other late (30 min).
  await seed({
    createdAt: '2026-11-02T09:00:00Z', status: 'RESOLVED', firstRespondedAt: '2026-11-02T09:10:00Z', resolvedAt: '2026-11-03T12:00:00Z',
    clocks: [{ target: 'FIRST_RESPONSE', metAt: '2026-11-02T09:10:00Z', assigneeId: ada.userId }, { target: 'RESOLUTION', metAt: '2026-11-03T12:00:00Z', assigneeId: ada.userId }],
  });
  await seed({
    createdAt: '2026-11-02T10:00:00Z', priority: 'HIGH', firstRespondedAt: '2026-11-02T10:30:00Z',
    clocks: [{ target: 'FIRST_RESPONSE', metAt: '2026-11-02T10:30:00Z', breachedAt: '2026-11-02T10:15:00Z', assigneeId: sam.userId }],
  });
  // Wednesday 2026-11-04: an unassigned urgent ticket whose first response is breached, still open.
  await seed({
    createdAt: '2026-11-04T08:00:00Z', priority: 'URGENT', slaState: 'BREACHED', firstRespondedAt: '2026-11-04T09:00:00Z',
    clocks: [{ target: 'FIRST_RESPONSE', breachedAt: '2026-11-04T08:30:00Z' }],
  });
  // Outside the range.
  await seed({ createdAt: '2026-10-20T08:00:00Z', status: 'CLOSED', resolvedAt: '2026-10-21T08:00:00Z', clocks: [{ target: 'RESOLUTION', metAt: '2026-10-21T08:00:00Z', assigneeId: ada.userId }] });
});
afterAll(() => p.close());

const STATS = `query($from: DateTime!, $to: DateTime!, $bucket: TicketStatsBucket) { ticketStats(from: $from, to: $to, bucket: $bucket) {
  from to bucket breachedNow medianFirstResponseSeconds openByPriority { priority count }
  sla { firstResponseMet firstResponseBreached firstResponsePercentMet resolutionMet resolutionBreached resolutionPercentMet }
  periods { start created resolved medianFirstResponseSeconds sla { firstResponseMet firstResponseBreached firstResponsePercentMet resolutionMet } }
  agents { agentId agentName sla { firstResponseMet firstResponseBreached firstResponsePercentMet resolutionMet resolutionBreached } } } }`;

describe('ticketStats', () => {
  it('counts the queue now, per day and per agent over the range', async () => {
    const res = await p.gql(STATS, { from: '2026-11-02T15:00:00Z', to: '2026-11-04T01:00:00Z' }, token);
    expect(res.errors).toBeUndefined();
    const stats = res.data!.ticketStats;
    expect(stats).toMatchObject({ from: '2026-11-02T00:00:00.000Z', to: '2026-11-04T23:59:59.999Z', bucket: 'DAY', breachedNow: 1 });
    expect(stats.openByPriority).toEqual([
      { priority: 'LOW', count: 0 }, { priority: 'NORMAL', count: 0 }, { priority: 'HIGH', count: 1 }, { priority: 'URGENT', count: 1 },
    ]);
    // First responses after 10, 30 and 60 minutes.
    expect(stats.medianFirstResponseSeconds).toBe(1800);
    expect(stats.sla).toEqual({
      firstResponseMet: 1, firstResponseBreached: 2, firstResponsePercentMet: 33.3, resolutionMet: 1, resolutionBreached: 0, resolutionPercentMet: 100,
    });
    expect(stats.periods).toEqual([
      { start: '2026-11-02', created: 2, resolved: 0, medianFirstResponseSeconds: 1200, sla: { firstResponseMet: 1, firstResponseBreached: 1, firstResponsePercentMet: 50, resolutionMet: 0 } },
      { start: '2026-11-03', created: 0, resolved: 1, medianFirstResponseSeconds: null, sla: { firstResponseMet: 0, firstResponseBreached: 0, firstResponsePercentMet: null, resolutionMet: 1 } },
      { start: '2026-11-04', created: 1, resolved: 0, medianFirstResponseSeconds: 3600, sla: { firstResponseMet: 0, firstResponseBreached: 1, firstResponsePercentMet: 0, resolutionMet: 0 } },
    ]);
    expect(stats.agents).toEqual([
      { agentId: ada.userId, agentName: 'Ada', sla: { firstResponseMet: 1, firstResponseBreached: 0, firstResponsePercentMet: 100, resolutionMet: 1, resolutionBreached: 0 } },
      { agentId: sam.userId, agentName: 'Sam', sla: { firstResponseMet: 0, firstResponseBreached: 1, firstResponsePercentMet: 0, resolutionMet: 0, resolutionBreached: 0 } },
      { agentId: null, agentName: null, sla: { firstResponseMet: 0, firstResponseBreached: 1, firstResponsePercentMet: 0, resolutionMet: 0, resolutionBreached: 0 } },
    ]);
  });

  it('groups by week from Monday', async () => {
    const res = await p.gql(STATS, { from: '2026-10-20T00:00:00Z', to: '2026-11-04T00:00:00Z', bucket: 'WEEK' }, token);
    expect(res.data!.ticketStats.periods.map((x: { start: string; created: number; resolved: number }) => [x.start, x.created, x.resolved])).toEqual([
      ['2026-10-19', 1, 1], ['2026-10-26', 0, 0], ['2026-11-02', 3, 1],
    ]);
  });

  it('refuses a reversed or too long range, naming the field', async () => {
    const reversed = await p.gql(STATS, { from: '2026-11-04T00:00:00Z', to: '2026-11-02T00:00:00Z' }, token);
    expect(reversed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: [{ field: 'to', message: 'must not be before from' }] });
    const long = await p.gql(STATS, { from: '2025-01-01T00:00:00Z', to: '2026-06-01T00:00:00Z' }, token);
    expect(long.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: [{ field: 'to', message: 'the range is at most 366 days' }] });
  });

  it('needs an admin session', async () => {
    const res = await p.gql(STATS, { from: '2026-11-02T00:00:00Z', to: '2026-11-04T00:00:00Z' }, null);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
