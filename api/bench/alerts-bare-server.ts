// The ingest baseline of bench:alerts: plain node http + pg, `POST /metrics` with the API's body
// (`{ "points": [{ name, value, labels, at }] }`) stored with one INSERT of every point into a table shaped
// like MetricPoint plus the series identity inline (no authentication, no validation, no series table, no
// alert evaluation): the floor any ingest path pays. Prints READY when listening.
import { createServer } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_MAX ?? 5), application_name: 'bench-bare-ingest' });
await pool.query(`CREATE TABLE IF NOT EXISTS "BenchBarePoint" (
  name text NOT NULL, labels jsonb NOT NULL, at timestamptz(3) NOT NULL, value double precision NOT NULL,
  PRIMARY KEY (name, labels, at))`);

const INSERT = `INSERT INTO "BenchBarePoint" (name, labels, at, value)
  SELECT * FROM unnest($1::text[], $2::jsonb[], $3::timestamptz[], $4::float8[])
  ON CONFLICT (name, labels, at) DO UPDATE SET value = excluded.value`;

interface Point {
  name: string;
  value: number;
  labels?: Record<string, string>;
  at?: string;
}

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/metrics') {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', async () => {
    try {
      const { points } = JSON.parse(Buffer.concat(chunks).toString()) as { points: Point[] };
      const now = new Date().toISOString();
      await pool.query(INSERT, [
        points.map((p) => p.name),
        points.map((p) => JSON.stringify(p.labels ?? {})),
        points.map((p) => p.at ?? now),
        points.map((p) => p.value),
      ]);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: points.length, rejected: [] }));
    } catch (err) {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(err) }));
    }
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('READY'));
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
