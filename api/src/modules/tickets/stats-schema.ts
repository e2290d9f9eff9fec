// Admin graph: `ticketStats`, the support desk's numbers for a range of UTC days or weeks.
import { builder } from '../../graphql/builder.ts';
import { adminScope } from '../../graphql/helpers.ts';
import { TicketPriorityEnum } from './schema.ts';
import { percentMet, STATS_BUCKETS, ticketStats, type TicketStats, type TicketStatsAgent, type TicketStatsPeriod } from './stats.ts';

const StatsBucketEnum = builder.enumType('TicketStatsBucket', { values: STATS_BUCKETS, description: 'The length of one period: a UTC day, or a week from Monday.' });

type Outcomes = Pick<TicketStatsPeriod, 'firstResponseMet' | 'firstResponseBreached' | 'resolutionMet' | 'resolutionBreached'>;

const OutcomesRef = builder.objectRef<Outcomes>('TicketSlaOutcomes').implement({
  description: 'SLA outcomes: targets met on time and breached, and the share met.',
  fields: (t) => ({
    firstResponseMet: t.exposeInt('firstResponseMet', { description: 'First responses on time.' }),
    firstResponseBreached: t.exposeInt('firstResponseBreached', { description: 'First responses breached.' }),
    firstResponsePercentMet: t.float({ nullable: true, description: '% of first-response outcomes met; null without any.', resolve: (r) => percentMet(r.firstResponseMet, r.firstResponseBreached) }),
    resolutionMet: t.exposeInt('resolutionMet', { description: 'Resolutions on time.' }),
    resolutionBreached: t.exposeInt('resolutionBreached', { description: 'Resolutions breached.' }),
    resolutionPercentMet: t.float({ nullable: true, description: '% of resolution outcomes met; null without any.', resolve: (r) => percentMet(r.resolutionMet, r.resolutionBreached) }),
  }),
});

const PeriodRef = builder.objectRef<TicketStatsPeriod>('TicketStatsPeriod').implement({
  description: 'One period. An SLA outcome counts in the period of its breach, or of its on-time meeting.',
  fields: (t) => ({
    start: t.exposeString('start', { description: 'First UTC day of the period, YYYY-MM-DD.' }),
    created: t.exposeInt('created'),
    resolved: t.exposeInt('resolved'),
    medianFirstResponseSeconds: t.float({
      nullable: true,
      description: 'Median seconds from creation to the first public admin reply, for replies in the period.',
      resolve: (r) => r.medianFirstResponseSeconds,
    }),
    sla: t.field({ type: OutcomesRef, resolve: (r) => r }),
  }),
});

const AgentRef = builder.objectRef<TicketStatsAgent>('TicketStatsAgent').implement({
  description: "SLA outcomes of the tickets an admin held when each target was met or breached.",
  fields: (t) => ({
    agentId: t.id({ nullable: true, description: 'Null: unassigned tickets.', resolve: (r) => r.agentId }),
    agentName: t.string({ nullable: true, resolve: (r) => r.agentName }),
    sla: t.field({ type: OutcomesRef, resolve: (r) => r }),
  }),
});

const OpenByPriorityRef = builder.objectRef<TicketStats['openByPriority'][number]>('TicketOpenByPriority').implement({
  fields: (t) => ({
    priority: t.field({ type: TicketPriorityEnum, resolve: (r) => r.priority }),
    count: t.exposeInt('count'),
  }),
});

const StatsRef = builder.objectRef<TicketStats>('TicketStats').implement({
  description: 'The support desk: the queue now, and the range by period and by agent.',
  fields: (t) => ({
    from: t.expose('from', { type: 'DateTime', description: 'Start of the first UTC day.' }),
    to: t.expose('to', { type: 'DateTime', description: 'End of the last UTC day.' }),
    bucket: t.field({ type: StatsBucketEnum, resolve: (r) => r.bucket }),
    openByPriority: t.field({ type: [OpenByPriorityRef], description: 'Open tickets (not resolved or closed) now.', resolve: (r) => r.openByPriority }),
    breachedNow: t.exposeInt('breachedNow', { description: 'Open tickets with a breached SLA target now.' }),
    medianFirstResponseSeconds: t.float({ nullable: true, description: 'Over the range.', resolve: (r) => r.medianFirstResponseSeconds }),
    sla: t.field({ type: OutcomesRef, resolve: (r) => r }),
    periods: t.field({ type: [PeriodRef], description: 'Every period of the range, zero-filled.', resolve: (r) => r.periods }),
    agents: t.field({ type: [AgentRef], description: 'Per agent (at most 500), by name; unassigned last.', resolve: (r) => r.agents }),
  }),
});

builder.queryField('ticketStats', (t) =>
  t.field({
    type: StatsRef,
    authScopes: { permission: 'READ' },
    description: 'Support statistics from the UTC day of `from` to that of `to` (at most 366 days).',
    args: {
      from: t.arg({ type: 'DateTime' }),
      to: t.arg({ type: 'DateTime' }),
      bucket: t.arg({ type: StatsBucketEnum, required: false, description: 'Default DAY.' }),
    },
    resolve: (_root, { from, to, bucket }, ctx) => ticketStats(adminScope(ctx), { from, to, bucket: bucket ?? 'DAY' }),
  }),
);
