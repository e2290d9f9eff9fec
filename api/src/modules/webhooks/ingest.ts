// Storing verified events with their processing jobs: group commit. A request whose write finds another
// write in flight waits for it, and every request that waited meanwhile is written together in ONE
// statement (the events and their jobs, so both exist or neither), each acknowledged once its batch
// commits. Idle, a request is written at once: no added latency. graphile-worker's add_job NOTIFYs on
// commit, which serialises commits; one commit per batch instead of per request removes that limit.
import type { SystemScope } from '../../scope.ts';
import type { Provider, VerifiedEvent } from './verify.ts';

export interface Incoming extends VerifiedEvent {
  provider: Provider;
  headers: Record<string, string>;
  receivedAt: Date;
}

/** The event's id, and whether this request stored it (false: the provider sent it before). */
export interface Stored {
  created: boolean;
}

interface Waiting {
  event: Incoming;
  resolve(result: Stored): void;
  reject(error: unknown): void;
}

type Db = SystemScope['db'];

/** Writes in flight at once; more waiting requests join the next batch. */
const MAX_IN_FLIGHT = 2;
const MAX_BATCH = 500;

// One statement: insert what is new, queue a job per new row (same job key as retries, so a manual retry
// replaces a scheduled one), return the new rows. Data-modifying CTEs run exactly once.
const INSERT_SQL = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
    AS t(provider, external_id, type, payload, headers, received_at)
), inserted AS (
  INSERT INTO "WebhookEvent" (id, provider, "externalId", type, payload, headers, "receivedAt", "updatedAt")
  SELECT gen_random_uuid(), provider::"WebhookProvider", external_id, type, payload::jsonb, headers::jsonb, received_at, now()
  FROM input
  ON CONFLICT (provider, "externalId") DO NOTHING
  RETURNING id, provider::text AS provider, "externalId"
), jobs AS (
  SELECT count(*) AS n FROM graphile_worker.add_jobs(ARRAY(
    SELECT ROW('webhookProcess', json_build_object('eventId', id, 'trigger', 'delivery'), NULL, NULL, NULL, 'webhook:' || id, NULL, NULL)::graphile_worker.job_spec
    FROM inserted
  ))
)
SELECT inserted.provider, inserted."externalId" AS "externalId", jobs.n FROM inserted, jobs`;

class Batcher {
  private queue: Waiting[] = [];
  private inFlight = 0;
  constructor(private readonly db: Db) {}

  store(event: Incoming): Promise<Stored> {
    return new Promise<Stored>((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      if (this.inFlight < MAX_IN_FLIGHT) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.inFlight += 1;
      try {
        const rows = await this.write(batch.map((w) => w.event));
        const created = new Set(rows.map((r) => `${r.provider}\u0000${r.externalId}`));
        for (const waiting of batch) {
          const key = `${waiting.event.provider}\u0000${waiting.event.externalId}`;
          // The same event twice in one batch: the first is the one stored.
          waiting.resolve({ created: created.delete(key) });
        }
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      } finally {
        this.inFlight -= 1;
      }
    }
  }

  private write(events: Incoming[]): Promise<{ provider: string; externalId: string }[]> {
    return this.db.$queryRawUnsafe(
      INSERT_SQL,
      events.map((e) => e.provider),
      events.map((e) => e.externalId),
      events.map((e) => e.type),
      events.map((e) => JSON.stringify(e.payload)),
      events.map((e) => JSON.stringify(e.headers)),
      events.map((e) => e.receivedAt),
    );
  }
}

const batchers = new WeakMap<Db, Batcher>();

/** Stores a verified event and queues its processing, batched with concurrent requests; resolves on commit. */
export function storeEvent(scope: SystemScope, event: Incoming): Promise<Stored> {
  let batcher = batchers.get(scope.db);
  if (!batcher) batchers.set(scope.db, (batcher = new Batcher(scope.db)));
  return batcher.store(event);
}

/** Counts a refused request for monitoring: per provider, reason and hour. */
export async function countRejection(scope: SystemScope, provider: Provider, reason: string): Promise<void> {
  await scope.db.$executeRawUnsafe(
    `INSERT INTO "WebhookRejection" (provider, reason, hour, count) VALUES ($1::"WebhookProvider", $2, date_trunc('hour', now()), 1)
     ON CONFLICT (provider, reason, hour) DO UPDATE SET count = "WebhookRejection".count + 1`,
    provider,
    reason,
  );
}
