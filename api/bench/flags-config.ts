// The flag configuration pnpm bench:flags evaluates, once in our model and once as the same toggles in
// Unleash's: FLAGS flags of three rules each (two constraints and a percentage), and the users asking.
import type { Constraint, EvaluationContext, FlagDefinition, FlagRule, TenantFacts } from '@opsgraph/flag-evaluator';
import type { ClientFeaturesResponse, Context } from 'unleash-client';

type UnleashFeature = ClientFeaturesResponse['features'][number];
type UnleashStrategy = NonNullable<UnleashFeature['strategies']>[number];
type UnleashConstraint = NonNullable<UnleashStrategy['constraints']>[number];

export const benchTenant: TenantFacts = { id: '5b0d9a3e-2f64-4c8e-9a51-7d3c2e1f0a42', plan: 'pro', status: 'ACTIVE', entitlements: ['tickets'] };

/** One rule in neutral terms; both models are written from it. */
interface RuleSpec {
  constraints: { attribute: string; operator: 'IN' | 'GT' | 'CONTAINS' | 'STARTS_WITH' | 'SEMVER_GT'; values: string[] }[];
  percentage: number;
}

function ruleSpecs(i: number): RuleSpec[] {
  return [
    { constraints: [{ attribute: 'plan', operator: 'IN', values: ['team', 'pro', 'enterprise'] }, { attribute: 'country', operator: 'IN', values: ['NZ', 'AU', 'DE'] }], percentage: 30 },
    { constraints: [{ attribute: 'appVersion', operator: 'SEMVER_GT', values: [`2.${i % 10}.0`] }, { attribute: 'seats', operator: 'GT', values: [String(i % 20)] }], percentage: 50 },
    { constraints: [{ attribute: 'email', operator: 'CONTAINS', values: ['@example'] }, { attribute: 'userId', operator: 'STARTS_WITH', values: [`user-${i % 10}`] }], percentage: 20 },
  ];
}

export function ourFlags(count: number): FlagDefinition[] {
  return Array.from({ length: count }, (_, i) => {
    const rules: FlagRule[] = ruleSpecs(i).map((spec, r) => ({
      id: `rule-${i}-${r}`,
      description: `rule ${r}`,
      constraints: spec.constraints.map((c): Constraint => ({ attribute: c.attribute, operator: c.operator, values: c.values })),
      value: true,
      rollout: { percentage: spec.percentage, stickiness: 'USER' },
    }));
    return {
      key: `bench-flag-${i}`, type: 'BOOLEAN', enabled: true, defaultValue: false, onValue: true, rules,
      rollout: null, entitlement: null, tenantOverride: null, userOverrides: {}, pausedBy: [],
    };
  });
}

// Unleash's Operator is a string enum: these are its values.
const unleashOperators = {
  IN: 'IN', GT: 'NUM_GT', CONTAINS: 'STR_CONTAINS', STARTS_WITH: 'STR_STARTS_WITH', SEMVER_GT: 'SEMVER_GT',
} as unknown as Record<RuleSpec['constraints'][number]['operator'], UnleashConstraint['operator']>;

/** The same flags as Unleash toggles: one flexibleRollout strategy per rule, sticky by user, grouped by the flag. */
export function unleashFeatures(count: number): UnleashFeature[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `bench-flag-${i}`,
    enabled: true,
    type: 'release',
    project: 'default',
    stale: false,
    impressionData: false,
    variants: [],
    strategies: ruleSpecs(i).map((spec) => ({
      name: 'flexibleRollout',
      parameters: { rollout: String(spec.percentage), stickiness: 'userId', groupId: `bench-flag-${i}` },
      constraints: spec.constraints.map((c): UnleashConstraint => {
        const operator = unleashOperators[c.operator];
        // Unleash's single-value operators take `value`, the list operators `values`.
        const single = c.operator === 'GT' || c.operator === 'SEMVER_GT';
        return { contextName: c.attribute, operator, ...(single ? { value: c.values[0], values: [] } : { values: c.values }), inverted: false, caseInsensitive: false };
      }),
    })),
  }));
}

export interface BenchUser {
  ours: EvaluationContext;
  unleash: Context;
}

const countries = ['NZ', 'AU', 'DE', 'FR', 'US'];

/** `count` users with the attributes the rules read; Unleash's context carries the tenant facts as properties. */
export function benchUsers(count: number): BenchUser[] {
  return Array.from({ length: count }, (_, n) => {
    const userId = `user-${n}`;
    const country = countries[n % countries.length]!;
    const seats = (n * 7) % 40;
    const appVersion = `${1 + (n % 3)}.${n % 10}.${n % 4}`;
    const email = n % 3 === 0 ? `u${n}@example.com` : `u${n}@corp.test`;
    return {
      ours: { userId, attributes: { country, seats, appVersion, email } },
      unleash: {
        userId,
        properties: { tenantId: benchTenant.id, plan: benchTenant.plan!, tenantStatus: benchTenant.status, country, seats: String(seats), appVersion, email },
      },
    };
  });
}
