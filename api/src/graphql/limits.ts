import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import type { Env } from '../env.ts';

// graphql-armor throws from inside validation by default, which servers answer with a 500. Reporting
// the error instead makes it an ordinary validation failure: a 400 with GRAPHQL_VALIDATION_FAILED.
const report = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
};

/** Request limits with graphql-armor's rules, at defaults near graphql-armor's own. */
export function limitRules(env: Pick<Env, 'MAX_DEPTH' | 'MAX_COST' | 'MAX_ALIASES'>): ValidationRule[] {
  return [
    maxDepthRule({ n: env.MAX_DEPTH, ignoreIntrospection: true, exposeLimits: true, ...report }),
    costLimitRule({ maxCost: env.MAX_COST, ignoreIntrospection: true, exposeLimits: true, ...report }),
    maxAliasesRule({ n: env.MAX_ALIASES, exposeLimits: true, ...report }),
    knownOperationTypesRule,
  ] as ValidationRule[];
}

/** A graph without mutations (the tenant graph, for now) refuses them at validation, like graphql 17 does. */
export const knownOperationTypesRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    const schema = context.getSchema();
    const root = node.operation === 'query' ? schema.getQueryType() : node.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
    if (!root) {
      context.reportError(new GraphQLError(`This graph does not support ${node.operation} operations.`, { nodes: node }));
    }
  },
});
