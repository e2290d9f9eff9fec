// The bare baseline for `pnpm bench:webhooks`: plain node http + pg, no signature check, one INSERT per
// request into a copy of the WebhookEvent table (same columns, indexes and unique key), then 200.
import { createServer } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_MAX), application_name: 'bench-webhook-bare' });
const INSERT = {
  name: 'bench_webhook_insert',
  text: `INSERT INTO bench_webhook_baseline (id, provider, "externalId", type, payload, headers, "updatedAt")
         VALUES (gen_random_uuid(), 'STRIPE', $1, $2, $3::jsonb, '{}', now()) ON CONFLICT (provider, "externalId") DO NOTHING`,
};

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    const event = JSON.parse(text) as { id: string; type: string };
    pool.query({ ...INSERT, values: [event.id, event.type, text] }).then(
      () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"received":true}');
      },
      (err: Error) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: err.message }));
      },
    );
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('READY'));
process.on('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
