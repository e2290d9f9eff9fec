import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv, EnvError } from '../src/env.ts';
import { maskError } from '../src/http/errors.ts';
import { startPlatform, type TestPlatform } from './harness.ts';
import { openSocket, within, type TestSocket } from './live-client.ts';

let p: TestPlatform;
let owner: string;

beforeAll(async () => {
  p = await startPlatform();
  owner = (await p.login('OWNER')).token;
});
afterAll(() => p.close());

describe('http server', () => {
  it('answers /healthz and reports readiness of database and migrations', async () => {
    expect(await (await fetch(`${p.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${p.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { database: true, migrations: true, worker: 'not-required', boot: true } });
  });

  it('serves GraphiQL from the package to a browser, without any CDN', async () => {
    const res = await fetch(`${p.url}/graphql`, { headers: { accept: 'text/html' } });
    const html = await res.text();
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(html).toContain('Opsgraph GraphiQL');
    expect(html).not.toMatch(/<script[^>]+src="https?:/);
  });

  it('returns a request id header on every response', async () => {
    const res = await fetch(`${p.url}/healthz`);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('request limits', () => {
  const expectLimit = async (query: string, pattern: RegExp) => {
    const res = await fetch(`${p.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${owner}` },
      body: JSON.stringify({ query }),
    });
    expect(res.status).toBeLessThan(500);
    const body = (await res.json()) as any;
    expect(body.data ?? null).toBeNull();
    expect(body.errors[0].message).toMatch(pattern);
  };

  it('refuses queries that are too deep', () =>
    expectLimit(`{ tenants(first: 1) { edges { node { apiKeys { tenant { apiKeys { tenant { apiKeys { tenant { id } } } } } } } } } }`, /depth/i));

  it('refuses too many aliases', () =>
    expectLimit(`{ ${Array.from({ length: 20 }, (_, i) => `a${i}: me { id }`).join(' ')} }`, /aliases/i));

  it('refuses too many tokens', () =>
    expectLimit(`{ me { ${Array.from({ length: 1200 }, () => 'id').join(' ')} } }`, /token/i));

  it('refuses queries that cost too much', () =>
    expectLimit(`{ ${Array.from({ length: 14 }, (_, i) => `a${i}: tenants(first: 50) { edges { node { id name slug status plan { id name code quotas { seats smsPerMonth } } apiKeys { id name prefix } } } }`).join(' ')} }`, /cost/i));

  it('refuses an oversized body with 413 and a GraphQL-shaped error', async () => {
    const res = await fetch(`${p.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ me { id } }`, variables: { pad: 'x'.repeat(200_000) } }),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as any;
    expect(body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(body.errors[0].extensions.requestId).toBeTruthy();
  });

  it('answers 413 too for an oversized body sent without Content-Length (chunked), and keeps the connection usable', async () => {
    const pad = new TextEncoder().encode('x'.repeat(40_000));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"query":"{ me { id } }","variables":{"pad":"'));
        if (sent < 5) controller.enqueue(pad);
        else controller.close();
        sent += 1;
      },
    });
    const res = await fetch(`${p.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    // The rest of the body is drained, not the socket cut: the client's next request on it is answered.
    for (let i = 0; i < 3; i += 1) expect((await p.gql('{ me { id } }', {}, owner)).data?.me.id).toBeTruthy();
  });
});

describe('errors', () => {
  it('masks unexpected errors with the request id in production mode, and keeps expected ones', () => {
    const internal = maskError({ message: 'relation "x" does not exist', extensions: { code: 'INTERNAL_SERVER_ERROR' } }, 'req-1', true);
    expect(internal).toEqual({ message: 'Internal server error (request id req-1)', locations: undefined, path: undefined, extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-1' } });
    const forbidden = maskError({ message: 'Not allowed', extensions: { code: 'FORBIDDEN' } }, 'req-2', true);
    expect(forbidden).toEqual({ message: 'Not allowed', extensions: { code: 'FORBIDDEN', requestId: 'req-2' } });
  });

  it('adds the request id to every GraphQL error', async () => {
    const res = await p.gql('{ tenants(first: 1) { totalCount } }');
    expect(res.errors?.[0]?.extensions?.requestId).toBeTruthy();
  });
});

describe('configuration', () => {
  it('reports every invalid setting at once', () => {
    let error: unknown;
    try {
      parseEnv({ PORT: 'eighty', WORKER: 'sometimes', SECRETS_KEY: 'short' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as EnvError).issues.map((i) => i.split(':')[0]).sort()).toEqual(['PORT', 'SECRETS_KEY', 'WORKER']);
  });

  it('requires a secrets key in production and masks errors there by default', () => {
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(/SECRETS_KEY/);
    const env = parseEnv({ NODE_ENV: 'production', SECRETS_KEY: 'a'.repeat(64) });
    expect(env.maskErrors).toBe(true);
    expect(env.graphiql).toBe(false);
  });
});

describe('subscriptions', () => {
  it('refuses an unauthenticated WebSocket and one from another site', async () => {
    const closeCode = async (socket: TestSocket) => (await within(socket.closed, 5000, 'refusal')).code;
    expect(await closeCode(openSocket(p.url, null))).toBe(4403);
    expect(await closeCode(openSocket(p.url, owner, { headers: { origin: 'https://evil.example' } }))).toBe(4403);
  });

  it('closes a socket whose session is revoked in SQL, not through the API: the database announces it', async () => {
    const admin = await p.login('ADMIN');
    const socket = openSocket(p.url, admin.token);
    await within(socket.connected, 5000, 'connection');
    await p.app.prisma.adminSession.updateMany({ where: { adminUserId: admin.userId }, data: { revokedAt: new Date() } });
    expect((await within(socket.closed, 5000, 'close after the revocation')).code).toBe(4401);
    expect((await p.gql('{ me { id } }', {}, admin.token)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('re-checks the session for a new operation once the instance stops trusting its memory of it, even when no revocation arrives', async () => {
    // An instance that remembers tokens for 200 ms; the revocation below is never announced to it.
    const forgetful = await startPlatform({ databaseUrl: p.databaseUrl, adminUrl: p.adminUrl, credentialTtlMs: 200 });
    try {
      const admin = await p.login('ADMIN');
      const socket = openSocket(forgetful.url, admin.token);
      expect((await socket.execute('{ me { id } }')).data?.me.id).toBe(admin.userId);
      await p.unannounced(`UPDATE "AdminSession" SET "revokedAt" = now() WHERE "adminUserId" = $1`, admin.userId);
      // Refused at the latest once the remembered lookup has lapsed: every new operation asks again.
      let answer = await socket.execute('{ me { id } }');
      for (let attempt = 0; !answer.errors; attempt += 1) {
        if (attempt === 50) throw new Error('the revoked session kept being accepted');
        await new Promise((r) => setTimeout(r, 50));
        answer = await socket.execute('{ me { id } }');
      }
      expect(JSON.stringify(answer.errors)).toMatch(/Authentication required/);
      await socket.dispose();
    } finally {
      await forgetful.close();
    }
  });
});
