// Deliveries: one row per notification of one alert (or a test) through one channel, sent by a keyed job.
// PENDING → SENT, or FAILED (a retry is scheduled with full-jitter backoff) → … → SENT or DEAD. A 4xx other
// than 408 and 429 is the receiver's final word: DEAD at once. Each sent delivery of an alert adds a
// NOTIFIED entry to the alert's history.
import { z } from 'zod';
import type { Prisma } from '../../db/client.ts';
import { env } from '../../env.ts';
import type { AlertDelivery } from '../../generated/prisma/client.ts';
import { retryDelayMs } from '../../lib/backoff.ts';
import { transaction, type PlatformScope, type SystemScope, type TransactionScope } from '../../scope.ts';
import { defineTask } from '../../worker/task.ts';
import { sendEmailNotice, sendSlackNotice, sendWebhookNotice } from './channel-senders.ts';
import { sendTicketNotice } from './ticket-link.ts';

export const DELIVERY_REASONS = ['FIRING', 'RESOLVED', 'ACKNOWLEDGED', 'REPEAT', 'TEST'] as const;
export type DeliveryReason = (typeof DELIVERY_REASONS)[number];

/** Longest wait between two attempts of one delivery. */
const MAX_RETRY_DELAY_MS = 3_600_000;

type Tx = TransactionScope<PlatformScope>;

function deliverJob(deliveryId: string, runAt?: Date) {
  return ['alertDeliver', { deliveryId }, { jobKey: `alert-deliver:${deliveryId}`, maxAttempts: 5, runAt }] as const;
}

/** A PENDING delivery and its job, in the caller's transaction (both exist only if it commits). */
export async function queueDelivery(tx: Tx, delivery: { channelId: string; alertId: string | null; reason: DeliveryReason }): Promise<AlertDelivery> {
  const row = await tx.db.alertDelivery.create({ data: delivery });
  await tx.enqueue(...deliverJob(row.id));
  return row;
}

// ─── what a notification says ────────────────────────────────────────────────

const noticeInclude = {
  channel: true,
  alert: {
    include: {
      rule: { select: { id: true, name: true, description: true, metric: true, task: true, signal: true, operator: true, threshold: true } },
      tenant: { select: { id: true, name: true } },
      acknowledgedBy: { select: { name: true, email: true } },
    },
  },
} satisfies Prisma.AlertDeliveryInclude;

export type LoadedDelivery = Prisma.AlertDeliveryGetPayload<{ include: typeof noticeInclude }>;

/** One notification, as every channel kind renders it. */
export interface AlertNotice {
  deliveryId: string;
  reason: DeliveryReason;
  channel: { id: string; name: string; kind: string };
  /** One line: "Firing: High error rate". */
  title: string;
  /** The details in one line: severity, value, labels, tenant. */
  summary: string;
  alert: {
    id: string;
    ruleId: string;
    ruleName: string;
    severity: string;
    state: string;
    labels: Record<string, string>;
    value: number | null;
    tenantId: string | null;
    tenantName: string | null;
    startedAt: string;
    firedAt: string | null;
    resolvedAt: string | null;
    acknowledgedAt: string | null;
    acknowledgedBy: string | null;
    acknowledgeNote: string | null;
  } | null;
}

const REASON_WORDS: Record<DeliveryReason, string> = {
  FIRING: 'Firing', RESOLVED: 'Resolved', ACKNOWLEDGED: 'Acknowledged', REPEAT: 'Still firing', TEST: 'Test',
};

export const labelsText = (labels: Record<string, string>) =>
  Object.keys(labels).length ? `{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(', ')}}` : '';

export function noticeOf(d: LoadedDelivery): AlertNotice {
  const reason = d.reason as DeliveryReason;
  const channel = { id: d.channel.id, name: d.channel.name, kind: d.channel.kind };
  if (!d.alert) {
    return {
      deliveryId: d.id, reason, channel, alert: null,
      title: `Test notification from the Opsgraph channel "${d.channel.name}"`,
      summary: 'If you can read this, alert notifications reach you here.',
    };
  }
  const a = d.alert;
  const labels = (a.labels ?? {}) as Record<string, string>;
  const alert = {
    id: a.id, ruleId: a.ruleId, ruleName: a.rule.name, severity: a.severity, state: a.state, labels, value: a.value,
    tenantId: a.tenantId, tenantName: a.tenant?.name ?? null, startedAt: a.startedAt.toISOString(),
    firedAt: a.firedAt?.toISOString() ?? null, resolvedAt: a.resolvedAt?.toISOString() ?? null,
    acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null, acknowledgedBy: a.acknowledgedBy?.name ?? a.acknowledgedBy?.email ?? null,
    acknowledgeNote: a.acknowledgeNote,
  };
  const parts = [
    a.severity,
    a.value === null ? 'no data' : `value ${a.value}`,
    labelsText(labels),
    a.tenant ? `tenant ${a.tenant.name}` : '',
    reason === 'ACKNOWLEDGED' && alert.acknowledgedBy ? `acknowledged by ${alert.acknowledgedBy}${a.acknowledgeNote ? `: ${a.acknowledgeNote}` : ''}` : '',
  ];
  return { deliveryId: d.id, reason, channel, alert, title: `${REASON_WORDS[reason]}: ${a.rule.name}`, summary: parts.filter(Boolean).join(' · ') };
}

// ─── sending (the alertDeliver job) ──────────────────────────────────────────

/** What one attempt came to. `final`: retrying cannot help (a 4xx, a channel that cannot work). */
export type SendResult =
  | { ok: true; responseStatus?: number | null }
  | { ok: false; final: boolean; error: string; responseStatus?: number | null };

export type DeliveryOutcome = 'sent' | 'retry' | 'dead' | 'skipped';

type Db = Pick<Prisma.TransactionClient, 'alertDelivery' | 'alertEvent'>;

/**
 * Marks a claimed delivery SENT (and notes it in the alert's history) unless it already left
 * PENDING/FAILED. Takes a transaction client so a channel's own change (a ticket) commits with it.
 */
export async function markSent(db: Db, d: LoadedDelivery, responseStatus: number | null): Promise<void> {
  const now = new Date();
  const n = await db.alertDelivery.updateMany({
    where: { id: d.id, status: { in: ['PENDING', 'FAILED'] } },
    data: { status: 'SENT', sentAt: now, lastError: null, responseStatus, nextAttemptAt: null },
  });
  if (n.count && d.alert) {
    await db.alertEvent.create({
      data: { alertId: d.alert.id, ruleId: d.alert.ruleId, kind: 'NOTIFIED', at: now, note: `${d.reason} via ${d.channel.name} (${d.channel.kind})` },
    });
  }
}

async function markFailed(scope: SystemScope, d: LoadedDelivery, attempt: number, result: Extract<SendResult, { ok: false }>): Promise<DeliveryOutcome> {
  const dead = result.final || attempt >= env.ALERT_DELIVERY_MAX_ATTEMPTS;
  const error = (dead && !result.final ? `${result.error} (after ${attempt} attempts)` : result.error).slice(0, 2000);
  const runAt = dead ? null : new Date(Date.now() + retryDelayMs(attempt, env.ALERT_DELIVERY_RETRY_BASE_MS, Math.random, MAX_RETRY_DELAY_MS));
  await transaction(scope, async (tx) => {
    const n = await tx.db.alertDelivery.updateMany({
      where: { id: d.id, status: { in: ['PENDING', 'FAILED'] } },
      data: { status: dead ? 'DEAD' : 'FAILED', lastError: error, responseStatus: result.responseStatus ?? null, nextAttemptAt: runAt },
    });
    if (n.count && runAt) await tx.enqueue(...deliverJob(d.id, runAt));
  });
  return dead ? 'dead' : 'retry';
}

async function send(scope: SystemScope, d: LoadedDelivery, notice: AlertNotice): Promise<SendResult | 'settled'> {
  switch (d.channel.kind) {
    case 'SLACK':
      return sendSlackNotice(d.channel, notice);
    case 'WEBHOOK':
      return sendWebhookNotice(d.channel, notice);
    case 'EMAIL':
      return sendEmailNotice(scope, d.channel, notice);
    case 'TICKET':
      return sendTicketNotice(scope, d);
  }
}

/**
 * One attempt of a delivery. Idempotent: a delivery that is no longer PENDING or FAILED is left alone.
 * Unexpected errors (the database) are thrown, and graphile-worker runs the job again.
 */
export async function deliverAlert(scope: SystemScope, deliveryId: string): Promise<DeliveryOutcome> {
  const claimed = await scope.db.alertDelivery.updateManyAndReturn({
    where: { id: deliveryId, status: { in: ['PENDING', 'FAILED'] } },
    data: { attempts: { increment: 1 }, nextAttemptAt: null },
    select: { attempts: true },
  });
  if (!claimed.length) return 'skipped';
  const attempt = claimed[0]!.attempts;
  const d = await scope.db.alertDelivery.findUniqueOrThrow({ where: { id: deliveryId }, include: noticeInclude });
  let result: SendResult | 'settled';
  try {
    result = await send(scope, d, noticeOf(d));
  } catch (error) {
    result = { ok: false, final: false, error: error instanceof Error ? error.message : String(error) };
  }
  if (result === 'settled') return 'sent';
  if (result.ok) {
    await markSent(scope.db, d, result.responseStatus ?? null);
    return 'sent';
  }
  return markFailed(scope, d, attempt, result);
}

export const alertDeliverPayload = z.object({ deliveryId: z.uuid() });

declare global {
  namespace GraphileWorker {
    interface Tasks {
      alertDeliver: z.input<typeof alertDeliverPayload>;
    }
  }
}

/** Sends one alert notification; failures are retried by the service (full-jitter backoff), 4xx are final. */
export const alertDeliver = defineTask('alertDeliver', alertDeliverPayload, async ({ deliveryId }, { scope, logger }) => {
  const outcome = await deliverAlert(scope, deliveryId);
  logger.info({ deliveryId, outcome }, 'alert delivery');
});
