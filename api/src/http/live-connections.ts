// The open WebSockets of this instance and who they belong to. A revocation published on any instance
// (`accessRevoked`, through pub/sub) closes the matching sockets here, and each socket closes itself when
// its session or key expires, so a live connection never outlives the right it was opened with.
import type { PubSub } from '../db/pubsub.ts';
import type { AccessRevocation } from '../events.ts';
import type { Logger } from '../lib/logger.ts';
import type { AdminPrincipal, TenantPrincipal } from '../scope.ts';

/** What a socket must offer to be closed (a `ws` WebSocket does). */
export interface Closable {
  close(code: number, reason: string): void;
}

export type LivePrincipal = AdminPrincipal | TenantPrincipal;

/**
 * Close codes (graphql-ws's client never retries 4401 or 4429, and retries 4403).
 *
 * - 4401: the credential itself has ended for good (logout, session revoked, key revoked, expiry); signing
 *   in again or a new key is the only way back.
 * - 4403: the principal's access changed (admin deactivated or role changed, tenant suspended or
 *   deleted); a reconnect is decided afresh at connect: refused with 4403 while the access is gone,
 *   accepted with the new role after a role change.
 * - 4429: this admin or key already holds `MAX_SOCKETS_PER_PRINCIPAL` sockets on this instance.
 * - 1012: this instance's pub/sub connection was down, so its sockets may have missed events, revocations
 *   among them. Clients reconnect (graphql-ws's does), are authenticated afresh and know to catch up.
 */
export const CLOSE = {
  sessionEnded: { code: 4401, reason: 'Unauthorized: session ended' },
  apiKeyRevoked: { code: 4401, reason: 'Unauthorized: API key revoked' },
  sessionExpired: { code: 4401, reason: 'Unauthorized: session expired' },
  apiKeyExpired: { code: 4401, reason: 'Unauthorized: API key expired' },
  accessRevoked: { code: 4403, reason: 'Forbidden: access revoked' },
  tooManySockets: { code: 4429, reason: 'Too many connections for this principal' },
  missedEvents: { code: 1012, reason: 'Service Restart: events may have been missed, reconnect' },
} as const;
type Close = (typeof CLOSE)[keyof typeof CLOSE];

interface Entry {
  socket: Closable;
  principal: LivePrincipal;
  keys: string[];
  timer: NodeJS.Timeout | null;
}

/** setTimeout's longest delay; a later expiry re-arms the timer when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** How long a revocation is remembered, to refuse a socket whose authentication raced it. */
const REMEMBER_REVOCATIONS_MS = 30_000;

/** Every registry key a principal is found under; the first is the one the per-principal cap counts. */
export function keysOf(principal: LivePrincipal): string[] {
  return principal.kind === 'admin'
    ? [`admin:${principal.userId}`, `session:${principal.sessionId}`]
    : [`apiKey:${principal.apiKeyId}`, `tenant:${principal.tenantId}`];
}

/** The registry key a revocation names (one of some principals' `keysOf`). */
export function keyOf(revocation: AccessRevocation): string {
  switch (revocation.kind) {
    case 'session':
      return `session:${revocation.sessionId}`;
    case 'admin':
      return `admin:${revocation.adminId}`;
    case 'apiKey':
      return `apiKey:${revocation.apiKeyId}`;
    case 'tenant':
      return `tenant:${revocation.tenantId}`;
  }
}

function expiresAt(principal: LivePrincipal): Date | null {
  return principal.kind === 'admin' ? principal.sessionExpiresAt : principal.keyExpiresAt;
}

function expiryClose(principal: LivePrincipal): Close {
  return principal.kind === 'admin' ? CLOSE.sessionExpired : CLOSE.apiKeyExpired;
}

function closeFor(revocation: AccessRevocation): Close {
  if (revocation.kind === 'session') return CLOSE.sessionEnded;
  if (revocation.kind === 'apiKey') return CLOSE.apiKeyRevoked;
  return CLOSE.accessRevoked;
}

export class LiveConnections {
  private readonly entries = new Map<Closable, Entry>();
  private readonly byKey = new Map<string, Set<Entry>>();
  /** Registry key → when its last revocation arrived (pruned as it goes). */
  private readonly revokedAt = new Map<string, number>();
  private stopListening: (() => void) | null = null;

  constructor(private readonly options: { maxSocketsPerPrincipal: number; logger: Logger }) {}

  /** One pub/sub listener for the whole server, in place before the first socket is accepted. */
  async listen(pubsub: PubSub): Promise<void> {
    this.stopListening ??= pubsub.listen('accessRevoked', (revocation) => {
      try {
        this.revoke(revocation);
      } catch (err) {
        this.options.logger.error({ err, revocation }, 'could not apply a revocation to live connections');
      }
    });
    await pubsub.start();
  }

  /**
   * Registers an authenticated socket, or says why it must close: its principal already holds the most
   * sockets allowed, or was revoked after `authenticatedSince` (the revocation may have raced the check).
   */
  add(socket: Closable, principal: LivePrincipal, authenticatedSince: number): Close | null {
    const keys = keysOf(principal);
    const raced = keys.map((key) => this.revokedAt.get(key)).find((at) => at !== undefined && at >= authenticatedSince);
    if (raced !== undefined) return CLOSE.accessRevoked;
    const expiry = expiresAt(principal);
    if (expiry && expiry.getTime() <= Date.now()) return expiryClose(principal);
    if ((this.byKey.get(keys[0]!)?.size ?? 0) >= this.options.maxSocketsPerPrincipal) return CLOSE.tooManySockets;
    const entry: Entry = { socket, principal, keys, timer: null };
    this.entries.set(socket, entry);
    for (const key of keys) {
      let set = this.byKey.get(key);
      if (!set) this.byKey.set(key, (set = new Set()));
      set.add(entry);
    }
    this.armExpiry(entry);
    return null;
  }

  /** Forgets a socket (called when it closes; closing it here removes it at once). */
  remove(socket: Closable): void {
    const entry = this.entries.get(socket);
    if (!entry) return;
    this.entries.delete(socket);
    if (entry.timer) clearTimeout(entry.timer);
    for (const key of entry.keys) {
      const set = this.byKey.get(key);
      set?.delete(entry);
      if (set?.size === 0) this.byKey.delete(key);
    }
  }

  /** Closes every socket of a revoked session, admin, key or tenant; returns how many. */
  revoke(revocation: AccessRevocation): number {
    const key = keyOf(revocation);
    const now = Date.now();
    this.revokedAt.set(key, now);
    for (const [k, at] of this.revokedAt) {
      if (now - at > REMEMBER_REVOCATIONS_MS) this.revokedAt.delete(k);
    }
    const matching = [...(this.byKey.get(key) ?? [])];
    const close = closeFor(revocation);
    for (const entry of matching) this.end(entry, close);
    if (matching.length) this.options.logger.info({ revocation, sockets: matching.length, code: close.code }, 'closed live connections after a revocation');
    return matching.length;
  }

  /** Closes every socket with `close`; returns how many. */
  closeAll(close: Close): number {
    const all = [...this.entries.values()];
    for (const entry of all) this.end(entry, close);
    return all.length;
  }

  /** Open sockets of this instance. */
  get size(): number {
    return this.entries.size;
  }

  /** Stops listening and forgets every socket (the WebSocket server closes them). */
  stop(): void {
    this.stopListening?.();
    this.stopListening = null;
    for (const socket of [...this.entries.keys()]) this.remove(socket);
  }

  private end(entry: Entry, close: Close): void {
    this.remove(entry.socket);
    try {
      entry.socket.close(close.code, close.reason);
    } catch (err) {
      this.options.logger.warn({ err }, 'could not close a live connection');
    }
  }

  private armExpiry(entry: Entry): void {
    const { principal } = entry;
    const expiry = expiresAt(principal);
    if (!expiry) return;
    const wait = expiry.getTime() - Date.now();
    entry.timer = setTimeout(() => (wait > MAX_TIMER_MS ? this.armExpiry(entry) : this.end(entry, expiryClose(principal))), Math.max(0, Math.min(wait, MAX_TIMER_MS)));
    entry.timer.unref();
  }
}
