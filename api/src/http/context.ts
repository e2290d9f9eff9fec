import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { App } from '../app.ts';
import type { PrismaClient } from '../db/client.ts';
import { scopeToTenant } from '../db/tenant-scope.ts';
import type { Context, Principal, RequestMeta } from '../graphql/context.ts';
import { authenticate } from '../modules/auth/service.ts';

export const SESSION_COOKIE = 'og_session';

/** A client-supplied request id is kept when it looks sane, so logs can be correlated end to end. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && /^[A-Za-z0-9._:-]{8,128}$/.test(value) ? value : randomUUID();
}

export function metaFrom(req: IncomingMessage, requestId: string, ip = req.socket.remoteAddress): RequestMeta {
  const ua = req.headers['user-agent'];
  return { requestId, ip: ip ?? null, userAgent: typeof ua === 'string' ? ua.slice(0, 500) : null };
}

/** Bearer token from the Authorization header, else the console's session cookie. */
export function tokenFrom(headers: IncomingMessage['headers']): string | null {
  const auth = headers.authorization;
  if (auth?.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim() || null;
  const cookie = headers.cookie;
  if (!cookie) return null;
  for (const part of cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(rest.join('=')) || null;
  }
  return null;
}

const scopedClients = new WeakMap<PrismaClient, Map<string, PrismaClient>>();

/** Tenant clients are cached: building a Prisma extension per request would cost on every call. */
function dbFor(app: App, principal: Principal): PrismaClient {
  if (principal.kind !== 'tenant') return app.prisma;
  let byTenant = scopedClients.get(app.prisma);
  if (!byTenant) scopedClients.set(app.prisma, (byTenant = new Map()));
  let client = byTenant.get(principal.tenantId);
  if (!client) {
    if (byTenant.size >= 1000) byTenant.delete(byTenant.keys().next().value!);
    client = scopeToTenant(app.prisma, principal.tenantId);
    byTenant.set(principal.tenantId, client);
  }
  return client;
}

export async function buildContext(
  app: App,
  meta: RequestMeta,
  token: string | null,
  extra: Pick<Context, 'setSessionCookie'> = {},
): Promise<Context> {
  const principal = await authenticate(app.prisma, token);
  return {
    ...meta,
    ...extra,
    app,
    principal,
    db: dbFor(app, principal),
    logger: app.logger.child({ reqId: meta.requestId, principal: principal.kind }),
  };
}
