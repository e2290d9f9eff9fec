// The bare baseline: plain node http + pg, one hand-written SQL statement per request (authentication
// folded into it) returning the same JSON as the API for the benchmark queries:
//   POST /tenants  `tenants(first: 50, filter: {status: [ACTIVE]}) { edges { node { id name status plan { name monthlyPrice } } } }`
//                  as an admin session (`Authorization: Bearer <session token>`)
//   POST /viewer   `viewer { tenant { name status plan { name quotas { … } entitlements } } }` as a tenant key
//   POST /tickets  the support queue (bench/tickets.ts, TICKET_FIELDS): 50 open tickets by SLA due, each with
//                  tenant, plan, assignee and last public comment, as an admin session
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_MAX), application_name: 'bench-bare' });
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const ADMIN_SESSION = `EXISTS (
      SELECT 1 FROM "AdminSession" s JOIN "AdminUser" u ON u.id = s."adminUserId"
      WHERE s."tokenHash" = $1 AND s."revokedAt" IS NULL AND s."expiresAt" > now() AND u.active
    )`;

const TENANTS = `
  SELECT ${ADMIN_SESSION} AS authenticated,
    (SELECT json_build_object('data', json_build_object('tenants', json_build_object('edges', coalesce(json_agg(
      json_build_object('node', json_build_object('id', t.id, 'name', t.name, 'status', t.status,
        'plan', json_build_object('name', p.name, 'monthlyPrice', p."monthlyPrice")))
      ORDER BY t."createdAt" DESC, t.id DESC), '[]'::json))))
    FROM (SELECT * FROM "Tenant" WHERE status = 'ACTIVE' ORDER BY "createdAt" DESC, id DESC LIMIT 50) t
    JOIN "Plan" p ON p.id = t."planId") AS body`;

const VIEWER = `
  SELECT true AS authenticated, json_build_object('data', json_build_object('viewer', json_build_object('tenant', json_build_object(
    'name', t.name, 'status', t.status, 'plan', json_build_object('name', p.name,
      'quotas', json_build_object('emailsPerMonth', p."emailsPerMonth", 'smsPerMonth', p."smsPerMonth", 'seats', p.seats, 'apiCallsPerMonth', p."apiCallsPerMonth"),
      'entitlements', p.entitlements))))) AS body
  FROM "TenantApiKey" k JOIN "Tenant" t ON t.id = k."tenantId" JOIN "Plan" p ON p.id = t."planId"
  WHERE k.prefix = $2 AND k."secretHash" = $1 AND k."revokedAt" IS NULL AND (k."expiresAt" IS NULL OR k."expiresAt" > now())
    AND t.status NOT IN ('SUSPENDED', 'DELETED')`;

/** Timestamps as the API's DateTime scalar writes them (`Date#toISOString`). */
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const TICKETS = `
  SELECT ${ADMIN_SESSION} AS authenticated,
    (SELECT json_build_object('data', json_build_object('tickets', json_build_object('edges', coalesce(json_agg(
      json_build_object('node', json_build_object('id', t.id, 'number', t.number, 'reference', 'T-' || t.number, 'subject', t.subject,
        'status', t.status, 'priority', t.priority, 'slaState', t."slaState", 'firstResponseDueAt', ${iso('t."firstResponseDueAt"')},
        'nextResponseDueAt', ${iso('t."nextResponseDueAt"')}, 'resolutionDueAt', ${iso('t."resolutionDueAt"')}, 'slaDueAt', ${iso('t."slaDueAt"')},
        'tenant', json_build_object('name', te.name, 'plan', json_build_object('name', p.name)),
        'assignee', CASE WHEN a.id IS NOT NULL THEN json_build_object('name', a.name) END,
        'lastPublicComment', (SELECT json_build_object('body', c.body, 'createdAt', ${iso('c."createdAt"')}) FROM "TicketComment" c
          WHERE c."ticketId" = t.id AND NOT c.internal ORDER BY c."createdAt" DESC, c.id DESC LIMIT 1)))
      ORDER BY t."slaDueAt" ASC NULLS LAST, t.id ASC), '[]'::json))))
    FROM (SELECT * FROM "Ticket" WHERE status IN ('NEW', 'OPEN', 'PENDING', 'ON_HOLD') ORDER BY "slaDueAt" ASC NULLS LAST, id ASC LIMIT 50) t
    JOIN "Tenant" te ON te.id = t."tenantId" JOIN "Plan" p ON p.id = te."planId"
    LEFT JOIN "AdminUser" a ON a.id = t."assigneeId") AS body`;

const routes: Record<string, { name: string; text: string; params: (token: string) => string[] }> = {
  '/tenants': { name: 'bench_tenants', text: TENANTS, params: (token) => [sha256(token)] },
  '/tickets': { name: 'bench_tickets', text: TICKETS, params: (token) => [sha256(token)] },
  '/viewer': { name: 'bench_viewer', text: VIEWER, params: (token) => [sha256(token), token.split('_')[1] ?? ''] },
};

const server = createServer((req, res) => {
  req.resume();
  req.on('end', async () => {
    const route = routes[req.url ?? ''];
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
    if (!route) return void res.writeHead(404).end();
    try {
      const { rows } = await pool.query<{ authenticated: boolean; body: unknown }>({ name: route.name, text: route.text, values: route.params(token) });
      if (!rows[0]?.authenticated) return void res.writeHead(401).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows[0].body));
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('READY'));
process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
