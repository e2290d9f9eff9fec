// PostgreSQL text cannot hold NUL, and an unpaired UTF-16 surrogate is not text at all. Rather than trust
// every resolver to parse its strings, both transports refuse such a string anywhere in an operation (its
// variables and the string literals written into the document) before it runs.
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { GraphQLError, Kind, visit, type DocumentNode, type ValueNode } from 'graphql';
import { textProblem } from '../lib/strings.ts';

export interface TextIssue {
  /** `tenants.filter.search` for a literal argument, `$input.name` for a variable. */
  path: string;
  message: string;
}

/** Enough to name the problem; a document full of them gets no longer an answer. */
const MAX_ISSUES = 20;

/** Strings anywhere in a variable's value, walked without recursion (a JSON body may nest deeply). */
function variableIssues(variables: Record<string, unknown>, issues: TextIssue[]): void {
  const stack: [unknown, string][] = Object.entries(variables).map(([name, value]) => [value, `$${name}`]);
  while (stack.length && issues.length < MAX_ISSUES) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) issues.push({ path, message: problem });
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push([item, `${path}.${i}`]));
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) stack.push([item, `${path}.${key}`]);
    }
  }
}

/** Strings inside one literal argument value (documents are small: the token limit bounds the depth). */
function literalIssues(node: ValueNode, path: string, issues: TextIssue[]): void {
  if (issues.length >= MAX_ISSUES) return;
  if (node.kind === Kind.STRING) {
    const problem = textProblem(node.value);
    if (problem) issues.push({ path, message: problem });
  } else if (node.kind === Kind.LIST) {
    node.values.forEach((item, i) => literalIssues(item, `${path}.${i}`, issues));
  } else if (node.kind === Kind.OBJECT) {
    for (const field of node.fields) literalIssues(field.value, `${path}.${field.name.value}`, issues);
  }
}

/**
 * The literals' issues of each document seen: servers hand the same parsed document to every request
 * with the same text (Apollo's document store), so a document is walked once, not once per request.
 */
const literalIssuesOf = new WeakMap<DocumentNode, readonly TextIssue[]>();

/** Every string in the operation that PostgreSQL text cannot hold, with where it is. */
export function textIssues(document: DocumentNode, variables: Record<string, unknown> | null | undefined): TextIssue[] {
  const issues: TextIssue[] = [];
  if (variables) variableIssues(variables, issues);
  let literals = literalIssuesOf.get(document);
  if (!literals) literalIssuesOf.set(document, (literals = documentIssues(document)));
  for (const issue of literals) {
    if (issues.length >= MAX_ISSUES) break;
    issues.push(issue);
  }
  return issues;
}

function documentIssues(document: DocumentNode): TextIssue[] {
  const issues: TextIssue[] = [];
  // Where a literal sits: the fields (by response name) and directives above it.
  const at: string[] = [];
  visit(document, {
    Field: { enter: (node) => void at.push((node.alias ?? node.name).value), leave: () => void at.pop() },
    Directive: { enter: (node) => void at.push(`@${node.name.value}`), leave: () => void at.pop() },
    Argument(node) {
      literalIssues(node.value, [...at, node.name.value].join('.'), issues);
      return false;
    },
    VariableDefinition(node) {
      if (node.defaultValue) literalIssues(node.defaultValue, `$${node.variable.name.value}`, issues);
      return false;
    },
  });
  return issues;
}

/** One BAD_USER_INPUT error naming every offending argument or variable. */
export function textIssuesError(issues: TextIssue[], extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(issues.map((i) => `${i.path}: ${i.message}`).join('; '), {
    extensions: { code: 'BAD_USER_INPUT', fieldErrors: issues.map((i) => ({ field: i.path, message: i.message })), ...extensions },
  });
}

/** The guard for Apollo (HTTP): after validation, before execution; answered with a 400. */
export function textGuardPlugin<C extends object>(): ApolloServerPlugin<C> {
  const listener: GraphQLRequestListener<C> = {
    async didResolveOperation({ document, request }) {
      const issues = textIssues(document, request.variables);
      if (issues.length) throw textIssuesError(issues, { http: { status: 400 } });
    },
  };
  return { requestDidStart: async () => listener };
}
