import { GraphQLError } from 'graphql';
import { actorOf } from '../modules/auth/service.ts';
import type { AuditActor } from '../modules/audit/service.ts';
import type { Permission } from '../modules/auth/permissions.ts';
import type { KeysetPage } from '../lib/cursor.ts';
import { commonErrors } from './errors.ts';
import type { AdminPrincipal, Context, TenantPrincipal } from './context.ts';

/** The admin behind a request; field auth scopes guarantee one, this narrows the type. */
export function requireAdmin(ctx: Context): AdminPrincipal {
  if (ctx.principal.kind !== 'admin') {
    throw new GraphQLError('Authentication required', { extensions: { code: 'UNAUTHENTICATED' } });
  }
  return ctx.principal;
}

export function requireTenant(ctx: Context): TenantPrincipal {
  if (ctx.principal.kind !== 'tenant') {
    throw new GraphQLError('Authentication required', { extensions: { code: 'UNAUTHENTICATED' } });
  }
  return ctx.principal;
}

export function adminActor(ctx: Context): AuditActor {
  return actorOf(requireAdmin(ctx), ctx);
}

/** Declares which audit actions a mutation writes; the audit coverage test reads it. */
export function audits(...actions: string[]) {
  return { audit: actions };
}

/**
 * The options every admin mutation shares: the permission it needs, the audit actions it writes, and
 * the expected failures it returns as data.
 */
export function adminMutation(permission: Permission, ...actions: string[]) {
  return {
    authScopes: { permission },
    extensions: audits(...actions),
    errors: { types: commonErrors },
  };
}

/** GraphQL gives explicit nulls for omitted optional input fields; services want them absent. */
export function withoutNulls<T extends object>(input: T): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined)) as never;
}

/** A relay connection for a keyset page. */
export function connectionOf<T>(page: KeysetPage<T>) {
  return {
    edges: page.nodes.map((node, i) => ({ node, cursor: page.cursors[i]! })),
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: page.startCursor,
      endCursor: page.endCursor,
    },
  };
}
