import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { registerGraphql } from '../modules/index.ts';
import { builder } from './builder.ts';
import './errors.ts';

// Every module's GraphQL lives beside its domain and is registered from the module list.
await registerGraphql();

/** Every type and field, for platform admins. */
export const adminSchema: GraphQLSchema = builder.toSchema({ subGraph: 'admin' });

/** Only what a tenant key may see. */
export const tenantSchema: GraphQLSchema = builder.toSchema({ subGraph: 'tenant' });

export function printSubGraph(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
