// While PostgreSQL refuses connections or is unreachable, GraphQL answers 503 SERVICE_UNAVAILABLE with the
// request id (whether authentication or a resolver hit the outage), a WebSocket is closed with 1013 (try
// again later), and everything works again once the database is back. A statement cancelled by
// statement_timeout is a 504 TIMEOUT, not an internal error.
import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../src/lib/process.ts';
import { withAdmin } from './db.ts';
import { startPlatform, type TestPlatform } from './harness.ts';
import { openSocket, within } from './live-client.ts';

let p: TestPlatform;
let owner: string;
let databaseName: string;

beforeAll(async () => {
  p = await startPlatform();
  owner = (await p.login('OWNER')).token;
  databaseName = decodeURIComponent(new URL(p.databaseUrl).pathname.slice(1));
});
afterAll(() => p?.close());

/** Runs `sql` as the server's superuser, then ends every session on the test database and waits until each is gone. */
async function asSuperuser(sql: string): Promise<void> {
  await withAdmin(inject('pgServerUrl'), async (c) => {
    await c.query(sql.replaceAll('$db', c.escapeIdentifier(databaseName)));
    await c.query(`SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [databaseName]);
  });
}

async function post(url: string, query: string, token?: string, variables?: Record<string, unknown>) {
  const requestId = `outage-${Math.random().toString(36).slice(2)}-test`;
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, requestId, body: (await res.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
}

function expectUnavailable(result: Awaited<ReturnType<typeof post>>) {
  expect(result.status).toBe(503);
  expect(result.body.errors).toHaveLength(1);
  expect(result.body.errors![0]).toMatchObject({
    message: `Database unavailable, try again shortly (request id ${result.requestId})`,
    extensions: { code: 'SERVICE_UNAVAILABLE', requestId: result.requestId },
  });
  expect(JSON.stringify(result.body)).not.toMatch(/prisma|invocation|55000|ECONN/i);
}

const LOGIN = `mutation { login(email: "nobody@example.com", password: "whatever-password") { __typename } }`;

describe('a database that refuses connections', () => {
  it('answers 503 SERVICE_UNAVAILABLE over HTTP, closes new sockets with 1013, and recovers', async () => {
    await asSuperuser('ALTER DATABASE $db ALLOW_CONNECTIONS false');
    try {
      // Authentication reaches the database first.
      expectUnavailable(await post(p.url, '{ me { id } }', owner));
      // No credentials: the login resolver is the first to reach it.
      expectUnavailable(await post(p.url, LOGIN));
      const socket = openSocket(p.url, owner);
      const closed = await within(socket.closed, 5000, 'socket refused');
      expect(closed).toMatchObject({ code: 1013, reason: 'Database unavailable' });
      expect(socket.isConnected()).toBe(false);
    } finally {
      await asSuperuser('ALTER DATABASE $db ALLOW_CONNECTIONS true');
    }
    const back = await post(p.url, '{ me { email } }', owner);
    expect(back.status).toBe(200);
    expect(back.body.errors).toBeUndefined();
  });
});

describe('a database server that is down', () => {
  it('answers 503 SERVICE_UNAVAILABLE while nothing accepts connections, and recovers', async () => {
    // The instance reaches Postgres through a TCP relay; stopping the relay is the server going away.
    const target = new URL(p.databaseUrl);
    const port = await freePort();
    const open = new Set<net.Socket>();
    const relay = () =>
      new Promise<net.Server>((resolve) => {
        const server = net.createServer((client) => {
          const upstream = net.connect(Number(target.port), target.hostname);
          for (const s of [client, upstream]) {
            open.add(s);
            s.on('close', () => open.delete(s));
            s.on('error', () => {});
          }
          client.pipe(upstream).pipe(client);
        });
        server.listen(port, '127.0.0.1', () => resolve(server));
      });
    let server = await relay();
    const viaRelay = new URL(p.databaseUrl);
    viaRelay.port = String(port);
    const q = await startPlatform({ databaseUrl: viaRelay.toString() });
    try {
      expect((await post(q.url, '{ me { email } }', owner)).status).toBe(200);
      const stopped = new Promise((r) => server.close(r));
      for (const s of open) s.destroy();
      await stopped;
      expectUnavailable(await post(q.url, '{ me { id } }', owner));
      expectUnavailable(await post(q.url, LOGIN));
      server = await relay();
      const back = await post(q.url, '{ me { email } }', owner);
      expect(back.status).toBe(200);
      expect(back.body.errors).toBeUndefined();
    } finally {
      await q.close();
      server.close();
      for (const s of open) s.destroy();
    }
  });
});

describe('a statement that runs out of time', () => {
  it('answers 504 TIMEOUT instead of an internal error, and changes nothing', async () => {
    const { tenantId } = await p.makeTenant();
    // An instance whose connections run under a 300 ms statement_timeout (DATABASE_STATEMENT_TIMEOUT_MS).
    const q = await startPlatform({ databaseUrl: p.databaseUrl, statementTimeoutMs: 300 });
    // Another session holds the tenant's row: the suspension waits for it until the timeout cancels it.
    const holder = new pg.Client({ connectionString: p.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM "Tenant" WHERE id = $1 FOR UPDATE', [tenantId]);
      const result = await post(q.url, `mutation($id: ID!) { suspendTenant(id: $id, reason: "late") { __typename } }`, owner, { id: tenantId });
      expect(result.status).toBe(504);
      expect(result.body.errors![0]).toMatchObject({
        message: `The database did not answer in time, try again (request id ${result.requestId})`,
        extensions: { code: 'TIMEOUT', requestId: result.requestId },
      });
    } finally {
      await holder.query('ROLLBACK').catch(() => {});
      await holder.end();
      await q.close();
    }
    expect((await p.app.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).status).not.toBe('SUSPENDED');
  });
});
