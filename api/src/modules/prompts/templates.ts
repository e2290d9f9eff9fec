// Prompt templates: Mustache (`{{name}}`, sections for lists and conditions), checked when a version is
// created (it parses, every variable it uses is declared, no partials) and rendered as plain text against
// variables validated by their declarations.
import Mustache from 'mustache';
import { z } from 'zod';
import { DomainError } from '../../lib/errors.ts';
import { text } from '../../lib/strings.ts';

export const VARIABLE_TYPES = ['STRING', 'NUMBER', 'BOOLEAN', 'LIST', 'OBJECT'] as const;
export type VariableType = (typeof VARIABLE_TYPES)[number];

export const variableName = text({ max: 64 }).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'letters, digits and underscores, not starting with a digit');

const valueMatches: Record<VariableType, (value: unknown) => boolean> = {
  STRING: (v) => typeof v === 'string',
  NUMBER: (v) => typeof v === 'number' && Number.isFinite(v),
  BOOLEAN: (v) => typeof v === 'boolean',
  LIST: (v) => Array.isArray(v),
  OBJECT: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
};

/** Postgres jsonb cannot hold NUL, also in object keys (which the transport's text guard does not see). */
export function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value && typeof value === 'object') return Object.entries(value).some(([k, v]) => k.includes('\u0000') || containsNul(v));
  return false;
}

export const promptVariableSchema = z
  .object({
    name: variableName,
    type: z.enum(VARIABLE_TYPES).default('STRING'),
    required: z.boolean().default(true),
    description: text({ max: 500 }).default(''),
    /** Used when the caller leaves the variable out; must have the declared type. */
    default: z.json().optional(),
  })
  .refine((v) => v.default === undefined || v.default === null || valueMatches[v.type](v.default), { message: 'the default does not have the declared type', path: ['default'] })
  .refine((v) => !containsNul(v.default), { message: 'must not contain NUL characters', path: ['default'] });
export type PromptVariable = z.output<typeof promptVariableSchema>;

export const promptVariablesSchema = z
  .array(promptVariableSchema)
  .max(100, 'at most 100 variables')
  .refine((vars) => new Set(vars.map((v) => v.name)).size === vars.length, 'each variable is declared once');

export function typeOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'LIST';
  if (typeof value === 'object') return 'OBJECT';
  if (typeof value === 'number') return 'NUMBER';
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (typeof value === 'string') return 'STRING';
  return typeof value;
}

// ─── errors ──────────────────────────────────────────────────────────────────

export interface TemplateProblem {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  message: string;
}

/** A template that does not parse, uses a variable it does not declare, or a feature we do not render. */
export class PromptTemplateError extends DomainError {
  override name = 'PromptTemplateError';
  constructor(readonly problems: TemplateProblem[]) {
    super(problems.map((p) => `${p.line}:${p.column}: ${p.message}`).join('; '));
  }
}

/** A required variable without a value or a default. */
export class MissingPromptVariableError extends DomainError {
  override name = 'MissingPromptVariableError';
  constructor(readonly variable: string) {
    super(`variable "${variable}" is required`);
  }
}

/** A value for a variable the version does not declare. */
export class UnknownPromptVariableError extends DomainError {
  override name = 'UnknownPromptVariableError';
  constructor(readonly variable: string) {
    super(`variable "${variable}" is not declared by this version`);
  }
}

/** A value of another type than the variable's declaration. */
export class PromptVariableTypeError extends DomainError {
  override name = 'PromptVariableTypeError';
  constructor(
    readonly variable: string,
    readonly expected: VariableType,
    readonly actual: string,
  ) {
    super(`variable "${variable}" must be ${expected}, got ${actual}`);
  }
}

// ─── checking ────────────────────────────────────────────────────────────────

// Our own writer: its parse cache is bounded and its output is not HTML-escaped (prompts are plain text).
const writer = new Mustache.Writer() as Mustache.Writer & { templateCache: Mustache.TemplateCache };
const parsed = new Map<string, string>();
writer.templateCache = {
  set(key: string, value: string) {
    if (parsed.size >= 500) parsed.delete(parsed.keys().next().value!);
    parsed.set(key, value);
  },
  get: (key: string) => parsed.get(key),
  clear: () => parsed.clear(),
};
const plainText = { escape: (value: unknown) => String(value) };

type Token = [type: string, value: string, start: number, end: number, children?: Token[]];

function position(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

/** Blocks whose body runs against an item or an object: names inside are that value's fields. */
const CONTEXT_TYPES = new Set<VariableType>(['LIST', 'OBJECT']);

function checkTokens(source: string, tokens: Token[], declared: Map<string, PromptVariable>, inContext: boolean, problems: TemplateProblem[]): void {
  for (const [type, value, start, , children] of tokens) {
    const at = (message: string) => problems.push({ ...position(source, start), message });
    if (type === 'text' || type === '!') continue;
    if (type === '>') {
      at(`partials are not supported ("{{> ${value}}}")`);
      continue;
    }
    if (type === '=') {
      at('changing delimiters is not supported');
      continue;
    }
    const head = value.split('.')[0]!;
    const variable = declared.get(head);
    if (value === '.') {
      if (!inContext) at('"{{.}}" is only meaningful inside a LIST or OBJECT section');
    } else if (!variable && !inContext) {
      at(`undeclared variable "${value}"`);
    }
    if (children) {
      // An undeclared section is reported once, not again for every name inside it.
      const entersContext = type === '#' && (variable ? CONTEXT_TYPES.has(variable.type) && !value.includes('.') : true);
      checkTokens(source, children, declared, inContext || entersContext, problems);
    }
  }
}

/** Every problem of a template against its declared variables, in order; empty when it can be saved. */
export function templateProblems(template: string, variables: readonly PromptVariable[]): TemplateProblem[] {
  let tokens: Token[];
  try {
    tokens = writer.parse(template) as Token[];
  } catch (error) {
    const message = (error as Error).message;
    const offset = Number(/ at (\d+)$/.exec(message)?.[1] ?? 0);
    return [{ ...position(template, offset), message: message.replace(/ at \d+$/, '') }];
  }
  const problems: TemplateProblem[] = [];
  checkTokens(template, tokens, new Map(variables.map((v) => [v.name, v])), false, problems);
  return problems;
}

export function assertValidTemplate(template: string, variables: readonly PromptVariable[]): void {
  const problems = templateProblems(template, variables);
  if (problems.length) throw new PromptTemplateError(problems);
}

// ─── rendering ───────────────────────────────────────────────────────────────

/**
 * The values a render uses: the given ones checked against the declarations (unknown, missing, wrong type
 * are typed errors naming the variable), then defaults for the ones left out.
 */
export function resolveValues(variables: readonly PromptVariable[], given: Record<string, unknown>): Record<string, unknown> {
  const declared = new Map(variables.map((v) => [v.name, v]));
  for (const name of Object.keys(given)) if (!declared.has(name)) throw new UnknownPromptVariableError(name);
  // Own properties only, into an object without a prototype: a variable named `constructor` or
  // `__proto__` is a variable like any other.
  const values: Record<string, unknown> = Object.create(null);
  for (const variable of variables) {
    const value = Object.hasOwn(given, variable.name) ? given[variable.name] : undefined;
    if (value === undefined || value === null) {
      if (variable.default !== undefined && variable.default !== null) values[variable.name] = variable.default;
      else if (variable.required) throw new MissingPromptVariableError(variable.name);
      continue;
    }
    if (!valueMatches[variable.type](value)) throw new PromptVariableTypeError(variable.name, variable.type, typeOfValue(value));
    values[variable.name] = value;
  }
  return values;
}

/** Renders a saved template with validated values. */
export function renderTemplate(template: string, variables: readonly PromptVariable[], given: Record<string, unknown>): string {
  return writer.render(template, resolveValues(variables, given), undefined, plainText);
}
