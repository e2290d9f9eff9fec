// Small secrets at rest (webhook signing secrets, channel URLs, provider keys): AES-256-GCM, a random 96-bit
// IV per value, and a text form that names the key that encrypted it:
//
//   v1.<keyId>.<iv>.<tag>.<ciphertext>        (each part base64url)
//
// The version and key id are authenticated too (they are the GCM associated data, with the optional
// context), so no part can be swapped or edited without decryption failing. Rotation: make a new
// SECRETS_KEY, move the old one to SECRETS_KEYS_PREVIOUS (read, never written), `reencrypt` every stored
// value, then drop the old key.
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { env } from '../env.ts';
import { logger } from './logger.ts';

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_BYTES = 6;

export type SecretErrorReason = 'malformed' | 'unsupportedVersion' | 'unknownKey' | 'tampered';

/** A stored value that cannot be decrypted; `reason` says why. Never carries the value or a key. */
export class SecretDecryptionError extends Error {
  override name = 'SecretDecryptionError';
  constructor(
    readonly reason: SecretErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** A key as configured (64 hex characters) or as bytes. */
export type SecretKey = string | Buffer;

export interface Secrets {
  /** The id that values encrypted now carry. */
  readonly currentKeyId: string;
  /**
   * Encrypts `plaintext` under the current key. `context` (e.g. `webhook:<id>:secret`) binds the value to
   * where it is stored: decrypting it elsewhere, or without the same context, fails.
   */
  encrypt(plaintext: string, context?: string): string;
  /** Decrypts with whichever configured key made the value; SecretDecryptionError otherwise. */
  decrypt(value: string, context?: string): string;
  /** The value under the current key: unchanged (the same string) when it already is, so callers can skip the write. */
  reencrypt(value: string, context?: string): string;
  /** The id of the key that encrypted `value` (parsed, not decrypted). */
  keyIdOf(value: string): string;
}

function keyBytes(key: SecretKey): Buffer {
  const bytes = typeof key === 'string' ? (/^[0-9a-f]{64}$/i.test(key) ? Buffer.from(key, 'hex') : null) : key;
  if (!bytes || bytes.length !== KEY_BYTES) throw new Error('A secrets key must be 32 bytes (64 hex characters)');
  return bytes;
}

/** A short public name for a key: a keyed hash of it, so it tells nothing about the key itself. */
export function keyIdFor(key: SecretKey): string {
  return createHmac('sha256', keyBytes(key)).update('opsgraph secrets key id').digest().subarray(0, KEY_ID_BYTES).toString('base64url');
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** A base64url part of exactly `bytes` bytes (any length when null), in its one canonical spelling. */
function decodePart(text: string, what: string, bytes: number | null): Buffer {
  const buffer = BASE64URL.test(text) ? Buffer.from(text, 'base64url') : null;
  if (!buffer || buffer.toString('base64url') !== text || (bytes !== null && buffer.length !== bytes)) {
    throw new SecretDecryptionError('malformed', `Malformed secret: its ${what} is not ${bytes === null ? '' : `${bytes} bytes of `}base64url`);
  }
  return buffer;
}

function associatedData(keyId: string, context: string | undefined): Buffer {
  return Buffer.from(context === undefined ? `${VERSION}.${keyId}` : `${VERSION}.${keyId}\u0000${context}`, 'utf8');
}

interface ParsedSecret {
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

function parse(value: string): ParsedSecret {
  if (typeof value !== 'string') throw new SecretDecryptionError('malformed', 'Malformed secret: not a string');
  const parts = value.split('.');
  if (/^v\d+$/.test(parts[0] ?? '') && parts[0] !== VERSION) {
    throw new SecretDecryptionError('unsupportedVersion', `Unsupported secret version ${parts[0]} (this build reads ${VERSION})`);
  }
  if (parts.length !== 5 || parts[0] !== VERSION) {
    throw new SecretDecryptionError('malformed', `Malformed secret: expected ${VERSION}.<keyId>.<iv>.<tag>.<ciphertext>`);
  }
  const [, keyId, iv, tag, ciphertext] = parts as [string, string, string, string, string];
  decodePart(keyId, 'key id', KEY_ID_BYTES);
  return { keyId, iv: decodePart(iv, 'IV', IV_BYTES), tag: decodePart(tag, 'tag', TAG_BYTES), ciphertext: decodePart(ciphertext, 'ciphertext', null) };
}

/** Secrets under `key`, still reading values made under any of `previousKeys`. */
export function createSecrets(options: { key: SecretKey; previousKeys?: readonly SecretKey[] }): Secrets {
  const current = { id: keyIdFor(options.key), key: keyBytes(options.key) };
  const keys = new Map([[current.id, current.key]]);
  for (const previous of options.previousKeys ?? []) {
    const id = keyIdFor(previous);
    const bytes = keyBytes(previous);
    if (keys.has(id) && !keys.get(id)!.equals(bytes)) throw new Error(`Two secrets keys share the id ${id}; generate another`);
    keys.set(id, bytes);
  }

  const secrets: Secrets = {
    currentKeyId: current.id,
    encrypt(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, current.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(associatedData(current.id, context));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, current.id, iv, cipher.getAuthTag(), ciphertext].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
    },
    decrypt(value, context) {
      const { keyId, iv, tag, ciphertext } = parse(value);
      const key = keys.get(keyId);
      if (!key) {
        throw new SecretDecryptionError('unknownKey', `Secret encrypted with key ${keyId}, which is neither SECRETS_KEY nor in SECRETS_KEYS_PREVIOUS`);
      }
      const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(associatedData(keyId, context));
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretDecryptionError('tampered', `Secret failed authentication under key ${keyId}: altered, or stored under another context`);
      }
    },
    reencrypt(value, context) {
      const plaintext = secrets.decrypt(value, context);
      return parse(value).keyId === current.id ? value : secrets.encrypt(plaintext, context);
    },
    keyIdOf: (value) => parse(value).keyId,
  };
  return secrets;
}

/** The key used when SECRETS_KEY is unset outside production. Public, so it protects nothing real. */
export const DEVELOPMENT_KEY = createHash('sha256').update('opsgraph development secrets key (not secret)').digest();

/**
 * Secrets from the configuration. Outside production SECRETS_KEY may be unset: a fixed development key is
 * used, and `warn` is told so once per process.
 */
export function secretsFromConfig(
  config: { SECRETS_KEY?: string | undefined; SECRETS_KEYS_PREVIOUS?: readonly string[]; isProduction: boolean },
  warn: (message: string) => void,
): Secrets {
  if (!config.SECRETS_KEY) {
    if (config.isProduction) throw new Error('SECRETS_KEY is required in production');
    warn('SECRETS_KEY is not set: secrets are encrypted with a fixed development key; set SECRETS_KEY (64 hex characters) before storing real ones');
  }
  return createSecrets({ key: config.SECRETS_KEY ?? DEVELOPMENT_KEY, previousKeys: config.SECRETS_KEYS_PREVIOUS ?? [] });
}

let configured: Secrets | null = null;

/** The process's secrets, from env, made on first use (so the development-key warning comes once). */
export function secrets(): Secrets {
  configured ??= secretsFromConfig(env, (message) => logger.warn(message));
  return configured;
}
