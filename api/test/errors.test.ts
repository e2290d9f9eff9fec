// Bad input is the client's error at the transport, over HTTP and WebSocket alike: strings PostgreSQL
// cannot hold and bad connection arguments are BAD_USER_INPUT naming where they are, before anything runs.
// With errors masked (production), no "Did you mean …?" reveals the schema.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type GraphQLResponse, type TestPlatform } from './harness.ts';
import { openSocket, within, type TestSocket } from './live-client.ts';

let p: TestPlatform;
let masked: TestPlatform;
let owner: string;
let planId: string;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  p = await startPlatform();
  masked = await startPlatform({ databaseUrl: p.databaseUrl, env: { maskErrors: true } });
  owner = (await p.login('OWNER')).token;
  planId = (await p.makeTenant()).planId;
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.dispose()));
  await masked?.close();
  await p?.close();
});

/** The same operation over HTTP (with its status) and over a WebSocket. */
async function both(query: string, variables?: Record<string, unknown>, on: TestPlatform = p) {
  const res = await fetch(`${on.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${owner}` },
    body: JSON.stringify({ query, variables }),
  });
  const http = { status: res.status, body: (await res.json()) as GraphQLResponse };
  const socket = openSocket(on.url, owner);
  sockets.push(socket);
  const ws = await within(socket.execute(query, variables), 5000, 'WebSocket operation');
  return { http, ws };
}

function expectBadInput(result: GraphQLResponse, message: RegExp) {
  expect(result.data?.[Object.keys(result.data ?? {})[0]!] ?? null).toBeNull();
  expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(result.errors?.[0]?.message).toMatch(message);
  expect(result.errors?.[0]?.extensions?.requestId).toBeTruthy();
}

const CREATE = `mutation($input: CreateTenantInput!) { createTenant(input: $input) { __typename ... on Error { message } } }`;
const tenantInput = (name: string) => ({ name, planId, ownerName: 'Owner', ownerEmail: 'nul@example.com' });

describe('strings PostgreSQL cannot hold', () => {
  const cases: [string, string, Record<string, unknown> | undefined, RegExp][] = [
    ['a NUL in a mutation argument', `mutation { createTenant(input: { name: "a\\u0000b", planId: "${'00000000-0000-4000-8000-000000000000'}", ownerName: "O", ownerEmail: "nul@example.com" }) { __typename } }`, undefined, /^createTenant\.input\.name: must not contain NUL characters$/],
    ['a NUL in a variable', CREATE, { input: tenantInput('a\u0000b') }, /^\$input\.name: must not contain NUL characters$/],
    ['an unpaired surrogate in a variable', CREATE, { input: tenantInput('broken \ud800 name') }, /^\$input\.name: must be valid Unicode text$/],
    ['a NUL in a filter', `{ tenants(first: 5, filter: { search: "a\\u0000b" }) { totalCount } }`, undefined, /^tenants\.filter\.search: must not contain NUL characters$/],
    ['a NUL in a filter variable', `query($f: TenantFilter) { tenants(first: 5, filter: $f) { totalCount } }`, { f: { search: 'x\u0000' } }, /^\$f\.search: must not contain NUL/],
    ['a NUL in an ID', `query($id: ID!) { tenant(id: $id) { id } }`, { id: 'a\u0000b' }, /^\$id: must not contain NUL/],
    ['a NUL in a list', `mutation { createPlan(input: { code: "nul-plan", name: "Nul", currency: "USD", monthlyPrice: 1, yearlyPrice: 10, trialDays: 0, emailsPerMonth: 1, smsPerMonth: 1, seats: 1, apiCallsPerMonth: 1, entitlements: ["ok", "b\\u0000d"] }) { __typename } }`, undefined, /^createPlan\.input\.entitlements\.1: must not contain NUL/],
    ['a NUL under an alias', `{ found: tenants(first: 5, filter: { search: "\\u0000" }) { totalCount } }`, undefined, /^found\.filter\.search: must not contain NUL/],
  ];

  for (const [name, query, variables, message] of cases) {
    it(`answers ${name} with BAD_USER_INPUT naming it, over HTTP (400) and WebSocket`, async () => {
      const { http, ws } = await both(query, variables);
      expect(http.status).toBe(400);
      expectBadInput(http.body, message);
      expectBadInput(ws, message);
    });
  }

  it('writes nothing', async () => {
    await both(CREATE, { input: tenantInput('a\u0000b') });
    expect(await p.app.prisma.tenant.count({ where: { ownerEmail: 'nul@example.com' } })).toBe(0);
    expect(await p.app.prisma.auditEvent.count({ where: { action: 'tenant.create', after: { path: ['ownerEmail'], equals: 'nul@example.com' } } })).toBe(0);
  });

  it('lets ordinary text through, emoji and all', async () => {
    const { http } = await both(CREATE, { input: { ...tenantInput('Café 🚀 Ltd'), ownerEmail: 'ok@example.com' } });
    expect(http.body.data?.createTenant.__typename).toBe('MutationCreateTenantSuccess');
  });
});

describe('connection arguments', () => {
  it('answers tenants(first: -1) with BAD_USER_INPUT naming the argument', async () => {
    const { http, ws } = await both(`{ tenants(first: -1) { totalCount } }`);
    for (const result of [http.body, ws]) expectBadInput(result, /^first: must not be negative$/);
  });

  it('answers a garbage cursor with BAD_USER_INPUT naming the argument, never echoing the cursor', async () => {
    const { http, ws } = await both(`{ tenants(after: "garbage-cursor") { edges { node { id } } } }`);
    for (const result of [http.body, ws]) {
      expectBadInput(result, /^after: not a valid cursor$/);
      expect(JSON.stringify(result)).not.toContain('garbage-cursor');
    }
    const before = await both(`query($c: String) { tenants(before: $c, last: 2) { edges { node { id } } } }`, { c: 'bm90IGEgY3Vyc29y' });
    for (const result of [before.http.body, before.ws]) {
      expectBadInput(result, /^before: not a valid cursor$/);
      expect(JSON.stringify(result)).not.toContain('bm90IGEgY3Vyc29y');
    }
  });
});

describe('field suggestions', () => {
  it('are shown in development', async () => {
    const res = await p.gql('mutation { createAdmn }');
    expect(res.errors?.[0]?.message).toMatch(/Did you mean "createAdmin"/);
  });

  it('are hidden with masked errors (production), over HTTP and WebSocket', async () => {
    const anonymous = await masked.gql('mutation { createAdmn }');
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(anonymous.errors?.[0]?.message).toBe('Cannot query field "createAdmn" on type "Mutation".');
    const { http, ws } = await both('{ tenantz { totalCount } }', undefined, masked);
    for (const result of [http.body, ws]) {
      expect(result.errors?.[0]?.message).toBe('Cannot query field "tenantz" on type "Query".');
    }
    // Coercing a variable suggests enum values: hidden too.
    const enumValue = await both(`query($s: [TenantStatus!]) { tenants(first: 1, filter: { status: $s }) { totalCount } }`, { s: ['ACTIV'] }, masked);
    for (const result of [enumValue.http.body, enumValue.ws]) {
      expect(result.errors?.[0]?.message).toMatch(/ACTIV/);
      expect(JSON.stringify(result)).not.toMatch(/Did you mean|"ACTIVE"/);
    }
  });
});
