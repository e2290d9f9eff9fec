import { z } from 'zod';
import { parseInput } from '../../lib/errors.ts';
import type { PlatformScope } from '../../scope.ts';

/** Email and inbound-webhook numbers over a recent window: the Operations overview and the dashboard. */
export interface OperationsOverview {
  since: Date;
  until: Date;
  /** Emails handed to the transport in the window (whatever happened to them since). */
  emailsSent: number;
  /** Emails that failed for good in the window. */
  emailsFailed: number;
  /** Emails that bounced in the window. */
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

/**
 * The numbers for the last `hours` hours, in one statement: each count reads an index on its own time column,
 * so the work is bounded by the window, not by the tables' size.
 */
export async function operationsOverview(scope: PlatformScope, args: { hours: number; now?: Date }): Promise<OperationsOverview> {
  const { hours } = parseInput(hoursSchema, { hours: args.hours }, []);
  const until = args.now ?? new Date();
  const since = new Date(until.getTime() - hours * 3_600_000);
  const [row] = await scope.db.$queryRaw<Omit<OperationsOverview, 'since' | 'until'>[]>`
    SELECT
      (SELECT count(*)::int FROM "Email" WHERE "sentAt" > ${since} AND "sentAt" <= ${until}) AS "emailsSent",
      (SELECT count(*)::int FROM "Email" WHERE status = 'FAILED' AND "failedAt" > ${since} AND "failedAt" <= ${until}) AS "emailsFailed",
      (SELECT count(*)::int FROM "Email" WHERE "bouncedAt" > ${since} AND "bouncedAt" <= ${until}) AS "emailsBounced",
      w.received AS "webhookEventsReceived", w.failed AS "webhookEventsFailed", w.dead AS "webhookEventsDead"
    FROM (
      SELECT count(*)::int AS received,
             (count(*) FILTER (WHERE status = 'FAILED'))::int AS failed,
             (count(*) FILTER (WHERE status = 'DEAD'))::int AS dead
      FROM "WebhookEvent" WHERE "receivedAt" > ${since} AND "receivedAt" <= ${until}
    ) w`;
  return { since, until, ...row! };
}
