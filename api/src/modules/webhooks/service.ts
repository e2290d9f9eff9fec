// Processing stored events: one recorded attempt per run, retries with backoff, DEAD after the last, and
// the admins' retry and replay.
import { env } from '../../env.ts';
import { findOrNotFound } from '../../lib/records.ts';
import type { AdminScope, SystemScope } from '../../scope.ts';
import { transaction } from '../../scope.ts';
import { webhookHandlerFor } from '../../webhook-handlers.ts';
import type { InboundWebhookEvent, WebhookOutcome } from '../manifest.ts';
import { runAudited } from '../audit/service.ts';
import { InputError, InvalidTransitionError } from '../../lib/errors.ts';
import { retryDelayMs } from '../../lib/backoff.ts';
import { webhookEventsList } from './lists.ts';

export type Trigger = InboundWebhookEvent['trigger'];
const jobKey = (eventId: string) => `webhook:${eventId}`;

/** Statuses a run may start from: waiting (first attempt, retry, replay) or failed with a retry due. */
const RUNNABLE = ['PENDING', 'FAILED'] as const;

/**
 * One attempt of an event. Claims it (a conditional update: a duplicate job finds nothing to do),
 * calls its handler outside any transaction, then records the outcome only if the attempt is still the
 * event's latest. A crash in between leaves the event runnable and the job is retried by the worker;
 * the attempt left RUNNING is closed as interrupted by the next run.
 */
export async function processEvent(scope: SystemScope, eventId: string, trigger: Trigger): Promise<void> {
  const claimed = await transaction(scope, async (tx) => {
    const [event] = await tx.db.webhookEvent.updateManyAndReturn({
      where: { id: eventId, status: { in: [...RUNNABLE] } },
      data: { attempts: { increment: 1 }, nextAttemptAt: null },
    });
    if (!event) return null;
    await tx.db.webhookAttempt.updateMany({
      where: { eventId, outcome: 'RUNNING' },
      data: { outcome: 'FAILED', error: 'interrupted (the process stopped during the attempt)', finishedAt: new Date() },
    });
    const attempt = await tx.db.webhookAttempt.create({ data: { eventId, number: event.attempts, trigger } });
    await tx.publish('webhookAttemptRecorded', { eventId, attemptId: attempt.id, number: attempt.number, outcome: 'RUNNING', status: event.status });
    return { event, attempt };
  });
  if (!claimed) return;
  const { event, attempt } = claimed;
  const started = performance.now();
  let result: WebhookOutcome | { outcome: 'failed'; error: string };
  const handler = webhookHandlerFor(event.provider, event.type);
  if (!handler) result = { outcome: 'ignored', reason: `no handler for ${event.provider} ${event.type}` };
  else {
    try {
      result = await handler.handle(scope, {
        id: event.id, provider: event.provider, externalId: event.externalId, type: event.type,
        payload: event.payload, receivedAt: event.receivedAt, trigger,
      });
    } catch (err) {
      result = { outcome: 'failed', error: String((err as Error)?.message ?? err).slice(0, 2000) };
    }
  }
  const durationMs = Math.round(performance.now() - started);
  const finishedAt = new Date();
  await transaction(scope, async (tx) => {
    const maxAttempts = env.WEBHOOK_MAX_ATTEMPTS;
    const failed = result.outcome === 'failed';
    const dead = failed && event.attempts >= maxAttempts;
    const nextAttemptAt = failed && !dead ? new Date(Date.now() + retryDelayMs(event.attempts, env.WEBHOOK_RETRY_BASE_MS)) : null;
    const status = result.outcome === 'processed' ? 'PROCESSED' : result.outcome === 'ignored' ? 'IGNORED' : dead ? 'DEAD' : 'FAILED';
    const updated = await tx.db.webhookEvent.updateMany({
      where: { id: eventId, attempts: event.attempts },
      data: {
        status,
        nextAttemptAt,
        processedAt: failed ? undefined : finishedAt,
        lastError: result.outcome === 'failed' ? result.error : null,
        ignoredReason: result.outcome === 'ignored' ? result.reason : null,
        ...(result.outcome !== 'failed' && result.tenantId !== undefined ? { tenantId: result.tenantId } : {}),
      },
    });
    const outcome = result.outcome === 'processed' ? 'SUCCEEDED' : result.outcome === 'ignored' ? 'IGNORED' : 'FAILED';
    await tx.db.webhookAttempt.update({
      where: { id: attempt.id },
      data: { outcome, finishedAt, durationMs, error: result.outcome === 'failed' ? result.error : result.outcome === 'ignored' ? result.reason : null },
    });
    // A newer attempt (a manual retry meanwhile) owns the event's status from here.
    if (updated.count === 0) {
      const current = await tx.db.webhookEvent.findUniqueOrThrow({ where: { id: eventId }, select: { status: true } });
      await tx.publish('webhookAttemptRecorded', { eventId, attemptId: attempt.id, number: attempt.number, outcome, status: current.status });
      return;
    }
    await tx.publish('webhookAttemptRecorded', { eventId, attemptId: attempt.id, number: attempt.number, outcome, status });
    if (nextAttemptAt) await tx.enqueue('webhookProcess', { eventId, trigger: 'retry' }, { jobKey: jobKey(eventId), runAt: nextAttemptAt });
    if (dead) {
      await tx.publish('webhookEventDead', { eventId, provider: event.provider, type: event.type, attempts: event.attempts, lastError: (result as { error: string }).error });
    }
  });
}

/** Runs a FAILED or DEAD event again now (audited). */
export async function retryWebhookEvent(scope: AdminScope, id: string) {
  return rerun(scope, id, 'retry', ['FAILED', 'DEAD'], 'webhookEvent.retry');
}

/** Processes an event again whatever its outcome was (audited); handlers are idempotent. */
export async function replayWebhookEvent(scope: AdminScope, id: string) {
  return rerun(scope, id, 'replay', ['PROCESSED', 'IGNORED', 'FAILED', 'DEAD'], 'webhookEvent.replay');
}

async function rerun(scope: AdminScope, id: string, trigger: Trigger, from: ('PROCESSED' | 'IGNORED' | 'FAILED' | 'DEAD')[], action: string) {
  return runAudited(scope, async (tx) => {
    const before = await findOrNotFound('WebhookEvent', id, (id) => tx.db.webhookEvent.findUnique({ where: { id } }), { lock: tx });
    if (!(from as string[]).includes(before.status)) {
      throw new InvalidTransitionError('WebhookEvent', before.status, trigger === 'retry' ? 'RETRY' : 'REPLAY');
    }
    const after = await tx.db.webhookEvent.update({ where: { id }, data: { status: 'PENDING', nextAttemptAt: null } });
    await tx.enqueue('webhookProcess', { eventId: id, trigger }, { jobKey: jobKey(id) });
    await tx.audit({ action, targetType: 'WebhookEvent', targetId: id, before: { status: before.status }, after: { status: after.status } });
    return after;
  });
}

/** How many events a bulk retry with `filter` would run again (FAILED or DEAD among them). */
export async function retryableCount(scope: AdminScope, filter: unknown): Promise<number> {
  const where = webhookEventsList.whereFor(filter);
  return scope.db.webhookEvent.count({ where: { AND: [where, { status: { in: ['FAILED', 'DEAD'] } }] } });
}

/** Retries every FAILED or DEAD event matching `filter` (one audit entry with the count); returns it. */
export async function retryWebhookEvents(scope: AdminScope, filter: unknown): Promise<number> {
  const where = webhookEventsList.whereFor(filter);
  return runAudited(scope, async (tx) => {
    const rows = await tx.db.webhookEvent.updateManyAndReturn({
      where: { AND: [where, { status: { in: ['FAILED', 'DEAD'] } }] },
      data: { status: 'PENDING', nextAttemptAt: null },
      select: { id: true },
    });
    if (rows.length === 0) return tx.unchanged(0);
    for (const row of rows) await tx.enqueue('webhookProcess', { eventId: row.id, trigger: 'retry' }, { jobKey: jobKey(row.id) });
    await tx.audit({ action: 'webhookEvent.retryMany', targetType: 'WebhookEvent', targetId: null, before: { filter: filter as object }, after: { count: rows.length } });
    return rows.length;
  });
}

export interface RejectionCount {
  provider: string;
  reason: string;
  count: number;
}

/** Refused requests of the last `hours` hours (counted per hour), per provider and reason. */
export async function rejectionCounts(scope: AdminScope, hours = 24): Promise<RejectionCount[]> {
  if (!Number.isInteger(hours) || hours < 1 || hours > 24 * 90) throw InputError.field('hours', 'a whole number of hours from 1 to 2160');
  const rows = await scope.db.webhookRejection.groupBy({
    by: ['provider', 'reason'],
    where: { hour: { gte: new Date(Date.now() - hours * 3600 * 1000) } },
    _sum: { count: true },
    orderBy: [{ provider: 'asc' }, { reason: 'asc' }],
  });
  return rows.map((r) => ({ provider: r.provider, reason: r.reason, count: r._sum.count ?? 0 }));
}
