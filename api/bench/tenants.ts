// pnpm bench:tenants: the API beside PostGraphile 5 (the anchor) and a bare node http + pg server (the
// baseline), against one seeded database in one run, for two hot queries: the admin tenants list and a
// tenant key's viewer. Every server answers byte-identical JSON (checked first). Runs are interleaved and
// repeated; medians are reported, with SQL statements per request, CPU per request and memory.
import os from 'node:os';
import pg from 'pg';
import {
  benchDatabase,
  builtScript,
  interleaved,
  pick,
  ratios,
  report,
  rssByProcess,
  rssMb,
  sameAnswers,
  spawnServer,
  statementsPerRequest,
  type BenchRequest,
  type BenchServer,
} from './harness.ts';
import { seedBench } from './seed.ts';

const TENANTS = Number(process.env.BENCH_TENANTS ?? 10_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
// Every server gets the same pool; 2 x cores + 1 is the usual PostgreSQL sizing rule.
const POOL = Number(process.env.BENCH_POOL ?? os.cpus().length * 2 + 1);
/** API processes for the full-machine runs (API_WORKERS); 0 skips them. */
const FULL_WORKERS = Number(process.env.BENCH_API_WORKERS ?? os.cpus().length);

const QUOTAS = 'emailsPerMonth smsPerMonth seats apiCallsPerMonth';
const QUERIES = {
  list: {
    opsgraph: '{ tenants(first: 50, filter: {status: [ACTIVE]}) { edges { node { id name status plan { name monthlyPrice } } } } }',
    // Prisma's quoted PascalCase tables give PostGraphile `allTenants`, `rowId` and `planByPlanId`; aliases make the JSON the same.
    postgraphile:
      '{ tenants: allTenants(condition: {status: ACTIVE}, first: 50, orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) { edges { node { id: rowId name status plan: planByPlanId { name monthlyPrice } } } } }',
  },
  viewer: {
    opsgraph: `{ viewer { tenant { name status plan { name quotas { ${QUOTAS} } entitlements } } } }`,
    // PostGraphile has no API keys: it is given the key's tenant id (its `query` field nests the root).
    postgraphile: (tenantId: string) =>
      `{ viewer: query { tenant: tenantByRowId(rowId: "${tenantId}") { name status plan: planByPlanId { name quotas { ${QUOTAS} } entitlements } } } }`,
  },
};
type Scenario = keyof typeof QUERIES;
type ServerName = 'opsgraph' | 'postgraphile' | 'bare';

type Request = BenchRequest;
const shape = { connections: CONNECTIONS, durationS: DURATION_S, rounds: ROUNDS };

const db = await benchDatabase();
const seed = await seedBench(db.url, { tenants: TENANTS });
await anchorSchema(db.url);

const serverEnv = { DATABASE_URL: db.url, DATABASE_POOL_MAX: String(POOL) };
// The API as production starts it: the built JavaScript on plain node (`pnpm bench:tenants` builds it first).
const opsgraph = (workers: number) =>
  spawnServer({ node: ['dist/main.js'] }, { ...serverEnv, API_WORKERS: String(workers), WORKER: 'separate', SEED_DEMO: 'false' }, { ready: '/healthz' });
const started: BenchServer[] = [];
const start = async (run: () => Promise<BenchServer>) => {
  const server = await run();
  started.push(server);
  return server;
};

try {
  const servers: Record<ServerName, BenchServer> = {
    opsgraph: await start(() => opsgraph(1)),
    postgraphile: await start(async () =>
      spawnServer({ node: ['--import', './bench/promise-with-resolvers.mjs', await builtScript('postgraphile-server.ts')] }, serverEnv),
    ),
    bare: await start(async () => spawnServer({ node: [await builtScript('baseline-server.ts')] }, serverEnv)),
  };
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const idleRss = await perServer(servers, (s) => rssMb(s.pid));

  const requests = (name: ServerName, server: BenchServer): Record<Scenario, Request> => {
    const json = { 'content-type': 'application/json' };
    const admin = { ...json, authorization: `Bearer ${seed.token}` };
    const tenant = { ...json, authorization: `Bearer ${seed.tenantKey}` };
    const graphql = (query: string, headers: Record<string, string>) => ({ url: `${server.url}/graphql`, body: JSON.stringify({ query }), headers });
    if (name === 'opsgraph') return { list: graphql(QUERIES.list.opsgraph, admin), viewer: graphql(QUERIES.viewer.opsgraph, tenant) };
    if (name === 'postgraphile') return { list: graphql(QUERIES.list.postgraphile, json), viewer: graphql(QUERIES.viewer.postgraphile(seed.tenantId), json) };
    return { list: { url: `${server.url}/tenants`, body: '', headers: admin }, viewer: { url: `${server.url}/viewer`, body: '', headers: tenant } };
  };
  const plan = Object.fromEntries(Object.entries(servers).map(([name, s]) => [name, requests(name as ServerName, s)])) as Record<ServerName, Record<Scenario, Request>>;
  const scenarios = Object.keys(QUERIES) as Scenario[];

  for (const scenario of scenarios) await sameAnswers(scenario, forScenario(plan, scenario));
  const statements = await statementsPerRequest(db.url, plan);

  const results = await interleaved(servers, plan, scenarios, shape);
  const loadedRss = await perServer(servers, (s) => rssMb(s.pid));

  let fullMachine: Record<string, unknown> | null = null;
  if (FULL_WORKERS > 1) {
    await servers.opsgraph.stop();
    started.splice(started.indexOf(servers.opsgraph), 1);
    const cluster = await start(() => opsgraph(FULL_WORKERS));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const clusterIdle = await rssByProcess(cluster.pid);
    const fullServers = { opsgraph: cluster, postgraphile: servers.postgraphile };
    const fullPlan = { opsgraph: requests('opsgraph', cluster), postgraphile: plan.postgraphile };
    for (const scenario of scenarios) await sameAnswers(scenario, forScenario(fullPlan, scenario));
    const full = await interleaved(fullServers, fullPlan, scenarios, shape);
    fullMachine = {
      api_workers: FULL_WORKERS,
      note: 'the API on every core (API_WORKERS): a primary (migrations, supervision) and one HTTP process per core, listed in that order under rss_mb; PostGraphile and the baseline stay single processes',
      opsgraph: full.opsgraph,
      ratios: Object.fromEntries(scenarios.map((s) => [s, ratios(full.opsgraph[s]!, results.postgraphile[s]!, results.bare[s]!)])),
      rss_mb: { idle_per_process: clusterIdle, after_load_per_process: await rssByProcess(cluster.pid) },
    };
  }

  const listRatios = ratios(results.opsgraph.list!, results.postgraphile.list!, results.bare.list!);
  const viewerRatios = ratios(results.opsgraph.viewer!, results.postgraphile.viewer!, results.bare.viewer!);
  const met = (r: ReturnType<typeof ratios>) => r.ops_vs_anchor >= 1 && r.p95_vs_anchor <= 1.2 && r.ops_vs_baseline >= 0.5;
  report({
    bench: 'tenants',
    ...pick(results.opsgraph.list!),
    tenants: TENANTS,
    connections: CONNECTIONS,
    duration_s: DURATION_S,
    rounds: ROUNDS,
    db_pool: POOL,
    queries: QUERIES.list.opsgraph + ' | ' + QUERIES.viewer.opsgraph,
    opsgraph: results.opsgraph,
    anchor: { name: 'postgraphile 5.1.5 (Amber preset, grafserv on node http)', ...results.postgraphile },
    baseline: { name: 'node http + pg, one hand-written SQL statement (authentication included)', ...results.bare },
    ratios: { list: listRatios, viewer: viewerRatios },
    statements_per_request: statements,
    rss_mb: { idle: idleRss, after_load: loadedRss },
    full_machine: fullMachine,
    targets_met: { list: met(listRatios), viewer: met(viewerRatios), idle_rss: idleRss.opsgraph <= 150 },
  });
} finally {
  for (const server of started) await server.stop();
  await db.stop();
}

// ─── pieces ──────────────────────────────────────────────────────────────────

/**
 * What PostGraphile needs to serve the same shape as the API's `plan { quotas { … } }`: a computed column
 * (`Plan_quotas`) returning a composite type. Created in the benchmark's own database only.
 */
async function anchorSchema(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`
      CREATE TYPE "BenchPlanQuotas" AS ("emailsPerMonth" int, "smsPerMonth" int, seats int, "apiCallsPerMonth" int);
      CREATE FUNCTION "Plan_quotas"(p "Plan") RETURNS "BenchPlanQuotas" LANGUAGE sql STABLE
        AS $$ SELECT p."emailsPerMonth", p."smsPerMonth", p.seats, p."apiCallsPerMonth" $$;`);
  } finally {
    await client.end();
  }
}

function forScenario(plan: Partial<Record<ServerName, Record<Scenario, Request>>>, scenario: Scenario): Record<string, Request> {
  return Object.fromEntries(Object.entries(plan).map(([name, requests]) => [name, requests![scenario]]));
}

async function perServer<T>(servers: Record<ServerName, BenchServer>, read: (s: BenchServer) => Promise<T>): Promise<Record<ServerName, T>> {
  return Object.fromEntries(await Promise.all(Object.entries(servers).map(async ([name, s]) => [name, await read(s as BenchServer)]))) as never;
}
