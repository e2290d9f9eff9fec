// pnpm bench:webhooks: signed Stripe events with unique ids at POST /webhooks/stripe, 50 connections, 15 s,
// against a bare baseline in the same run (node http, one INSERT per request, no signature check). Then
// the rows are counted: every acknowledged event stored (0 lost), once, with one processing job each (0
// duplicated). One JSON line.
import autocannon from 'autocannon';
import os from 'node:os';
import pg from 'pg';
import { signStripe, stripeEvent, TEST_STRIPE_SECRET } from '../test/webhook-signing.ts';
import { benchDatabase, builtScript, cpuMs, percentile, report, rssMb, spawnServer, type BenchServer } from './harness.ts';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 15);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 3);
const POOL = Number(process.env.BENCH_POOL ?? os.cpus().length * 2 + 1);
const API_WORKERS = Number(process.env.BENCH_API_WORKERS ?? 1);
const TYPE = 'bench.webhook';

interface Run {
  accepted: number;
  non_2xx: number;
  errors: number;
  accepted_per_s: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  cpu_ms_per_request: number;
}

/** `durationS` of signed events, each with a new id; the ids of the 2xx answers go into `acknowledged`. */
async function load(server: BenchServer, path: string, durationS: number, acknowledged: Set<string>): Promise<Run> {
  const latencies: number[] = [];
  let non2xx = 0;
  const before = await cpuMs(server.pid);
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${server.url}${path}`,
        method: 'POST',
        connections: CONNECTIONS,
        duration: durationS,
        requests: [
          {
            // One request at a time per connection: the context remembers which event it carried.
            setupRequest: (req, context: object) => {
              const event = stripeEvent(TYPE, { amount: 1000, currency: 'eur' });
              const signed = signStripe(event);
              (context as { eventId?: string }).eventId = event.id;
              return { ...req, body: signed.body, headers: { ...req.headers, ...signed.headers } };
            },
            onResponse: (status: number, _body: string, context: object) => {
              if (status >= 200 && status < 300) acknowledged.add((context as { eventId: string }).eventId);
              else non2xx += 1;
            },
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  const cpu = (await cpuMs(server.pid)) - before;
  latencies.sort((a, b) => a - b);
  const accepted = result.requests.total - non2xx;
  return {
    accepted,
    non_2xx: non2xx,
    errors: result.errors + result.timeouts,
    accepted_per_s: Math.round((accepted / durationS) * 10) / 10,
    p50_ms: percentile(latencies, 50),
    p95_ms: percentile(latencies, 95),
    p99_ms: percentile(latencies, 99),
    cpu_ms_per_request: Math.round((cpu / Math.max(1, result.requests.total)) * 1000) / 1000,
  };
}

/** Acknowledged ids missing from `table`, ids stored twice, and (for the API) events with other than one job. */
async function audit(client: pg.Client, table: string, acknowledged: Set<string>, jobs: boolean) {
  const ids = [...acknowledged];
  const { rows: [counts] } = await client.query<{ rows: number; lost: number; duplicated: number }>(
    `SELECT (SELECT count(*)::int FROM ${table}) AS rows,
            (SELECT count(*)::int FROM unnest($1::text[]) a(id) WHERE NOT EXISTS (SELECT 1 FROM ${table} e WHERE e."externalId" = a.id)) AS lost,
            (SELECT count(*)::int FROM (SELECT "externalId" FROM ${table} GROUP BY provider, "externalId" HAVING count(*) > 1) d) AS duplicated`,
    [ids],
  );
  if (!jobs) return { ...counts!, events_without_one_job: 0 };
  const { rows: [job] } = await client.query<{ wrong: number; jobs: number }>(
    `WITH per_key AS (SELECT key, count(*) AS n FROM graphile_worker.jobs WHERE task_identifier = 'webhookProcess' GROUP BY key)
     SELECT (SELECT count(*)::int FROM "WebhookEvent" e LEFT JOIN per_key j ON j.key = 'webhook:' || e.id WHERE coalesce(j.n, 0) <> 1) AS wrong,
            (SELECT coalesce(sum(n), 0)::int FROM per_key) AS jobs`,
  );
  return { ...counts!, jobs: job!.jobs, events_without_one_job: job!.wrong };
}

const db = await benchDatabase();
const client = new pg.Client({ connectionString: db.url });
await client.connect();
await client.query(`CREATE TABLE bench_webhook_baseline (LIKE "WebhookEvent" INCLUDING ALL)`);

const started: BenchServer[] = [];
try {
  const serverEnv = { DATABASE_URL: db.url, DATABASE_POOL_MAX: String(POOL) };
  const bare = await spawnServer({ node: [await builtScript('webhook-baseline-server.ts')] }, serverEnv);
  started.push(bare);
  // The API as production starts it (`pnpm bench:webhooks` builds it first); no worker: jobs stay queued.
  const api = await spawnServer(
    { node: ['dist/main.js'] },
    { ...serverEnv, API_WORKERS: String(API_WORKERS), WORKER: 'separate', SEED_DEMO: 'false', STRIPE_WEBHOOK_SECRET: TEST_STRIPE_SECRET },
    { ready: '/healthz' },
  );
  started.push(api);

  const bareAcked = new Set<string>();
  const apiAcked = new Set<string>();
  await load(bare, '/', WARMUP_S, bareAcked);
  await load(api, '/webhooks/stripe', WARMUP_S, apiAcked);
  const baseline = await load(bare, '/', DURATION_S, bareAcked);
  const opsgraph = await load(api, '/webhooks/stripe', DURATION_S, apiAcked);
  const apiRss = await rssMb(api.pid);

  const apiRows = await audit(client, '"WebhookEvent"', apiAcked, true);
  const bareRows = await audit(client, 'bench_webhook_baseline', bareAcked, false);
  report({
    bench: 'webhooks',
    connections: CONNECTIONS,
    duration_s: DURATION_S,
    api_workers: API_WORKERS,
    pool: POOL,
    opsgraph: { ...opsgraph, rss_mb: apiRss, acknowledged_total: apiAcked.size, ...apiRows },
    baseline: { ...baseline, acknowledged_total: bareAcked.size, ...bareRows },
    accepted_vs_baseline: Math.round((opsgraph.accepted_per_s / baseline.accepted_per_s) * 1000) / 1000,
    target: { accepted_per_s: 3000, p99_ms: 50, met: opsgraph.accepted_per_s >= 3000 && opsgraph.p99_ms <= 50 },
    ok: apiRows.lost === 0 && apiRows.duplicated === 0 && apiRows.events_without_one_job === 0 && opsgraph.non_2xx === 0 && opsgraph.errors === 0,
  });
} finally {
  for (const server of started) await server.stop();
  await client.end();
  await db.stop();
}
