// What a flag may hold: values checked against the flag's type (and variants or JSON schema), targeting
// rules in the flag-evaluator's shape, and the evaluation context a caller passes. Every failure is an
// InputError naming the field.
import { randomUUID } from 'node:crypto';
import type { AttributeValue, ConstraintOperator, EvaluationContext, FlagRule, JsonValue, Stickiness } from '@opsgraph/flag-evaluator';
import { Ajv, type ValidateFunction } from 'ajv';
import { z } from 'zod';
import type { FlagType } from '../../generated/prisma/enums.ts';
import { InputError, parseInput } from '../../lib/errors.ts';
import { text, textProblem } from '../../lib/strings.ts';

export const CONSTRAINT_OPERATORS = [
  'IN', 'NOT_IN', 'EQ', 'NEQ', 'GT', 'LT', 'CONTAINS', 'STARTS_WITH', 'SEMVER_GT', 'SEMVER_LT',
] as const satisfies readonly ConstraintOperator[];
export const STICKINESS = ['TENANT', 'USER'] as const satisfies readonly Stickiness[];
/** Operators that take a list of values; the others take exactly one. */
const LIST_OPERATORS: readonly ConstraintOperator[] = ['IN', 'NOT_IN'];

/** A stored value's JSON text is at most this long (values travel in snapshots and events' readers). */
export const MAX_VALUE_BYTES = 16_384;

export interface ValueSpec {
  type: FlagType;
  variants: readonly string[];
  jsonSchema: JsonValue | null;
}

const ajv = new Ajv({ allErrors: false, strict: false });
const compiled = new Map<string, ValidateFunction>();

/** The schema's validator, compiled once per distinct schema (a small cache: flags are few). */
function validatorOf(schema: JsonValue, path: string[]): ValidateFunction {
  const source = JSON.stringify(schema);
  let validate = compiled.get(source);
  if (!validate) {
    try {
      validate = ajv.compile(schema as object);
    } catch (error) {
      throw InputError.field(path, `not a valid JSON schema: ${(error as Error).message}`);
    }
    if (compiled.size >= 500) compiled.delete(compiled.keys().next().value!);
    compiled.set(source, validate);
  }
  return validate;
}

/** Why a JSON value cannot be stored (NUL characters, unpaired surrogates, non-finite numbers), or null. */
function jsonProblem(value: unknown, depth = 0): string | null {
  if (depth > 32) return 'nested too deeply';
  if (value === null || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : 'numbers must be finite';
  if (typeof value === 'string') return textProblem(value);
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = jsonProblem(item, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  if (typeof value === 'object') {
    for (const [key, item] of Object.entries(value as object)) {
      const problem = textProblem(key) ?? jsonProblem(item, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  return 'not a JSON value';
}

/** A JSON document as input (a schema, a value): storable and bounded. */
export function checkJson(value: unknown, path: string[]): JsonValue {
  if (value === undefined) throw InputError.field(path, 'required');
  const problem = jsonProblem(value);
  if (problem) throw InputError.field(path, problem);
  if (JSON.stringify(value).length > MAX_VALUE_BYTES) throw InputError.field(path, `at most ${MAX_VALUE_BYTES} characters of JSON`);
  return value as JsonValue;
}

/** A JSON schema as input: a JSON object ajv can compile. */
export function checkJsonSchema(value: unknown, path: string[]): JsonValue {
  const schema = checkJson(value, path);
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) throw InputError.field(path, 'a JSON schema is a JSON object');
  validatorOf(schema, path);
  return schema;
}

/**
 * A value the flag may serve: BOOLEAN a boolean, STRING a string (one of the variants when there are
 * any), NUMBER a finite number, JSON any JSON value valid against the flag's schema.
 */
export function checkValue(spec: ValueSpec, value: unknown, path: string[]): JsonValue {
  switch (spec.type) {
    case 'BOOLEAN':
      if (typeof value !== 'boolean') throw InputError.field(path, 'a BOOLEAN flag takes true or false');
      return value;
    case 'NUMBER':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw InputError.field(path, 'a NUMBER flag takes a finite number');
      return value;
    case 'STRING': {
      if (typeof value !== 'string') throw InputError.field(path, 'a STRING flag takes a string');
      const problem = textProblem(value);
      if (problem) throw InputError.field(path, problem);
      if (value.length > 1000) throw InputError.field(path, 'at most 1000 characters');
      if (spec.variants.length > 0 && !spec.variants.includes(value)) {
        throw InputError.field(path, `one of the variants (${spec.variants.join(', ')})`);
      }
      return value;
    }
    case 'JSON': {
      const json = checkJson(value, path);
      if (spec.jsonSchema !== null) {
        const validate = validatorOf(spec.jsonSchema, ['jsonSchema']);
        if (!validate(json)) {
          const first = validate.errors?.[0];
          throw InputError.field(path, `does not match the flag's JSON schema: ${first ? `${first.instancePath || '(value)'} ${first.message}` : 'invalid'}`);
        }
      }
      return json;
    }
  }
}

// ─── rules ───────────────────────────────────────────────────────────────────

/** 0..100 with at most two decimals (10,000 buckets). */
export const percentageSchema = z
  .number('a number from 0 to 100')
  .min(0, 'at least 0')
  .max(100, 'at most 100')
  .refine((p) => Math.abs(Math.round(p * 100) - p * 100) < 1e-6, 'at most two decimals');

export const toBasisPoints = (percentage: number) => Math.round(percentage * 100);
export const fromBasisPoints = (basisPoints: number) => basisPoints / 100;

const rolloutSchema = z.object({
  percentage: percentageSchema,
  stickiness: z.enum(STICKINESS, 'TENANT or USER').default('TENANT'),
});

const constraintSchema = z
  .object({
    attribute: text({ min: 1, max: 100 }),
    operator: z.enum(CONSTRAINT_OPERATORS, `one of ${CONSTRAINT_OPERATORS.join(', ')}`),
    values: z.array(text({ max: 500 })).max(500, 'at most 500 values'),
  })
  .superRefine((c, ctx) => {
    if (LIST_OPERATORS.includes(c.operator)) {
      if (c.values.length === 0) ctx.addIssue({ code: 'custom', path: ['values'], message: `${c.operator} takes at least one value` });
    } else if (c.values.length !== 1) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: `${c.operator} takes exactly one value` });
    }
  });

const ruleSchema = z.object({
  id: text({ min: 1, max: 64 }).nullish(),
  description: text({ max: 500 }).nullish().transform((d) => d ?? ''),
  constraints: z.array(constraintSchema).max(50, 'at most 50 constraints'),
  value: z.unknown(),
  rollout: rolloutSchema.nullish().transform((r) => r ?? null),
});

const rulesSchema = z.array(ruleSchema).max(100, 'at most 100 rules');

export type RuleInput = z.input<typeof ruleSchema>;

/** Rules as given (GraphQL input or a service call): validated, values type-checked, ids given where missing. */
export function checkRules(spec: ValueSpec, input: unknown, path: string[] = ['rules']): FlagRule[] {
  const rules = parseInput(rulesSchema, input, path);
  const seen = new Set<string>();
  return rules.map((rule, i) => {
    const id = rule.id ?? randomUUID();
    if (seen.has(id)) throw InputError.field([...path, String(i), 'id'], 'two rules have this id');
    seen.add(id);
    const value = checkValue(spec, rule.value, [...path, String(i), 'value']);
    return { id, description: rule.description, constraints: rule.constraints, value, rollout: rule.rollout };
  });
}

/** Stored rules, as the evaluator reads them (written only through `checkRules`). */
export const storedRules = (rules: unknown): FlagRule[] => (Array.isArray(rules) ? (rules as FlagRule[]) : []);

// ─── evaluation context ──────────────────────────────────────────────────────

const attributeValue = z.union([
  text({ max: 1000, trim: false }),
  z.number().finite('a finite number'),
  z.boolean(),
  z.array(text({ max: 1000, trim: false })).max(100, 'at most 100 items'),
], 'a string, number, boolean or list of strings');

const contextSchema = z
  .object({
    userId: text({ min: 1, max: 200 }).nullish(),
    attributes: z
      .record(text({ min: 1, max: 100 }), attributeValue, 'a JSON object of attributes')
      .refine((a) => Object.keys(a).length <= 100, 'at most 100 attributes')
      .nullish(),
  })
  .strict();

export type ContextInput = z.input<typeof contextSchema>;

/** The caller's evaluation context, validated (`context.attributes.plan: …`). */
export function checkContext(input: unknown, path: string[] = ['context']): EvaluationContext {
  if (input === undefined || input === null) return {};
  const context = parseInput(contextSchema, input, path);
  return { userId: context.userId ?? null, attributes: (context.attributes ?? {}) as Record<string, AttributeValue> };
}

/** A user's stored attributes that the evaluator understands (others are ignored, not failed). */
export function storedAttributes(attributes: unknown): Record<string, AttributeValue> {
  if (!attributes || typeof attributes !== 'object' || Array.isArray(attributes)) return {};
  const out: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(attributes as Record<string, unknown>)) {
    if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) out[key] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out[key] = value as string[];
  }
  return out;
}
