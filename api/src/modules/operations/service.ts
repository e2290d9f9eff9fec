import { z } from 'zod';
import { Prisma } from '../../db/client.ts';
import { parseInput } from '../../lib/errors.ts';
import type { PlatformScope } from '../../scope.ts';

/** Email and inbound-webhook numbers over a recent window: the Operations overview and the dashboard. */
export interface OperationsOverview {
  since: Date;
  until: Date;
  /** Emails created in the window that were handed to the transport (whatever happened to them since). */
  emailsSent: number;
  /** Emails created in the window that failed for good. */
  emailsFailed: number;
  /** Emails created in the window that bounced. */
  emailsBounced: number;
  /** Provider events received (verified and stored) in the window. */
  webhookEventsReceived: number;
  /** Of those, the ones whose last attempt failed and that wait for their next one. */
  webhookEventsFailed: number;
  /** Of those, the ones that used up every attempt. */
  webhookEventsDead: number;
}

export const MAX_OVERVIEW_HOURS = 24 * 7;

const hoursSchema = z.object({
  hours: z.number().int('a whole number of hours').min(1, 'at least 1').max(MAX_OVERVIEW_HOURS, `at most ${MAX_OVERVIEW_HOURS}`),
});

/** Statuses of an email the transport has taken (the "sent" count, and the console's link to it). */
export const SENT_STATUSES = ['SENT', 'DELIVERED', 'DELAYED', 'BOUNCED', 'COMPLAINED', 'OPENED', 'CLICKED'] as const;

/**
 * The numbers for records created or received in the last `hours` hours, in one statement reading the
 * (createdAt) and (receivedAt) indexes: bounded by the window, not by the tables' size. Counting by creation
 * time keeps each number equal to its filtered list (status + created from).
 */
export async function operationsOverview(scope: PlatformScope, args: { hours: number; now?: Date }): Promise<OperationsOverview> {
  const { hours } = parseInput(hoursSchema, { hours: args.hours }, []);
  const until = args.now ?? new Date();
  const since = new Date(until.getTime() - hours * 3_600_000);
  const [row] = await scope.db.$queryRaw<Omit<OperationsOverview, 'since' | 'until'>[]>`
    SELECT
      e.sent AS "emailsSent", e.failed AS "emailsFailed", e.bounced AS "emailsBounced",
      w.received AS "webhookEventsReceived", w.failed AS "webhookEventsFailed", w.dead AS "webhookEventsDead"
    FROM (
      SELECT (count(*) FILTER (WHERE status::text IN (${Prisma.join([...SENT_STATUSES])})))::int AS sent,
             (count(*) FILTER (WHERE status = 'FAILED'))::int AS failed,
             (count(*) FILTER (WHERE status = 'BOUNCED'))::int AS bounced
      FROM "Email" WHERE "createdAt" >= ${since} AND "createdAt" <= ${until}
    ) e, (
      SELECT count(*)::int AS received,
             (count(*) FILTER (WHERE status = 'FAILED'))::int AS failed,
             (count(*) FILTER (WHERE status = 'DEAD'))::int AS dead
      FROM "WebhookEvent" WHERE "receivedAt" >= ${since} AND "receivedAt" <= ${until}
    ) w`;
  return { since, until, ...row! };
}
