// Flag screens: flag values as an admin types them and as the API stores them (JSON), the rules editor's
// draft read into the API's rule input, and the evaluation chart's days. Pure functions, shared by
// loaders, actions and components.
import type { FlagConstraintOperator, FlagRuleInput, FlagStickiness, FlagType } from '../gql/graphql.ts';
import { FlagConstraintOperatorValues, FlagStickinessValues } from '../gql/lists.ts';
import type { FieldErrors } from './mutation.ts';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** What the evaluator reads besides `attributes`; any other name is looked up in the context's attributes. */
export const BUILT_IN_ATTRIBUTES = ['tenantId', 'plan', 'tenantStatus', 'userId'] as const;

/** Operators that take any number of values; every other one takes exactly one. */
export const LIST_OPERATORS: readonly FlagConstraintOperator[] = ['IN', 'NOT_IN'];

export const OPERATOR_TEXT: Record<FlagConstraintOperator, string> = {
  IN: 'is one of',
  NOT_IN: 'is none of',
  EQ: 'equals',
  NEQ: 'does not equal',
  GT: '>',
  LT: '<',
  CONTAINS: 'contains',
  STARTS_WITH: 'starts with',
  SEMVER_GT: 'version >',
  SEMVER_LT: 'version <',
};

/** A value as one line of text: strings bare, everything else as JSON. */
export function formatFlagValue(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value ?? null);
}

/** A stored value as the text its input starts with (JSON indented for the textarea). */
export function valueText(type: FlagType, value: unknown): string {
  if (value === undefined) return '';
  if (type === 'JSON') return JSON.stringify(value, null, 2);
  if (type === 'STRING') return typeof value === 'string' ? value : JSON.stringify(value);
  return JSON.stringify(value);
}

/**
 * What was typed, as a value of the flag's type, or the problem with it: BOOLEAN takes true/false, NUMBER a
 * finite number, STRING any text (one of the variants when the flag lists some), JSON any JSON document
 * (its schema is the API's to check).
 */
export function parseFlagValue(type: FlagType, text: string, variants: readonly string[] = []): { ok: true; value: JsonValue } | { ok: false; error: string } {
  const trimmed = text.trim();
  switch (type) {
    case 'BOOLEAN':
      if (trimmed === 'true' || trimmed === 'false') return { ok: true, value: trimmed === 'true' };
      return { ok: false, error: 'Choose true or false.' };
    case 'NUMBER': {
      const number = Number(trimmed);
      if (trimmed === '' || !Number.isFinite(number)) return { ok: false, error: 'Give a number.' };
      return { ok: true, value: number };
    }
    case 'STRING':
      if (variants.length && !variants.includes(text)) return { ok: false, error: `Choose one of the variants: ${variants.join(', ')}.` };
      return { ok: true, value: text };
    case 'JSON':
      try {
        return { ok: true, value: JSON.parse(trimmed) as JsonValue };
      } catch {
        return { ok: false, error: 'Not valid JSON.' };
      }
  }
}

/** Tags or variants from a comma- or newline-separated list, each once, in order. */
export function parseList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\n,]/)
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
}

/** "25", "12.5", "0.01": a percentage in 0..100 with at most two decimals, or null. */
export function parsePercentage(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return value >= 0 && value <= 100 ? value : null;
}

export type AttributeValue = string | number | boolean | string[];

/**
 * The evaluate-as box's attributes: a JSON object whose values are strings, numbers, booleans or lists of
 * strings (what the evaluator compares), or the problem with it. Empty text is no attributes.
 */
export function parseAttributes(text: string): { ok: true; attributes: Record<string, AttributeValue> | null } | { ok: false; error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, attributes: null };
  let raw: unknown;
  try {
    raw = JSON.parse(trimmed);
  } catch {
    return { ok: false, error: 'Not valid JSON.' };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, error: 'Give an object, such as {"country": "FR"}.' };
  for (const [name, value] of Object.entries(raw)) {
    const scalar = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
    const strings = Array.isArray(value) && value.every((v) => typeof v === 'string');
    if (!scalar && !strings) return { ok: false, error: `"${name}": a string, number, boolean or list of strings.` };
  }
  return { ok: true, attributes: raw as Record<string, AttributeValue> };
}

// The rules editor keeps a draft of every rule as typed; the form posts it as one JSON field.

export type ConstraintDraft = { attribute: string; operator: FlagConstraintOperator; values: string };
export type RuleDraft = {
  id: string | null;
  description: string;
  constraints: ConstraintDraft[];
  value: string;
  /** Empty: the rule serves every key it matches. */
  percentage: string;
  stickiness: FlagStickiness;
};

type StoredRule = {
  id: string;
  description: string;
  constraints: { attribute: string; operator: FlagConstraintOperator; values: string[] }[];
  value: unknown;
  rollout?: { percentage: number; stickiness: FlagStickiness } | null;
};

/** A constraint's values as its input shows them: a list comma-separated, a single value as is. */
export function constraintValuesText(operator: FlagConstraintOperator, values: readonly string[]): string {
  return LIST_OPERATORS.includes(operator) ? values.join(', ') : (values[0] ?? '');
}

/** The stored rules as the editor's drafts. */
export function ruleDrafts(type: FlagType, rules: readonly StoredRule[]): RuleDraft[] {
  return rules.map((rule) => ({
    id: rule.id,
    description: rule.description,
    constraints: rule.constraints.map((c) => ({ attribute: c.attribute, operator: c.operator, values: constraintValuesText(c.operator, c.values) })),
    value: valueText(type, rule.value),
    percentage: rule.rollout ? String(rule.rollout.percentage) : '',
    stickiness: rule.rollout?.stickiness ?? 'TENANT',
  }));
}

export function emptyConstraint(): ConstraintDraft {
  return { attribute: 'plan', operator: 'IN', values: '' };
}

export function emptyRule(type: FlagType, onValue: unknown): RuleDraft {
  return { id: null, description: '', constraints: [emptyConstraint()], value: valueText(type, onValue), percentage: '', stickiness: 'TENANT' };
}

/** The drafts with the one at `index` moved by `by` places (kept inside the list). */
export function moveRule<T>(rules: readonly T[], index: number, by: number): T[] {
  const to = Math.max(0, Math.min(rules.length - 1, index + by));
  const next = [...rules];
  const [moved] = next.splice(index, 1);
  next.splice(to, 0, moved!);
  return next;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return Boolean(value) && typeof value === 'object' && !Array.isArray(value);
}

function readDraft(raw: unknown): RuleDraft | null {
  if (!isObject(raw) || !Array.isArray(raw.constraints)) return null;
  const constraints: ConstraintDraft[] = [];
  for (const c of raw.constraints) {
    if (!isObject(c) || typeof c.attribute !== 'string' || typeof c.values !== 'string') return null;
    const operator = FlagConstraintOperatorValues.find((o) => o === c.operator);
    if (!operator) return null;
    constraints.push({ attribute: c.attribute, operator, values: c.values });
  }
  const stickiness = FlagStickinessValues.find((s) => s === raw.stickiness) ?? 'TENANT';
  return {
    id: typeof raw.id === 'string' && raw.id ? raw.id : null,
    description: typeof raw.description === 'string' ? raw.description : '',
    constraints,
    value: typeof raw.value === 'string' ? raw.value : '',
    percentage: typeof raw.percentage === 'string' ? raw.percentage : '',
    stickiness,
  };
}

/**
 * The editor's posted drafts as the API's rules, in order, or the fields that cannot be read, named as the
 * API names them (`rules.0.constraints.1.values`, `rules.2.value`) so both kinds of errors land on the same
 * input. Attribute names and value counts are checked here; what only the API knows (the JSON schema) is
 * left to it.
 */
export function readRules(
  json: string,
  flag: { type: FlagType; variants: readonly string[] },
): { ok: true; rules: FlagRuleInput[] } | { ok: false; fieldErrors: FieldErrors; formError?: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { ok: false, fieldErrors: {}, formError: 'The rules could not be read; reload the page and try again.' };
  }
  if (!Array.isArray(raw)) return { ok: false, fieldErrors: {}, formError: 'The rules could not be read; reload the page and try again.' };
  const errors: FieldErrors = {};
  const rules: FlagRuleInput[] = [];
  raw.forEach((item, i) => {
    const draft = readDraft(item);
    if (!draft) {
      errors[`rules.${i}`] = 'This rule could not be read.';
      return;
    }
    const at = `rules.${i}`;
    const constraints = draft.constraints.map((c, j) => {
      const attribute = c.attribute.trim();
      if (!attribute) errors[`${at}.constraints.${j}.attribute`] = 'Name the attribute.';
      const values = LIST_OPERATORS.includes(c.operator) ? parseList(c.values) : c.values.trim() ? [c.values.trim()] : [];
      if (!values.length) errors[`${at}.constraints.${j}.values`] = LIST_OPERATORS.includes(c.operator) ? 'Give at least one value.' : 'Give the value.';
      return { attribute, operator: c.operator, values };
    });
    if (!constraints.length) errors[`${at}.constraints`] = 'Add a condition: a rule without one would match everyone.';
    const value = parseFlagValue(flag.type, draft.value, flag.variants);
    if (!value.ok) errors[`${at}.value`] = value.error;
    let rollout: FlagRuleInput['rollout'] = null;
    if (draft.percentage.trim() !== '') {
      const percentage = parsePercentage(draft.percentage);
      if (percentage === null) errors[`${at}.rollout.percentage`] = 'A percentage from 0 to 100, at most two decimals.';
      else rollout = { percentage, stickiness: draft.stickiness };
    }
    rules.push({ id: draft.id, description: draft.description.trim(), constraints, value: value.ok ? value.value : null, rollout });
  });
  return Object.keys(errors).length ? { ok: false, fieldErrors: errors } : { ok: true, rules };
}

/** A rule in words, for the explanation and the rule list: "plan is one of pro, team and country equals FR". */
export function ruleSummary(rule: { description?: string | null; constraints: readonly { attribute: string; operator: FlagConstraintOperator; values: readonly string[] }[] }): string {
  const conditions = rule.constraints.map((c) => `${c.attribute} ${OPERATOR_TEXT[c.operator]} ${c.values.join(', ')}`).join(' and ');
  return rule.description ? `${rule.description} (${conditions})` : conditions;
}

const DAY = 86_400_000;

/** The chart's span: the last `days` whole UTC days, today included. */
export function chartSpan(days: number, now: number): { from: string; to: string } {
  const today = Math.floor(now / DAY) * DAY;
  return { from: new Date(today - (days - 1) * DAY).toISOString(), to: new Date(today + DAY - 1).toISOString() };
}

/** Every day of the span with its count (0 for a day without evaluations), oldest first. */
export function dailyCounts(span: { from: string; to: string }, counts: readonly { day: string; count: number }[]): { days: string[]; counts: number[] } {
  const byDay = new Map(counts.map((c) => [c.day.slice(0, 10), c.count]));
  const days: string[] = [];
  for (let t = Date.parse(span.from); t <= Date.parse(span.to); t += DAY) days.push(new Date(t).toISOString().slice(0, 10));
  return { days, counts: days.map((d) => byDay.get(d) ?? 0) };
}

/** The chart's range choices (days), and the default. */
export const CHART_DAYS = [7, 30, 90] as const;
export function readChartDays(params: URLSearchParams): number {
  const days = Number(params.get('days'));
  return (CHART_DAYS as readonly number[]).includes(days) ? days : 30;
}

/** The definition form's fields, as the API's create/update input names them. */
export type DefinitionInput = {
  description: string;
  owner: string | null;
  tags: string[];
  variants: string[];
  jsonSchema: JsonValue | null;
  defaultValue: JsonValue;
  onValue: JsonValue;
  entitlement: string | null;
  staleAfterDays: number;
  safeguardRuleIds: string[];
};

/** The definition form's fields as posted. */
export function readDefinitionValues(form: FormData): DefinitionValues {
  const text = (name: string) => String(form.get(name) ?? '');
  return {
    description: text('description'),
    owner: text('owner'),
    tags: text('tags'),
    variants: text('variants'),
    jsonSchema: text('jsonSchema'),
    defaultValue: text('defaultValue'),
    onValue: text('onValue'),
    entitlement: text('entitlement'),
    staleAfterDays: text('staleAfterDays'),
    safeguardRuleIds: form.getAll('safeguardRuleIds').map(String).filter(Boolean),
  };
}

/**
 * The flag's definition as typed (the new-flag form and the flag page's edit form) as the API's input, or
 * the fields that cannot be read. Values are read as the flag's type; STRING values must be among the
 * variants when any are listed. Whether the key is free and the values match the JSON schema is the API's
 * to say.
 */
export function parseDefinition(values: DefinitionValues, type: FlagType): { ok: true; input: DefinitionInput } | { ok: false; fieldErrors: FieldErrors } {
  const errors: FieldErrors = {};
  const variants = type === 'STRING' ? parseList(values.variants) : [];
  let jsonSchema: JsonValue | null = null;
  if (type === 'JSON' && values.jsonSchema.trim()) {
    const schema = parseFlagValue('JSON', values.jsonSchema);
    if (!schema.ok || !isObject(schema.value)) errors.jsonSchema = 'Give the JSON schema as an object, or leave it empty.';
    else jsonSchema = schema.value;
  }
  const value = (name: 'defaultValue' | 'onValue') => {
    const parsed = parseFlagValue(type, values[name], variants);
    if (!parsed.ok) errors[name] = parsed.error;
    return parsed.ok ? parsed.value : null;
  };
  const defaultValue = value('defaultValue');
  const onValue = value('onValue');
  const days = values.staleAfterDays.trim();
  const staleAfterDays = /^\d+$/.test(days) ? Number(days) : 0;
  if (!/^\d+$/.test(days) || staleAfterDays < 1) errors.staleAfterDays = 'A whole number of days.';
  const input: DefinitionInput = {
    description: values.description.trim(),
    owner: values.owner.trim() || null,
    tags: parseList(values.tags),
    variants,
    jsonSchema,
    defaultValue,
    onValue,
    entitlement: values.entitlement.trim() || null,
    staleAfterDays,
    safeguardRuleIds: [...new Set(values.safeguardRuleIds)],
  };
  return Object.keys(errors).length ? { ok: false, fieldErrors: errors } : { ok: true, input };
}

const DEFINITION_FIELDS = ['description', 'owner', 'tags', 'variants', 'jsonSchema', 'defaultValue', 'onValue', 'entitlement', 'staleAfterDays', 'safeguardRuleIds'] as const;

/**
 * The definition as the edit form showed it (posted back as JSON), so an update carries only what the
 * admin changed and never overwrites someone else's change to a field left alone. Null when unreadable.
 */
export function originalDefinition(json: string, type: FlagType): DefinitionInput | null {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return null;
  }
  if (!isObject(raw)) return null;
  for (const field of DEFINITION_FIELDS) {
    const value = raw[field];
    const ok = field === 'safeguardRuleIds' ? Array.isArray(value) && value.every((v) => typeof v === 'string') : typeof value === 'string';
    if (!ok) return null;
  }
  const parsed = parseDefinition(raw as DefinitionValues, type);
  return parsed.ok ? parsed.input : null;
}

/** Only the fields that differ from what the form was opened with; tags and safeguard rules compare as sets. */
export function changedDefinition(original: DefinitionInput, next: DefinitionInput): Partial<DefinitionInput> {
  const same = (field: (typeof DEFINITION_FIELDS)[number]) => {
    const [a, b] = [original[field], next[field]];
    if (field === 'tags' || field === 'safeguardRuleIds') return JSON.stringify([...(a as string[])].sort()) === JSON.stringify([...(b as string[])].sort());
    return JSON.stringify(a) === JSON.stringify(b);
  };
  const changes: Record<string, unknown> = {};
  for (const field of DEFINITION_FIELDS) if (!same(field)) changes[field] = next[field];
  return changes as Partial<DefinitionInput>;
}

/** The definition form's fields as text. */
export type DefinitionValues = {
  description: string;
  owner: string;
  tags: string;
  variants: string;
  jsonSchema: string;
  defaultValue: string;
  onValue: string;
  entitlement: string;
  staleAfterDays: string;
  safeguardRuleIds: string[];
};

/** What a new flag of `type` starts with: off by default, on when served. */
export function newDefinitionValues(type: FlagType): DefinitionValues {
  const values: Record<FlagType, [string, string]> = { BOOLEAN: ['false', 'true'], STRING: ['', ''], NUMBER: ['0', '1'], JSON: ['null', '{}'] };
  const [defaultValue, onValue] = values[type];
  return { description: '', owner: '', tags: '', variants: '', jsonSchema: '', defaultValue, onValue, entitlement: '', staleAfterDays: '30', safeguardRuleIds: [] };
}

/** A stored flag's definition as the edit form's text. */
export function definitionValues(flag: {
  type: FlagType;
  description: string;
  owner?: string | null;
  tags: readonly string[];
  variants: readonly string[];
  jsonSchema?: unknown;
  defaultValue: unknown;
  onValue: unknown;
  entitlement?: string | null;
  staleAfterDays: number;
  safeguardRules: readonly { id: string }[];
}): DefinitionValues {
  return {
    description: flag.description,
    owner: flag.owner ?? '',
    tags: flag.tags.join(', '),
    variants: flag.variants.join(', '),
    jsonSchema: flag.jsonSchema === null || flag.jsonSchema === undefined ? '' : JSON.stringify(flag.jsonSchema, null, 2),
    defaultValue: valueText(flag.type, flag.defaultValue),
    onValue: valueText(flag.type, flag.onValue),
    entitlement: flag.entitlement ?? '',
    staleAfterDays: String(flag.staleAfterDays),
    safeguardRuleIds: flag.safeguardRules.map((r) => r.id),
  };
}
