import { redirect, type AppLoadContext } from '@remix-run/node';
import { parse, serialize } from 'cookie';

// The same cookie the API reads: requests the browser sends to the proxied /graphql and /exports are
// signed in with it, and it never reaches JavaScript.
export const SESSION_COOKIE = 'og_session';

export function sessionToken(request: Request): string | null {
  const header = request.headers.get('cookie');
  return header ? (parse(header)[SESSION_COOKIE] ?? null) : null;
}

export function sessionCookie(context: AppLoadContext, token: string, expiresAt: Date): string {
  return serialize(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: context.secureCookies,
    path: '/',
    expires: expiresAt,
  });
}

export function clearedSessionCookie(context: AppLoadContext): string {
  return serialize(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', secure: context.secureCookies, path: '/', maxAge: 0 });
}

/** Only paths on this site: an open redirect through the login page would be a phishing aid. */
export function safeRedirectPath(to: string | null | undefined, fallback = '/'): string {
  if (!to || !to.startsWith('/') || to.startsWith('//') || to.startsWith('/\\')) return fallback;
  return to;
}

export function loginRedirect(request: Request, context: AppLoadContext, clearCookie = false): Response {
  const url = new URL(request.url);
  const back = `${url.pathname}${url.search}`;
  const search = back === '/' ? '' : `?${new URLSearchParams({ redirectTo: back })}`;
  return redirect(`/login${search}`, clearCookie ? { headers: { 'set-cookie': clearedSessionCookie(context) } } : undefined);
}

/** The session token, or a redirect to the login page that comes back here afterwards. */
export function requireToken(request: Request, context: AppLoadContext): string {
  const token = sessionToken(request);
  if (!token) throw loginRedirect(request, context);
  return token;
}
