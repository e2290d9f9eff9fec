// Handlebars templates: checked when saved (syntax, declared variables, no unescaped HTML) by walking the
// parsed tree, and rendered in an environment of our own with only the built-in helpers.
import Handlebars from 'handlebars';
import { z } from 'zod';
import { DomainError } from '../../lib/errors.ts';
import { text } from '../../lib/strings.ts';

export const TEMPLATE_FIELDS = ['subject', 'html', 'text'] as const;
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];

export interface TemplateProblem {
  /** Which body: subject, html or text. */
  field: TemplateField;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  message: string;
}

/** A template that does not parse, or uses a variable it does not declare. */
export class TemplateError extends DomainError {
  override name = 'TemplateError';
  constructor(readonly problems: TemplateProblem[]) {
    super(problems.map((p) => `${p.field} ${p.line}:${p.column}: ${p.message}`).join('; '));
  }
}

export const variableName = text({ max: 64 }).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'letters, digits and underscores, not starting with a digit');
export const templateVariableSchema = z.object({
  name: variableName,
  sample: z.unknown().optional(),
  description: text({ max: 500 }).default(''),
});
export type TemplateVariable = z.output<typeof templateVariableSchema>;

export interface TemplateBodies {
  subject: string;
  html: string;
  text: string;
}

const BLOCK_HELPERS = new Set(['if', 'unless', 'each', 'with']);
const INLINE_HELPERS = new Set(['lookup', 'if', 'unless']);
/** Blocks whose body runs against another context (an item, an object): names in it are that context's. */
const CONTEXT_BLOCKS = new Set(['each', 'with']);

interface Walk {
  field: TemplateField;
  declared: Set<string>;
  problems: TemplateProblem[];
  /** How many context-changing blocks enclose the node (0 = the template's own variables). */
  depth: number;
  blockParams: string[][];
}

function at(walk: Walk, node: hbs.AST.Node, message: string): void {
  walk.problems.push({ field: walk.field, line: node.loc?.start.line ?? 1, column: (node.loc?.start.column ?? 0) + 1, message });
}

function checkPath(walk: Walk, path: hbs.AST.PathExpression): void {
  if (path.data) {
    // @root.x is a template variable; @index, @key, @first, @last are the loop's.
    if (path.parts[0] === 'root' && path.parts.length > 1 && !walk.declared.has(path.parts[1]!)) at(walk, path, `undeclared variable "${path.parts[1]}"`);
    return;
  }
  const head = path.parts[0];
  if (head === undefined) return; // {{this}} / {{.}}
  if (walk.blockParams.some((params) => params.includes(head))) return;
  const depth = walk.depth - path.depth;
  if (depth > 0) return;
  if (!walk.declared.has(head)) at(walk, path, `undeclared variable "${path.original}"`);
}

function checkExpression(walk: Walk, expr: hbs.AST.Expression): void {
  if (expr.type === 'PathExpression') checkPath(walk, expr as hbs.AST.PathExpression);
  else if (expr.type === 'SubExpression') checkCall(walk, expr as hbs.AST.SubExpression, INLINE_HELPERS);
}

function checkCall(walk: Walk, node: { path: hbs.AST.PathExpression | hbs.AST.Literal; params: hbs.AST.Expression[]; hash: hbs.AST.Hash }, helpers: Set<string>): void {
  const path = node.path as hbs.AST.PathExpression;
  if (path.type !== 'PathExpression') return at(walk, node.path, 'a literal cannot be called');
  if (!helpers.has(path.original)) return at(walk, path, `unknown helper "${path.original}" (allowed: ${[...helpers].join(', ')})`);
  for (const param of node.params) checkExpression(walk, param);
  for (const pair of node.hash?.pairs ?? []) checkExpression(walk, pair.value);
}

function checkProgram(walk: Walk, program: hbs.AST.Program | undefined): void {
  if (!program) return;
  for (const node of program.body) checkStatement(walk, node);
}

function checkStatement(walk: Walk, node: hbs.AST.Statement): void {
  switch (node.type) {
    case 'MustacheStatement': {
      const m = node as hbs.AST.MustacheStatement;
      if (!m.escaped && walk.field === 'html') at(walk, m, 'unescaped output ({{{…}}} or {{&…}}) is not allowed in HTML: every value is escaped');
      if (m.params.length || m.hash) checkCall(walk, m, INLINE_HELPERS);
      else checkExpression(walk, m.path);
      return;
    }
    case 'BlockStatement': {
      const b = node as hbs.AST.BlockStatement;
      const name = (b.path as hbs.AST.PathExpression).original;
      checkCall(walk, b, BLOCK_HELPERS);
      if (!BLOCK_HELPERS.has(name)) return;
      const changes = CONTEXT_BLOCKS.has(name);
      const params = b.program?.blockParams ?? [];
      const inner: Walk = { ...walk, depth: walk.depth + (changes ? 1 : 0), blockParams: [...walk.blockParams, params] };
      checkProgram(inner, b.program);
      checkProgram(walk, b.inverse);
      return;
    }
    case 'PartialStatement':
    case 'PartialBlockStatement':
      return at(walk, node, 'partials are not supported');
    case 'DecoratorBlock':
    case 'Decorator':
      return at(walk, node, 'decorators are not supported');
    default:
      return; // content, comments
  }
}

function parse(field: TemplateField, source: string): hbs.AST.Program | TemplateProblem {
  try {
    return Handlebars.parse(source);
  } catch (error) {
    const e = error as Error & { lineNumber?: number; column?: number };
    if (typeof e.lineNumber === 'number') {
      return { field, line: e.lineNumber, column: (e.column ?? 0) + 1, message: e.message.replace(/ - \d+:\d+$/, '') };
    }
    // The grammar's own errors carry the position only in the lexer's state and a drawing in the message.
    const loc = (Handlebars as unknown as { Parser: { lexer: { yylloc?: { first_line: number; first_column: number } } } }).Parser.lexer.yylloc;
    const expecting = /Expecting (.*)$/m.exec(e.message)?.[1];
    return { field, line: loc?.first_line ?? 1, column: (loc?.first_column ?? 0) + 1, message: expecting ? `syntax error: expecting ${expecting}` : e.message };
  }
}

/** Every problem of the three bodies, in order; empty when the template can be saved. */
export function templateProblems(bodies: TemplateBodies, variables: readonly TemplateVariable[]): TemplateProblem[] {
  const declared = new Set(variables.map((v) => v.name));
  const problems: TemplateProblem[] = [];
  for (const field of TEMPLATE_FIELDS) {
    const tree = parse(field, bodies[field]);
    if ('type' in tree) checkProgram({ field, declared, problems, depth: 0, blockParams: [] }, tree);
    else problems.push(tree);
  }
  return problems;
}

export function assertValidTemplate(bodies: TemplateBodies, variables: readonly TemplateVariable[]): void {
  const problems = templateProblems(bodies, variables);
  if (problems.length) throw new TemplateError(problems);
}

const env = Handlebars.create();
const compiled = new Map<string, HandlebarsTemplateDelegate>();
const knownHelpers = { helperMissing: false, blockHelperMissing: false, lookup: true, if: true, unless: true, each: true, with: true, log: false };

function compile(source: string, escape: boolean): HandlebarsTemplateDelegate {
  const cacheKey = `${escape ? 'h' : 't'}:${source}`;
  let template = compiled.get(cacheKey);
  if (!template) {
    if (compiled.size > 500) compiled.delete(compiled.keys().next().value!);
    template = env.compile(source, { noEscape: !escape, knownHelpers, knownHelpersOnly: true, strict: false });
    compiled.set(cacheKey, template);
  }
  return template;
}

/** Renders the three bodies: HTML with every value escaped, subject and text as plain text. */
export function renderTemplate(bodies: TemplateBodies, values: Record<string, unknown>): TemplateBodies {
  return {
    subject: compile(bodies.subject, false)(values).replace(/\s+/g, ' ').trim(),
    html: compile(bodies.html, true)(values),
    text: compile(bodies.text, false)(values),
  };
}

/** The declared variables' samples, overridden by `given`. */
export function sampleValues(variables: readonly TemplateVariable[], given: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...Object.fromEntries(variables.map((v) => [v.name, v.sample ?? ''])), ...given };
}
