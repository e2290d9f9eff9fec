import { describe, expect, it } from 'vitest';
import type { AccessRevocation } from '../events.ts';
import type { AdminPrincipal, TenantPrincipal } from '../scope.ts';
import { CredentialCache } from './credential-cache.ts';

/** A pub/sub double: revocations and connection changes are driven by the test. */
function fakePubSub() {
  const revocations = new Set<(r: AccessRevocation) => void>();
  const disconnects = new Set<() => void>();
  const reconnects = new Set<() => void>();
  const pubsub = {
    listening: true,
    listen: (_event: string, handler: (r: AccessRevocation) => void) => (revocations.add(handler), () => revocations.delete(handler)),
    onDisconnect: (handler: () => void) => (disconnects.add(handler), () => disconnects.delete(handler)),
    onReconnect: (handler: () => void) => (reconnects.add(handler), () => reconnects.delete(handler)),
    revoke: (r: AccessRevocation) => revocations.forEach((h) => h(r)),
    lose() {
      pubsub.listening = false;
      disconnects.forEach((h) => h());
    },
    regain() {
      pubsub.listening = true;
      reconnects.forEach((h) => h());
    },
  };
  return pubsub;
}

const admin = (n: number, expiresAt = new Date(1_000_000 + 3_600_000)): AdminPrincipal => ({
  kind: 'admin', userId: `user-${n}`, email: `a${n}@x.example`, role: 'ADMIN', sessionId: `session-${n}`, sessionExpiresAt: expiresAt, impersonatorId: null,
});
const tenantKey = (n: number, tenantId = 'tenant-1', keyExpiresAt: Date | null = null): TenantPrincipal => ({
  kind: 'tenant', tenantId, apiKeyId: `key-${n}`, keyExpiresAt,
});

function setup(ttlMs = 5_000, maxEntries?: number) {
  let now = 1_000_000;
  const pubsub = fakePubSub();
  const cache = new CredentialCache(pubsub as never, { ttlMs, maxEntries, now: () => now });
  const remember = (token: string, principal: AdminPrincipal | TenantPrincipal) => cache.set(token, principal, cache.ticket());
  return { cache, pubsub, remember, advance: (ms: number) => (now += ms) };
}

describe('credential cache', () => {
  it('answers a token it has seen until its time to live runs out', () => {
    const { cache, remember, advance } = setup(5_000);
    remember('ogs_a', admin(1));
    expect(cache.get('ogs_a')).toEqual(admin(1));
    expect(cache.get('ogs_other')).toBeUndefined();
    advance(4_999);
    expect(cache.get('ogs_a')?.kind).toBe('admin');
    advance(1);
    expect(cache.get('ogs_a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('never trusts an entry past its session or key expiry', () => {
    const { cache, remember, advance } = setup(5_000);
    remember('ogs_a', admin(1, new Date(1_000_000 + 1_000)));
    remember('ogk_b', tenantKey(2, 'tenant-1', new Date(1_000_000 + 2_000)));
    advance(1_000);
    expect(cache.get('ogs_a')).toBeUndefined();
    expect(cache.get('ogk_b')).toBeDefined();
    advance(1_000);
    expect(cache.get('ogk_b')).toBeUndefined();
  });

  it('forgets exactly the tokens a revocation covers: a session, an admin, a key, a tenant', () => {
    const { cache, pubsub, remember } = setup();
    remember('s1', admin(1));
    remember('s2', admin(2));
    remember('k1', tenantKey(1, 'tenant-1'));
    remember('k2', tenantKey(2, 'tenant-1'));
    remember('k3', tenantKey(3, 'tenant-2'));
    pubsub.revoke({ kind: 'session', sessionId: 'session-1' });
    expect([cache.get('s1'), cache.get('s2')?.kind]).toEqual([undefined, 'admin']);
    pubsub.revoke({ kind: 'admin', adminId: 'user-2' });
    expect(cache.get('s2')).toBeUndefined();
    pubsub.revoke({ kind: 'apiKey', apiKeyId: 'key-3' });
    expect([cache.get('k1')?.kind, cache.get('k3')]).toEqual(['tenant', undefined]);
    pubsub.revoke({ kind: 'tenant', tenantId: 'tenant-1' });
    expect([cache.get('k1'), cache.get('k2')]).toEqual([undefined, undefined]);
    expect(cache.size).toBe(0);
  });

  it('does not remember a lookup that a revocation overtook', () => {
    const { cache, pubsub } = setup();
    const ticket = cache.ticket();
    // The database was read before the revocation arrived; its answer may already be stale.
    pubsub.revoke({ kind: 'session', sessionId: 'session-1' });
    cache.set('s1', admin(1), ticket);
    expect(cache.get('s1')).toBeUndefined();
  });

  it('remembers and trusts nothing while it cannot hear revocations, and starts afresh after', () => {
    const { cache, pubsub, remember } = setup();
    remember('s1', admin(1));
    const inFlight = cache.ticket();
    pubsub.lose();
    expect(cache.get('s1')).toBeUndefined();
    remember('s2', admin(2));
    expect(cache.get('s2')).toBeUndefined();
    pubsub.regain();
    cache.set('s3', admin(3), inFlight);
    expect(cache.get('s3')).toBeUndefined();
    remember('s1', admin(1));
    expect(cache.get('s1')?.kind).toBe('admin');
  });

  it('also stops trusting an entry when the connection is found down before any event says so', () => {
    const { cache, pubsub, remember } = setup();
    remember('s1', admin(1));
    pubsub.listening = false;
    expect(cache.get('s1')).toBeUndefined();
  });

  it('is off with a time to live of 0, and holds at most maxEntries tokens, dropping the oldest', () => {
    const off = setup(0);
    off.remember('s1', admin(1));
    expect(off.cache.get('s1')).toBeUndefined();
    const small = setup(5_000, 2);
    small.remember('s1', admin(1));
    small.remember('s2', admin(2));
    small.remember('s3', admin(3));
    expect([small.cache.get('s1'), small.cache.get('s2')?.kind, small.cache.get('s3')?.kind]).toEqual([undefined, 'admin', 'admin']);
    expect(small.cache.size).toBe(2);
  });

  it('keeps no token in clear', () => {
    const { cache, remember } = setup();
    remember('ogs_secret-token-value', admin(1));
    expect(JSON.stringify([...(cache as unknown as { entries: Map<string, unknown> }).entries.keys()])).not.toContain('secret-token-value');
  });
});
