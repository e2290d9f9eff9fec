// pnpm bench:tenants: the API beside PostGraphile 5 (the anchor) and a bare node http + pg server (the
// baseline), against one seeded database in one run, for two hot queries: the admin tenants list and a
// tenant key's viewer. Every server answers byte-identical JSON (checked first). Runs are interleaved and
// repeated; medians are reported, with SQL statements per request, CPU per request and memory.
import os from 'node:os';
import pg from 'pg';
import { benchDatabase, builtScript, cpuMs, load, report, rssByProcess, rssMb, spawnServer, type BenchServer, type LoadResult } from './harness.ts';
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

interface Request {
  url: string;
  body: string;
  headers: Record<string, string>;
}

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

  for (const scenario of scenarios) await sameAnswers(scenario, plan);
  const statements = await statementsPerRequest(db.url, plan);

  const results = await interleaved(servers, plan, scenarios, ROUNDS);
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
    for (const scenario of scenarios) await sameAnswers(scenario, fullPlan);
    const full = await interleaved(fullServers, fullPlan, scenarios, ROUNDS);
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

async function send(request: Request): Promise<{ status: number; text: string }> {
  const res = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body || undefined });
  // Apollo ends its JSON with a newline; the rest must be the same bytes.
  return { status: res.status, text: (await res.text()).trimEnd() };
}

/** Every server must answer the same JSON, or the comparison means nothing. */
async function sameAnswers(scenario: Scenario, plan: Partial<Record<ServerName, Record<Scenario, Request>>>): Promise<void> {
  const answers = await Promise.all(Object.entries(plan).map(async ([name, requests]) => [name, await send(requests![scenario])] as const));
  const [first, ...rest] = answers;
  for (const [name, answer] of answers) {
    if (answer.status !== 200) throw new Error(`${scenario}: ${name} answered ${answer.status}: ${answer.text.slice(0, 500)}`);
  }
  for (const [name, answer] of rest) {
    if (answer.text !== first![1].text) {
      const length = Math.min(answer.text.length, first![1].text.length);
      let at = 0;
      while (at < length && answer.text[at] === first![1].text[at]) at += 1;
      throw new Error(`${scenario}: ${first![0]} and ${name} disagree from character ${at}:\n${JSON.stringify(first![1].text.slice(at - 100, at + 300))}\n${JSON.stringify(answer.text.slice(at - 100, at + 300))}`);
    }
  }
  if (!first![1].text.includes('"name"')) throw new Error(`${scenario}: empty answer ${first![1].text}`);
}

/** SQL statements per request for each server alone (pg_stat_statements over 100 sequential requests). */
async function statementsPerRequest(url: string, plan: Record<ServerName, Record<Scenario, Request>>) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const available = await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements').then(() => true, () => false);
    if (!available) return null;
    const counts: Record<string, Record<string, number>> = {};
    const N = 100;
    for (const [name, requests] of Object.entries(plan)) {
      counts[name] = {};
      for (const [scenario, request] of Object.entries(requests)) {
        await client.query('SELECT pg_stat_statements_reset()');
        for (let i = 0; i < N; i += 1) await send(request);
        const { rows } = await client.query<{ calls: string }>(
          `SELECT coalesce(sum(calls), 0) AS calls FROM pg_stat_statements
           WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT ILIKE '%pg_stat_statements%'`,
        );
        counts[name]![scenario] = Math.round((Number(rows[0]!.calls) / N) * 100) / 100;
      }
    }
    return counts;
  } finally {
    await client.end();
  }
}

interface Measured extends LoadResult {
  cpu_ms_per_request: number;
}

/**
 * Warms every server up, then runs each scenario on each server `rounds` times, rotating the order each
 * round so no server always runs first or last; returns each server's medians per scenario.
 */
async function interleaved<N extends string>(
  servers: Record<N, BenchServer>,
  plan: Record<N, Record<Scenario, Request>>,
  scenarios: Scenario[],
  rounds: number,
): Promise<Record<N, Partial<Record<Scenario, Measured>>>> {
  const names = Object.keys(servers) as N[];
  for (const name of names) for (const scenario of scenarios) await measure(servers[name], plan[name][scenario], 3);
  const runs = new Map<string, Measured[]>();
  for (let round = 0; round < rounds; round += 1) {
    for (const scenario of scenarios) {
      const order = names.map((_, i) => names[(i + round) % names.length]!);
      for (const name of order) {
        const key = `${name}.${scenario}`;
        runs.set(key, [...(runs.get(key) ?? []), await measure(servers[name], plan[name][scenario], DURATION_S)]);
      }
    }
  }
  return Object.fromEntries(
    names.map((name) => [name, Object.fromEntries(scenarios.map((scenario) => [scenario, medians(runs.get(`${name}.${scenario}`)!)]))]),
  ) as never;
}

async function measure(server: BenchServer, request: Request, durationS: number): Promise<Measured> {
  const before = await cpuMs(server.pid);
  const result = await load({ url: request.url, body: request.body, headers: request.headers, connections: CONNECTIONS, durationS });
  const cpu = (await cpuMs(server.pid)) - before;
  if (result.errors) throw new Error(`${request.url}: ${result.errors} failed requests`);
  return { ...result, cpu_ms_per_request: Math.round((cpu / Math.max(1, result.requests)) * 1000) / 1000 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : Math.round(((sorted[mid - 1]! + sorted[mid]!) / 2) * 1000) / 1000;
}

function medians(runs: Measured[]): Measured & { runs_ops_per_s: number[] } {
  const of = (key: keyof Measured) => median(runs.map((r) => r[key]));
  return {
    requests: of('requests'), errors: of('errors'), ops_per_s: of('ops_per_s'), p50_ms: of('p50_ms'), p95_ms: of('p95_ms'),
    p99_ms: of('p99_ms'), cpu_ms_per_request: of('cpu_ms_per_request'), runs_ops_per_s: runs.map((r) => r.ops_per_s),
  };
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function ratios(ours: Measured, anchor: Measured, baseline: Measured) {
  return {
    ops_vs_anchor: round3(ours.ops_per_s / anchor.ops_per_s),
    p95_vs_anchor: round3(ours.p95_ms / anchor.p95_ms),
    ops_vs_baseline: round3(ours.ops_per_s / baseline.ops_per_s),
  };
}

function pick(result: Measured) {
  return { ops_per_s: result.ops_per_s, p50_ms: result.p50_ms, p95_ms: result.p95_ms, p99_ms: result.p99_ms };
}

async function perServer<T>(servers: Record<ServerName, BenchServer>, read: (s: BenchServer) => Promise<T>): Promise<Record<ServerName, T>> {
  return Object.fromEntries(await Promise.all(Object.entries(servers).map(async ([name, s]) => [name, await read(s as BenchServer)]))) as never;
}
