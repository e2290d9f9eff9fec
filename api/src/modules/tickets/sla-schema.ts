// Admin graph: business-hours calendars and SLA policies (SUPPORT_MANAGE to change, READ to see).
import { z } from 'zod';
import { builder } from '../../graphql/builder.ts';
import { adminMutation, adminScope, withoutNulls } from '../../graphql/helpers.ts';
import { ConflictError, InputError, NotFoundError } from '../../lib/errors.ts';
import { getSetting } from '../settings/service.ts';
import type { Holiday, WeeklyRange } from './business-hours.ts';
import { SlaStateEnum, SlaTargetEnum, TicketPriorityEnum } from './schema.ts';
import {
  createSlaCalendar,
  createSlaPolicy,
  deleteSlaCalendar,
  deleteSlaPolicy,
  updateSlaCalendar,
  updateSlaPolicy,
} from './sla-service.ts';
import { calendarOf, ensureDefaultPoliciesForAllPlans, remainingBusinessSeconds } from './sla.ts';


const WeeklyRangeRef = builder.objectRef<WeeklyRange>('SlaWeeklyRange').implement({
  description: 'Business hours on one weekday, in the calendar\'s local wall-clock time.',
  fields: (t) => ({
    day: t.exposeInt('day', { description: 'ISO weekday: Monday = 1 … Sunday = 7.' }),
    start: t.exposeString('start', { description: '"HH:mm".' }),
    end: t.exposeString('end', { description: '"HH:mm", after start; "24:00" is the end of the day.' }),
  }),
});

const HolidayRef = builder.objectRef<Holiday>('SlaHoliday').implement({
  description: 'A whole local day without business hours.',
  fields: (t) => ({
    date: t.exposeString('date', { description: '"YYYY-MM-DD".' }),
    name: t.exposeString('name'),
  }),
});

export const SlaCalendarRef = builder.prismaObject('SlaCalendar', {
  select: { id: true, name: true, timeZone: true },
  description: 'Business hours: a time zone, weekly opening hours and holidays. SLA targets count only this time.',
  fields: (t) => ({
    id: t.id({ resolve: (c) => c.id }),
    name: t.string({ resolve: (c) => c.name }),
    timeZone: t.string({ description: 'IANA time zone.', resolve: (c) => c.timeZone }),
    weeklyHours: t.field({ type: [WeeklyRangeRef], select: { weeklyHours: true }, resolve: (c) => c.weeklyHours as unknown as WeeklyRange[] }),
    holidays: t.field({ type: [HolidayRef], select: { holidays: true }, resolve: (c) => c.holidays as unknown as Holiday[] }),
    policyCount: t.relationCount('policies'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

export const SlaPolicyRef = builder.prismaObject('SlaPolicy', {
  select: { id: true, priority: true, firstResponseMinutes: true, nextResponseMinutes: true, resolutionMinutes: true, escalateTo: true },
  description: 'SLA targets for one plan and priority, in business minutes of its calendar.',
  fields: (t) => ({
    id: t.id({ resolve: (p) => p.id }),
    plan: t.relation('plan'),
    priority: t.field({ type: TicketPriorityEnum, resolve: (p) => p.priority }),
    calendar: t.relation('calendar'),
    firstResponseMinutes: t.int({ resolve: (p) => p.firstResponseMinutes }),
    nextResponseMinutes: t.int({ resolve: (p) => p.nextResponseMinutes }),
    resolutionMinutes: t.int({ resolve: (p) => p.resolutionMinutes }),
    escalateTo: t.field({
      type: TicketPriorityEnum,
      nullable: true,
      description: 'On a breach the ticket is raised to this priority; null: no escalation.',
      resolve: (p) => p.escalateTo,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const WeeklyRangeInput = builder.inputType('SlaWeeklyRangeInput', {
  fields: (t) => ({ day: t.int(), start: t.string(), end: t.string() }),
});
const HolidayInput = builder.inputType('SlaHolidayInput', {
  fields: (t) => ({ date: t.string(), name: t.string() }),
});
const SlaCalendarInput = builder.inputType('SlaCalendarInput', {
  fields: (t) => ({
    name: t.string(),
    timeZone: t.string({ description: 'IANA time zone, e.g. Europe/Paris.' }),
    weeklyHours: t.field({ type: [WeeklyRangeInput] }),
    holidays: t.field({ type: [HolidayInput], required: false }),
  }),
});

const CreateSlaPolicyInput = builder.inputType('CreateSlaPolicyInput', {
  fields: (t) => ({
    planId: t.id(),
    priority: t.field({ type: TicketPriorityEnum }),
    calendarId: t.id(),
    firstResponseMinutes: t.int(),
    nextResponseMinutes: t.int(),
    resolutionMinutes: t.int(),
    escalateTo: t.field({ type: TicketPriorityEnum, required: false }),
  }),
});
const UpdateSlaPolicyInput = builder.inputType('UpdateSlaPolicyInput', {
  fields: (t) => ({
    calendarId: t.id({ required: false }),
    firstResponseMinutes: t.int({ required: false }),
    nextResponseMinutes: t.int({ required: false }),
    resolutionMinutes: t.int({ required: false }),
    escalateTo: t.field({ type: TicketPriorityEnum, required: false }),
    removeEscalation: t.boolean({ required: false, description: 'True removes the escalation.' }),
  }),
});

const MAX_CALENDARS = 500;
const MAX_POLICIES = 400;

builder.queryFields((t) => ({
  slaCalendars: t.prismaField({
    type: ['SlaCalendar'],
    authScopes: { permission: 'READ' },
    description: `Business-hours calendars by name (at most ${MAX_CALENDARS}).`,
    resolve: (query, _root, _args, ctx) => adminScope(ctx).db.slaCalendar.findMany({ ...query, orderBy: [{ name: 'asc' }, { id: 'asc' }], take: MAX_CALENDARS }),
  }),
  slaCalendar: t.prismaField({
    type: 'SlaCalendar',
    nullable: true,
    authScopes: { permission: 'READ' },
    args: { id: t.arg.id({ validate: z.uuid('not a valid id') }) },
    resolve: (query, _root, { id }, ctx) => adminScope(ctx).db.slaCalendar.findUnique({ ...query, where: { id } }),
  }),
  slaPolicies: t.prismaField({
    type: ['SlaPolicy'],
    authScopes: { permission: 'READ' },
    description: `SLA policies by plan and priority (at most ${MAX_POLICIES}). A plan without any policy gets the defaults (on the "Business hours" calendar) when it is first listed or first needs one.`,
    args: {
      planId: t.arg.id({ required: false, validate: z.uuid('not a valid id').nullish() }),
      calendarId: t.arg.id({ required: false, validate: z.uuid('not a valid id').nullish() }),
    },
    resolve: async (query, _root, { planId, calendarId }, ctx) => {
      const scope = adminScope(ctx);
      await ensureDefaultPoliciesForAllPlans(scope.db, await getSetting(scope, 'support.slaDefaultTargets'));
      return scope.db.slaPolicy.findMany({
        ...query,
        where: { planId: planId ?? undefined, calendarId: calendarId ?? undefined },
        orderBy: [{ planId: 'asc' }, { priority: 'asc' }],
        take: MAX_POLICIES,
      });
    },
  }),
}));

builder.mutationFields((t) => ({
  createSlaCalendar: t.prismaField({
    type: 'SlaCalendar',
    ...adminMutation('SUPPORT_MANAGE', 'slaCalendar.create', [InputError, ConflictError]),
    args: { input: t.arg({ type: SlaCalendarInput }) },
    resolve: (_query, _root, { input }, ctx) => createSlaCalendar(adminScope(ctx), { ...input, holidays: input.holidays ?? [] }),
  }),
  updateSlaCalendar: t.prismaField({
    type: 'SlaCalendar',
    ...adminMutation('SUPPORT_MANAGE', 'slaCalendar.update', [InputError, NotFoundError, ConflictError]),
    description: "Replaces a calendar's hours and holidays; the open tickets of its policies get new due times.",
    args: { id: t.arg.id(), input: t.arg({ type: SlaCalendarInput }) },
    resolve: (_query, _root, { id, input }, ctx) => updateSlaCalendar(adminScope(ctx), id, { ...input, holidays: input.holidays ?? [] }),
  }),
  deleteSlaCalendar: t.prismaField({
    type: 'SlaCalendar',
    ...adminMutation('SUPPORT_MANAGE', 'slaCalendar.delete', [InputError, NotFoundError, ConflictError]),
    description: 'Deletes a calendar no policy uses.',
    args: { id: t.arg.id() },
    resolve: (_query, _root, { id }, ctx) => deleteSlaCalendar(adminScope(ctx), id),
  }),
  createSlaPolicy: t.prismaField({
    type: 'SlaPolicy',
    ...adminMutation('SUPPORT_MANAGE', 'slaPolicy.create', [InputError, NotFoundError, ConflictError]),
    description: 'Sets the targets for a plan and priority (one policy each); its open tickets get new due times.',
    args: { input: t.arg({ type: CreateSlaPolicyInput }) },
    resolve: (_query, _root, { input }, ctx) => createSlaPolicy(adminScope(ctx), { ...input, escalateTo: input.escalateTo ?? null }),
  }),
  updateSlaPolicy: t.prismaField({
    type: 'SlaPolicy',
    ...adminMutation('SUPPORT_MANAGE', 'slaPolicy.update', [InputError, NotFoundError]),
    description: 'Changes targets, calendar or escalation; the open tickets on the policy get new due times.',
    args: { id: t.arg.id(), input: t.arg({ type: UpdateSlaPolicyInput }) },
    resolve: (_query, _root, { id, input }, ctx) => {
      const { removeEscalation, ...rest } = withoutNulls(input);
      return updateSlaPolicy(adminScope(ctx), id, removeEscalation ? { ...rest, escalateTo: null } : rest);
    },
  }),
  deleteSlaPolicy: t.prismaField({
    type: 'SlaPolicy',
    ...adminMutation('SUPPORT_MANAGE', 'slaPolicy.delete', [InputError, NotFoundError]),
    description: 'Removes the targets of a plan and priority: its tickets have no SLA from then on.',
    args: { id: t.arg.id() },
    resolve: (_query, _root, { id }, ctx) => deleteSlaPolicy(adminScope(ctx), id),
  }),
}));

// ─── a ticket's SLA (admin graph only) ───────────────────────────────────────

const adminOnly = { subGraphs: ['admin' as const] };
/** What remaining business time is computed from: the clock's columns and its ticket's calendar. */
const calendarSelect = { slaPolicy: { select: { calendar: true } } } as const;

export const TicketSlaClockRef = builder.prismaObject('TicketSlaClock', {
  ...adminOnly,
  select: { target: true, state: true, dueAt: true, atRiskAt: true, runningSince: true, targetMinutes: true, consumedSeconds: true },
  description: "One of a ticket's SLA clocks (first response, next response, resolution), in business time of its policy's calendar.",
  fields: (t) => ({
    target: t.field({ type: SlaTargetEnum, resolve: (c) => c.target }),
    state: t.field({ type: SlaStateEnum, resolve: (c) => c.state }),
    targetMinutes: t.int({ description: 'The target, in business minutes.', resolve: (c) => c.targetMinutes }),
    dueAt: t.field({ type: 'DateTime', nullable: true, description: 'While it runs: when it breaches (kept once met). Null while paused.', resolve: (c) => c.dueAt }),
    atRiskAt: t.field({ type: 'DateTime', nullable: true, description: 'While it runs: when 80 % of the target is used.', resolve: (c) => c.atRiskAt }),
    running: t.boolean({ description: 'False while paused (PENDING, ON_HOLD) or once met.', resolve: (c) => c.runningSince != null }),
    runningSince: t.field({ type: 'DateTime', nullable: true, description: 'When it last started or resumed.', resolve: (c) => c.runningSince }),
    consumedSeconds: t.int({ description: 'Business seconds used before `runningSince` (banked at each pause).', resolve: (c) => c.consumedSeconds }),
    remainingBusinessSeconds: t.int({
      nullable: true,
      description: 'Business seconds left now (negative once overdue); null once met.',
      select: { ticket: { select: calendarSelect } },
      resolve: (c) => {
        const calendar = c.ticket.slaPolicy?.calendar;
        return calendar ? remainingBusinessSeconds(c, calendarOf(calendar), new Date()) : null;
      },
    }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    metAt: t.expose('metAt', { type: 'DateTime', nullable: true }),
    breachedAt: t.expose('breachedAt', { type: 'DateTime', nullable: true }),
    assigneeId: t.exposeID('assigneeId', { nullable: true, description: 'Who held the ticket when it was met or breached.' }),
  }),
});

const TARGET_ORDER: Record<string, number> = { FIRST_RESPONSE: 0, NEXT_RESPONSE: 1, RESOLUTION: 2 };

builder.prismaObjectFields('Ticket', (t) => ({
  slaPolicy: t.relation('slaPolicy', { ...adminOnly, nullable: true, description: 'The policy its clocks run on (plan + priority); null when none applies.' }),
  slaClocks: t.field({
    ...adminOnly,
    type: [TicketSlaClockRef],
    description: 'Its SLA clocks: first response, next response (after a requester reply), resolution.',
    select: (_args, _ctx, nested) => ({ slaClocks: nested() }),
    resolve: (ticket) => [...ticket.slaClocks].sort((a, b) => TARGET_ORDER[a.target]! - TARGET_ORDER[b.target]!),
  }),
  remainingBusinessSeconds: t.int({
    ...adminOnly,
    nullable: true,
    description: 'Business seconds left on its most urgent unmet clock (negative once overdue); null when none is left.',
    select: { ...calendarSelect, slaClocks: { select: { state: true, targetMinutes: true, consumedSeconds: true, runningSince: true } } },
    resolve: (ticket) => {
      const calendar = ticket.slaPolicy?.calendar;
      if (!calendar) return null;
      const now = new Date();
      const left = ticket.slaClocks.map((c) => remainingBusinessSeconds(c, calendarOf(calendar), now)).filter((s): s is number => s !== null);
      return left.length ? Math.min(...left) : null;
    },
  }),
}));
