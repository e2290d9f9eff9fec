// pnpm bench:tenants — 10,000 tenants; the admin tenants query under load vs a bare node+pg baseline.
import os from 'node:os';
import { benchDatabase, load, report, spawnServer } from './harness.ts';
import { seedBench } from './seed.ts';

const TENANTS = Number(process.env.BENCH_TENANTS ?? 10_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 15);
// Both servers get the same pool; 2 x cores + 1 is the usual PostgreSQL sizing rule.
const POOL = Number(process.env.BENCH_POOL ?? os.cpus().length * 2 + 1);
const QUERY = `{ tenants(first: 50, filter: {status: [ACTIVE]}) { edges { node { id name status plan { name monthlyPrice } } } } }`;

const db = await benchDatabase();
const { token } = await seedBench(db.url, { tenants: TENANTS });

const api = await spawnServer('api-server.ts', { DATABASE_URL: db.url, DATABASE_POOL_MAX: String(POOL) });
const baseline = await spawnServer('baseline-server.ts', { DATABASE_URL: db.url, DATABASE_POOL_MAX: String(POOL) });
try {
  const body = JSON.stringify({ query: QUERY });
  const headers = { authorization: `Bearer ${token}` };
  // Both must answer the same JSON, or the comparison means nothing.
  const [fromApi, fromBaseline] = await Promise.all([
    fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then((r) => r.json()),
    fetch(baseline.url, { method: 'POST', body }).then((r) => r.json()),
  ]);
  if (JSON.stringify(fromApi) !== JSON.stringify(fromBaseline)) {
    throw new Error(`API and baseline disagree:\n${JSON.stringify(fromApi).slice(0, 500)}\n${JSON.stringify(fromBaseline).slice(0, 500)}`);
  }
  const warm = { connections: CONNECTIONS, durationS: 2 };
  await load({ url: `${api.url}/graphql`, body, headers, ...warm });
  await load({ url: baseline.url, body, ...warm });
  const apiResult = await load({ url: `${api.url}/graphql`, body, headers, connections: CONNECTIONS, durationS: DURATION_S });
  const baseResult = await load({ url: baseline.url, body, connections: CONNECTIONS, durationS: DURATION_S });
  report({
    bench: 'tenants',
    tenants: TENANTS,
    connections: CONNECTIONS,
    duration_s: DURATION_S,
    db_pool: POOL,
    query: QUERY,
    ...apiResult,
    baseline: baseResult,
    ratio: Math.round((apiResult.ops_per_s / baseResult.ops_per_s) * 1000) / 1000,
  });
} finally {
  await api.stop();
  await baseline.stop();
  await db.stop();
}
