// GraphQL over WebSocket applies every HTTP limit, refuses malformed origins cleanly, gives each operation
// its own request id, and caps operations per socket and sockets per principal.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from '../src/env.ts';
import { startPlatform, type TestPlatform } from './harness.ts';
import { openSocket, sleep, within, type TestSocket } from './live-client.ts';

let p: TestPlatform;
let capped: TestPlatform;
let owner: string;
const logLines: Record<string, any>[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  p = await startPlatform({ logger: pino({ level: 'info' }, sink) });
  capped = await startPlatform({ databaseUrl: p.databaseUrl, env: { MAX_SUBSCRIPTIONS_PER_SOCKET: 2, MAX_SOCKETS_PER_PRINCIPAL: 2 } });
  owner = (await p.login('OWNER')).token;
});

const sockets: TestSocket[] = [];
function socket(token: string | null, options: { on?: TestPlatform; headers?: Record<string, string> } = {}): TestSocket {
  const s = openSocket((options.on ?? p).url, token, { headers: options.headers });
  sockets.push(s);
  return s;
}

afterAll(async () => {
  await Promise.all(sockets.map((s) => s.dispose()));
  await capped?.close();
  await p?.close();
});

describe('request limits over WebSocket, as over HTTP', () => {
  const refused = async (query: string, pattern: RegExp, code: string, token = owner) => {
    const s = socket(token);
    const result = await within(s.execute(query), 5000, query.slice(0, 40));
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]?.message).toMatch(pattern);
    expect(result.errors?.[0]?.extensions?.code).toBe(code);
    // The socket survives a refused operation.
    expect(await within(s.execute('{ me { role } }'), 5000, 'me')).toEqual({ data: { me: { role: 'OWNER' } } });
  };

  it('refuses a document over the token limit', () =>
    refused(`{ me { ${Array.from({ length: 3000 }, () => 'id').join(' ')} } }`, /Document contains more th\w+ 1000 tokens/, 'GRAPHQL_PARSE_FAILED'));

  it('refuses queries that are too deep', () =>
    refused(`{ tenants(first: 1) { edges { node { apiKeys { tenant { apiKeys { tenant { apiKeys { tenant { id } } } } } } } } } }`, /depth/i, 'GRAPHQL_VALIDATION_FAILED'));

  it('refuses too many aliases', () =>
    refused(`{ ${Array.from({ length: 20 }, (_, i) => `a${i}: me { id }`).join(' ')} }`, /aliases/i, 'GRAPHQL_VALIDATION_FAILED'));

  it('refuses queries that cost too much', () =>
    refused(`{ ${Array.from({ length: 14 }, (_, i) => `a${i}: tenants(first: 50) { edges { node { id name slug status plan { id name code quotas { seats smsPerMonth } } apiKeys { id name prefix } } } }`).join(' ')} }`, /cost/i, 'GRAPHQL_VALIDATION_FAILED'));

  it('refuses a mutation the tenant graph does not have', async () => {
    const { apiKey, tenantId } = await p.makeTenant();
    const s = socket(apiKey);
    const result = await within(s.execute(`mutation { suspendTenant(id: "${tenantId}", reason: "x") { __typename } }`), 5000, 'mutation');
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(result.errors?.[0]?.message).toMatch(/Cannot query field "suspendTenant" on type "Mutation"/);
    expect((await p.app.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).status).not.toBe('SUSPENDED');
  });
});

describe('origins', () => {
  for (const origin of ['null', 'garbage', 'javascript:alert(1)', 'https://evil.example']) {
    it(`refuses Origin ${JSON.stringify(origin)} with 4403`, async () => {
      const s = socket(owner, { headers: { origin } });
      const closed = await within(s.closed, 5000, 'close');
      expect(closed.code).toBe(4403);
      expect(s.isConnected()).toBe(false);
    });
  }

  it('accepts its own origin, and clients that send none', async () => {
    const own = socket(owner, { headers: { origin: p.url } });
    await within(own.connected, 5000, 'own origin');
    const none = socket(owner);
    await within(none.connected, 5000, 'no origin');
  });
});

describe('request ids', () => {
  it('gives each operation its own id, prefixed with the connection\'s, in its logs, context and audit entries', async () => {
    const { tenantId } = await p.makeTenant();
    const connectionId = `conn-${Date.now()}-abcdef`;
    const s = socket(owner, { headers: { 'x-request-id': connectionId } });
    const rename = (name: string) =>
      s.execute(`mutation($id: ID!, $n: String!) { updateTenant(id: $id, input: { name: $n }) { __typename } }`, { id: tenantId, n: name });
    expect(await within(rename('First name'), 5000, 'first')).toEqual({ data: { updateTenant: { __typename: 'MutationUpdateTenantSuccess' } } });
    expect(await within(rename('Second name'), 5000, 'second')).toEqual({ data: { updateTenant: { __typename: 'MutationUpdateTenantSuccess' } } });
    const failed = await within(s.execute('{ nope }'), 5000, 'invalid');

    const audit = await p.app.prisma.auditEvent.findMany({ where: { targetId: tenantId, action: 'tenant.update' }, orderBy: { occurredAt: 'asc' } });
    expect(audit.map((e) => e.requestId)).toEqual([`${connectionId}:1`, `${connectionId}:2`]);
    expect(failed.errors?.[0]?.extensions?.requestId).toBe(`${connectionId}:3`);
    const operations = logLines.filter((l) => l.msg === 'WebSocket operation' && String(l.reqId).startsWith(connectionId));
    expect(operations.map((l) => l.reqId)).toEqual([`${connectionId}:1`, `${connectionId}:2`]);
  });
});

describe('caps', () => {
  const SUB = `subscription { tenantChanged { tenantId } }`;

  it('refuses one operation more than MAX_SUBSCRIPTIONS_PER_SOCKET with TOO_MANY_SUBSCRIPTIONS, and no other', async () => {
    const { token } = await capped.login('VIEWER');
    const s = socket(token, { on: capped });
    await within(s.connected, 5000, 'connect');
    const first = s.subscribe(SUB);
    const second = s.subscribe(SUB);
    await capped.untilListening('tenantChanged', 2);
    const third = s.subscribe(SUB);
    const refusal = await within(third.error, 5000, 'third subscription');
    expect(refusal[0].extensions).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS', limit: 2 });
    expect(refusal[0].message).toMatch(/At most 2 operations/);
    // The socket and its two subscriptions live on; completing one makes room.
    expect(s.isConnected()).toBe(true);
    first.stop();
    await capped.untilListening('tenantChanged', 1);
    const fourth = s.subscribe(SUB);
    // No subscribe acknowledgement in graphql-ws: change tenants until the new subscription hears one.
    await expect.poll(async () => (await capped.makeTenant()) && fourth.results.length, { timeout: 10_000, interval: 300 }).toBeGreaterThan(0);
    expect(second.results.length).toBeGreaterThan(0);
    expect(fourth.results[0]?.errors).toBeUndefined();
  });

  it('closes one socket more than MAX_SOCKETS_PER_PRINCIPAL with 4429, per admin and per instance', async () => {
    const admin = await capped.login('VIEWER');
    const one = socket(admin.token, { on: capped });
    const two = socket(admin.token, { on: capped });
    await within(Promise.all([one.connected, two.connected]), 5000, 'two sockets');
    const three = socket(admin.token, { on: capped });
    const closed = await within(three.closed, 5000, 'third socket');
    expect(closed).toMatchObject({ code: 4429, reason: 'Too many connections for this principal' });
    expect(three.isConnected()).toBe(false);
    // Another admin, and the same admin on another instance, are not affected.
    const other = socket((await capped.login('VIEWER')).token, { on: capped });
    await within(other.connected, 5000, 'another admin');
    const elsewhere = socket(admin.token, { on: p });
    await within(elsewhere.connected, 5000, 'another instance');
    // A closed socket gives its place back (as soon as the server has seen it close).
    await one.dispose();
    const attempt = () => {
      const s = socket(admin.token, { on: capped });
      return Promise.race([s.connected.then(() => 'connected'), s.closed.then((c) => `closed ${c.code}`)]);
    };
    await expect.poll(attempt, { timeout: 5000, interval: 200 }).toBe('connected');
  });

  it('counts a tenant key\'s sockets the same way', async () => {
    const { apiKey } = await capped.makeTenant();
    const sockets = [socket(apiKey, { on: capped }), socket(apiKey, { on: capped })];
    await within(Promise.all(sockets.map((s) => s.connected)), 5000, 'two sockets');
    const third = socket(apiKey, { on: capped });
    expect((await within(third.closed, 5000, 'third')).code).toBe(4429);
  });

  it('validates both caps at boot', () => {
    expect(parseEnv({}).MAX_SUBSCRIPTIONS_PER_SOCKET).toBe(100);
    expect(parseEnv({}).MAX_SOCKETS_PER_PRINCIPAL).toBe(20);
    let error: unknown;
    try {
      parseEnv({ MAX_SUBSCRIPTIONS_PER_SOCKET: '0', MAX_SOCKETS_PER_PRINCIPAL: 'many' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as EnvError).issues.map((i) => i.split(':')[0]).sort()).toEqual(['MAX_SOCKETS_PER_PRINCIPAL', 'MAX_SUBSCRIPTIONS_PER_SOCKET']);
  });
});
