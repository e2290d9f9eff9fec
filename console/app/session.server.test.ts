import { describe, expect, it } from 'vitest';
import { loginRedirect, safeRedirectPath, sessionCookie, sessionToken } from './session.server.ts';

const context = { apiUrl: 'http://api', secureCookies: true, requestId: 'r1', clientIp: null };

describe('session cookie', () => {
  it('is httpOnly, SameSite=Lax, Secure outside development, and expires with the session', () => {
    const cookie = sessionCookie(context, 'tok', new Date('2026-11-24T00:00:00Z'));
    expect(cookie).toContain('og_session=tok');
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Secure');
    expect(cookie).toContain('Expires=Tue, 24 Nov 2026 00:00:00 GMT');
    expect(sessionCookie({ ...context, secureCookies: false }, 'tok', new Date())).not.toContain('Secure');
  });

  it('is read back from the request', () => {
    const request = new Request('http://console/', { headers: { cookie: 'other=1; og_session=abc' } });
    expect(sessionToken(request)).toBe('abc');
    expect(sessionToken(new Request('http://console/'))).toBeNull();
  });
});

describe('return path after login', () => {
  it('only goes back to a path on this site', () => {
    expect(safeRedirectPath('/tenants?status=ACTIVE')).toBe('/tenants?status=ACTIVE');
    expect(safeRedirectPath('https://evil.example/')).toBe('/');
    expect(safeRedirectPath('//evil.example/')).toBe('/');
    expect(safeRedirectPath('/\\evil.example')).toBe('/');
    expect(safeRedirectPath(null)).toBe('/');
  });

  it('sends a signed-out visitor to the login page with the page they asked for', () => {
    const response = loginRedirect(new Request('http://console/tenants/1?tab=keys'), context);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/login?redirectTo=%2Ftenants%2F1%3Ftab%3Dkeys');
    expect(loginRedirect(new Request('http://console/'), context).headers.get('location')).toBe('/login');
  });
});
