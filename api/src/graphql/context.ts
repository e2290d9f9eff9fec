import type { AdminScope, Scope, TenantScope } from '../scope.ts';

/** A resolver's context: the request scope (see scope.ts), plus what only the HTTP layer can do. */
export type Context = Scope & {
  /** Set by the HTTP layer so login/logout can set the console's session cookie. */
  setSessionCookie?: (token: string | null, expiresAt?: Date) => void;
};

export type { AdminScope, TenantScope };
