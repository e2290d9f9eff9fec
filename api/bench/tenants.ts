// pnpm bench:tenants — 10,000 tenants; the admin tenants query under load vs a bare node+pg baseline.
import os from 'node:os';
import pg from 'pg';
import { hashPassword } from '../src/lib/password.ts';
import { newSessionToken, sha256 } from '../src/lib/tokens.ts';
import { benchDatabase, load, report, spawnServer } from './harness.ts';

const TENANTS = Number(process.env.BENCH_TENANTS ?? 10_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 15);
// Both servers get the same pool; 2 x cores + 1 is the usual PostgreSQL sizing rule.
const POOL = Number(process.env.BENCH_POOL ?? os.cpus().length * 2 + 1);
const QUERY = `{ tenants(first: 50, filter: {status: [ACTIVE]}) { edges { node { id name status plan { name monthlyPrice } } } } }`;

const db = await benchDatabase();
const client = new pg.Client({ connectionString: db.url });
await client.connect();
// Plans, tenants in mixed states (60% active) spread over a year, one admin session for the API.
await client.query(`
  INSERT INTO "Plan" (id, code, name, currency, "monthlyPrice", "yearlyPrice", "emailsPerMonth", "smsPerMonth", seats, "apiCallsPerMonth", entitlements, "updatedAt")
  SELECT gen_random_uuid(), 'plan-' || i, 'Plan ' || i, 'USD', i * 1000, i * 10000, 1000, 100, 5, 10000, ARRAY['tickets'], now()
  FROM generate_series(1, 3) i`);
await client.query(`
  INSERT INTO "Tenant" (id, name, slug, status, "planId", "ownerName", "ownerEmail", "createdAt", "updatedAt")
  SELECT gen_random_uuid(), 'Tenant ' || i, 'tenant-' || i,
    (CASE WHEN i % 10 < 6 THEN 'ACTIVE' WHEN i % 10 < 8 THEN 'TRIALING' WHEN i % 10 = 8 THEN 'SUSPENDED' ELSE 'PAST_DUE' END)::"TenantStatus",
    (SELECT id FROM "Plan" ORDER BY code OFFSET (i % 3) LIMIT 1), 'Owner ' || i, 'owner' || i || '@example.com',
    now() - (i || ' minutes')::interval, now()
  FROM generate_series(1, $1::int) i`, [TENANTS]);
const token = newSessionToken();
const { rows } = await client.query<{ id: string }>(
  `INSERT INTO "AdminUser" (id, email, name, role, "passwordHash", "updatedAt") VALUES (gen_random_uuid(), 'bench@opsgraph.dev', 'Bench', 'VIEWER', $1, now()) RETURNING id`,
  [await hashPassword('bench-password-123')],
);
await client.query(
  `INSERT INTO "AdminSession" (id, "adminUserId", "tokenHash", "expiresAt") VALUES (gen_random_uuid(), $1, $2, now() + interval '1 day')`,
  [rows[0]!.id, sha256(token)],
);
await client.query('ANALYZE');
await client.end();

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
