// The support desk the tickets benchmark runs against, written set-based (generate_series, INSERT … SELECT):
// tenants with plans, five requesters per tenant, twenty support agents, SLA policies per plan and priority,
// tickets with a realistic status, priority and SLA mix, and their threads (public replies and internal notes).
// Every value is derived from the ticket's ordinal through hashes, so two runs seed the same shape.
import os from 'node:os';
import pg from 'pg';
import { seedBench, type BenchSeed } from './seed.ts';

export interface TicketSeedOptions {
  tickets: number;
  tenants: number;
  /** Fill Ticket.searchPublic / searchInternal in one UPDATE after the load (slow at 1M); default: left null. */
  searchVectors?: boolean;
  /** Connections loading at once; default: one per core. */
  parallel?: number;
}

export interface TicketSeed extends BenchSeed {
  counts: { tenants: number; requesters: number; agents: number; tickets: number; openTickets: number; comments: number; internalNotes: number };
  /** Seconds per step and in total. */
  seconds: Record<string, number>;
}

const REQUESTERS_PER_TENANT = 5;
const AGENTS = 20;

/** Open tickets (every status the queue shows) are a little over half. */
const STATUS = `CASE WHEN roll.status < 10 THEN 'NEW' WHEN roll.status < 35 THEN 'OPEN' WHEN roll.status < 45 THEN 'PENDING'
  WHEN roll.status < 50 THEN 'ON_HOLD' WHEN roll.status < 70 THEN 'RESOLVED' ELSE 'CLOSED' END`;
const PRIORITY = `CASE WHEN roll.priority < 20 THEN 'LOW' WHEN roll.priority < 70 THEN 'NORMAL' WHEN roll.priority < 90 THEN 'HIGH' ELSE 'URGENT' END`;

const SUBJECTS = [
  'Cannot sign in after the password reset',
  'Invoice shows the wrong amount',
  'Webhook deliveries are failing',
  'CSV export times out',
  'Feature request: single sign-on',
  'Emails are not arriving',
  'API answers 429 too often',
  'Dashboard charts are empty',
];
const BODIES = [
  'Thanks for getting back to us. We tried again this morning and it still happens for several users on our side.',
  'Could you have a look at the logs for our account? It started after the last deploy, nothing changed on our end.',
  'I have attached the request id from the error page. It fails every time for the same user, works for the others.',
  'We rotated the keys as suggested and the problem went away for a day, then it came back in the afternoon.',
  'This is blocking our month-end close, so any update would help. Happy to jump on a call if that is quicker.',
  'Checked the configuration: the plan limit looks right, but the counter seems to reset at a different time.',
];

const sqlText = (values: string[]) => `ARRAY[${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ')}]`;

/**
 * Seeds `tickets` tickets over `tenants` tenants with about three comments each. The search triggers are
 * disabled during the load and the secondary indexes of Ticket and TicketComment dropped and rebuilt
 * afterwards (as a restore does); then VACUUM ANALYZE, so the planner sees real statistics and the
 * measurement is not disturbed by autovacuum catching up.
 */
export async function seedTickets(databaseUrl: string, options: TicketSeedOptions): Promise<TicketSeed> {
  const started = performance.now();
  const seconds: Record<string, number> = {};
  let last = started;
  const step = (name: string) => {
    const now = performance.now();
    seconds[name] = Math.round((now - last) / 100) / 10;
    last = now;
  };

  const parallel = Math.max(1, options.parallel ?? os.cpus().length);
  const base = await seedBench(databaseUrl, { tenants: options.tenants });
  step('tenants');
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`SET maintenance_work_mem = '512MB'; SET work_mem = '64MB'`);
    await people(client, options.tenants);
    await policies(client);
    step('people_and_policies');

    await client.query(`ALTER TABLE "Ticket" DISABLE TRIGGER "ticket_search_refresh"`);
    await client.query(`ALTER TABLE "TicketComment" DISABLE TRIGGER "ticket_comment_search_append"`);
    const indexes = await dropSecondaryIndexes(client, ['Ticket', 'TicketComment']);
    // One connection per core, each loading a range of ticket ordinals.
    const ranges = chunks(options.tickets, parallel);
    await inParallel(databaseUrl, ranges.map(([from, to]) => (c) => insertTickets(c, from, to, options.tenants)));
    step('tickets');
    await inParallel(databaseUrl, ranges.map(([from, to]) => (c) => insertComments(c, from, to)));
    step('comments');
    if (options.searchVectors) {
      await fillSearchVectors(client);
      step('search_vectors');
    }
    await inParallel(databaseUrl, indexes.map((definition) => (c) => c.query(definition)));
    step('indexes');
    await client.query(`ALTER TABLE "Ticket" ENABLE TRIGGER "ticket_search_refresh"`);
    await client.query(`ALTER TABLE "TicketComment" ENABLE TRIGGER "ticket_comment_search_append"`);
    await client.query(`SELECT setval('"Ticket_number_seq"', (SELECT max(number) FROM "Ticket"))`);
    await client.query('DROP TABLE bench_requester, bench_agent, bench_policy');
    await client.query('VACUUM ANALYZE "Ticket"');
    await client.query('VACUUM ANALYZE "TicketComment"');
    await client.query('ANALYZE');
    step('vacuum_analyze');
    await checkReferences(client);
    step('reference_check');

    const { rows } = await client.query<Record<string, string>>(`
      SELECT (SELECT count(*) FROM "Tenant") AS tenants, (SELECT count(*) FROM "User") AS requesters,
        (SELECT count(*) FROM "AdminUser" WHERE role = 'SUPPORT') AS agents,
        (SELECT count(*) FROM "Ticket") AS tickets,
        (SELECT count(*) FROM "Ticket" WHERE status IN ('NEW', 'OPEN', 'PENDING', 'ON_HOLD')) AS "openTickets",
        (SELECT count(*) FROM "TicketComment") AS comments,
        (SELECT count(*) FROM "TicketComment" WHERE internal) AS "internalNotes"`);
    const counts = Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k, Number(v)])) as TicketSeed['counts'];
    seconds.total = Math.round((performance.now() - started) / 100) / 10;
    return { ...base, counts, seconds };
  } finally {
    await client.end();
  }
}

/** Requesters (tenant users) and support agents, with ordinals the ticket insert joins on. */
async function people(client: pg.Client, tenants: number): Promise<void> {
  await client.query(`
    CREATE UNLOGGED TABLE bench_requester AS
      SELECT t.n, k, gen_random_uuid() AS id, t.id AS tenant_id, t."planId" AS plan_id
      FROM (SELECT row_number() OVER (ORDER BY "createdAt" DESC, id) AS n, id, "planId" FROM "Tenant") t,
        generate_series(0, ${REQUESTERS_PER_TENANT - 1}) k`);
  await client.query(`
    INSERT INTO "User" (id, "tenantId", "externalId", email, name, "createdAt", "updatedAt")
    SELECT id, tenant_id, 'user-' || k, 'user' || k || '.t' || n || '@example.com', 'User ' || k || ' of Tenant ' || n, now() - interval '400 days', now()
    FROM bench_requester`);
  await client.query(`CREATE INDEX ON bench_requester (n, k)`);
  await client.query(`
    CREATE UNLOGGED TABLE bench_agent AS SELECT n, gen_random_uuid() AS id FROM generate_series(0, ${AGENTS - 1}) n;
    INSERT INTO "AdminUser" (id, email, name, role, "passwordHash", "updatedAt")
    SELECT a.id, 'agent' || a.n || '@opsgraph.dev', 'Agent ' || a.n, 'SUPPORT', b."passwordHash", now()
    FROM bench_agent a, (SELECT "passwordHash" FROM "AdminUser" WHERE email = 'bench@opsgraph.dev') b;
    INSERT INTO "AgentProfile" ("adminUserId", available, capacity, "updatedAt") SELECT id, true, 50, now() FROM bench_agent`);
  if (tenants < 1) throw new Error('tenants: at least one');
}

/**
 * One business-hours calendar and a policy per plan and priority. Dearer plans get shorter targets; the
 * seeded due times count wall-clock minutes (the SLA engine is not under test here).
 */
async function policies(client: pg.Client): Promise<void> {
  await client.query(`
    INSERT INTO "SlaCalendar" (id, name, "timeZone", "weeklyHours", "updatedAt")
    VALUES (gen_random_uuid(), 'Bench business hours', 'Europe/Paris',
      (SELECT jsonb_agg(jsonb_build_object('day', d, 'start', '09:00', 'end', '18:00')) FROM generate_series(1, 5) d), now());
    CREATE UNLOGGED TABLE bench_policy AS
      SELECT gen_random_uuid() AS id, p.id AS plan_id, x.priority::"TicketPriority" AS priority,
        (x.first_response / f.factor)::int AS first_response, (x.next_response / f.factor)::int AS next_response,
        (x.resolution / f.factor)::int AS resolution
      FROM "Plan" p
      JOIN (VALUES ('plan-1', 1.0), ('plan-2', 2.0), ('plan-3', 4.0)) f(code, factor) ON f.code = p.code
      CROSS JOIN (VALUES ('LOW', 1440, 2880, 20160), ('NORMAL', 480, 960, 10080), ('HIGH', 120, 240, 2880), ('URGENT', 30, 60, 720))
        x(priority, first_response, next_response, resolution);
    INSERT INTO "SlaPolicy" (id, "planId", priority, "calendarId", "firstResponseMinutes", "nextResponseMinutes", "resolutionMinutes", "updatedAt")
    SELECT id, plan_id, priority, (SELECT id FROM "SlaCalendar" WHERE name = 'Bench business hours'), first_response, next_response, resolution, now()
    FROM bench_policy`);
}

/** Drops every index of the tables that backs no constraint; returns their definitions to rebuild them. */
async function dropSecondaryIndexes(client: pg.Client, tables: string[]): Promise<string[]> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
     WHERE t.relname = ANY($1) AND t.relnamespace = 'public'::regnamespace
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`,
    [tables],
  );
  for (const { name } of rows) await client.query(`DROP INDEX "${name}"`);
  return rows.map((r) => r.definition);
}

/** [from, to] ordinal ranges (inclusive) splitting 1..total into `parts`. */
function chunks(total: number, parts: number): [number, number][] {
  const size = Math.ceil(total / parts);
  const ranges: [number, number][] = [];
  for (let from = 1; from <= total; from += size) ranges.push([from, Math.min(total, from + size - 1)]);
  return ranges;
}

/** Runs the jobs over up to `jobs.length` connections, each with the bulk-load session settings. */
async function inParallel(databaseUrl: string, jobs: ((client: pg.Client) => Promise<unknown>)[]): Promise<void> {
  const queue = [...jobs];
  const parallel = Math.min(queue.length, Math.max(1, os.cpus().length));
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query(`SET maintenance_work_mem = '512MB'; SET work_mem = '64MB'; SET max_parallel_maintenance_workers = 0`);
        // As pg_restore --disable-triggers does: no per-row foreign key checks (checked once, set-based, after
        // the load). Needs a superuser; without one the checks stay on and the load is slower.
        await client.query('SET session_replication_role = replica').catch(() => {});
        for (let job = queue.shift(); job; job = queue.shift()) await job(client);
      } finally {
        await client.end();
      }
    }),
  );
}

async function insertTickets(client: pg.Client, from: number, to: number, tenants: number): Promise<void> {
  await client.query(
    `
    INSERT INTO "Ticket" (id, number, "tenantId", "requesterId", subject, description, category, tags, priority, status, source,
      "assigneeId", "assignedAt", "createdAt", "updatedAt", "firstRespondedAt", "awaitingReplySince", "lastActivityAt",
      "resolvedAt", "closedAt", "slaPolicyId", "firstResponseDueAt", "nextResponseDueAt", "resolutionDueAt", "slaDueAt", "slaState")
    SELECT gen_random_uuid(), 1000 + s.i, r.tenant_id, r.id,
      (${sqlText(SUBJECTS)})[1 + s.misc % ${SUBJECTS.length}],
      'Since yesterday ' || lower((${sqlText(SUBJECTS)})[1 + s.misc % ${SUBJECTS.length}]) || '. ' || (${sqlText(BODIES)})[1 + s.misc % ${BODIES.length}],
      (ARRAY['billing', 'access', 'integrations', 'email', 'api'])[1 + s.misc % 5],
      CASE s.misc % 4 WHEN 0 THEN ARRAY['vip'] WHEN 1 THEN ARRAY['bug', 'api'] ELSE ARRAY[]::text[] END,
      s.priority, s.status,
      (ARRAY['TENANT_API', 'ADMIN', 'EMAIL', 'ALERT'])[1 + s.misc % 4]::"TicketSource",
      a.id, CASE WHEN a.id IS NOT NULL THEN s.created + interval '5 minutes' END,
      s.created, s.activity, s.responded, s.awaiting, s.activity,
      CASE WHEN s.status IN ('RESOLVED', 'CLOSED') THEN s.activity END,
      CASE WHEN s.status = 'CLOSED' THEN least(now(), s.activity + interval '2 days') END,
      p.id, due.first_response, due.next_response, due.resolution, due.sla,
      (CASE WHEN s.status IN ('PENDING', 'ON_HOLD') THEN 'PAUSED'
        WHEN s.status IN ('RESOLVED', 'CLOSED') THEN CASE WHEN s.misc % 100 < 88 THEN 'MET' ELSE 'BREACHED' END
        WHEN due.sla < now() THEN 'BREACHED' WHEN due.sla < now() + interval '1 hour' THEN 'AT_RISK' ELSE 'OK' END)::"SlaState"
    FROM (
      SELECT i, misc, status::"TicketStatus", priority::"TicketPriority", created, responded, awaiting,
        least(now(), coalesce(awaiting, responded, created) + interval '40 minutes') AS activity
      FROM (
        SELECT i, misc, status, priority, created,
          CASE WHEN status <> 'NEW' AND misc % 100 < 85 THEN least(now(), created + (20 + misc % 200) * interval '1 minute') END AS responded,
          CASE WHEN status = 'OPEN' AND misc % 100 < 45 THEN least(now(), created + (240 + misc) * interval '1 minute') END AS awaiting
        FROM (
          SELECT i, roll.misc, ${STATUS} AS status, ${PRIORITY} AS priority,
            -- Open tickets are from the last week, done ones from the year before.
            CASE WHEN roll.status < 50 THEN now() - roll.age % (7 * 86400) * interval '1 second'
              ELSE now() - interval '7 days' - roll.age % (358 * 86400) * interval '1 second' END AS created
          FROM generate_series($1::int, $3::int) i,
            LATERAL (SELECT abs(hashint4extended(i, 1)) % 100 AS status, abs(hashint4extended(i, 2)) % 100 AS priority,
                            abs(hashint4extended(i, 3)) % 1000 AS misc, abs(hashint4extended(i, 4)) AS age) roll
        ) s1
      ) s2
    ) s
    JOIN bench_requester r ON r.n = 1 + (s.i - 1) % $2::int AND r.k = ((s.i - 1) / $2::int) % ${REQUESTERS_PER_TENANT}
    JOIN bench_policy p ON p.plan_id = r.plan_id AND p.priority = s.priority
    LEFT JOIN bench_agent a ON a.n = abs(hashint4extended(s.i, 6)) % ${AGENTS} AND abs(hashint4extended(s.i, 5)) % 100 < CASE WHEN s.status = 'NEW' THEN 30 ELSE 92 END
    CROSS JOIN LATERAL (
      SELECT CASE WHEN s.status IN ('NEW', 'OPEN') AND s.responded IS NULL THEN s.created + p.first_response * interval '1 minute' END AS first_response,
        CASE WHEN s.status = 'OPEN' AND s.awaiting IS NOT NULL THEN s.awaiting + p.next_response * interval '1 minute' END AS next_response,
        CASE WHEN s.status IN ('NEW', 'OPEN') THEN s.created + p.resolution * interval '1 minute' END AS resolution
    ) d
    CROSS JOIN LATERAL (SELECT d.first_response, d.next_response, d.resolution, least(d.first_response, d.next_response, d.resolution) AS sla) due`,
    [from, tenants, to],
  );
}

/**
 * 0 to 6 comments per ticket (3 on average), alternating requester and agent. Agents' comments before the
 * first response are internal notes, and so is every fourth one after it.
 */
async function insertComments(client: pg.Client, from: number, to: number): Promise<void> {
  await client.query(`
    INSERT INTO "TicketComment" (id, "ticketId", "tenantId", "authorType", "authorAdminId", "authorUserId", body, internal, "createdAt")
    SELECT gen_random_uuid(), t.id, t."tenantId",
      (CASE WHEN k % 2 = 1 THEN 'REQUESTER' ELSE 'ADMIN' END)::"TicketActorType",
      CASE WHEN k % 2 = 0 THEN coalesce(t."assigneeId", (SELECT id FROM bench_agent WHERE n = 0)) END,
      CASE WHEN k % 2 = 1 THEN t."requesterId" END,
      (${sqlText(BODIES)})[1 + (t.number + k) % ${BODIES.length}],
      k % 2 = 0 AND (t."firstRespondedAt" IS NULL OR k % 4 = 0),
      least(now(), t."createdAt" + k * interval '37 minutes')
    FROM "Ticket" t, generate_series(1, (abs(hashint4extended(t.number, 7)) % 7)::int) k
    WHERE t.number BETWEEN 1000 + $1::int AND 1000 + $2::int`, [from, to]);
}

/** The foreign keys the load did not check row by row, checked in one pass each: a dangling reference throws. */
async function checkReferences(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ dangling: string }>(`
    SELECT (SELECT count(*) FROM "Ticket" t WHERE NOT EXISTS (SELECT 1 FROM "Tenant" x WHERE x.id = t."tenantId"))
      + (SELECT count(*) FROM "Ticket" t WHERE NOT EXISTS (SELECT 1 FROM "User" x WHERE x.id = t."requesterId"))
      + (SELECT count(*) FROM "Ticket" t WHERE t."assigneeId" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "AdminUser" x WHERE x.id = t."assigneeId"))
      + (SELECT count(*) FROM "Ticket" t WHERE t."slaPolicyId" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "SlaPolicy" x WHERE x.id = t."slaPolicyId"))
      + (SELECT count(*) FROM "TicketComment" c WHERE NOT EXISTS (SELECT 1 FROM "Ticket" x WHERE x.id = c."ticketId"))
      + (SELECT count(*) FROM "TicketComment" c WHERE c."authorAdminId" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "AdminUser" x WHERE x.id = c."authorAdminId"))
      + (SELECT count(*) FROM "TicketComment" c WHERE c."authorUserId" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "User" x WHERE x.id = c."authorUserId"))
      AS dangling`);
  if (Number(rows[0]!.dangling)) throw new Error(`seed: ${rows[0]!.dangling} dangling references`);
}

/** What the search triggers would have written, in one pass over the comments. */
async function fillSearchVectors(client: pg.Client): Promise<void> {
  await client.query(`
    UPDATE "Ticket" t SET
      "searchPublic" = setweight(to_tsvector('english', t.subject), 'A') || setweight(to_tsvector('english', t.description), 'B')
        || coalesce(setweight(to_tsvector('english', c.public), 'C'), ''::tsvector),
      "searchInternal" = to_tsvector('english', c.internal)
    FROM (SELECT "ticketId", string_agg(body, ' ') FILTER (WHERE NOT internal) AS public, string_agg(body, ' ') FILTER (WHERE internal) AS internal
          FROM "TicketComment" GROUP BY "ticketId") c
    WHERE c."ticketId" = t.id`);
  await client.query(`
    UPDATE "Ticket" t SET "searchPublic" = setweight(to_tsvector('english', t.subject), 'A') || setweight(to_tsvector('english', t.description), 'B')
    WHERE "searchPublic" IS NULL`);
}
