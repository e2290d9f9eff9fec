import type { AdminRole } from '../generated/prisma/enums.ts';
import type { PrismaClient } from '../db/client.ts';
import type { App } from '../app.ts';
import type { Logger } from '../lib/logger.ts';

export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'admin'; userId: string; email: string; role: AdminRole; sessionId: string; impersonatorId: null }
  | { kind: 'tenant'; tenantId: string; apiKeyId: string };

export interface RequestMeta {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
}

export interface Context extends RequestMeta {
  app: App;
  principal: Principal;
  /** The data-access client for this principal: tenant keys get one scoped to their tenant. */
  db: PrismaClient;
  logger: Logger;
  /** Set by the HTTP layer so login/logout can set the console's session cookie. */
  setSessionCookie?: (token: string | null, expiresAt?: Date) => void;
}

export type AdminPrincipal = Extract<Principal, { kind: 'admin' }>;
export type TenantPrincipal = Extract<Principal, { kind: 'tenant' }>;
