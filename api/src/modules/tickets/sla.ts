// The SLA engine: a ticket's three clocks (first response, next response, resolution), measured in the
// business hours of its policy's calendar, paused while the ticket waits on the requester, and their
// deadlines as keyed graphile-worker jobs at the at-risk (80 %) and breach instants. No scan ever looks
// for due tickets: every change reschedules the jobs (same key: the pending job moves).
import { z } from 'zod';
import type { Prisma } from '../../db/client.ts';
import type { SlaCalendar, SlaPolicy, SlaState, SlaTarget, TicketPriority, TicketSlaClock, TicketStatus } from '../../generated/prisma/client.ts';
import type { PlatformScope, TransactionScope } from '../../scope.ts';
import { getSetting } from '../settings/service.ts';
import { recordTicketEvent } from './history.ts';
import { addBusinessSeconds, businessSecondsBetween, DEFAULT_CALENDAR, readCalendar, type BusinessCalendar } from './business-hours.ts';

type Tx = TransactionScope<PlatformScope>;

/** Why the clocks are recomputed (the caller's change). */
export type SlaChange = 'created' | 'status' | 'priority' | 'plan' | 'adminReply' | 'requesterReply' | 'reopened' | 'policy' | 'deadline';

export const SLA_TARGETS = ['FIRST_RESPONSE', 'NEXT_RESPONSE', 'RESOLUTION'] as const satisfies readonly SlaTarget[];
export const TARGET_WORDS: Record<SlaTarget, string> = { FIRST_RESPONSE: 'first response', NEXT_RESPONSE: 'next response', RESOLUTION: 'resolution' };

/** The share of a target after which a clock is at risk. */
export const AT_RISK_SHARE = 0.8;

/** Statuses in which every clock stands still: the ticket waits on the requester or a third party. */
export const PAUSED_STATUSES: readonly TicketStatus[] = ['PENDING', 'ON_HOLD'];
const DONE_STATUSES: readonly TicketStatus[] = ['RESOLVED', 'CLOSED'];

export const DEFAULT_CALENDAR_NAME = 'Business hours';

/** Business minutes per target for the policies every plan starts with. */
export const DEFAULT_TARGETS: Record<TicketPriority, { firstResponseMinutes: number; nextResponseMinutes: number; resolutionMinutes: number }> = {
  URGENT: { firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 480 },
  HIGH: { firstResponseMinutes: 240, nextResponseMinutes: 480, resolutionMinutes: 1440 },
  NORMAL: { firstResponseMinutes: 480, nextResponseMinutes: 960, resolutionMinutes: 2400 },
  LOW: { firstResponseMinutes: 960, nextResponseMinutes: 1920, resolutionMinutes: 4800 },
};

export type SlaTargets = typeof DEFAULT_TARGETS;

const targetMinutesSchema = (what: string) =>
  z.number().int(`${what} in whole minutes`).min(1, 'at least 1 minute').max(525_600, 'at most 525600 minutes (a year)');
const prioritySchema = z
  .object({
    firstResponseMinutes: targetMinutesSchema('first response'),
    nextResponseMinutes: targetMinutesSchema('next response'),
    resolutionMinutes: targetMinutesSchema('resolution'),
  })
  .strict();

/** The `support.slaDefaultTargets` setting: the targets new plans' policies start with. */
export const slaTargetsSchema = z.object({ URGENT: prioritySchema, HIGH: prioritySchema, NORMAL: prioritySchema, LOW: prioritySchema }).strict();

export type DeadlineKind = 'risk' | 'breach';

/** The key of the one pending deadline job of a ticket's target. */
export const deadlineJobKey = (ticketId: string, target: SlaTarget, kind: DeadlineKind) => `ticket-sla:${ticketId}:${target}:${kind}`;

const targetMinutes = (policy: SlaPolicy, target: SlaTarget) =>
  target === 'FIRST_RESPONSE' ? policy.firstResponseMinutes : target === 'NEXT_RESPONSE' ? policy.nextResponseMinutes : policy.resolutionMinutes;

// ─── policies ────────────────────────────────────────────────────────────────

type Db = Prisma.TransactionClient | PlatformScope['db'];

/** The default calendar ("Business hours", Mon–Fri 09:00–17:00 UTC), created when missing. */
export async function ensureDefaultCalendar(db: Db): Promise<SlaCalendar> {
  const found = await db.slaCalendar.findUnique({ where: { name: DEFAULT_CALENDAR_NAME } });
  if (found) return found;
  await db.slaCalendar.createMany({
    data: [{ name: DEFAULT_CALENDAR_NAME, timeZone: DEFAULT_CALENDAR.timeZone, weeklyHours: DEFAULT_CALENDAR.weeklyHours as never, holidays: [] }],
    skipDuplicates: true,
  });
  return db.slaCalendar.findUniqueOrThrow({ where: { name: DEFAULT_CALENDAR_NAME } });
}

/**
 * Gives a plan that has no policy at all the default policy for every priority (idempotent, safe under
 * concurrency: the (plan, priority) key decides). A plan with some policies keeps exactly those: deleting
 * one priority's policy means that priority has no SLA.
 */
export async function ensureDefaultPolicies(db: Db, planId: string, targets: SlaTargets = DEFAULT_TARGETS): Promise<void> {
  if ((await db.slaPolicy.count({ where: { planId } })) > 0) return;
  const calendar = await ensureDefaultCalendar(db);
  await db.slaPolicy.createMany({
    data: (Object.keys(targets) as TicketPriority[]).map((priority) => ({ planId, priority, calendarId: calendar.id, ...targets[priority] })),
    skipDuplicates: true,
  });
}

/**
 * Gives every plan that has no policy at all the defaults, in one statement: what an admin listing the
 * policies sees for a plan created since (plans are created without the tickets module knowing).
 */
export async function ensureDefaultPoliciesForAllPlans(db: Db, targets: SlaTargets = DEFAULT_TARGETS): Promise<void> {
  const missing = await db.plan.count({ where: { slaPolicies: { none: {} } } });
  if (missing === 0) return;
  const calendar = await ensureDefaultCalendar(db);
  const defaults = (Object.keys(targets) as TicketPriority[]).map((priority) => ({ priority, ...targets[priority] }));
  await db.$executeRaw`
    INSERT INTO "SlaPolicy" (id, "planId", priority, "calendarId", "firstResponseMinutes", "nextResponseMinutes", "resolutionMinutes", "updatedAt")
    SELECT gen_random_uuid(), p.id, d.priority::"TicketPriority", ${calendar.id}::uuid, d."firstResponseMinutes", d."nextResponseMinutes", d."resolutionMinutes", now()
    FROM "Plan" p CROSS JOIN jsonb_to_recordset(${JSON.stringify(defaults)}::jsonb)
      AS d(priority text, "firstResponseMinutes" int, "nextResponseMinutes" int, "resolutionMinutes" int)
    WHERE NOT EXISTS (SELECT 1 FROM "SlaPolicy" s WHERE s."planId" = p.id)
    ON CONFLICT ("planId", priority) DO NOTHING`;
}

/** The policy (with its calendar) that applies to a plan and priority, or null when none does. */
export async function policyFor(
  db: Db, planId: string, priority: TicketPriority, targets: SlaTargets = DEFAULT_TARGETS,
): Promise<(SlaPolicy & { calendar: SlaCalendar }) | null> {
  await ensureDefaultPolicies(db, planId, targets);
  return db.slaPolicy.findUnique({ where: { planId_priority: { planId, priority } }, include: { calendar: true } });
}

const calendars = new Map<string, BusinessCalendar>();
/** A stored calendar as the arithmetic reads it (parsed once per version: rows of a list share it). */
export function calendarOf(row: SlaCalendar): BusinessCalendar {
  const key = `${row.id}:${row.updatedAt.getTime()}`;
  let cal = calendars.get(key);
  if (!cal) {
    if (calendars.size >= 200) calendars.delete(calendars.keys().next().value!);
    calendars.set(key, (cal = readCalendar(row)));
  }
  return cal;
}

// ─── clocks ──────────────────────────────────────────────────────────────────

/** The business seconds a clock has left at `now` (negative once overdue); null for a met clock. */
export function remainingBusinessSeconds(clock: Pick<TicketSlaClock, 'state' | 'targetMinutes' | 'consumedSeconds' | 'runningSince'>, cal: BusinessCalendar, now: Date): number | null {
  if (clock.state === 'MET') return null;
  const used = clock.consumedSeconds + (clock.runningSince ? Math.floor(businessSecondsBetween(cal, clock.runningSince, now)) : 0);
  return clock.targetMinutes * 60 - used;
}

interface Desired {
  /** The clock exists from this instant (a new next-response cycle starts a fresh clock). */
  startedAt: Date;
  /** Met at this instant; null while it still runs. */
  metAt: Date | null;
}

interface TicketFacts {
  id: string;
  tenantId: string;
  status: TicketStatus;
  createdAt: Date;
  firstRespondedAt: Date | null;
  awaitingReplySince: Date | null;
  resolvedAt: Date | null;
  assigneeId: string | null;
}

/** Which clocks a ticket has, and which of them are met, from its facts alone. */
function desiredClocks(t: TicketFacts, existing: Map<SlaTarget, TicketSlaClock>, now: Date): Map<SlaTarget, Desired> {
  const done = DONE_STATUSES.includes(t.status);
  const stoppedAt = done ? (t.resolvedAt ?? now) : null;
  const wanted = new Map<SlaTarget, Desired>();
  // Resolving answers the requester too: response clocks still running stop as met.
  wanted.set('FIRST_RESPONSE', { startedAt: t.createdAt, metAt: t.firstRespondedAt ?? stoppedAt });
  wanted.set('RESOLUTION', { startedAt: t.createdAt, metAt: stoppedAt });
  const next = existing.get('NEXT_RESPONSE');
  if (t.firstRespondedAt && t.awaitingReplySince && !done) {
    wanted.set('NEXT_RESPONSE', { startedAt: t.awaitingReplySince, metAt: null });
  } else if (next) {
    // The requester was answered (or the ticket resolved): the current cycle is met, when it last ran.
    wanted.set('NEXT_RESPONSE', { startedAt: next.startedAt, metAt: next.state === 'MET' ? next.metAt : now });
  }
  return wanted;
}

/** The columns of a clock that the engine computes. */
type ClockData = Omit<TicketSlaClock, 'ticketId' | 'target' | 'tenantId' | 'updatedAt'>;

/** The next state of one clock. Only the deadline jobs raise a clock to AT_RISK or BREACHED (they notify). */
function nextClock(
  target: SlaTarget,
  want: Desired,
  prev: TicketSlaClock | undefined,
  policy: SlaPolicy,
  cal: BusinessCalendar,
  paused: boolean,
  assigneeId: string | null,
  now: Date,
): ClockData {
  const minutes = targetMinutes(policy, target);
  // A new cycle (first sight, or a new requester reply for next response) starts from nothing.
  const fresh = !prev || prev.startedAt.getTime() !== want.startedAt.getTime();
  const base = fresh
    ? { consumedSeconds: 0, runningSince: null as Date | null, state: 'OK' as SlaState, breachedAt: null as Date | null, metAt: null as Date | null, dueAt: null as Date | null, atRiskAt: null as Date | null, assigneeId: null as string | null }
    : prev;
  // A fresh clock has run since it started, unless it was created already paused or met.
  const runningSince = fresh ? want.startedAt : base.runningSince;

  if (want.metAt) {
    if (!fresh && prev.state === 'MET') return { ...pick(prev), targetMinutes: minutes };
    const consumed = base.consumedSeconds + (runningSince ? Math.floor(businessSecondsBetween(cal, runningSince, want.metAt)) : 0);
    return {
      targetMinutes: minutes, consumedSeconds: consumed, runningSince: null, atRiskAt: null,
      dueAt: base.dueAt ?? (runningSince ? addBusinessSeconds(cal, runningSince, minutes * 60 - base.consumedSeconds) : null),
      state: 'MET', metAt: want.metAt, breachedAt: base.breachedAt, assigneeId, startedAt: want.startedAt,
    };
  }

  if (paused) {
    const consumed = base.consumedSeconds + (runningSince ? Math.floor(businessSecondsBetween(cal, runningSince, now)) : 0);
    return {
      targetMinutes: minutes, consumedSeconds: consumed, runningSince: null, atRiskAt: null, dueAt: null,
      state: base.breachedAt ? 'BREACHED' : 'PAUSED', metAt: null, breachedAt: base.breachedAt, assigneeId: base.assigneeId, startedAt: want.startedAt,
    };
  }

  // Running (or resuming now): the due instants follow from the banked time and the target.
  const since = runningSince ?? now;
  const dueAt = addBusinessSeconds(cal, since, minutes * 60 - base.consumedSeconds);
  const atRiskAt = addBusinessSeconds(cal, since, Math.max(0, Math.ceil(minutes * 60 * AT_RISK_SHARE) - base.consumedSeconds));
  let state: SlaState;
  if (base.breachedAt) state = 'BREACHED';
  else if (base.state === 'AT_RISK' || (base.state === 'PAUSED' && base.consumedSeconds >= minutes * 60 * AT_RISK_SHARE)) {
    // Stays at risk (no second notification) unless a longer target moved the risk instant ahead of now.
    state = atRiskAt.getTime() <= now.getTime() ? 'AT_RISK' : 'OK';
  } else state = 'OK';
  return {
    targetMinutes: minutes, consumedSeconds: base.consumedSeconds, runningSince: since, atRiskAt, dueAt,
    state, metAt: null, breachedAt: base.breachedAt, assigneeId: base.assigneeId, startedAt: want.startedAt,
  };
}

function pick(c: TicketSlaClock): ClockData {
  const { ticketId: _t, target: _g, tenantId: _n, updatedAt: _u, ...rest } = c;
  return rest;
}

const sameTime = (a: Date | null | undefined, b: Date | null | undefined) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

async function removeDeadline(tx: Tx, ticketId: string, target: SlaTarget, kind: DeadlineKind) {
  await tx.db.$executeRaw`SELECT graphile_worker.remove_job(${deadlineJobKey(ticketId, target, kind)})`;
}

/** Keeps the two deadline jobs of a clock in line with its state: scheduled while due, removed otherwise. */
async function scheduleDeadlines(tx: Tx, ticketId: string, target: SlaTarget, prev: ClockData | undefined, next: ClockData) {
  const running = next.runningSince != null;
  const wantRisk = running && next.state === 'OK' ? next.atRiskAt! : null;
  const wantBreach = running && (next.state === 'OK' || next.state === 'AT_RISK') ? next.dueAt! : null;
  const hadRisk = prev && prev.runningSince != null && prev.state === 'OK' ? prev.atRiskAt : null;
  const hadBreach = prev && prev.runningSince != null && (prev.state === 'OK' || prev.state === 'AT_RISK') ? prev.dueAt : null;
  for (const [kind, want, had] of [['risk', wantRisk, hadRisk], ['breach', wantBreach, hadBreach]] as const) {
    if (sameTime(want, had)) continue;
    if (want) {
      const task = kind === 'risk' ? 'ticketSlaAtRisk' : 'ticketSlaBreach';
      await tx.enqueue(task, { ticketId, target, at: want.toISOString() }, { jobKey: deadlineJobKey(ticketId, target, kind), runAt: want });
    } else if (had) await removeDeadline(tx, ticketId, target, kind);
  }
}

const STATE_RANK: Record<SlaState, number> = { BREACHED: 4, AT_RISK: 3, OK: 2, PAUSED: 1, MET: 0 };

/** The ticket's one SLA state: the worst of its unmet clocks; PAUSED when all of them stand still; MET when none is left. */
export function ticketSlaState(clocks: readonly Pick<ClockData, 'state'>[]): SlaState {
  let worst: SlaState = 'MET';
  for (const c of clocks) if (STATE_RANK[c.state!] > STATE_RANK[worst]) worst = c.state!;
  return clocks.length === 0 ? 'OK' : worst;
}

/**
 * Recomputes a ticket's SLA clocks after a change, inside the caller's transaction: picks the policy for
 * the tenant's plan and the ticket's priority, starts, pauses, resumes or meets each clock, writes the
 * ticket's denormalised SLA fields and (re)schedules the deadline jobs. Idempotent: calling it twice
 * changes nothing the first call did not.
 */
export async function syncTicketSla(tx: Tx, ticketId: string, why: SlaChange): Promise<void> {
  await tx.lock('Ticket', ticketId);
  const ticket = await tx.db.ticket.findUnique({
    where: { id: ticketId },
    select: {
      id: true, tenantId: true, status: true, priority: true, createdAt: true, firstRespondedAt: true, awaitingReplySince: true,
      resolvedAt: true, assigneeId: true, slaPolicyId: true, slaState: true, tenant: { select: { planId: true } }, slaClocks: true,
    },
  });
  if (!ticket) return;
  const now = new Date();
  const existing = new Map(ticket.slaClocks.map((c) => [c.target, c]));
  const policy = await policyFor(tx.db, ticket.tenant.planId, ticket.priority, await getSetting(tx, 'support.slaDefaultTargets'));

  const written = new Map<SlaTarget, ClockData>();
  if (!policy) {
    // No SLA for this plan and priority: running clocks go, met ones stay for the record.
    for (const clock of ticket.slaClocks) {
      if (clock.state === 'MET') {
        written.set(clock.target, clock);
        continue;
      }
      await tx.db.ticketSlaClock.delete({ where: { ticketId_target: { ticketId, target: clock.target } } });
      for (const kind of ['risk', 'breach'] as const) await removeDeadline(tx, ticketId, clock.target, kind);
    }
  } else {
    const cal = calendarOf(policy.calendar);
    const paused = PAUSED_STATUSES.includes(ticket.status);
    for (const [target, want] of desiredClocks(ticket, existing, now)) {
      const prev = existing.get(target);
      const next = nextClock(target, want, prev, policy, cal, paused, ticket.assigneeId, now);
      written.set(target, next);
      if (prev && !changed(pick(prev), next)) continue;
      await tx.db.ticketSlaClock.upsert({
        where: { ticketId_target: { ticketId, target } },
        create: { ticketId, target, tenantId: ticket.tenantId, ...next },
        update: next,
      });
      await scheduleDeadlines(tx, ticketId, target, prev, next);
      if (prev?.state === next.state) continue;
      if (next.state === 'MET') {
        await recordTicketEvent(tx, {
          ticketId, tenantId: ticket.tenantId, kind: 'SLA_MET', to: { target, breached: next.breachedAt != null },
          message: `${TARGET_WORDS[target]} target met${next.breachedAt ? ' (after its breach)' : ''}`,
        });
      }
      if (prev || next.state !== 'OK') await tx.publish('ticketSlaChanged', { ticketId, tenantId: ticket.tenantId, target, state: next.state });
    }
  }

  const due = (target: SlaTarget) => {
    const clock = written.get(target);
    return clock?.runningSince ? (clock.dueAt as Date) : null;
  };
  const fields = {
    slaPolicyId: policy?.id ?? null,
    firstResponseDueAt: due('FIRST_RESPONSE'),
    nextResponseDueAt: due('NEXT_RESPONSE'),
    resolutionDueAt: due('RESOLUTION'),
    slaDueAt: earliest([due('FIRST_RESPONSE'), due('NEXT_RESPONSE'), due('RESOLUTION')]),
    slaState: ticketSlaState([...written.values()]),
  };
  await tx.db.ticket.update({ where: { id: ticketId }, data: fields });
  if (fields.slaPolicyId !== ticket.slaPolicyId) {
    await recordTicketEvent(tx, {
      ticketId, tenantId: ticket.tenantId, kind: 'SLA_POLICY_APPLIED',
      from: ticket.slaPolicyId ? { policyId: ticket.slaPolicyId } : null,
      to: policy ? { policyId: policy.id, priority: policy.priority } : null,
      message: policy
        ? `SLA targets for ${policy.priority}: first response ${policy.firstResponseMinutes} min, next response ${policy.nextResponseMinutes} min, resolution ${policy.resolutionMinutes} min (${policy.calendar.name})`
        : 'no SLA policy applies',
    });
  }
  tx.scope.logger.debug({ ticketId, why, slaState: fields.slaState, slaDueAt: fields.slaDueAt }, 'ticket SLA synced');
}

function earliest(dates: (Date | null)[]): Date | null {
  let min: Date | null = null;
  for (const d of dates) if (d && (!min || d < min)) min = d;
  return min;
}

function changed(a: ClockData, b: ClockData): boolean {
  for (const key of Object.keys(b) as (keyof ClockData)[]) {
    const x = a[key];
    const y = b[key];
    if (x instanceof Date || y instanceof Date) {
      if (!sameTime(x as Date | null, y as Date | null)) return true;
    } else if ((x ?? null) !== (y ?? null)) return true;
  }
  return false;
}
