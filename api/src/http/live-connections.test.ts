import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { AdminPrincipal, TenantPrincipal } from '../scope.ts';
import { CLOSE, LiveConnections } from './live-connections.ts';

const logger = pino({ level: 'silent' });

function socket() {
  const closes: { code: number; reason: string }[] = [];
  return { closes, close: (code: number, reason: string) => void closes.push({ code, reason }) };
}

const admin = (userId: string, sessionId: string, sessionExpiresAt = new Date(Date.now() + 3_600_000)): AdminPrincipal => ({
  kind: 'admin', userId, email: `${userId}@example.com`, role: 'VIEWER', sessionId, sessionExpiresAt, impersonatorId: null,
});
const tenantKey = (tenantId: string, apiKeyId: string, keyExpiresAt: Date | null = null): TenantPrincipal => ({ kind: 'tenant', tenantId, apiKeyId, keyExpiresAt });

describe('live connections', () => {
  it('closes exactly the sockets a revocation names, with its close code', () => {
    const live = new LiveConnections({ maxSocketsPerPrincipal: 10, logger });
    const [s1, s2, s3, t1, t2] = [socket(), socket(), socket(), socket(), socket()];
    live.add(s1, admin('u1', 's1'), 0);
    live.add(s2, admin('u1', 's2'), 0);
    live.add(s3, admin('u2', 's3'), 0);
    live.add(t1, tenantKey('tA', 'k1'), 0);
    live.add(t2, tenantKey('tA', 'k2'), 0);

    expect(live.revoke({ kind: 'session', sessionId: 's1' })).toBe(1);
    expect(s1.closes).toEqual([CLOSE.sessionEnded]);
    expect(live.revoke({ kind: 'admin', adminId: 'u1' })).toBe(1);
    expect(s2.closes).toEqual([CLOSE.accessRevoked]);
    expect(live.revoke({ kind: 'apiKey', apiKeyId: 'k1' })).toBe(1);
    expect(t1.closes).toEqual([CLOSE.apiKeyRevoked]);
    expect(live.revoke({ kind: 'tenant', tenantId: 'tA' })).toBe(1);
    expect(t2.closes).toEqual([CLOSE.accessRevoked]);
    expect(s3.closes).toEqual([]);
    expect(live.size).toBe(1);
    live.stop();
  });

  it('refuses one socket more than the cap per admin or key, and counts a closed one out', () => {
    const live = new LiveConnections({ maxSocketsPerPrincipal: 2, logger });
    const [a, b, c] = [socket(), socket(), socket()];
    expect(live.add(a, admin('u1', 's1'), 0)).toBeNull();
    expect(live.add(b, admin('u1', 's2'), 0)).toBeNull();
    expect(live.add(c, admin('u1', 's3'), 0)).toBe(CLOSE.tooManySockets);
    expect(live.add(c, admin('u2', 's4'), 0)).toBeNull();
    live.remove(a);
    expect(live.add(socket(), admin('u1', 's1'), 0)).toBeNull();
    live.stop();
  });

  it('refuses a socket whose authentication raced a revocation', () => {
    const live = new LiveConnections({ maxSocketsPerPrincipal: 10, logger });
    const authenticatedSince = Date.now();
    live.revoke({ kind: 'apiKey', apiKeyId: 'k1' });
    expect(live.add(socket(), tenantKey('tA', 'k1'), authenticatedSince)).toBe(CLOSE.accessRevoked);
    // A revocation from before the authentication began was already seen by it.
    expect(live.add(socket(), tenantKey('tA', 'k1'), Date.now() + 1)).toBeNull();
    live.stop();
  });

  it('closes a socket when its key or session expires, and refuses one already expired', async () => {
    const live = new LiveConnections({ maxSocketsPerPrincipal: 10, logger });
    const key = socket();
    const session = socket();
    live.add(key, tenantKey('tA', 'k1', new Date(Date.now() + 50)), 0);
    live.add(session, admin('u1', 's1', new Date(Date.now() + 50)), 0);
    live.add(socket(), tenantKey('tA', 'k2', new Date(Date.now() + 10 * 365 * 86_400_000)), 0);
    expect(live.add(socket(), admin('u1', 's2', new Date(Date.now() - 1)), 0)).toBe(CLOSE.sessionExpired);
    await new Promise((r) => setTimeout(r, 120));
    expect(key.closes).toEqual([CLOSE.apiKeyExpired]);
    expect(session.closes).toEqual([CLOSE.sessionExpired]);
    expect(live.size).toBe(1);
    live.stop();
    expect(live.size).toBe(0);
  });

  it('closes every socket at once when asked to, and forgets them', () => {
    const live = new LiveConnections({ maxSocketsPerPrincipal: 10, logger });
    const [s1, t1] = [socket(), socket()];
    live.add(s1, admin('u1', 's1'), 0);
    live.add(t1, tenantKey('tA', 'k1'), 0);
    expect(live.closeAll(CLOSE.missedEvents)).toBe(2);
    expect([s1.closes, t1.closes]).toEqual([[CLOSE.missedEvents], [CLOSE.missedEvents]]);
    expect(live.size).toBe(0);
    live.stop();
  });
});
