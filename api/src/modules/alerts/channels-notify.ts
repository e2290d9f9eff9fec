// The one entry point alerts use: notifications of an alert's transition, queued in its transaction.
import type { PlatformScope, TransactionScope } from '../../scope.ts';
import { queueDelivery } from './deliveries.ts';

type Tx = TransactionScope<PlatformScope>;

export type NotifyReason = 'FIRING' | 'RESOLVED' | 'ACKNOWLEDGED' | 'REPEAT';

/**
 * Queues one delivery (a row and its keyed job) per enabled channel of the alert's rule, in the caller's
 * transaction: nothing is sent unless the transition commits.
 *
 * - A silenced rule sends no FIRING or REPEAT. Its RESOLVED and ACKNOWLEDGED still reach the channels that
 *   were told the alert fired (a page that said "firing" hears that it ended), and no others.
 * - A TICKET channel gets no REPEAT: its ticket is already open.
 * - `lastNotifiedAt` is set when anything was queued (the repeat interval counts from it).
 */
export async function notifyAlert(tx: Tx, alertId: string, reason: NotifyReason): Promise<void> {
  const alert = await tx.db.alert.findUnique({
    where: { id: alertId },
    select: {
      id: true,
      rule: { select: { silencedUntil: true, channels: { select: { channel: { select: { id: true, kind: true, enabled: true } } } } } },
    },
  });
  if (!alert) return;
  const now = new Date();
  const silenced = !!alert.rule.silencedUntil && alert.rule.silencedUntil > now;
  if (silenced && (reason === 'FIRING' || reason === 'REPEAT')) return;
  let channels = alert.rule.channels.map((c) => c.channel).filter((c) => c.enabled && !(reason === 'REPEAT' && c.kind === 'TICKET'));
  if (silenced) {
    const told = await tx.db.alertDelivery.findMany({
      where: { alertId, reason: { in: ['FIRING', 'REPEAT'] }, channelId: { in: channels.map((c) => c.id) } },
      select: { channelId: true },
      distinct: ['channelId'],
    });
    const toldIds = new Set(told.map((t) => t.channelId));
    channels = channels.filter((c) => toldIds.has(c.id));
  }
  if (!channels.length) return;
  for (const channel of channels) await queueDelivery(tx, { channelId: channel.id, alertId, reason });
  await tx.db.alert.update({ where: { id: alertId }, data: { lastNotifiedAt: now } });
}
