// Who a token belongs to, remembered for a few seconds so that a request does not pay a database lookup
// before its real work. Safe because every weakening of a credential is announced: services publish
// `accessRevoked`, and the database's triggers announce any change made around them (`accessRevoked`, or
// `credentialChanged` for an expiry brought forward: see the migration `revocation_events`). An entry goes the moment its revocation arrives, on every instance; while this
// instance cannot hear revocations (its pub/sub connection is down) nothing is remembered or trusted.
import { createHash } from 'node:crypto';
import type { PubSub } from '../db/pubsub.ts';
import type { AccessRevocation } from '../events.ts';
import type { AdminPrincipal, TenantPrincipal } from '../scope.ts';
import { keyOf, keysOf } from './live-connections.ts';

export type CachedPrincipal = AdminPrincipal | TenantPrincipal;

interface Entry {
  principal: CachedPrincipal;
  /** When the entry stops being trusted (ms since the epoch): its TTL, or the credential's own expiry. */
  until: number;
  keys: string[];
}

export interface CredentialCacheOptions {
  /** How long a lookup is trusted; 0 turns the cache off (every request asks the database). */
  ttlMs: number;
  /** Most tokens remembered at once; the oldest goes first. */
  maxEntries?: number;
  now?: () => number;
}

/** The cache's key for a token: its hash, so no secret sits in a long-lived structure. */
const digest = (token: string) => createHash('sha256').update(token).digest('base64');

export class CredentialCache {
  private readonly entries = new Map<string, Entry>();
  /** Revocation key (`session:<id>`, `tenant:<id>`, …) → digests of the tokens it covers. */
  private readonly byKey = new Map<string, Set<string>>();
  /**
   * Changes whenever something might have been revoked unseen or just was: a lookup that started before
   * it is not remembered, since what it read may already be stale.
   */
  private generation = 0;
  private readonly stops: (() => void)[] = [];
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly pubsub: Pick<PubSub, 'listen' | 'onDisconnect' | 'onReconnect' | 'listening'>,
    private readonly options: CredentialCacheOptions,
  ) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
    this.stops.push(
      pubsub.listen('accessRevoked', (revocation) => this.revoke(revocation)),
      // Still valid, but what was remembered of it (its expiry) is not: looked up afresh next time.
      pubsub.listen('credentialChanged', (change) => this.revoke(change)),
      pubsub.onDisconnect(() => this.clear()),
      pubsub.onReconnect(() => this.clear()),
    );
  }

  /** The principal a token was found to be, if that is still known to hold. */
  get(token: string): CachedPrincipal | undefined {
    if (this.entries.size === 0) return undefined;
    const id = digest(token);
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.until <= this.now() || !this.pubsub.listening) {
      this.delete(id);
      return undefined;
    }
    return entry.principal;
  }

  /** A ticket to pass to `set`: taken before the lookup, it refuses a result a revocation overtook. */
  ticket(): number {
    return this.generation;
  }

  /** Remembers what a lookup that started at `ticket` found. */
  set(token: string, principal: CachedPrincipal, ticket: number): void {
    if (this.options.ttlMs <= 0 || ticket !== this.generation || !this.pubsub.listening) return;
    const expiry = principal.kind === 'admin' ? principal.sessionExpiresAt : principal.keyExpiresAt;
    const until = Math.min(this.now() + this.options.ttlMs, expiry ? expiry.getTime() : Infinity);
    if (until <= this.now()) return;
    const id = digest(token);
    this.delete(id);
    while (this.entries.size >= this.maxEntries) this.delete(this.entries.keys().next().value!);
    const keys = keysOf(principal);
    this.entries.set(id, { principal, until, keys });
    for (const key of keys) {
      let set = this.byKey.get(key);
      if (!set) this.byKey.set(key, (set = new Set()));
      set.add(id);
    }
  }

  /** Forgets every token a revocation covers (published here or on any instance, or by the database). */
  revoke(revocation: AccessRevocation): void {
    this.generation += 1;
    for (const id of [...(this.byKey.get(keyOf(revocation)) ?? [])]) this.delete(id);
  }

  /** Forgets everything (revocations may have been missed). */
  clear(): void {
    this.generation += 1;
    this.entries.clear();
    this.byKey.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.clear();
  }

  private delete(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    for (const key of entry.keys) {
      const set = this.byKey.get(key);
      set?.delete(id);
      if (set?.size === 0) this.byKey.delete(key);
    }
  }
}
