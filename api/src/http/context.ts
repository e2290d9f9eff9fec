import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { App } from '../app.ts';
import type { Context } from '../graphql/context.ts';
import { authenticateSession } from '../modules/admins/service.ts';
import { authenticateApiKey } from '../modules/tenants/api-keys.ts';
import { API_KEY_PREFIX } from '../lib/tokens.ts';
import { createScope, systemScope, type Principal, type RequestMeta } from '../scope.ts';

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

/**
 * Turns a bearer token (admin session or tenant API key) into a principal; anonymous when invalid.
 * Authentication is the platform's own work, done before there is a principal: a system scope. A token
 * seen moments ago is answered from the instance's credential cache, which forgets it the moment its
 * access is revoked anywhere.
 */
export async function authenticate(app: App, meta: RequestMeta, token: string | null | undefined): Promise<Principal> {
  if (!token) return { kind: 'anonymous' };
  const cached = app.credentials.get(token);
  if (cached) return cached;
  const ticket = app.credentials.ticket();
  const system = systemScope(app, 'authenticate', meta);
  const principal = token.startsWith(API_KEY_PREFIX) ? await authenticateApiKey(system, token) : await authenticateSession(system, token);
  if (!principal) return { kind: 'anonymous' };
  app.credentials.set(token, principal, ticket);
  return principal;
}

/** The request scope for a token, as a resolver context. */
export async function buildContext(
  app: App,
  meta: RequestMeta,
  token: string | null,
  extra: Pick<Context, 'setSessionCookie'> = {},
): Promise<Context> {
  const principal = await authenticate(app, meta, token);
  return Object.assign(createScope(app, principal, meta), extra);
}
