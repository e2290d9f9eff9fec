import { GraphQLError } from 'graphql';
import type { Permission } from '../permissions.ts';
import type { AdminScope, Context, TenantScope } from './context.ts';

type ErrorClass = new (...args: never[]) => Error;

function unauthenticated(): never {
  throw new GraphQLError('Authentication required', { extensions: { code: 'UNAUTHENTICATED' } });
}

/** The admin scope of a request; field auth scopes guarantee an admin, this narrows the type. */
export function adminScope(ctx: Context): AdminScope {
  return ctx.principal.kind === 'admin' ? (ctx as AdminScope) : unauthenticated();
}

/** The tenant scope of a request made with a tenant API key. */
export function tenantScope(ctx: Context): TenantScope {
  return ctx.principal.kind === 'tenant' ? (ctx as TenantScope) : unauthenticated();
}

/** The scope of an admin or tenant request, for fields both graphs share. */
export function principalScope(ctx: Context): AdminScope | TenantScope {
  return ctx.principal.kind === 'admin' || ctx.principal.kind === 'tenant' ? (ctx as AdminScope | TenantScope) : unauthenticated();
}

/** Declares which audit actions a mutation writes; the audit coverage test reads it. */
export function audits(...actions: string[]) {
  return { audit: actions };
}

/**
 * The options every admin mutation shares: the permission it needs, the audit actions it writes, and
 * the expected failures it can return as data (only those: each mutation lists its own).
 */
export function adminMutation<const E extends readonly ErrorClass[]>(permission: Permission, actions: string | string[], errors: E) {
  return {
    authScopes: { permission },
    extensions: audits(...(Array.isArray(actions) ? actions : [actions])),
    errors: { types: errors as unknown as E[number][] },
  };
}

/** GraphQL gives explicit nulls for omitted optional input fields; services want them absent. */
export function withoutNulls<T extends object>(input: T): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined)) as never;
}
