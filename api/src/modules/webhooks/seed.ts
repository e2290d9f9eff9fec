import { randomUUID } from 'node:crypto';
import type { SystemScope } from '../../scope.ts';

const HOUR = 3600 * 1000;

/**
 * Demo events nobody handles (so a retry or replay shows a new IGNORED attempt at once): processed,
 * ignored, failed with a retry due, and DEAD after every attempt failed.
 */
export async function seedWebhooks(scope: SystemScope): Promise<void> {
  const now = Date.now();
  const kinds = [
    { status: 'IGNORED', attempts: 1, outcome: 'IGNORED', error: 'no handler for STRIPE charge.refunded' },
    { status: 'FAILED', attempts: 2, outcome: 'FAILED', error: 'upstream timed out' },
    { status: 'DEAD', attempts: 3, outcome: 'FAILED', error: 'upstream refused the update (demo)' },
    { status: 'DEAD', attempts: 3, outcome: 'FAILED', error: 'upstream refused the update (demo)' },
  ] as const;
  for (const [i, kind] of kinds.entries()) {
    const receivedAt = new Date(now - (i + 1) * HOUR);
    const externalId = `evt_demo_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
    const payload = { id: externalId, object: 'event', type: 'charge.refunded', created: Math.floor(receivedAt.getTime() / 1000), data: { object: { id: `ch_demo_${i}`, amount_refunded: 1200 + i, currency: 'usd' } } };
    await scope.db.webhookEvent.create({
      data: {
        provider: 'STRIPE', externalId, type: 'charge.refunded', payload, headers: { 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
        receivedAt, status: kind.status, attempts: kind.attempts,
        lastError: kind.outcome === 'FAILED' ? kind.error : null,
        ignoredReason: kind.status === 'IGNORED' ? kind.error : null,
        processedAt: kind.status === 'IGNORED' ? receivedAt : null,
        nextAttemptAt: kind.status === 'FAILED' ? new Date(now + 6 * HOUR) : null,
        attemptsLog: {
          create: Array.from({ length: kind.attempts }, (_, n) => ({
            number: n + 1, trigger: n === 0 ? 'delivery' : 'retry', outcome: kind.outcome, error: kind.error, durationMs: 12 + n,
            startedAt: new Date(receivedAt.getTime() + n * 60_000), finishedAt: new Date(receivedAt.getTime() + n * 60_000 + 12 + n),
          })),
        },
      },
    });
  }
}
