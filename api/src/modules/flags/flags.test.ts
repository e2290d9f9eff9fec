import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startPlatform, type TestPlatform } from '../../../test/harness.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { applyScheduledChange, createFlag, evaluateFlagsForTenant, flagSnapshotForTenant, scheduleFlagChange, setFlagTenantOverride } from './service.ts';
import { flushFlagEvaluations } from './evaluations.ts';

let p: TestPlatform;
let owner: { token: string; userId: string };
let viewer: { token: string };
let support: { token: string };
type TestTenant = { tenantId: string; planId: string; apiKey: string };
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  p = await startPlatform({ recordQueries: true });
  owner = await p.login('OWNER');
  viewer = await p.login('VIEWER');
  support = await p.login('SUPPORT');
  a = await p.makeTenant({ name: 'Flags A' });
  b = await p.makeTenant({ name: 'Flags B' });
});
afterAll(() => p.close());

let seq = 0;
const unique = (prefix: string) => `${prefix}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;

const FLAG_FIELDS = `id key description type variants jsonSchema defaultValue onValue enabled owner tags staleAfterDays stale lastEvaluatedAt
  rules { id description constraints { attribute operator values } value rollout { percentage stickiness } }
  rollout { percentage stickiness } entitlement safeguardRules { id name } createdAt updatedAt`;
const RESULT = (fields = FLAG_FIELDS) => `__typename ... on ValidationError { message fieldErrors { field message } }
  ... on ConflictError { field message } ... on Error { message } ... on MutationCreateFlagSuccess { data { ${fields} } }`;

const CREATE = `mutation($i: CreateFlagInput!) { createFlag(input: $i) { ${RESULT()} } }`;

const ERROR_FIELDS: Record<string, string> = {
  ValidationError: 'message fieldErrors { field message }',
  NotFoundError: 'resourceType resourceId',
  ConflictError: 'field message',
  InvalidTransitionError: 'currentStatus requestedStatus',
};
let unions: Map<string, string[]> | null = null;

/** Runs a flag mutation and returns its result union (`field` is the mutation's name). */
async function mutate(field: string, args: string, vars: Record<string, unknown>, token = owner.token, fields = 'id key enabled') {
  unions ??= new Map(
    ((await p.gql(`{ __schema { types { name possibleTypes { name } } } }`, {}, owner.token)).data!.__schema.types as { name: string; possibleTypes: { name: string }[] | null }[])
      .filter((t) => t.possibleTypes)
      .map((t) => [t.name, t.possibleTypes!.map((m) => m.name)]),
  );
  const type = `${field[0]!.toUpperCase()}${field.slice(1)}`;
  const errors = (unions.get(`Mutation${type}Result`) ?? []).filter((name) => ERROR_FIELDS[name]).map((name) => `... on ${name} { ${ERROR_FIELDS[name]} }`);
  const res = await p.gql(
    `mutation(${args}) { ${field}(${Object.keys(vars).map((k) => `${k}: $${k}`).join(', ')}) { __typename ${errors.join(' ')}
      ... on Mutation${type}Success { data { ${fields} } } } }`,
    vars,
    token,
  );
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data![field] as { __typename: string; data?: any; fieldErrors?: { field: string; message: string }[]; [k: string]: any };
}

async function create(input: Record<string, unknown>) {
  const res = await p.gql(CREATE, { i: { key: unique('flag'), type: 'BOOLEAN', ...input } }, owner.token);
  expect(res.data?.createFlag?.__typename, JSON.stringify(res)).toBe('MutationCreateFlagSuccess');
  return res.data!.createFlag.data as { id: string; key: string; [k: string]: any };
}

const auditCount = (targetId: string, action?: string) => p.system.db.auditEvent.count({ where: { targetId, ...(action ? { action } : {}) } });

const TENANT_FLAGS = `query($c: FlagContextInput) { flags(context: $c) { key value reason ruleId bucket } }`;
async function tenantFlags(apiKey: string, context?: Record<string, unknown>) {
  const res = await p.gql(TENANT_FLAGS, { c: context ?? null }, apiKey);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return new Map((res.data!.flags as { key: string; value: unknown; reason: string; ruleId: string | null }[]).map((f) => [f.key, f]));
}

const EXPLAIN = `query($k: String!, $t: ID!, $c: FlagContextInput) { explainFlag(key: $k, tenantId: $t, context: $c) {
  key value reason ruleId bucket pausedBy trace { step ruleId matched detail } } }`;
async function explain(key: string, tenantId: string, context?: Record<string, unknown>) {
  const res = await p.gql(EXPLAIN, { k: key, t: tenantId, c: context ?? null }, viewer.token);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!.explainFlag as { value: unknown; reason: string; ruleId: string | null; bucket: number | null; pausedBy: string[]; trace: { step: string; matched: boolean }[] };
}

// ─── definitions ─────────────────────────────────────────────────────────────

describe('flag definitions', () => {
  it('creates, reads, updates and deletes a flag; every change audited and a no-op change writes nothing', async () => {
    const flag = await create({ description: 'New checkout', owner: 'payments', tags: ['billing', 'ui', 'billing'] });
    expect(flag).toMatchObject({ type: 'BOOLEAN', enabled: false, defaultValue: false, onValue: true, tags: ['billing', 'ui'], staleAfterDays: 30, stale: false, rollout: null, rules: [] });
    const byKey = await p.gql(`query($k: String!) { flagByKey(key: $k) { id key } }`, { k: flag.key }, viewer.token);
    expect(byKey.data!.flagByKey).toEqual({ id: flag.id, key: flag.key });
    const byId = await p.gql(`query($id: ID!) { flag(id: $id) { key description owner } }`, { id: flag.id }, viewer.token);
    expect(byId.data!.flag).toEqual({ key: flag.key, description: 'New checkout', owner: 'payments' });

    const updated = await mutate('updateFlag', '$id: ID!, $input: UpdateFlagInput!', { id: flag.id, input: { description: 'Redesigned checkout', owner: null, staleAfterDays: 7 } }, owner.token, 'description owner staleAfterDays');
    expect(updated.data).toEqual({ description: 'Redesigned checkout', owner: null, staleAfterDays: 7 });
    const same = await mutate('updateFlag', '$id: ID!, $input: UpdateFlagInput!', { id: flag.id, input: { description: 'Redesigned checkout' } });
    expect(same.__typename).toBe('MutationUpdateFlagSuccess');
    expect(await auditCount(flag.id, 'flag.update')).toBe(1);

    expect((await mutate('setFlagEnabled', '$id: ID!, $enabled: Boolean!', { id: flag.id, enabled: true })).data.enabled).toBe(true);
    await mutate('setFlagEnabled', '$id: ID!, $enabled: Boolean!', { id: flag.id, enabled: true });
    expect(await auditCount(flag.id, 'flag.setEnabled')).toBe(1);

    const deleted = await mutate('deleteFlag', '$id: ID!', { id: flag.id });
    expect(deleted.data.key).toBe(flag.key);
    expect(await p.system.db.flag.findUnique({ where: { id: flag.id } })).toBeNull();
    expect(await auditCount(flag.id)).toBe(4);
  });

  it('stores JSON null values and clears a JSON schema', async () => {
    const flag = await create({ type: 'JSON', jsonSchema: { type: ['object', 'null'] }, defaultValue: null, onValue: { a: 1 } });
    expect(flag).toMatchObject({ defaultValue: null, onValue: { a: 1 }, jsonSchema: { type: ['object', 'null'] } });
    const refused = await mutate('setFlagTenantOverride', '$flagId: ID!, $tenantId: ID!, $value: JSON', { flagId: flag.id, tenantId: a.tenantId, value: 'text' });
    expect(refused.fieldErrors!.map((e) => e.field)).toEqual(['value']);
    const set = await mutate('setFlagTenantOverride', '$flagId: ID!, $tenantId: ID!, $value: JSON', { flagId: flag.id, tenantId: a.tenantId, value: null }, owner.token, 'tenantOverrides { value tenant { id } }');
    expect(set.data.tenantOverrides).toEqual([{ value: null, tenant: { id: a.tenantId } }]);
    const cleared = await mutate('updateFlag', '$id: ID!, $input: UpdateFlagInput!', { id: flag.id, input: { jsonSchema: null, onValue: 'text' } }, owner.token, 'jsonSchema onValue');
    expect(cleared.data).toEqual({ jsonSchema: null, onValue: 'text' });
    await mutate('setFlagEnabled', '$id: ID!, $enabled: Boolean!', { id: flag.id, enabled: true });
    expect((await tenantFlags(a.apiKey)).get(flag.key)).toMatchObject({ reason: 'TENANT_OVERRIDE', value: null });
  });

  it('lists flags with search, tags, type, enabled and stale filters, and exports them as CSV', async () => {
    const tag = unique('tag');
    const on = await create({ key: unique('list-on'), tags: [tag, 'x'], enabled: true, description: 'Searchable thing' });
    const str = await create({ key: unique('list-str'), type: 'STRING', tags: [tag], variants: ['a', 'b'], defaultValue: 'a', onValue: 'b' });
    const LIST = `query($f: FlagFilter, $s: FlagSort) { featureFlags(filter: $f, sort: $s, first: 50) { totalCount edges { node { key } } } }`;
    const keys = async (filter: Record<string, unknown>) => {
      const res = await p.gql(LIST, { f: filter, s: 'KEY_ASC' }, viewer.token);
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      return res.data!.featureFlags.edges.map((e: { node: { key: string } }) => e.node.key);
    };
    expect(await keys({ tags: tag })).toEqual([on.key, str.key].sort());
    expect(await keys({ tags: tag, type: ['STRING'] })).toEqual([str.key]);
    expect(await keys({ tags: tag, enabled: true })).toEqual([on.key]);
    expect(await keys({ tags: tag, search: 'searchable' })).toEqual([on.key]);
    expect(await keys({ tags: tag, stale: false })).toEqual([on.key, str.key].sort());
    expect(await keys({ tags: tag, stale: true })).toEqual([]);
    const bad = await p.gql(LIST, { f: { type: ['NOPE'] } }, viewer.token);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const res = await fetch(`${p.url}/exports/flags.csv?tags=${tag}&sort=KEY_ASC`, { headers: { authorization: `Bearer ${viewer.token}` } });
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split('\n');
    expect(lines[0]).toMatch(/^id,key,type,description,enabled/);
    expect(lines).toHaveLength(3);
    expect(lines.some((l) => l.includes(str.key) && l.includes('"a,b"'))).toBe(true);
  });

  it('refuses invalid definitions with errors naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ key: 'has space' }, 'input.key'],
      [{ key: '' }, 'input.key'],
      [{ key: 'k'.repeat(101) }, 'input.key'],
      [{ defaultValue: 1 }, 'input.defaultValue'],
      [{ onValue: 'yes' }, 'input.onValue'],
      [{ type: 'STRING', variants: ['a'], defaultValue: 'b', onValue: 'a' }, 'input.defaultValue'],
      [{ type: 'STRING', variants: ['a', 'a'], defaultValue: 'a', onValue: 'a' }, 'input.variants'],
      [{ type: 'STRING', onValue: 'a' }, 'input.defaultValue'],
      [{ type: 'NUMBER', defaultValue: '3', onValue: 4 }, 'input.defaultValue'],
      [{ type: 'JSON', jsonSchema: { type: 'object', required: ['a'] }, defaultValue: {}, onValue: { a: 1 } }, 'input.defaultValue'],
      [{ type: 'JSON', jsonSchema: { type: 'not-a-type' }, defaultValue: {}, onValue: {} }, 'input.jsonSchema'],
      [{ type: 'JSON', jsonSchema: [1], defaultValue: {}, onValue: {} }, 'input.jsonSchema'],
      [{ variants: ['a'] }, 'input.variants'],
      [{ jsonSchema: { type: 'object' } }, 'input.jsonSchema'],
      [{ staleAfterDays: 0 }, 'input.staleAfterDays'],
      [{ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'input.tags'],
      [{ safeguardRuleIds: ['00000000-0000-4000-8000-000000000000'] }, 'input.safeguardRuleIds.0'],
      [{ safeguardRuleIds: ['nope'] }, 'input.safeguardRuleIds.0'],
      [{ entitlement: 'e'.repeat(101) }, 'input.entitlement'],
    ];
    for (const [input, field] of cases) {
      const res = await p.gql(CREATE, { i: { key: unique('bad'), type: 'BOOLEAN', ...input } }, owner.token);
      expect(res.data?.createFlag.__typename, JSON.stringify({ input, res })).toBe('ValidationError');
      expect(res.data!.createFlag.fieldErrors.map((e: { field: string }) => e.field), JSON.stringify(input)).toContain(field);
    }
    expect(await p.system.db.flag.count({ where: { key: { startsWith: 'bad-' } } })).toBe(0);
    // NUL bytes are refused before any resolver runs, naming the variable.
    for (const input of [{ key: 'nul\u0000key' }, { type: 'STRING', defaultValue: 'nul\u0000', onValue: 'a' }, { type: 'JSON', defaultValue: { 'k\u0000': 1 }, onValue: {} }]) {
      const nul = await p.gql(CREATE, { i: { key: unique('bad'), type: 'BOOLEAN', ...input } }, owner.token);
      const refused = nul.errors?.[0]?.extensions?.code === 'BAD_USER_INPUT' || nul.data?.createFlag?.__typename === 'ValidationError';
      expect(refused, JSON.stringify(nul)).toBe(true);
    }
  });

  it('refuses invalid rules and rollouts with errors naming the field', async () => {
    const flag = await create({ type: 'STRING', variants: ['red', 'blue'], defaultValue: 'red', onValue: 'blue' });
    const SET_RULES = '$id: ID!, $rules: [FlagRuleInput!]!';
    const rule = (r: Record<string, unknown>) => ({ constraints: [{ attribute: 'plan', operator: 'EQ', values: ['pro'] }], value: 'blue', ...r });
    const cases: [Record<string, unknown>[], string][] = [
      [[rule({ value: 'green' })], 'rules.0.value'],
      [[rule({ value: null })], 'rules.0.value'],
      [[rule({ constraints: [{ attribute: 'plan', operator: 'EQ', values: ['a', 'b'] }] })], 'rules.0.constraints.0.values'],
      [[rule({ constraints: [{ attribute: 'plan', operator: 'IN', values: [] }] })], 'rules.0.constraints.0.values'],
      [[rule({ constraints: [{ attribute: '', operator: 'EQ', values: ['a'] }] })], 'rules.0.constraints.0.attribute'],
      [[rule({ rollout: { percentage: 100.5 } })], 'rules.0.rollout.percentage'],
      [[rule({ rollout: { percentage: 10.125 } })], 'rules.0.rollout.percentage'],
      [[rule({ id: 'same' }), rule({ id: 'same' })], 'rules.1.id'],
    ];
    for (const [rules, field] of cases) {
      const res = await mutate('setFlagRules', SET_RULES, { id: flag.id, rules });
      expect(res.__typename, JSON.stringify({ rules, res })).toBe('ValidationError');
      expect(res.fieldErrors!.map((e) => e.field), JSON.stringify(rules)).toContain(field);
    }
    const rollout = await mutate('setFlagRollout', '$id: ID!, $percentage: Float', { id: flag.id, percentage: -1 });
    expect(rollout.fieldErrors!.map((e) => e.field)).toEqual(['percentage']);
    const override = await mutate('setFlagTenantOverride', '$flagId: ID!, $tenantId: ID!, $value: JSON', { flagId: flag.id, tenantId: a.tenantId, value: 'green' });
    expect(override.fieldErrors!.map((e) => e.field)).toEqual(['value']);
    const user = await mutate('setFlagUserOverride', '$flagId: ID!, $tenantId: ID!, $externalUserId: String!, $value: JSON', { flagId: flag.id, tenantId: a.tenantId, externalUserId: '', value: 'red' });
    expect(user.fieldErrors!.map((e) => e.field)).toEqual(['externalUserId']);
    // Narrowing the variants is refused while a stored value uses the one removed.
    await mutate('setFlagTenantOverride', '$flagId: ID!, $tenantId: ID!, $value: JSON', { flagId: flag.id, tenantId: a.tenantId, value: 'blue' });
    const narrowed = await mutate('updateFlag', '$id: ID!, $input: UpdateFlagInput!', { id: flag.id, input: { variants: ['red'] } });
    expect(narrowed.__typename).toBe('ValidationError');
    expect(narrowed.fieldErrors!.map((e) => e.field)).toContain('input.onValue');
    expect(await auditCount(flag.id, 'flag.setRules')).toBe(0);
  });

  it('returns each mutation\'s typed errors', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const flag = await create({});
    const dup = await p.gql(CREATE, { i: { key: flag.key, type: 'BOOLEAN' } }, owner.token);
    expect(dup.data!.createFlag).toMatchObject({ __typename: 'ConflictError', field: 'key' });
    const notFound: [string, string, Record<string, unknown>][] = [
      ['updateFlag', '$id: ID!, $input: UpdateFlagInput!', { id: missing, input: { description: 'x' } }],
      ['setFlagEnabled', '$id: ID!, $enabled: Boolean!', { id: missing, enabled: true }],
      ['setFlagRules', '$id: ID!, $rules: [FlagRuleInput!]!', { id: missing, rules: [] }],
      ['setFlagRollout', '$id: ID!, $percentage: Float', { id: missing, percentage: 5 }],
      ['setFlagTenantOverride', '$flagId: ID!, $tenantId: ID!, $value: JSON', { flagId: missing, tenantId: a.tenantId, value: true }],
      ['setFlagTenantOverride', '$flagId: ID!, $tenantId: ID!, $value: JSON', { flagId: flag.id, tenantId: missing, value: true }],
      ['removeFlagTenantOverride', '$flagId: ID!, $tenantId: ID!', { flagId: flag.id, tenantId: a.tenantId }],
      ['setFlagUserOverride', '$flagId: ID!, $tenantId: ID!, $externalUserId: String!, $value: JSON', { flagId: missing, tenantId: a.tenantId, externalUserId: 'u', value: true }],
      ['removeFlagUserOverride', '$flagId: ID!, $tenantId: ID!, $externalUserId: String!', { flagId: flag.id, tenantId: a.tenantId, externalUserId: 'u' }],
      ['scheduleFlagChange', '$flagId: ID!, $kind: FlagScheduledChangeKind!, $runAt: DateTime!', { flagId: missing, kind: 'ENABLE', runAt: new Date(Date.now() + 60_000).toISOString() }],
      ['cancelFlagChange', '$id: ID!', { id: missing }],
      ['deleteFlag', '$id: ID!', { id: missing }],
    ];
    for (const [field, args, vars] of notFound) {
      const res = await mutate(field, args, vars, owner.token, 'id');
      expect(res.__typename, `${field} ${JSON.stringify(vars)}`).toBe('NotFoundError');
    }
    const badIds: [string, string, Record<string, unknown>, string][] = [
      ['setFlagEnabled', '$id: ID!, $enabled: Boolean!', { id: 'nope', enabled: true }, 'id'],
      ['setFlagTenantOverride', '$flagId: ID!, $tenantId: ID!, $value: JSON', { flagId: flag.id, tenantId: 'nope', value: true }, 'tenantId'],
      ['removeFlagUserOverride', '$flagId: ID!, $tenantId: ID!, $externalUserId: String!', { flagId: flag.id, tenantId: 'nope', externalUserId: 'u' }, 'tenantId'],
      ['scheduleFlagChange', '$flagId: ID!, $kind: FlagScheduledChangeKind!, $runAt: DateTime!', { flagId: flag.id, kind: 'ENABLE', runAt: new Date(Date.now() - 60_000).toISOString() }, 'runAt'],
      ['scheduleFlagChange', '$flagId: ID!, $kind: FlagScheduledChangeKind!, $runAt: DateTime!, $percentage: Float', { flagId: flag.id, kind: 'ENABLE', runAt: new Date(Date.now() + 60_000).toISOString(), percentage: 5 }, 'percentage'],
      ['cancelFlagChange', '$id: ID!', { id: 'nope' }, 'id'],
    ];
    for (const [field, args, vars, name] of badIds) {
      const res = await mutate(field, args, vars, owner.token, 'id');
      expect(res.__typename, `${field} ${JSON.stringify(vars)}`).toBe('ValidationError');
      expect(res.fieldErrors!.map((e) => e.field)).toEqual([name]);
    }
    const change = await mutate('scheduleFlagChange', '$flagId: ID!, $kind: FlagScheduledChangeKind!, $runAt: DateTime!', { flagId: flag.id, kind: 'ENABLE', runAt: new Date(Date.now() + 3_600_000).toISOString() }, owner.token, 'id status');
    expect((await mutate('cancelFlagChange', '$id: ID!', { id: change.data.id }, owner.token, 'status')).data.status).toBe('CANCELLED');
    expect(await mutate('cancelFlagChange', '$id: ID!', { id: change.data.id }, owner.token, 'status')).toMatchObject({ __typename: 'InvalidTransitionError', currentStatus: 'CANCELLED' });
    const [job] = await p.system.db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key = ${`flag-change:${change.data.id}`}`;
    expect(job!.n).toBe(0);
  });

  it('lets only FLAGS_WRITE holders change flags', async () => {
    const flag = await create({});
    const res = await p.gql(`mutation($id: ID!) { setFlagEnabled(id: $id, enabled: true) { __typename } }`, { id: flag.id }, support.token);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const read = await p.gql(`query($id: ID!) { flag(id: $id) { key } }`, { id: flag.id }, support.token);
    expect(read.data!.flag.key).toBe(flag.key);
  });
});

// ─── evaluation ──────────────────────────────────────────────────────────────

describe('evaluation', () => {
  it('explains each reason, in evaluation order', async () => {
    const plan = await p.system.db.plan.findUniqueOrThrow({ where: { id: a.planId } });
    const ent = unique('ent');
    await p.system.db.plan.update({ where: { id: plan.id }, data: { entitlements: [...plan.entitlements, ent] } });
    const flag = await create({ enabled: false });
    expect(await explain(flag.key, a.tenantId)).toMatchObject({ reason: 'DISABLED', value: false });
    await mutate('setFlagEnabled', '$id: ID!, $enabled: Boolean!', { id: flag.id, enabled: true });
    expect(await explain(flag.key, a.tenantId)).toMatchObject({ reason: 'DEFAULT', value: false });
    await mutate('updateFlag', '$id: ID!, $input: UpdateFlagInput!', { id: flag.id, input: { entitlement: ent } });
    expect(await explain(flag.key, a.tenantId)).toMatchObject({ reason: 'ENTITLEMENT', value: true });
    await mutate('setFlagRollout', '$id: ID!, $percentage: Float', { id: flag.id, percentage: 100 });
    const rollout = await explain(flag.key, b.tenantId);
    expect(rollout).toMatchObject({ reason: 'ROLLOUT', value: true });
    expect(rollout.bucket).toBeGreaterThanOrEqual(0);
    const rules = await mutate('setFlagRules', '$id: ID!, $rules: [FlagRuleInput!]!', {
      id: flag.id,
      rules: [{ description: 'Not for the beta', constraints: [{ attribute: 'cohort', operator: 'IN', values: ['beta'] }], value: false }],
    }, owner.token, 'rules { id }');
    const ruleId = rules.data.rules[0].id;
    const ruled = await explain(flag.key, a.tenantId, { attributes: { cohort: 'beta' } });
    expect(ruled).toMatchObject({ reason: 'RULE', value: false, ruleId });
    expect(ruled.trace.map((s) => s.step)).toContain('RULE');
    await mutate('setFlagUserOverride', '$flagId: ID!, $tenantId: ID!, $externalUserId: String!, $value: JSON', { flagId: flag.id, tenantId: a.tenantId, externalUserId: 'u-1', value: true });
    expect(await explain(flag.key, a.tenantId, { userId: 'u-1', attributes: { cohort: 'beta' } })).toMatchObject({ reason: 'USER_OVERRIDE', value: true });
    await mutate('setFlagTenantOverride', '$flagId: ID!, $tenantId: ID!, $value: JSON', { flagId: flag.id, tenantId: a.tenantId, value: false });
    expect(await explain(flag.key, a.tenantId, { userId: 'u-1' })).toMatchObject({ reason: 'TENANT_OVERRIDE', value: false });
    // Tenant B has neither override.
    expect(await explain(flag.key, b.tenantId, { userId: 'u-1', attributes: { cohort: 'beta' } })).toMatchObject({ reason: 'RULE' });
    await mutate('setFlagEnabled', '$id: ID!, $enabled: Boolean!', { id: flag.id, enabled: false });
    expect(await explain(flag.key, a.tenantId, { userId: 'u-1' })).toMatchObject({ reason: 'DISABLED', value: false });
  });

  it('refuses a bad context or key with typed errors', async () => {
    const flag = await create({});
    const bad = async (vars: Record<string, unknown>) => (await p.gql(EXPLAIN, { k: flag.key, t: a.tenantId, c: null, ...vars }, viewer.token)).errors?.[0];
    expect((await bad({ c: { attributes: { plan: { nested: 1 } } } }))?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(JSON.stringify((await bad({ c: { attributes: { plan: { nested: 1 } } } }))?.extensions?.fieldErrors)).toContain('context.attributes.plan');
    expect((await bad({ c: { attributes: [1] } }))?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await bad({ c: { userId: 'nul\u0000' } }))?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await bad({ t: 'nope' }))?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await bad({ k: unique('missing') }))?.extensions?.code).toBe('NOT_FOUND');
    expect((await bad({ t: '00000000-0000-4000-8000-000000000000' }))?.extensions?.code).toBe('NOT_FOUND');
  });

  it("serves the tenant graph's flags with the user's stored attributes under the caller's", async () => {
    const flag = await create({ enabled: true });
    await mutate('setFlagRules', '$id: ID!, $rules: [FlagRuleInput!]!', {
      id: flag.id,
      rules: [{ constraints: [{ attribute: 'tier', operator: 'EQ', values: ['gold'] }, { attribute: 'tenantId', operator: 'EQ', values: [a.tenantId] }], value: true }],
    });
    await p.system.db.user.create({ data: { tenantId: a.tenantId, externalId: 'stored-gold', attributes: { tier: 'gold' } } });
    expect((await tenantFlags(a.apiKey)).get(flag.key)).toMatchObject({ reason: 'DEFAULT', value: false });
    expect((await tenantFlags(a.apiKey, { userId: 'stored-gold' })).get(flag.key)).toMatchObject({ reason: 'RULE', value: true });
    // The caller's attributes win over the stored ones.
    expect((await tenantFlags(a.apiKey, { userId: 'stored-gold', attributes: { tier: 'silver' } })).get(flag.key)).toMatchObject({ reason: 'DEFAULT' });
    const bad = await p.gql(TENANT_FLAGS, { c: { attributes: { tier: null } } }, a.apiKey);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it("refuses a tenant scope another tenant's evaluation or snapshot", async () => {
    const { createScope } = await import('../../scope.ts');
    const scopeOfA = createScope(p.app, { kind: 'tenant', tenantId: a.tenantId, apiKeyId: 'k', keyExpiresAt: null });
    await expect(evaluateFlagsForTenant(scopeOfA, b.tenantId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(flagSnapshotForTenant(scopeOfA, b.tenantId)).rejects.toBeInstanceOf(NotFoundError);
    expect((await flagSnapshotForTenant(scopeOfA, a.tenantId)).tenant.id).toBe(a.tenantId);
  });

  it('sees a change at once on the instance that made it (the definitions cache is dropped on commit)', async () => {
    const flag = await create({ enabled: true });
    expect((await tenantFlags(a.apiKey)).get(flag.key)?.value).toBe(false);
    await mutate('setFlagRollout', '$id: ID!, $percentage: Float', { id: flag.id, percentage: 100 });
    expect((await tenantFlags(a.apiKey)).get(flag.key)).toMatchObject({ value: true, reason: 'ROLLOUT' });
    await mutate('deleteFlag', '$id: ID!', { id: flag.id });
    expect((await tenantFlags(a.apiKey)).has(flag.key)).toBe(false);
  });

  it('counts evaluations in memory and adds them in one statement per flush, never a row per evaluation', async () => {
    const flag = await create({ enabled: true });
    for (let i = 0; i < 20; i += 1) await evaluateFlagsForTenant(p.system, a.tenantId);
    for (let i = 0; i < 5; i += 1) await tenantFlags(b.apiKey);
    expect(await p.system.db.flagEvaluationDaily.count({ where: { flagId: flag.id } })).toBe(0);
    const statements = await p.recordQueries(() => flushFlagEvaluations(p.system));
    expect(statements.filter((s) => /FlagEvaluationDaily/.test(s))).toHaveLength(1);
    expect(statements).toHaveLength(1);
    const rows = await p.system.db.flagEvaluationDaily.findMany({ where: { flagId: flag.id }, orderBy: { tenantId: 'asc' } });
    expect(rows.map((r) => [r.tenantId, Number(r.count)]).sort()).toEqual([[a.tenantId, 20], [b.tenantId, 5]].sort());
    for (let i = 0; i < 3; i += 1) await evaluateFlagsForTenant(p.system, a.tenantId);
    await flushFlagEvaluations(p.system);
    expect(await p.system.db.flagEvaluationDaily.count({ where: { flagId: flag.id } })).toBe(2);
    const today = new Date().toISOString().slice(0, 10);
    const res = await p.gql(`query($id: ID!, $from: DateTime!, $to: DateTime!) { flag(id: $id) { lastEvaluatedAt evaluationCounts(from: $from, to: $to) { day count } } }`, {
      id: flag.id, from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date().toISOString(),
    }, viewer.token);
    expect(res.data!.flag.evaluationCounts).toEqual([{ day: today, count: 28 }]);
    expect(res.data!.flag.lastEvaluatedAt).not.toBeNull();
    // explainFlag is a preview, not an evaluation.
    await explain(flag.key, a.tenantId);
    await flushFlagEvaluations(p.system);
    expect(Number((await p.system.db.flagEvaluationDaily.findFirstOrThrow({ where: { flagId: flag.id, tenantId: a.tenantId } })).count)).toBe(23);
  });

  it("gives a tenant's key only the rules that can concern it: no other tenant's id, no admin description", async () => {
    const flag = await create({ enabled: true });
    const rules = [
      { description: 'Beta for B only', constraints: [{ attribute: 'tenantId', operator: 'EQ', values: [b.tenantId] }], value: true },
      { description: 'Beta for A and B', constraints: [{ attribute: 'tenantId', operator: 'IN', values: [a.tenantId, b.tenantId] }, { attribute: 'tier', operator: 'EQ', values: ['gold'] }], value: true },
    ];
    await mutate('setFlagRules', '$id: ID!, $rules: [FlagRuleInput!]!', { id: flag.id, rules });
    const SNAPSHOT = `{ flagSnapshot { snapshot } }`;
    const mine = async (apiKey: string) => (await p.gql(SNAPSHOT, {}, apiKey)).data!.flagSnapshot.snapshot.flags.find((f: { key: string }) => f.key === flag.key);
    const ofA = await mine(a.apiKey);
    expect(ofA.rules).toEqual([{ id: expect.any(String), description: '', constraints: [{ attribute: 'tier', operator: 'EQ', values: ['gold'] }], value: true, rollout: null }]);
    expect(JSON.stringify(ofA)).not.toContain(b.tenantId);
    expect(JSON.stringify(ofA)).not.toContain('Beta for');
    expect((await mine(b.apiKey)).rules.map((r: { constraints: unknown[] }) => r.constraints.length)).toEqual([0, 1]);
    // The evaluation is the same as on the full definition.
    expect((await tenantFlags(a.apiKey, { attributes: { tier: 'gold' } })).get(flag.key)).toMatchObject({ value: true, reason: 'RULE' });
    expect((await tenantFlags(a.apiKey)).get(flag.key)).toMatchObject({ value: false, reason: 'DEFAULT' });
    expect((await tenantFlags(b.apiKey)).get(flag.key)).toMatchObject({ value: true, reason: 'RULE' });
    expect((await explain(flag.key, a.tenantId, { attributes: { tier: 'gold' } })).reason).toBe('RULE');
  });

  it('evaluates and counts only the flags a caller asks for', async () => {
    const [asked, other] = [await create({ enabled: true }), await create({ enabled: true })];
    const evaluations = await evaluateFlagsForTenant(p.system, a.tenantId, undefined, { keys: [asked.key] });
    expect(evaluations.map((e) => e.key)).toEqual([asked.key]);
    await flushFlagEvaluations(p.system);
    const counted = await p.system.db.flagEvaluationDaily.findMany({ where: { flagId: { in: [asked.id, other.id] } } });
    expect(counted.map((r) => [r.flagId, Number(r.count)])).toEqual([[asked.id, 1]]);
  });

  it('marks a flag stale when it was not evaluated in staleAfterDays, and fresh again once evaluated', async () => {
    const tag = unique('stale');
    const old = await create({ tags: [tag], staleAfterDays: 2, enabled: true });
    const fresh = await create({ tags: [tag], staleAfterDays: 2 });
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000);
    // As if created three days ago and never evaluated since.
    await p.system.db.flag.update({ where: { id: old.id }, data: { createdAt: threeDaysAgo, staleAt: new Date(threeDaysAgo.getTime() + 2 * 86_400_000) } });
    const LIST = `query($f: FlagFilter) { featureFlags(filter: $f) { edges { node { key stale } } } }`;
    const staleKeys = async () => (await p.gql(LIST, { f: { tags: tag, stale: true } }, viewer.token)).data!.featureFlags.edges.map((e: any) => e.node.key);
    expect(await staleKeys()).toEqual([old.key]);
    // A longer period puts the flag back in date.
    await mutate('updateFlag', '$id: ID!, $input: UpdateFlagInput!', { id: old.id, input: { staleAfterDays: 10 } });
    expect(await staleKeys()).toEqual([]);
    await mutate('updateFlag', '$id: ID!, $input: UpdateFlagInput!', { id: old.id, input: { staleAfterDays: 1 } });
    expect(await staleKeys()).toEqual([old.key]);
    await tenantFlags(a.apiKey);
    await flushFlagEvaluations(p.system);
    expect(await staleKeys()).toEqual([]);
    expect(fresh.stale).toBe(false);
  });
});

// ─── concurrency ─────────────────────────────────────────────────────────────

describe('concurrent changes', () => {
  it('gives one of two creations of the same key a ConflictError', async () => {
    const key = unique('race');
    const results = await Promise.all([0, 1].map(() => p.gql(CREATE, { i: { key, type: 'BOOLEAN' } }, owner.token)));
    expect(results.map((r) => r.data!.createFlag.__typename).sort()).toEqual(['ConflictError', 'MutationCreateFlagSuccess']);
    const flag = await p.system.db.flag.findUniqueOrThrow({ where: { key } });
    expect(await auditCount(flag.id, 'flag.create')).toBe(1);
  });

  it('applies two admins toggling at once once: the second finds it done and writes no audit entry', async () => {
    const flag = await create({});
    const results = await Promise.all([0, 1, 2].map(() => mutate('setFlagEnabled', '$id: ID!, $enabled: Boolean!', { id: flag.id, enabled: true })));
    expect(results.every((r) => r.data?.enabled === true)).toBe(true);
    expect(await auditCount(flag.id, 'flag.setEnabled')).toBe(1);
  });

  it('keeps one override per flag and tenant when two admins set it at once', async () => {
    const flag = await create({ type: 'NUMBER', defaultValue: 0, onValue: 1 });
    const values = [10, 20, 30];
    await Promise.all(values.map((value) => mutate('setFlagTenantOverride', '$flagId: ID!, $tenantId: ID!, $value: JSON', { flagId: flag.id, tenantId: a.tenantId, value })));
    const rows = await p.system.db.flagTenantOverride.findMany({ where: { flagId: flag.id } });
    expect(rows).toHaveLength(1);
    expect(values).toContain(rows[0]!.value);
    expect(await auditCount(flag.id, 'flag.setTenantOverride')).toBe(3);
    const removed = await Promise.all([0, 1].map(() => mutate('removeFlagTenantOverride', '$flagId: ID!, $tenantId: ID!', { flagId: flag.id, tenantId: a.tenantId })));
    expect(removed.map((r) => r.__typename).sort()).toEqual(['MutationRemoveFlagTenantOverrideSuccess', 'NotFoundError']);
    expect(await auditCount(flag.id, 'flag.removeTenantOverride')).toBe(1);
  });

  it('applies a scheduled change once when it is applied twice at once or retried', async () => {
    const flag = await createFlag(p.system, { key: unique('sched-race'), type: 'BOOLEAN' });
    const change = await scheduleFlagChange(p.system, flag.id, { kind: 'ENABLE', runAt: new Date(Date.now() + 3_600_000) });
    const results = await Promise.all([applyScheduledChange(p.system, change.id), applyScheduledChange(p.system, change.id)]);
    expect(results.map((r) => r?.status)).toEqual(['APPLIED', 'APPLIED']);
    await applyScheduledChange(p.system, change.id);
    expect(await auditCount(flag.id, 'flag.applyScheduledChange')).toBe(1);
    expect((await p.system.db.flag.findUniqueOrThrow({ where: { id: flag.id } })).enabled).toBe(true);
  });

  it("bounds a flag's nested override lists: first between 1 and 500, a typed error naming it otherwise", async () => {
    const flag = await create({});
    for (const t of [a, b]) await setFlagTenantOverride(p.system, flag.id, t.tenantId, true);
    const read = (first: number) => p.gql(`query($id: ID!, $n: Int) { flag(id: $id) { tenantOverrides(first: $n) { value } userOverrides(first: $n) { value } } }`, { id: flag.id, n: first }, viewer.token);
    expect((await read(1)).data!.flag.tenantOverrides).toHaveLength(1);
    for (const bad of [0, 501]) {
      const res = await read(bad);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(JSON.stringify(res.errors)).toContain('first');
    }
  });

  it('marks a scheduled change that finds the flag already so as applied, with no audit entry and no event', async () => {
    const flag = await createFlag(p.system, { key: unique('sched-noop'), type: 'BOOLEAN', enabled: true });
    const change = await scheduleFlagChange(p.system, flag.id, { kind: 'ENABLE', runAt: new Date(Date.now() + 3_600_000) });
    const { revision } = await p.system.db.flagCatalog.findUniqueOrThrow({ where: { id: 1 } });
    expect((await applyScheduledChange(p.system, change.id))?.status).toBe('APPLIED');
    expect(await auditCount(flag.id, 'flag.applyScheduledChange')).toBe(0);
    expect((await p.system.db.flagCatalog.findUniqueOrThrow({ where: { id: 1 } })).revision).toBe(revision);
  });
});

// ─── statements ──────────────────────────────────────────────────────────────

describe('statement counts', () => {
  it('lists flags with their overrides, tenants and safeguard rules in a constant number of statements', async () => {
    const tag = unique('stmts');
    const LIST = `query($f: FlagFilter) { featureFlags(filter: $f, first: 50) { totalCount edges { node { key rollout { percentage }
      safeguardRules { id name } safeguardPauses { since tenant { name } } tenantOverrides { value tenant { id name } } userOverrides { externalUserId tenant { name } }
      scheduledChanges { id status } } } } }`;
    const counts: number[] = [];
    for (const n of [2, 8]) {
      while ((await p.system.db.flag.count({ where: { tags: { has: tag } } })) < n) {
        const flag = await createFlag(p.system, { key: unique('stmt'), type: 'BOOLEAN', tags: [tag] });
        await setFlagTenantOverride(p.system, flag.id, a.tenantId, true);
        await setFlagTenantOverride(p.system, flag.id, b.tenantId, false);
      }
      const statements = await p.recordQueries(async () => {
        const res = await p.gql(LIST, { f: { tags: tag } }, viewer.token);
        expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
        expect(res.data!.featureFlags.edges).toHaveLength(n);
      });
      // The session may be looked up again once the credential cache lets it go: not the list's cost.
      counts.push(statements.filter((sql) => !/"AdminSession"/.test(sql)).length);
    }
    // The page with its relations in one statement, the total in another, whatever the page size.
    expect(counts).toEqual([2, 2]);
  });

  it("answers the tenant graph's flags from the cached definitions in one statement", async () => {
    await tenantFlags(a.apiKey);
    const statements = await p.recordQueries(() => tenantFlags(a.apiKey, { userId: 'someone', attributes: { tier: 'gold' } }));
    const ours = statements.filter((s) => !/"TenantApiKey"|"AdminSession"/.test(s));
    expect(ours, statements.join('\n')).toHaveLength(1);
  });
});
