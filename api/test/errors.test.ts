// Bad connection arguments are the client's error: BAD_USER_INPUT naming the argument. With errors masked
// (production), no "Did you mean …?" reveals the schema.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type GraphQLResponse, type TestPlatform } from './harness.ts';

let p: TestPlatform;
let masked: TestPlatform;
let owner: string;

beforeAll(async () => {
  p = await startPlatform();
  masked = await startPlatform({ databaseUrl: p.databaseUrl, env: { maskErrors: true } });
  owner = (await p.login('OWNER')).token;
});
afterAll(async () => {
  await masked?.close();
  await p?.close();
});

/** The operation over HTTP, with its status. */
async function post(query: string, variables?: Record<string, unknown>, on: TestPlatform = p) {
  const res = await fetch(`${on.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${owner}` },
    body: JSON.stringify({ query, variables }),
  });
  return { http: { status: res.status, body: (await res.json()) as GraphQLResponse } };
}

function expectBadInput(result: GraphQLResponse, message: RegExp) {
  expect(result.data?.[Object.keys(result.data ?? {})[0]!] ?? null).toBeNull();
  expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(result.errors?.[0]?.message).toMatch(message);
  expect(result.errors?.[0]?.extensions?.requestId).toBeTruthy();
}

describe('connection arguments', () => {
  it('answers tenants(first: -1) with BAD_USER_INPUT naming the argument', async () => {
    const { http } = await post(`{ tenants(first: -1) { totalCount } }`);
    for (const result of [http.body]) expectBadInput(result, /^Argument "first" must be a non-negative integer$/);
  });

  it('answers a garbage cursor with BAD_USER_INPUT naming the argument, never echoing the cursor', async () => {
    const { http } = await post(`{ tenants(after: "garbage-cursor") { edges { node { id } } } }`);
    for (const result of [http.body]) {
      expectBadInput(result, /^Argument "after" is not a valid cursor$/);
      expect(JSON.stringify(result)).not.toContain('garbage-cursor');
    }
    const before = await post(`query($c: String) { tenants(before: $c, last: 2) { edges { node { id } } } }`, { c: 'bm90IGEgY3Vyc29y' });
    for (const result of [before.http.body]) {
      expectBadInput(result, /^Argument "before" is not a valid cursor$/);
      expect(JSON.stringify(result)).not.toContain('bm90IGEgY3Vyc29y');
    }
  });
});

describe('field suggestions', () => {
  it('are shown in development', async () => {
    const res = await p.gql('mutation { createAdmn }');
    expect(res.errors?.[0]?.message).toMatch(/Did you mean "createAdmin"/);
  });

  it('are hidden with masked errors (production)', async () => {
    const anonymous = await masked.gql('mutation { createAdmn }');
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(anonymous.errors?.[0]?.message).toBe('Cannot query field "createAdmn" on type "Mutation".');
    const { http } = await post('{ tenantz { totalCount } }', undefined, masked);
    for (const result of [http.body]) {
      expect(result.errors?.[0]?.message).toBe('Cannot query field "tenantz" on type "Query".');
    }
    // Coercing a variable suggests enum values: hidden too.
    const enumValue = await post(`query($s: [TenantStatus!]) { tenants(first: 1, filter: { status: $s }) { totalCount } }`, { s: ['ACTIV'] }, masked);
    for (const result of [enumValue.http.body]) {
      expect(result.errors?.[0]?.message).toMatch(/ACTIV/);
      expect(JSON.stringify(result)).not.toMatch(/Did you mean|"ACTIVE"/);
    }
  });
});
