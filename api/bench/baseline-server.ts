// The bare baseline: plain node http + pg running one hand-written SQL that returns the same JSON as the
// API's `tenants(first: 50, filter: {status: ACTIVE}) { edges { node { id name status plan { name monthlyPrice } } } }`.
import { createServer } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_MAX) });
const SQL = `
  SELECT json_build_object('data', json_build_object('tenants', json_build_object('edges', coalesce(json_agg(
    json_build_object('node', json_build_object('id', t.id, 'name', t.name, 'status', t.status,
      'plan', json_build_object('name', p.name, 'monthlyPrice', p."monthlyPrice")))
    ORDER BY t."createdAt" DESC, t.id DESC), '[]'::json)))) AS body
  FROM (SELECT * FROM "Tenant" WHERE status = 'ACTIVE' ORDER BY "createdAt" DESC, id DESC LIMIT 50) t
  JOIN "Plan" p ON p.id = t."planId"`;

const server = createServer((req, res) => {
  req.resume();
  req.on('end', async () => {
    try {
      const { rows } = await pool.query<{ body: unknown }>(SQL);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows[0]!.body));
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('READY'));
process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
