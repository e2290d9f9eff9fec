// pnpm bench:tickets: the support queue (50 open tickets by SLA due, with tenant, plan, assignee and last
// public comment) from the API beside PostGraphile 5 (the anchor) and a bare node http + pg server (the
// baseline), at 1,000,000 tickets (10,000 tenants, 3,000,000 comments) and at 10,000 tickets of the same
// shape, two databases on one server seeded in the same run. Every server's answer is checked to be the
// same JSON first. One JSON line.
import os from 'node:os';
import pg from 'pg';
import {
  benchDatabase,
  builtScript,
  interleaved,
  pick,
  ratios,
  report,
  rssMb,
  sameAnswers,
  spawnServer,
  statementsPerRequest,
  type BenchRequest,
  type BenchServer,
  type Medians,
} from './harness.ts';
import { seedTickets, type TicketSeed } from './tickets-seed.ts';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 1_000_000);
const TENANTS = Number(process.env.BENCH_TENANTS ?? 10_000);
/** The small database: same tickets per tenant and comments per ticket. */
const SMALL_TICKETS = Number(process.env.BENCH_SMALL_TICKETS ?? 10_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const POOL = Number(process.env.BENCH_POOL ?? os.cpus().length * 2 + 1);
const SEARCH_VECTORS = process.env.BENCH_SEARCH_VECTORS === '1';
/**
 * The queue query with every field the issue names costs 5,242 by graphql-armor's static rule (objects 2,
 * scalars 1, x1.5 per level), over the API's default MAX_COST of 5,000: the bench raises the limit for its API
 * process (reported in the JSON line) rather than measure a smaller query than the others answer.
 */
const API_MAX_COST = process.env.BENCH_API_MAX_COST ?? '6000';
type ServerName = 'opsgraph' | 'postgraphile' | 'bare';
/** BENCH_SERVERS=postgraphile,bare runs a subset (a quick look at one side). */
const SERVERS = (process.env.BENCH_SERVERS ?? 'opsgraph,postgraphile,bare').split(',') as ServerName[];

/** The queue's fields, in the order every server answers them. */
const TICKET_FIELDS = `id number reference subject status priority slaState firstResponseDueAt nextResponseDueAt resolutionDueAt slaDueAt
  tenant { name plan { name } } assignee { name } lastPublicComment { body createdAt }`;
const OPEN = '[NEW, OPEN, PENDING, ON_HOLD]';
const QUERIES = {
  opsgraph: `{ tickets(first: 50, filter: { status: ${OPEN} }, sort: SLA_DUE_ASC) { edges { node { ${TICKET_FIELDS} } } } }`,
  // Prisma's quoted PascalCase tables give PostGraphile `rowId`, `tenantByTenantId`, …; aliases make the JSON the same.
  // The open-status filter and the SLA order are a custom query function (its condition argument only knows equality).
  postgraphile: `{ tickets: benchTicketQueue(first: 50) { edges { node { ${TICKET_FIELDS.replace('id ', 'id: rowId ')
    .replace('tenant {', 'tenant: tenantByTenantId {')
    .replace('plan {', 'plan: planByPlanId {')
    .replace('assignee {', 'assignee: adminUserByAssigneeId {')} } } } }`,
};

const seedStarted = performance.now();
const db = await benchDatabase({
  databases: ['bench', 'bench_small'],
  settings: { shared_buffers: '1GB', max_wal_size: '8GB', maintenance_work_mem: '512MB', checkpoint_timeout: '30min' },
});
const [largeUrl, smallUrl] = db.urls as [string, string];
const small = await seedTickets(smallUrl, { tickets: SMALL_TICKETS, tenants: Math.max(1, Math.round((TENANTS * SMALL_TICKETS) / TICKETS)), searchVectors: SEARCH_VECTORS });
const large = await seedTickets(largeUrl, { tickets: TICKETS, tenants: TENANTS, searchVectors: SEARCH_VECTORS });
for (const url of db.urls) await anchorSchema(url);
const seedSeconds = Math.round((performance.now() - seedStarted) / 100) / 10;

const started: BenchServer[] = [];
// The machine may be shared: the 1-minute load average before and after measuring says how much.
const loadBefore = os.loadavg()[0]!;
const shape = { connections: CONNECTIONS, durationS: DURATION_S, rounds: ROUNDS, dbPid: db.pid };

try {
  const at10k = await run(smallUrl, small, { statements: false });
  const at1m = await run(largeUrl, large, { statements: true });
  const ours = at1m.results.opsgraph?.queue;
  const anchor = at1m.results.postgraphile?.queue;
  const bare = at1m.results.bare?.queue;
  const queueRatios = ours && anchor && bare ? ratios(ours, anchor, bare) : null;
  const p95Growth = ours && at10k.results.opsgraph ? round3(ours.p95_ms / at10k.results.opsgraph.queue.p95_ms) : null;
  report({
    bench: 'tickets',
    ...(ours ? pick(ours) : {}),
    tickets: large.counts.tickets,
    open_tickets: large.counts.openTickets,
    tenants: large.counts.tenants,
    comments: large.counts.comments,
    internal_notes: large.counts.internalNotes,
    small_tickets: small.counts.tickets,
    seed_s: { total: seedSeconds, large: large.seconds, small: small.seconds.total },
    search_vectors: SEARCH_VECTORS ? 'filled in one UPDATE after the load' : 'left null (the queue does not read them)',
    connections: CONNECTIONS,
    duration_s: DURATION_S,
    rounds: ROUNDS,
    db_pool: POOL,
    api_max_cost: Number(API_MAX_COST),
    query: QUERIES.opsgraph.replace(/\s+/g, ' '),
    opsgraph: at1m.results.opsgraph?.queue ?? null,
    anchor: anchor ? { name: 'postgraphile 5.1.5 (Amber preset, grafserv on node http)', ...anchor } : null,
    baseline: bare ? { name: 'node http + pg, one hand-written SQL statement (authentication included)', ...bare } : null,
    ratios: queueRatios,
    statements_per_request: at1m.statements,
    at_10k: Object.fromEntries(Object.entries(at10k.results).map(([name, r]) => [name, pick(r.queue)])),
    p95_1m_vs_10k: p95Growth,
    rss_mb_after_load: at1m.rss,
    load_avg_1m: { before: round3(loadBefore), after: round3(os.loadavg()[0]!) },
    targets: { ops_vs_anchor: '>= 1', ops_vs_baseline: '>= 0.5', p95_1m_vs_10k: '<= 1.3' },
    targets_met: queueRatios && p95Growth !== null
      ? { ops_vs_anchor: queueRatios.ops_vs_anchor >= 1, ops_vs_baseline: queueRatios.ops_vs_baseline >= 0.5, p95_1m_vs_10k: p95Growth <= 1.3 }
      : null,
  });
} finally {
  for (const server of started) await server.stop();
  await db.stop();
}

// ─── pieces ──────────────────────────────────────────────────────────────────

/** Starts the servers on one database, checks they agree, counts statements, measures, stops them. */
async function run(url: string, seed: TicketSeed, options: { statements: boolean }) {
  const env = { DATABASE_URL: url, DATABASE_POOL_MAX: String(POOL) };
  const launch: Record<ServerName, () => Promise<BenchServer>> = {
    // The API as production starts it: the built JavaScript on plain node (`pnpm bench:tickets` builds it first).
    opsgraph: () => spawnServer({ node: ['dist/main.js'] }, { ...env, API_WORKERS: '1', WORKER: 'separate', SEED_DEMO: 'false', MAX_COST: API_MAX_COST }, { ready: '/healthz' }),
    postgraphile: async () => spawnServer({ node: ['--import', './bench/promise-with-resolvers.mjs', await builtScript('postgraphile-server.ts')] }, env),
    bare: async () => spawnServer({ node: [await builtScript('baseline-server.ts')] }, env),
  };
  const servers = {} as Record<ServerName, BenchServer>;
  for (const name of SERVERS) {
    servers[name] = await launch[name]();
    started.push(servers[name]);
  }
  const plan = Object.fromEntries(SERVERS.map((name) => [name, { queue: request(name, servers[name], seed.token) }])) as Record<ServerName, { queue: BenchRequest }>;
  await sameAnswers('queue', Object.fromEntries(SERVERS.map((name) => [name, plan[name].queue])), { normalise: instants, mustInclude: '"lastPublicComment"' });
  const statements = options.statements ? await statementsPerRequest(url, plan) : null;
  const results = await interleaved(servers, plan, ['queue'], shape);
  const rss = Object.fromEntries(await Promise.all(SERVERS.map(async (name) => [name, await rssMb(servers[name].pid)]))) as Record<ServerName, number>;
  for (const name of SERVERS) {
    await servers[name].stop();
    started.splice(started.indexOf(servers[name]), 1);
  }
  return { results: results as Partial<Record<ServerName, { queue: Medians }>>, statements, rss };
}

function request(name: ServerName, server: BenchServer, token: string): BenchRequest {
  const json = { 'content-type': 'application/json' };
  const admin = { ...json, authorization: `Bearer ${token}` };
  if (name === 'bare') return { url: `${server.url}/tickets`, body: '', headers: admin };
  // PostGraphile authenticates nobody.
  return { url: `${server.url}/graphql`, body: JSON.stringify({ query: QUERIES[name] }), headers: name === 'opsgraph' ? admin : json };
}

/** PostGraphile writes timestamps as `2026-12-07T10:00:00.123+00:00`, the API as `…00.123Z`: compare instants. */
function instants(text: string): string {
  return text.replace(/"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d))"/g, (_, at: string) => `"${new Date(at).toISOString()}"`);
}

/**
 * What PostGraphile needs to serve the same rows and fields, created in the benchmark's databases only: the
 * queue as a custom query (open statuses, SLA due first, nulls last, then id), `reference`, and the last
 * public comment as computed columns.
 */
async function anchorSchema(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`
      CREATE FUNCTION "benchTicketQueue"() RETURNS SETOF "Ticket" LANGUAGE sql STABLE AS $$
        SELECT * FROM "Ticket" WHERE status IN ('NEW', 'OPEN', 'PENDING', 'ON_HOLD') ORDER BY "slaDueAt" ASC NULLS LAST, id ASC
      $$;
      CREATE FUNCTION "Ticket_reference"(t "Ticket") RETURNS text LANGUAGE sql STABLE AS $$ SELECT 'T-' || t.number $$;
      CREATE FUNCTION "Ticket_lastPublicComment"(t "Ticket") RETURNS "TicketComment" LANGUAGE sql STABLE AS $$
        SELECT * FROM "TicketComment" c WHERE c."ticketId" = t.id AND NOT c.internal ORDER BY c."createdAt" DESC, c.id DESC LIMIT 1
      $$;`);
  } finally {
    await client.end();
  }
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
