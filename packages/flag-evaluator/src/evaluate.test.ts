import { describe, expect, it } from 'vitest';
import { bucketOf, evaluateFlag, evaluateSnapshot, matchesConstraint } from './index.ts';
import type { Constraint, ConstraintOperator, EvaluationContext, EvaluationReason, FlagDefinition, FlagRule, TenantFacts } from './index.ts';

const tenant: TenantFacts = { id: '7f1c7c52-5a4e-4c39-9c53-0c8f4f1a2b10', plan: 'pro', status: 'ACTIVE', entitlements: ['tickets', 'sso'] };

function flag(overrides: Partial<FlagDefinition> = {}): FlagDefinition {
  return {
    key: 'new-dashboard', type: 'BOOLEAN', enabled: true, defaultValue: false, onValue: true,
    rules: [], rollout: null, entitlement: null, tenantOverride: null, userOverrides: {}, pausedBy: [],
    ...overrides,
  };
}

function rule(id: string, constraints: Constraint[], value: FlagDefinition['defaultValue'] = true, rollout: FlagRule['rollout'] = null): FlagRule {
  return { id, description: `rule ${id}`, constraints, value, rollout };
}

const c = (attribute: string, operator: ConstraintOperator, ...values: string[]): Constraint => ({ attribute, operator, values });

describe('evaluation order', () => {
  const everything = flag({
    type: 'STRING', defaultValue: 'default', onValue: 'on',
    rules: [rule('r1', [c('plan', 'IN', 'pro')], 'from-rule')],
    rollout: { percentage: 100, stickiness: 'TENANT' },
    entitlement: 'tickets',
    tenantOverride: { value: 'tenant-override' },
    userOverrides: { 'user-1': 'user-override' },
    pausedBy: ['alert-1'],
  });

  it.each<[string, Partial<FlagDefinition>, EvaluationContext, string, EvaluationReason]>([
    ['a disabled flag serves the default, overrides included', { enabled: false }, { userId: 'user-1' }, 'default', 'DISABLED'],
    ['the tenant override comes first', {}, { userId: 'user-1' }, 'tenant-override', 'TENANT_OVERRIDE'],
    ['then the user override', { tenantOverride: null }, { userId: 'user-1' }, 'user-override', 'USER_OVERRIDE'],
    ['a user without an override goes on to the safeguard', { tenantOverride: null }, { userId: 'user-2' }, 'default', 'SAFEGUARD_PAUSED'],
    ['a firing safeguard pauses rules, rollout and entitlement', { tenantOverride: null }, {}, 'default', 'SAFEGUARD_PAUSED'],
    ['then the rules', { tenantOverride: null, pausedBy: [] }, {}, 'from-rule', 'RULE'],
    ['then the rollout', { tenantOverride: null, pausedBy: [], rules: [] }, {}, 'on', 'ROLLOUT'],
    ['then the entitlement', { tenantOverride: null, pausedBy: [], rules: [], rollout: null }, {}, 'on', 'ENTITLEMENT'],
    ['then the default', { tenantOverride: null, pausedBy: [], rules: [], rollout: null, entitlement: 'billing' }, {}, 'default', 'DEFAULT'],
  ])('%s', (_name, changes, context, value, reason) => {
    const evaluation = evaluateFlag({ ...everything, ...changes }, tenant, context);
    expect(evaluation).toMatchObject({ key: 'new-dashboard', value, reason });
  });

  it('reports the firing alert rules of a pause, and none otherwise', () => {
    expect(evaluateFlag(flag({ pausedBy: ['alert-1', 'alert-2'] }), tenant, {}).pausedBy).toEqual(['alert-1', 'alert-2']);
    expect(evaluateFlag(flag(), tenant, {}).pausedBy).toEqual([]);
  });

  it('applies overrides while a safeguard pauses the flag', () => {
    expect(evaluateFlag(flag({ pausedBy: ['a'], tenantOverride: { value: true } }), tenant, {}).reason).toBe('TENANT_OVERRIDE');
    expect(evaluateFlag(flag({ pausedBy: ['a'], userOverrides: { u: true } }), tenant, { userId: 'u' })).toMatchObject({ value: true, reason: 'USER_OVERRIDE' });
  });

  it('tries rules in order: the first whose constraints all hold wins', () => {
    const f = flag({
      type: 'STRING', defaultValue: 'none',
      rules: [
        rule('both', [c('plan', 'EQ', 'pro'), c('country', 'EQ', 'NZ')], 'both'),
        rule('plan', [c('plan', 'EQ', 'pro')], 'plan'),
        rule('anyone', [], 'anyone'),
      ],
    });
    expect(evaluateFlag(f, tenant, { attributes: { country: 'NZ' } })).toMatchObject({ value: 'both', reason: 'RULE', ruleId: 'both' });
    expect(evaluateFlag(f, tenant, { attributes: { country: 'AU' } })).toMatchObject({ value: 'plan', ruleId: 'plan' });
    expect(evaluateFlag(f, { ...tenant, plan: 'starter' }, {})).toMatchObject({ value: 'anyone', ruleId: 'anyone' });
  });

  it('passes over a matching rule whose rollout leaves the key out', () => {
    const out = Array.from({ length: 200 }, (_, i) => `tenant-${i}`).find((id) => bucketOf('new-dashboard', id) >= 5000)!;
    const f = flag({
      type: 'STRING', defaultValue: 'none',
      rules: [rule('half', [], 'half', { percentage: 50, stickiness: 'TENANT' }), rule('rest', [], 'rest')],
    });
    expect(evaluateFlag(f, { ...tenant, id: out }, {})).toMatchObject({ value: 'rest', ruleId: 'rest', bucket: bucketOf('new-dashboard', out) });
  });

  it('gives the entitlement only to plans that list it', () => {
    const f = flag({ entitlement: 'sso' });
    expect(evaluateFlag(f, tenant, {})).toMatchObject({ value: true, reason: 'ENTITLEMENT' });
    expect(evaluateFlag(f, { ...tenant, entitlements: ['tickets'] }, {})).toMatchObject({ value: false, reason: 'DEFAULT' });
  });

  it('does not read user overrides off the prototype', () => {
    expect(evaluateFlag(flag(), tenant, { userId: 'constructor' }).reason).toBe('DEFAULT');
    expect(evaluateFlag(flag(), tenant, { userId: '__proto__' }).reason).toBe('DEFAULT');
  });

  it('evaluates a snapshot flag by flag for its tenant', () => {
    const evaluations = evaluateSnapshot(
      { version: '3', tenant, flags: [flag({ key: 'a', entitlement: 'sso' }), flag({ key: 'b', enabled: false })] },
      {},
    );
    expect(evaluations.map((e) => [e.key, e.value, e.reason])).toEqual([['a', true, 'ENTITLEMENT'], ['b', false, 'DISABLED']]);
  });
});

describe('constraints', () => {
  const context: EvaluationContext = {
    userId: 'user-42',
    attributes: { country: 'NZ', seats: 12, beta: true, groups: ['ops', 'billing'], version: '2.3.0', email: 'ana@example.com', tenantId: 'someone-else' },
  };
  const holds = (constraint: Constraint, ctx: EvaluationContext = context, t: TenantFacts = tenant) => matchesConstraint(constraint, t, ctx);

  it.each([
    // IN / NOT_IN
    [c('plan', 'IN', 'team', 'pro'), true],
    [c('plan', 'IN', 'team'), false],
    [c('plan', 'IN'), false],
    [c('plan', 'NOT_IN', 'team'), true],
    [c('plan', 'NOT_IN', 'pro', 'team'), false],
    [c('groups', 'IN', 'sales', 'ops'), true],
    [c('groups', 'IN', 'sales'), false],
    [c('groups', 'NOT_IN', 'sales'), true],
    [c('seats', 'IN', '12'), true],
    [c('beta', 'IN', 'true'), true],
    [c('tenantStatus', 'IN', 'ACTIVE', 'TRIALING'), true],
    [c('tenantStatus', 'IN', 'active'), false],
    // EQ / NEQ
    [c('country', 'EQ', 'NZ'), true],
    [c('country', 'EQ', 'nz'), false],
    [c('userId', 'EQ', 'user-42'), true],
    [c('tenantId', 'EQ', tenant.id), true],
    [c('country', 'NEQ', 'AU'), true],
    [c('country', 'NEQ', 'NZ'), false],
    [c('groups', 'EQ', 'ops'), false],
    [c('groups', 'NEQ', 'ops'), true],
    // GT / LT
    [c('seats', 'GT', '10'), true],
    [c('seats', 'GT', '12'), false],
    [c('seats', 'LT', '12.5'), true],
    [c('seats', 'LT', '-1'), false],
    [c('seats', 'GT', 'ten'), false],
    [c('seats', 'GT', ''), false],
    [c('country', 'GT', '1'), false],
    [c('beta', 'GT', '0'), false],
    [c('version', 'GT', '1'), false],
    // CONTAINS
    [c('groups', 'CONTAINS', 'billing'), true],
    [c('groups', 'CONTAINS', 'bill'), false],
    [c('email', 'CONTAINS', '@example.'), true],
    [c('email', 'CONTAINS', '@other.'), false],
    [c('seats', 'CONTAINS', '2'), true],
    // STARTS_WITH
    [c('email', 'STARTS_WITH', 'ana@'), true],
    [c('email', 'STARTS_WITH', 'Ana@'), false],
    [c('groups', 'STARTS_WITH', 'ops'), false],
    // SEMVER
    [c('version', 'SEMVER_GT', '2.2.9'), true],
    [c('version', 'SEMVER_GT', '2.3.0'), false],
    [c('version', 'SEMVER_LT', '10.0.0'), true],
    [c('version', 'SEMVER_LT', '2.3.0-beta.1'), false],
    [c('version', 'SEMVER_GT', '2.3.0-beta.1'), true],
    [c('version', 'SEMVER_GT', 'latest'), false],
    [c('country', 'SEMVER_GT', '1.0.0'), false],
    [c('seats', 'SEMVER_GT', '1.0.0'), false],
    // wrong number of values
    [c('country', 'EQ'), false],
    [c('country', 'EQ', 'NZ', 'AU'), false],
    [c('country', 'NEQ', 'NZ', 'AU'), false],
  ])('%o → %s', (constraint, expected) => {
    expect(holds(constraint)).toBe(expected);
  });

  it.each([
    ['IN', false], ['NOT_IN', true], ['EQ', false], ['NEQ', true], ['GT', false], ['LT', false],
    ['CONTAINS', false], ['STARTS_WITH', false], ['SEMVER_GT', false], ['SEMVER_LT', false],
  ] as const)('a missing attribute: %s → %s', (operator, expected) => {
    const value = operator.startsWith('SEMVER') ? '1.0.0' : '1';
    expect(holds(c('missing', operator, value))).toBe(expected);
    expect(holds(c('userId', operator, value), {})).toBe(expected);
    expect(holds(c('plan', operator, value), {}, { ...tenant, plan: null })).toBe(expected);
  });

  it('lets no context attribute stand in for the tenant facts', () => {
    expect(holds(c('tenantId', 'EQ', 'someone-else'))).toBe(false);
    expect(holds(c('plan', 'EQ', 'enterprise'), { attributes: { plan: 'enterprise' } })).toBe(false);
  });

  it('treats an empty user id as no user', () => {
    expect(holds(c('userId', 'IN', ''), { userId: '' })).toBe(false);
    expect(evaluateFlag(flag({ userOverrides: { '': true } }), tenant, { userId: '' }).reason).toBe('DEFAULT');
  });

  it('does not read attributes off the prototype', () => {
    expect(holds(c('toString', 'NEQ', 'x'), { attributes: {} })).toBe(true);
    expect(holds(c('toString', 'CONTAINS', 'function'), { attributes: {} })).toBe(false);
  });
});

describe('rollout', () => {
  const keys = Array.from({ length: 100_000 }, (_, i) => `tenant-${i}`);

  it('buckets a key the same way every time, in 0..9999', () => {
    expect(bucketOf('new-dashboard', 'tenant-1')).toBe(bucketOf('new-dashboard', 'tenant-1'));
    for (const key of keys.slice(0, 1000)) {
      const bucket = bucketOf('new-dashboard', key);
      expect(Number.isInteger(bucket) && bucket >= 0 && bucket < 10_000).toBe(true);
    }
  });

  it('hashes the UTF-8 bytes of a key, so distinct non-ASCII ids do not collide by their low bytes', () => {
    // 'Ā' (U+0100) and '\u0000' share a low byte: a per-UTF-16-unit hash would give them the same bucket.
    const pairs = ['Ā', 'ā', 'ł', '日本', 'ü'].map((s) => bucketOf('flag', s));
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(bucketOf('flag', 'Ā')).not.toBe(bucketOf('flag', '\u0000'));
  });

  it('buckets the same key differently for different flags', () => {
    const same = keys.slice(0, 1000).filter((key) => bucketOf('flag-a', key) === bucketOf('flag-b', key)).length;
    expect(same).toBeLessThan(10);
  });

  it('keeps every key that was in at 10% in at 20%, 50% and 100%', () => {
    const inAt = (percentage: number) => {
      const f = flag({ rollout: { percentage, stickiness: 'TENANT' } });
      return new Set(keys.filter((id) => evaluateFlag(f, { ...tenant, id }, {}).reason === 'ROLLOUT'));
    };
    const ten = inAt(10);
    for (const larger of [20, 50, 100].map(inAt)) for (const key of ten) expect(larger.has(key)).toBe(true);
    expect(inAt(0).size).toBe(0);
    expect(inAt(100).size).toBe(keys.length);
  });

  it.each([10, 25, 50, 0.5, 33.33])('serves %s% of 100,000 keys within ±2%', (percentage) => {
    const f = flag({ rollout: { percentage, stickiness: 'TENANT' } });
    const on = keys.filter((id) => evaluateFlag(f, { ...tenant, id }, {}).value === true).length;
    expect(Math.abs((on / keys.length) * 100 - percentage)).toBeLessThan(2);
  });

  it('buckets by user with USER stickiness, and leaves a context without a user out', () => {
    const f = flag({ rollout: { percentage: 50, stickiness: 'USER' } });
    const users = keys.slice(0, 10_000);
    const on = users.filter((userId) => evaluateFlag(f, tenant, { userId }).reason === 'ROLLOUT').length;
    expect(Math.abs(on / users.length - 0.5)).toBeLessThan(0.02);
    const noUser = evaluateFlag(flag({ rollout: { percentage: 100, stickiness: 'USER' } }), tenant, {});
    expect(noUser).toMatchObject({ value: false, reason: 'DEFAULT', bucket: null });
    const byUser = evaluateFlag(f, tenant, { userId: 'user-7' });
    expect(byUser.bucket).toBe(bucketOf('new-dashboard', 'user-7'));
  });

  it('leaves a context without a user out of a USER rule rollout, and goes on to the next rule', () => {
    const f = flag({ type: 'STRING', rules: [rule('users', [], 'users', { percentage: 100, stickiness: 'USER' }), rule('all', [], 'all')] });
    expect(evaluateFlag(f, tenant, {})).toMatchObject({ value: 'all', ruleId: 'all' });
    expect(evaluateFlag(f, tenant, { userId: 'u' })).toMatchObject({ value: 'users', ruleId: 'users' });
  });

  it('counts two-decimal percentages as whole buckets', () => {
    const f = (percentage: number) => flag({ rollout: { percentage, stickiness: 'TENANT' } });
    const edge = keys.find((id) => bucketOf('new-dashboard', id) === 10)!;
    expect(evaluateFlag(f(0.1), { ...tenant, id: edge }, {}).reason).toBe('DEFAULT');
    expect(evaluateFlag(f(0.11), { ...tenant, id: edge }, {}).reason).toBe('ROLLOUT');
  });
});

describe('explain', () => {
  it('traces each step up to the decision, with the rule that decided', () => {
    const f = flag({
      rules: [rule('r1', [c('plan', 'IN', 'team', 'enterprise')]), rule('r2', [c('country', 'EQ', 'NZ')])],
      rollout: { percentage: 0, stickiness: 'TENANT' },
    });
    const evaluation = evaluateFlag(f, tenant, { attributes: { country: 'NZ' } }, { explain: true });
    expect(evaluation).toMatchObject({ reason: 'RULE', ruleId: 'r2', value: true });
    expect(evaluation.trace!.map((s) => [s.step, s.ruleId, s.matched])).toEqual([
      ['ENABLED', null, true],
      ['TENANT_OVERRIDE', null, false],
      ['USER_OVERRIDE', null, false],
      ['SAFEGUARD', null, false],
      ['RULE', 'r1', false],
      ['RULE', 'r2', true],
    ]);
    expect(evaluation.trace![4]!.detail).toBe('rule "rule r1": plan IN [team, enterprise]: "pro" is not in the list');
    expect(evaluation.trace![5]!.detail).toBe('rule "rule r2": country EQ "NZ": "NZ" equals "NZ"');
  });

  it('explains a rollout miss with the bucket and the threshold, then the default', () => {
    const id = Array.from({ length: 100 }, (_, i) => `t-${i}`).find((k) => bucketOf('new-dashboard', k) >= 2500)!;
    const evaluation = evaluateFlag(flag({ rollout: { percentage: 25, stickiness: 'TENANT' } }), { ...tenant, id }, {}, { explain: true });
    const rollout = evaluation.trace!.find((s) => s.step === 'ROLLOUT')!;
    expect(rollout.matched).toBe(false);
    expect(rollout.detail).toContain(`bucket ${bucketOf('new-dashboard', id)}`);
    expect(rollout.detail).toContain('not below 2500');
    expect(evaluation.trace!.at(-1)).toMatchObject({ step: 'DEFAULT', matched: true });
  });

  it('names the alert rules of a pause and says why numbers and versions fail', () => {
    const paused = evaluateFlag(flag({ pausedBy: ['alert-9'] }), tenant, {}, { explain: true });
    expect(paused.trace!.at(-1)).toMatchObject({ step: 'SAFEGUARD', matched: true });
    expect(paused.trace!.at(-1)!.detail).toContain('alert-9');
    const f = flag({ rules: [rule('n', [c('seats', 'GT', '3')]), rule('v', [c('version', 'SEMVER_GT', '1.0.0')])] });
    const trace = evaluateFlag(f, tenant, { attributes: { seats: 'many', version: 'beta' } }, { explain: true }).trace!;
    expect(trace.find((s) => s.ruleId === 'n')!.detail).toContain('"many" is not a number');
    expect(trace.find((s) => s.ruleId === 'v')!.detail).toContain('"beta" is not a semantic version');
  });

  it('adds no trace without explain', () => {
    expect(evaluateFlag(flag(), tenant, {})).not.toHaveProperty('trace');
  });
});
