import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_TOKEN_PREFIX = 'ogs_';
export const API_KEY_PREFIX = 'ogk_';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** An opaque admin session token; only its hash is stored. */
export function newSessionToken(): string {
  return SESSION_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** A tenant API key `ogk_<prefix>_<secret>`: the prefix is stored in clear to find the key, the whole key hashed. */
export function newApiKey(): { key: string; prefix: string } {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  return { key: `${API_KEY_PREFIX}${prefix}_${secret}`, prefix };
}

export function parseApiKey(key: string): { prefix: string } | null {
  const match = /^ogk_([0-9a-f]{12})_[A-Za-z0-9_-]{32}$/.exec(key);
  return match ? { prefix: match[1]! } : null;
}
