import semver from 'semver';
import { BUCKETS, bucketOf } from './bucket.ts';
import type {
  AttributeValue,
  Constraint,
  Evaluation,
  EvaluationContext,
  EvaluationReason,
  FlagDefinition,
  FlagRule,
  FlagSnapshot,
  JsonValue,
  Rollout,
  TenantFacts,
  TraceStep,
} from './types.ts';

export { bucketOf } from './bucket.ts';

export interface EvaluateOptions {
  /** Fill `trace` with every step taken (explainFlag); off in the hot path. */
  explain?: boolean;
}

// Shared by every evaluation that is not paused: evaluations are read, never changed.
const NOT_PAUSED: string[] = Object.freeze([]) as unknown as string[];

/**
 * One flag for one tenant and context. Order: kill switch, tenant override, user override, safeguard pause,
 * rules (first match), the flag's rollout, the plan entitlement, the default.
 */
export function evaluateFlag(flag: FlagDefinition, tenant: TenantFacts, context: EvaluationContext, options?: EvaluateOptions): Evaluation {
  const trace: TraceStep[] | null = options?.explain ? [] : null;
  if (!flag.enabled) {
    trace?.push(step('ENABLED', null, false, 'the flag is disabled: everyone gets the default value'));
    return result(flag.key, flag.defaultValue, 'DISABLED', null, null, NOT_PAUSED, trace);
  }
  trace?.push(step('ENABLED', null, true, 'the flag is enabled'));

  if (flag.tenantOverride) {
    trace?.push(step('TENANT_OVERRIDE', null, true, `tenant ${tenant.id} has an override: ${JSON.stringify(flag.tenantOverride.value)}`));
    return result(flag.key, flag.tenantOverride.value, 'TENANT_OVERRIDE', null, null, NOT_PAUSED, trace);
  }
  trace?.push(step('TENANT_OVERRIDE', null, false, `tenant ${tenant.id} has no override`));

  const userId = context.userId || null;
  if (userId !== null && Object.hasOwn(flag.userOverrides, userId)) {
    const value = flag.userOverrides[userId]!;
    trace?.push(step('USER_OVERRIDE', null, true, `user ${userId} has an override: ${JSON.stringify(value)}`));
    return result(flag.key, value, 'USER_OVERRIDE', null, null, NOT_PAUSED, trace);
  }
  trace?.push(step('USER_OVERRIDE', null, false, userId === null ? 'no user in the context' : `user ${userId} has no override`));

  if (flag.pausedBy.length > 0) {
    trace?.push(step('SAFEGUARD', null, true, `paused by firing alert rule(s) ${flag.pausedBy.join(', ')}: the default value is served`));
    return result(flag.key, flag.defaultValue, 'SAFEGUARD_PAUSED', null, null, flag.pausedBy.slice(), trace);
  }
  trace?.push(step('SAFEGUARD', null, false, 'no safeguard alert is firing for this tenant'));

  let bucket: number | null = null;
  const rules = flag.rules;
  for (let i = 0; i < rules.length; i += 1) {
    const rule = rules[i]!;
    if (!matchesAll(rule, tenant, context)) {
      trace?.push(step('RULE', rule.id, false, describeRule(rule, tenant, context)));
      continue;
    }
    if (rule.rollout !== null) {
      const key = stickinessKey(rule.rollout, tenant, userId);
      if (key === null) {
        trace?.push(step('RULE', rule.id, false, `${describeRule(rule, tenant, context)}; ${describeRollout(rule.rollout, null, flag.key)}`));
        continue;
      }
      bucket = bucketOf(flag.key, key);
      if (!inRollout(rule.rollout, bucket)) {
        trace?.push(step('RULE', rule.id, false, `${describeRule(rule, tenant, context)}; ${describeRollout(rule.rollout, bucket, flag.key)}`));
        continue;
      }
      trace?.push(step('RULE', rule.id, true, `${describeRule(rule, tenant, context)}; ${describeRollout(rule.rollout, bucket, flag.key)}`));
    } else {
      trace?.push(step('RULE', rule.id, true, describeRule(rule, tenant, context)));
    }
    return result(flag.key, rule.value, 'RULE', rule.id, bucket, NOT_PAUSED, trace);
  }

  if (flag.rollout !== null) {
    const key = stickinessKey(flag.rollout, tenant, userId);
    if (key !== null) bucket = bucketOf(flag.key, key);
    const included = key !== null && inRollout(flag.rollout, bucket!);
    trace?.push(step('ROLLOUT', null, included, describeRollout(flag.rollout, key === null ? null : bucket, flag.key)));
    if (included) return result(flag.key, flag.onValue, 'ROLLOUT', null, bucket, NOT_PAUSED, trace);
  } else {
    trace?.push(step('ROLLOUT', null, false, 'no rollout'));
  }

  if (flag.entitlement !== null) {
    const entitled = tenant.entitlements.includes(flag.entitlement);
    trace?.push(
      step('ENTITLEMENT', null, entitled, `plan ${tenant.plan ?? '(none)'} ${entitled ? 'includes' : 'does not include'} the entitlement "${flag.entitlement}"`),
    );
    if (entitled) return result(flag.key, flag.onValue, 'ENTITLEMENT', null, bucket, NOT_PAUSED, trace);
  } else {
    trace?.push(step('ENTITLEMENT', null, false, 'no entitlement'));
  }

  trace?.push(step('DEFAULT', null, true, `nothing matched: the default value ${JSON.stringify(flag.defaultValue)}`));
  return result(flag.key, flag.defaultValue, 'DEFAULT', null, bucket, NOT_PAUSED, trace);
}

/** Every flag of a snapshot, in the snapshot's order. */
export function evaluateSnapshot(snapshot: FlagSnapshot, context: EvaluationContext, options?: EvaluateOptions): Evaluation[] {
  const flags = snapshot.flags;
  const evaluations = new Array<Evaluation>(flags.length);
  for (let i = 0; i < flags.length; i += 1) evaluations[i] = evaluateFlag(flags[i]!, snapshot.tenant, context, options);
  return evaluations;
}

function result(
  key: string,
  value: JsonValue,
  reason: EvaluationReason,
  ruleId: string | null,
  bucket: number | null,
  pausedBy: string[],
  trace: TraceStep[] | null,
): Evaluation {
  // One object shape for every evaluation without a trace keeps property access monomorphic for callers.
  if (trace === null) return { key, value, reason, ruleId, bucket, pausedBy };
  return { key, value, reason, ruleId, bucket, pausedBy, trace };
}

function step(name: TraceStep['step'], ruleId: string | null, matched: boolean, detail: string): TraceStep {
  return { step: name, ruleId, matched, detail };
}

// ─── rollouts ────────────────────────────────────────────────────────────────

function stickinessKey(rollout: Rollout, tenant: TenantFacts, userId: string | null): string | null {
  return rollout.stickiness === 'USER' ? userId : tenant.id;
}

function inRollout(rollout: Rollout, bucket: number): boolean {
  // Rounded: 0.1 × 100 is 10.000000000000002 in binary floating point.
  return bucket < Math.round(rollout.percentage * (BUCKETS / 100));
}

function describeRollout(rollout: Rollout, bucket: number | null, flagKey: string): string {
  const share = `rollout ${rollout.percentage}% by ${rollout.stickiness === 'USER' ? 'user' : 'tenant'}`;
  if (bucket === null) return `${share}: no user in the context, so not in the rollout`;
  const threshold = Math.round(rollout.percentage * (BUCKETS / 100));
  return bucket < threshold
    ? `${share}: bucket ${bucket} of "${flagKey}" is below ${threshold}, in the rollout`
    : `${share}: bucket ${bucket} of "${flagKey}" is not below ${threshold}, not in the rollout`;
}

// ─── constraints ─────────────────────────────────────────────────────────────

function matchesAll(rule: FlagRule, tenant: TenantFacts, context: EvaluationContext): boolean {
  const constraints = rule.constraints;
  for (let i = 0; i < constraints.length; i += 1) if (!matchesConstraint(constraints[i]!, tenant, context)) return false;
  return true;
}

/** The attribute a constraint names; the built-in names cannot be overridden by context attributes. */
function attributeOf(attribute: string, tenant: TenantFacts, context: EvaluationContext): AttributeValue | null {
  switch (attribute) {
    case 'tenantId':
      return tenant.id;
    case 'plan':
      return tenant.plan;
    case 'tenantStatus':
      return tenant.status;
    case 'userId':
      return context.userId || null;
    default: {
      const attributes = context.attributes;
      if (attributes === undefined || !Object.hasOwn(attributes, attribute)) return null;
      return attributes[attribute] ?? null;
    }
  }
}

/** Whether one constraint holds; the semantics are documented on `Constraint` (types.ts). */
export function matchesConstraint(constraint: Constraint, tenant: TenantFacts, context: EvaluationContext): boolean {
  const values = constraint.values;
  const operator = constraint.operator;
  if (operator === 'IN' || operator === 'NOT_IN') {
    const found = isIn(attributeOf(constraint.attribute, tenant, context), values);
    return operator === 'IN' ? found : !found;
  }
  // Every other operator takes exactly one value: anything else is malformed and never holds.
  if (values.length !== 1) return false;
  const expected = values[0]!;
  const actual = attributeOf(constraint.attribute, tenant, context);
  switch (operator) {
    case 'EQ':
      return equals(actual, expected);
    case 'NEQ':
      return !equals(actual, expected);
    case 'GT':
    case 'LT': {
      const left = toNumber(actual);
      const right = toNumber(expected);
      if (left === null || right === null) return false;
      return operator === 'GT' ? left > right : left < right;
    }
    case 'CONTAINS':
      if (actual === null) return false;
      if (Array.isArray(actual)) return actual.includes(expected);
      return scalarString(actual).includes(expected);
    case 'STARTS_WITH':
      if (actual === null || Array.isArray(actual)) return false;
      return scalarString(actual).startsWith(expected);
    case 'SEMVER_GT':
    case 'SEMVER_LT': {
      if (typeof actual !== 'string') return false;
      const left = semver.parse(actual);
      const right = parsedVersion(expected);
      if (left === null || right === null) return false;
      const order = left.compare(right);
      return operator === 'SEMVER_GT' ? order > 0 : order < 0;
    }
    default:
      return false;
  }
}

function isIn(actual: AttributeValue | null, values: string[]): boolean {
  if (actual === null) return false;
  if (Array.isArray(actual)) {
    for (let i = 0; i < actual.length; i += 1) if (values.includes(actual[i]!)) return true;
    return false;
  }
  return values.includes(scalarString(actual));
}

function equals(actual: AttributeValue | null, expected: string): boolean {
  if (actual === null || Array.isArray(actual)) return false;
  return scalarString(actual) === expected;
}

function scalarString(value: string | number | boolean): string {
  return typeof value === 'string' ? value : String(value);
}

function toNumber(value: AttributeValue | null): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  // Number('') and Number('  ') are 0: an empty string is not a number here.
  if (typeof value !== 'string' || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

// Constraint values come from a few flag definitions: parse each once. Bounded in case they are not few.
const versions = new Map<string, semver.SemVer | null>();

function parsedVersion(value: string): semver.SemVer | null {
  let parsed = versions.get(value);
  if (parsed === undefined) {
    parsed = semver.parse(value);
    if (versions.size >= 1000) versions.clear();
    versions.set(value, parsed);
  }
  return parsed;
}

// ─── explanations ────────────────────────────────────────────────────────────

function describeRule(rule: FlagRule, tenant: TenantFacts, context: EvaluationContext): string {
  const name = rule.description ? `rule "${rule.description}"` : 'rule';
  if (rule.constraints.length === 0) return `${name}: no constraints, matches everyone`;
  return `${name}: ${rule.constraints.map((c) => describeConstraint(c, tenant, context)).join('; ')}`;
}

/** What each operator says when it holds, and when it does not. */
const words: Record<Constraint['operator'], [string, string]> = {
  IN: ['is in the list', 'is not in the list'],
  NOT_IN: ['is not in the list', 'is in the list'],
  EQ: ['equals', 'does not equal'],
  NEQ: ['does not equal', 'equals'],
  GT: ['is greater than', 'is not greater than'],
  LT: ['is less than', 'is not less than'],
  CONTAINS: ['contains', 'does not contain'],
  STARTS_WITH: ['starts with', 'does not start with'],
  SEMVER_GT: ['is a later version than', 'is not a later version than'],
  SEMVER_LT: ['is an earlier version than', 'is not an earlier version than'],
};

/** `plan IN [pro, team]: "starter" is not in the list`. */
export function describeConstraint(constraint: Constraint, tenant: TenantFacts, context: EvaluationContext): string {
  const { attribute, operator, values } = constraint;
  const many = operator === 'IN' || operator === 'NOT_IN';
  const head = `${attribute} ${operator} ${many ? `[${values.join(', ')}]` : JSON.stringify(values[0] ?? null)}`;
  if (!many && values.length !== 1) return `${head}: takes exactly one value, has ${values.length}, so it does not hold`;
  const actual = attributeOf(attribute, tenant, context);
  const holds = matchesConstraint(constraint, tenant, context);
  const shown = actual === null ? `no ${attribute}` : JSON.stringify(actual);
  if ((operator === 'GT' || operator === 'LT') && (toNumber(actual) === null || toNumber(values[0]!) === null)) {
    return `${head}: ${toNumber(actual) === null ? `${shown} is not a number` : `${JSON.stringify(values[0])} is not a number`}`;
  }
  if ((operator === 'SEMVER_GT' || operator === 'SEMVER_LT') && (typeof actual !== 'string' || semver.parse(actual) === null || parsedVersion(values[0]!) === null)) {
    const bad = typeof actual !== 'string' || semver.parse(actual) === null ? shown : JSON.stringify(values[0]);
    return `${head}: ${bad} is not a semantic version`;
  }
  const [yes, no] = words[operator];
  return `${head}: ${shown} ${holds ? yes : no}${many ? '' : ` ${JSON.stringify(values[0])}`}`;
}
