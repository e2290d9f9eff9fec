// pnpm bench:flags: feature-flag evaluation.
//
//   evaluator: BENCH_FLAGS (100) flags of three rules each (two constraints and a percentage) for
//              BENCH_USERS (1,000) users, evaluated in this process by @opsgraph/flag-evaluator and, in the
//              same rounds, by unleash-client (the anchor) on the same toggles from a local bootstrap (no
//              server: polling and metrics off, nothing is fetched). ns per flag, the median of
//              BENCH_EVAL_ROUNDS rounds of BENCH_EVAL_ROUND_MS each, the two alternating.
//   query:     the same flags created through the admin graph of an API instance (production mode, the
//              built JavaScript on plain node, its own embedded database), then the tenant graph's
//              `flags(context)` with a tenant key: BENCH_QUERY_REQUESTS (1,000) one after another after
//              BENCH_QUERY_WARMUP (200), a different user each, for p50/p95; then BENCH_QUERY_CONNECTIONS (10)
//              connections for BENCH_QUERY_DURATION_S (10) for requests per second. Its answers are checked
//              against the evaluator's in this process first.
//
// One JSON line.
import os from 'node:os';
import pg from 'pg';
import { evaluateFlag, type JsonValue } from '@opsgraph/flag-evaluator';
import { InMemStorageProvider, startUnleash } from 'unleash-client';
import { newSessionToken, sha256 } from '../src/lib/tokens.ts';
import { benchTenant, benchUsers, ourFlags, unleashFeatures, type BenchUser } from './flags-config.ts';
import { benchDatabase, cpuMs, measure, percentile, report, spawnServer, type BenchServer } from './harness.ts';

const FLAGS = Number(process.env.BENCH_FLAGS ?? 100);
const USERS = Number(process.env.BENCH_USERS ?? 1000);
const EVAL_ROUNDS = Math.max(1, Number(process.env.BENCH_EVAL_ROUNDS ?? 7));
const EVAL_ROUND_MS = Number(process.env.BENCH_EVAL_ROUND_MS ?? 1500);
const QUERY_WARMUP = Number(process.env.BENCH_QUERY_WARMUP ?? 200);
const QUERY_REQUESTS = Number(process.env.BENCH_QUERY_REQUESTS ?? 1000);
const QUERY_CONNECTIONS = Number(process.env.BENCH_QUERY_CONNECTIONS ?? 10);
const QUERY_DURATION_S = Number(process.env.BENCH_QUERY_DURATION_S ?? 10);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

// ─── evaluator ───────────────────────────────────────────────────────────────

interface Evaluator {
  /** Every flag for every user once; returns how many evaluations were on (kept so no work is optimised away). */
  pass(): number;
}

/** Passes for `ms`; ns per flag evaluation and the share of evaluations that were on. */
function timeRound(evaluator: Evaluator, ms: number): { ns: number; on: number } {
  let evaluations = 0;
  let on = 0;
  const started = process.hrtime.bigint();
  const until = started + BigInt(ms) * 1_000_000n;
  let now = started;
  while (now < until) {
    on += evaluator.pass();
    evaluations += FLAGS * USERS;
    now = process.hrtime.bigint();
  }
  return { ns: Number(now - started) / evaluations, on: on / evaluations };
}

async function compareEvaluators() {
  const users: BenchUser[] = benchUsers(USERS);
  const flags = ourFlags(FLAGS);
  const ours: Evaluator = {
    pass() {
      let on = 0;
      for (let u = 0; u < users.length; u += 1) {
        const context = users[u]!.ours;
        for (let f = 0; f < flags.length; f += 1) if (evaluateFlag(flags[f]!, benchTenant, context).value === true) on += 1;
      }
      return on;
    },
  };
  const unleash = await startUnleash({
    appName: 'opsgraph-bench',
    // Never contacted: polling is off (refreshInterval 0) and the toggles come from the bootstrap.
    url: 'http://127.0.0.1:9/api/',
    refreshInterval: 0,
    disableMetrics: true,
    skipInstanceCountWarning: true,
    storageProvider: new InMemStorageProvider(),
    bootstrap: { data: unleashFeatures(FLAGS) },
  });
  try {
    const names = flags.map((f) => f.key);
    if (unleash.getFeatureToggleDefinitions()?.length !== FLAGS) throw new Error('unleash-client did not load the bootstrapped toggles');
    const anchor: Evaluator = {
      pass() {
        let on = 0;
        for (let u = 0; u < users.length; u += 1) {
          const context = users[u]!.unleash;
          for (let f = 0; f < names.length; f += 1) if (unleash.isEnabled(names[f]!, context)) on += 1;
        }
        return on;
      },
    };
    // Warm-up: both reach their optimised code before anything is measured.
    timeRound(ours, 1000);
    timeRound(anchor, 1000);
    const runs = { ours: [] as number[], unleash: [] as number[] };
    const shares = { ours: 0, unleash: 0 };
    for (let r = 0; r < EVAL_ROUNDS; r += 1) {
      const order = r % 2 === 0 ? (['ours', 'unleash'] as const) : (['unleash', 'ours'] as const);
      for (const name of order) {
        const { ns, on } = timeRound(name === 'ours' ? ours : anchor, EVAL_ROUND_MS);
        runs[name].push(ns);
        shares[name] = on;
      }
    }
    return {
      flags: FLAGS,
      rules_per_flag: 3,
      users: USERS,
      rounds: EVAL_ROUNDS,
      ns_per_flag: round(median(runs.ours)),
      runs_ns_per_flag: runs.ours.map((ns) => round(ns)),
      // The two hash into different bucket ranges (10,000 against 100), so equal shares, not equal answers.
      on_share: round(shares.ours, 4),
      anchor: {
        name: 'unleash-client',
        version: (await import('unleash-client/package.json', { with: { type: 'json' } })).default.version,
        ns_per_flag: round(median(runs.unleash)),
        runs_ns_per_flag: runs.unleash.map((ns) => round(ns)),
        on_share: round(shares.unleash, 4),
      },
    };
  } finally {
    unleash.destroy();
  }
}

// ─── query ───────────────────────────────────────────────────────────────────

const FLAGS_QUERY = 'query Flags($context: FlagContextInput) { flags(context: $context) { key value reason ruleId bucket } }';

/** An OWNER session straight into the tables: the bench signs in without the password hash's cost. */
async function ownerSession(url: string): Promise<string> {
  const token = newSessionToken();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `WITH admin AS (
         INSERT INTO "AdminUser" (id, email, name, role, "passwordHash", "updatedAt")
         VALUES (gen_random_uuid(), 'bench-owner@opsgraph.dev', 'Bench owner', 'OWNER', 'x', now()) RETURNING id)
       INSERT INTO "AdminSession" (id, "adminUserId", "tokenHash", "expiresAt") SELECT gen_random_uuid(), id, $1, now() + interval '1 day' FROM admin`,
      [sha256(token)],
    );
    return token;
  } finally {
    await client.end();
  }
}

/** One admin mutation; returns its success's `data`, or throws with the answer. */
async function adminCall(server: BenchServer, token: string, query: string, variables: Record<string, unknown>): Promise<any> {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: Record<string, { data?: unknown; message?: string }>; errors?: unknown };
  const result = body.data && Object.values(body.data)[0];
  if (!result?.data) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(body).slice(0, 500)}`);
  return result.data;
}

/** A plan (code `pro`, as the rules expect), a tenant on it, its key, and the bench's flags, all through the admin graph. */
async function seedFlags(server: BenchServer, token: string): Promise<string> {
  const plan = await adminCall(server, token, `mutation($input: CreatePlanInput!) { createPlan(input: $input) { ... on MutationCreatePlanSuccess { data { id } } ... on Error { message } } }`, {
    input: { code: benchTenant.plan, name: 'Pro', currency: 'USD', monthlyPrice: 1000, yearlyPrice: 10000, trialDays: 0, emailsPerMonth: 1000, smsPerMonth: 100, seats: 10, apiCallsPerMonth: 1_000_000, entitlements: benchTenant.entitlements },
  });
  const tenant = await adminCall(server, token, `mutation($input: CreateTenantInput!) { createTenant(input: $input) { ... on MutationCreateTenantSuccess { data { id } } ... on Error { message } } }`, {
    input: { name: 'Bench tenant', planId: plan.id, ownerName: 'Owner', ownerEmail: 'owner@bench.example' },
  });
  const key = await adminCall(server, token, `mutation($input: CreateTenantApiKeyInput!) { createTenantApiKey(input: $input) { ... on MutationCreateTenantApiKeySuccess { data { secret } } ... on Error { message } } }`, {
    input: { tenantId: tenant.id, name: 'bench' },
  });
  for (const flag of ourFlags(FLAGS)) {
    const created = await adminCall(server, token, `mutation($input: CreateFlagInput!) { createFlag(input: $input) { ... on MutationCreateFlagSuccess { data { id } } ... on Error { message } } }`, {
      input: { key: flag.key, type: flag.type, enabled: flag.enabled, defaultValue: flag.defaultValue, onValue: flag.onValue },
    });
    await adminCall(server, token, `mutation($id: ID!, $rules: [FlagRuleInput!]!) { setFlagRules(id: $id, rules: $rules) { ... on MutationSetFlagRulesSuccess { data { id } } ... on Error { message } } }`, {
      id: created.id,
      rules: flag.rules.map((r) => ({ id: r.id, description: r.description, constraints: r.constraints, value: r.value, rollout: r.rollout })),
    });
  }
  return key.secret as string;
}

const requestOf = (server: BenchServer, apiKey: string, user: BenchUser) => ({
  url: `${server.url}/graphql`,
  headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
  body: JSON.stringify({ query: FLAGS_QUERY, variables: { context: { userId: user.ours.userId, attributes: user.ours.attributes } } }),
});

async function askFlags(server: BenchServer, apiKey: string, user: BenchUser): Promise<{ key: string; value: JsonValue }[]> {
  const request = requestOf(server, apiKey, user);
  const res = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
  const body = (await res.json()) as { data?: { flags: { key: string; value: JsonValue }[] }; errors?: unknown };
  if (!body.data) throw new Error(`flags query failed: ${JSON.stringify(body).slice(0, 500)}`);
  return body.data.flags;
}

async function measureQuery() {
  const db = await benchDatabase();
  let server: BenchServer | null = null;
  try {
    const token = await ownerSession(db.url);
    server = await spawnServer({ node: ['dist/main.js'] }, { DATABASE_URL: db.url, API_WORKERS: '1', SEED_DEMO: 'false', WORKER: 'inline' }, { ready: '/healthz' });
    const apiKey = await seedFlags(server, token);
    const users = benchUsers(USERS);
    const flags = ourFlags(FLAGS);
    // The API evaluates with the same code: its answers must be this process's, user by user.
    for (const user of users.slice(0, 20)) {
      const answered = new Map((await askFlags(server, apiKey, user)).map((f) => [f.key, f.value]));
      for (const flag of flags) {
        const expected = evaluateFlag(flag, benchTenant, user.ours).value;
        if (answered.get(flag.key) !== expected) throw new Error(`${flag.key} for ${user.ours.userId}: the API answered ${JSON.stringify(answered.get(flag.key))}, the evaluator ${JSON.stringify(expected)}`);
      }
    }
    for (let i = 0; i < QUERY_WARMUP; i += 1) await askFlags(server, apiKey, users[i % users.length]!);
    const latencies: number[] = [];
    const cpuBefore = await cpuMs(server.pid);
    for (let i = 0; i < QUERY_REQUESTS; i += 1) {
      const started = performance.now();
      const answer = await askFlags(server, apiKey, users[i % users.length]!);
      latencies.push(performance.now() - started);
      if (answer.length !== FLAGS) throw new Error(`the flags query answered ${answer.length} flags`);
    }
    const cpuPerRequest = ((await cpuMs(server.pid)) - cpuBefore) / QUERY_REQUESTS;
    latencies.sort((x, y) => x - y);
    const loaded = await measure(server, requestOf(server, apiKey, users[0]!), { connections: QUERY_CONNECTIONS, durationS: QUERY_DURATION_S, dbPid: db.pid });
    return {
      flags: FLAGS,
      requests: QUERY_REQUESTS,
      p50_ms: percentile(latencies, 50),
      p95_ms: percentile(latencies, 95),
      p99_ms: percentile(latencies, 99),
      cpu_ms_per_request: round(cpuPerRequest, 3),
      load: { connections: QUERY_CONNECTIONS, duration_s: QUERY_DURATION_S, ops_per_s: loaded.ops_per_s, p50_ms: loaded.p50_ms, p95_ms: loaded.p95_ms, p99_ms: loaded.p99_ms, cpu_ms_per_request: loaded.cpu_ms_per_request, db_cpu_ms_per_request: loaded.db_cpu_ms_per_request },
    };
  } finally {
    await server?.stop();
    await db.stop();
  }
}

// ─── run ─────────────────────────────────────────────────────────────────────

const loadBefore = os.loadavg()[0]!;
const { anchor, ...evaluator } = await compareEvaluators();
const query = await measureQuery();
report({
  bench: 'flags',
  ops_per_s: query.load.ops_per_s,
  p50_ms: query.p50_ms,
  p95_ms: query.p95_ms,
  evaluator,
  query,
  anchor,
  ratios: { ns_vs_anchor: round(evaluator.ns_per_flag / anchor.ns_per_flag, 3) },
  load_1m: [round(loadBefore, 2), round(os.loadavg()[0]!, 2)],
});
