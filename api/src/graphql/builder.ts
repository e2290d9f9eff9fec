import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import SubGraphPlugin from '@pothos/plugin-sub-graph';
import ValidationPlugin from '@pothos/plugin-validation';
import { GraphQLError } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type PrismaTypes from '../generated/pothos-types.ts';
import { getDatamodel } from '../generated/pothos-types.ts';
import type { PrismaClient } from '../db/client.ts';
import { roleCan, type Permission } from '../permissions.ts';
import type { Context } from './context.ts';

/** The two graphs built from this one builder (see schema.ts). */
export type SubGraph = 'admin' | 'tenant';

/** Spread into a type or field that tenants may see as well as admins. */
export const bothGraphs = { subGraphs: ['admin', 'tenant'] as SubGraph[] };

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  SubGraphs: SubGraph;
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: true;
  AuthScopes: {
    admin: boolean;
    tenant: boolean;
    permission: Permission;
  };
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
    ID: { Input: string; Output: string };
  };
}>({
  // Scope auth first so no other plugin's wrapper runs before authorization.
  plugins: [ScopeAuthPlugin, ErrorsPlugin, PrismaPlugin, RelayPlugin, ValidationPlugin, SubGraphPlugin],
  defaultFieldNullability: false,
  defaultInputFieldRequiredness: true,
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (ctx) => ({
      admin: ctx.principal.kind === 'admin',
      tenant: ctx.principal.kind === 'tenant',
      permission: (perm) => ctx.principal.kind === 'admin' && roleCan(ctx.principal.role, perm),
    }),
    unauthorizedError: (_parent, ctx) =>
      ctx.principal.kind === 'anonymous'
        ? new GraphQLError('Authentication required', { extensions: { code: 'UNAUTHENTICATED' } })
        : new GraphQLError('Not allowed', { extensions: { code: 'FORBIDDEN' } }),
  },
  prisma: {
    // The request scope's client: full for admins, tenant-scoped for tenant keys, refusing for anonymous
    // callers. The plugin only uses its model delegates.
    client: (ctx) => ctx.db as unknown as PrismaClient,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
    maxConnectionSize: 200,
    defaultConnectionSize: 50,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    // Tenant-graph connections (viewer.users) page with the same PageInfo.
    pageInfoTypeOptions: { subGraphs: ['admin', 'tenant'] },
  },
  subGraphs: {
    defaultForTypes: ['admin'],
    fieldsInheritFromTypes: true,
  },
  errors: {
    defaultTypes: [],
  },
  validation: {
    // Argument validation on queries (mutations validate in their services and return errors as data).
    validationError: (result) =>
      new GraphQLError(
        result.issues.map((i) => `${(i.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)).join('.')}: ${i.message}`).join('; '),
        { extensions: { code: 'BAD_USER_INPUT' } },
      ),
  },
});

builder.addScalarType('DateTime', DateTimeResolver, { subGraphs: ['admin', 'tenant'] });
builder.addScalarType('JSON', JSONResolver, { subGraphs: ['admin', 'tenant'] });

builder.queryType({ subGraphs: ['admin', 'tenant'], defaultSubGraphsForFields: ['admin'] });
builder.mutationType({ subGraphs: ['admin', 'tenant'], defaultSubGraphsForFields: ['admin'] });
builder.subscriptionType({ subGraphs: ['admin', 'tenant'], defaultSubGraphsForFields: ['admin'] });
