// The flag model a client needs to evaluate flags for one tenant. The API builds it from the database
// (admin graph: any tenant; tenant graph: the calling tenant only) and the OpenFeature provider receives it
// as `flagSnapshot`. Nothing in it belongs to another tenant.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type FlagType = 'BOOLEAN' | 'STRING' | 'NUMBER' | 'JSON';

export type ConstraintOperator =
  | 'IN'
  | 'NOT_IN'
  | 'EQ'
  | 'NEQ'
  | 'GT'
  | 'LT'
  | 'CONTAINS'
  | 'STARTS_WITH'
  | 'SEMVER_GT'
  | 'SEMVER_LT';

/** Whose id a percentage is bucketed by. USER falls back to not-in-rollout when the context has no user. */
export type Stickiness = 'TENANT' | 'USER';

/**
 * One condition on the evaluation context. `attribute` is `tenantId`, `plan` (the plan's code),
 * `tenantStatus`, `userId` (the tenant user's external id) or any name in `attributes`. `values` are
 * strings: IN / NOT_IN take any number, every other operator takes exactly one. GT / LT compare numbers
 * (both sides must parse as finite numbers, otherwise the constraint is false); CONTAINS on a string-array
 * attribute means "has the element", on a string "has the substring"; SEMVER_* compare semantic versions
 * (an attribute that is not one makes the constraint false).
 *
 * Comparisons are case-sensitive; number and boolean attributes compare as their string form (`3`, `true`)
 * except in GT / LT. A string-array attribute: IN holds when any element is in the list, CONTAINS when it has
 * the element, EQ / STARTS_WITH / SEMVER_* / GT / LT do not hold. A missing attribute (absent from the
 * context, null, a tenant without a plan, no user) is in no list and equal to nothing: every operator is
 * false except NOT_IN and NEQ, which are exactly the negations of IN and EQ and so hold. A constraint with
 * the wrong number of values never holds. The built-in names win over attributes of the same name, so a
 * caller cannot claim another tenant id or plan.
 */
export interface Constraint {
  attribute: string;
  operator: ConstraintOperator;
  values: string[];
}

/** A percentage of keys in 0..100 with at most two decimals (10000 buckets). */
export interface Rollout {
  percentage: number;
  stickiness: Stickiness;
}

/** Rules are tried in order; the first whose constraints all hold (and whose rollout, if any, includes the key) wins. */
export interface FlagRule {
  id: string;
  description: string;
  constraints: Constraint[];
  value: JsonValue;
  rollout: Rollout | null;
}

export interface FlagDefinition {
  key: string;
  type: FlagType;
  /** Kill switch: a disabled flag serves `defaultValue` to everyone, overrides included. */
  enabled: boolean;
  /** Served when nothing matches, when the flag is disabled, and while a safeguard pauses it. */
  defaultValue: JsonValue;
  /** Served by the flag's own rollout and by a plan entitlement (true for BOOLEAN flags). */
  onValue: JsonValue;
  rules: FlagRule[];
  /** After the rules: this share of keys gets `onValue`. Null: no rollout. */
  rollout: Rollout | null;
  /** A plan entitlement name: tenants whose plan lists it get `onValue` (after rules and rollout). */
  entitlement: string | null;
  /** This tenant's override, or null. */
  tenantOverride: { value: JsonValue } | null;
  /** This tenant's users' overrides, by external user id. */
  userOverrides: Record<string, JsonValue>;
  /**
   * Safeguard: the alert rules (ids) that are firing for this tenant right now among those the flag names.
   * Non-empty: rules, rollout and entitlement are paused for this tenant (overrides still apply).
   */
  pausedBy: string[];
}

/** The tenant the flags are evaluated for, as stored. */
export interface TenantFacts {
  id: string;
  /** The plan's code, or null without a plan. */
  plan: string | null;
  status: string;
  /** The plan's entitlements. */
  entitlements: string[];
}

export type AttributeValue = string | number | boolean | string[];

/**
 * What the caller adds: a user (external id) and attributes (the user's stored attributes, then these).
 * A `userId` of '' counts as no user.
 */
export interface EvaluationContext {
  userId?: string | null;
  attributes?: Record<string, AttributeValue>;
}

export type EvaluationReason =
  | 'DISABLED'
  | 'TENANT_OVERRIDE'
  | 'USER_OVERRIDE'
  | 'RULE'
  | 'ROLLOUT'
  | 'ENTITLEMENT'
  | 'SAFEGUARD_PAUSED'
  | 'DEFAULT';

/** One step the evaluator took, for explainFlag. */
export interface TraceStep {
  step: 'ENABLED' | 'TENANT_OVERRIDE' | 'USER_OVERRIDE' | 'SAFEGUARD' | 'RULE' | 'ROLLOUT' | 'ENTITLEMENT' | 'DEFAULT';
  /** For RULE steps: the rule's id. */
  ruleId: string | null;
  matched: boolean;
  /** Human-readable, e.g. `plan IN [pro, team]: "starter" is not in the list`. */
  detail: string;
}

export interface Evaluation {
  key: string;
  value: JsonValue;
  reason: EvaluationReason;
  /** The rule that decided (reason RULE), else null. */
  ruleId: string | null;
  /** The key's bucket 0..9999 when a rollout was consulted, else null. */
  bucket: number | null;
  /** The alert rules pausing the flag (reason SAFEGUARD_PAUSED), else []. */
  pausedBy: string[];
  /** Only with `{ explain: true }`. */
  trace?: TraceStep[];
}

/** What `flagSnapshot` returns and the provider evaluates from. */
export interface FlagSnapshot {
  /** Increases with every change that affects this tenant; the provider ignores an older snapshot. */
  version: string;
  tenant: TenantFacts;
  flags: FlagDefinition[];
}
