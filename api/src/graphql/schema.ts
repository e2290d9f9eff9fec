import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.ts';
import './errors.ts';
// Every module's GraphQL lives beside its domain; importing registers its types and fields.
import '../modules/auth/schema.ts';
import '../modules/audit/schema.ts';
import '../modules/plans/schema.ts';
import '../modules/tenants/schema.ts';
import '../modules/jobs/schema.ts';

/** Every type and field, for platform admins. */
export const adminSchema: GraphQLSchema = builder.toSchema({ subGraph: 'admin' });

/** Only what a tenant key may see. */
export const tenantSchema: GraphQLSchema = builder.toSchema({ subGraph: 'tenant' });

export function printSubGraph(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
