import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../env.ts';
import { createSecrets, DEVELOPMENT_KEY, keyIdFor, SecretDecryptionError, secretsFromConfig, type SecretErrorReason } from './secrets.ts';

const KEY_A = 'a1'.repeat(32);
const KEY_B = 'b2'.repeat(32);
const KEY_C = 'c3'.repeat(32);

function failure(fn: () => unknown): SecretDecryptionError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SecretDecryptionError) return error;
    throw error;
  }
  throw new Error('expected a SecretDecryptionError');
}
const reasonOf = (fn: () => unknown): SecretErrorReason => failure(fn).reason;

/** The value with one part replaced. */
function withPart(value: string, index: number, replace: (part: string) => string): string {
  const parts = value.split('.');
  parts[index] = replace(parts[index]!);
  return parts.join('.');
}
/** A base64url part with one bit of its first byte flipped. */
const flipped = (part: string) => {
  const bytes = Buffer.from(part, 'base64url');
  bytes[0] = bytes[0]! ^ 1;
  return bytes.toString('base64url');
};

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** The same bytes spelled with unused low bits set in the last character (one byte: two characters). */
function nonCanonical(part: string): string {
  expect(part).toHaveLength(2);
  return part[0]! + BASE64URL_ALPHABET[BASE64URL_ALPHABET.indexOf(part[1]!) | 1]!;
}

describe('secrets', () => {
  const secrets = createSecrets({ key: KEY_A });

  it('round-trips text of any size and script, with a fresh IV each time', () => {
    for (const plaintext of ['whsec_5f2b9c', '', 'https://hooks.example.com/T000/B000/XXXX?x=1&y=2', 'Grüße, 東京, 🔑', 'x'.repeat(10_000)]) {
      const value = secrets.encrypt(plaintext);
      expect(secrets.decrypt(value)).toBe(plaintext);
    }
    const [first, second] = [secrets.encrypt('same'), secrets.encrypt('same')];
    expect(first).not.toBe(second);
    expect(first.split('.')[2]).not.toBe(second.split('.')[2]);
  });

  it('writes v1.<keyId>.<iv>.<tag>.<ciphertext> in base64url, naming the key and not containing the text', () => {
    const value = secrets.encrypt('provider-key-123');
    expect(value).toMatch(/^v1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(value.split('.')[1]).toBe(keyIdFor(KEY_A));
    expect(secrets.currentKeyId).toBe(keyIdFor(KEY_A));
    expect(secrets.keyIdOf(value)).toBe(keyIdFor(KEY_A));
    expect(value).not.toContain('provider');
    expect(keyIdFor(KEY_A)).not.toBe(keyIdFor(KEY_B));
  });

  it('detects any change to the IV, tag, ciphertext or key id, and a truncated or extended ciphertext', () => {
    const value = secrets.encrypt('webhook-signing-secret');
    expect(reasonOf(() => secrets.decrypt(withPart(value, 2, flipped)))).toBe('tampered');
    expect(reasonOf(() => secrets.decrypt(withPart(value, 3, flipped)))).toBe('tampered');
    expect(reasonOf(() => secrets.decrypt(withPart(value, 4, flipped)))).toBe('tampered');
    const ciphertext = Buffer.from(value.split('.')[4]!, 'base64url');
    expect(reasonOf(() => secrets.decrypt(withPart(value, 4, () => ciphertext.subarray(1).toString('base64url'))))).toBe('tampered');
    expect(reasonOf(() => secrets.decrypt(withPart(value, 4, () => Buffer.concat([ciphertext, Buffer.from([0])]).toString('base64url'))))).toBe('tampered');
    // A value relabelled with another configured key's id fails too: the id is authenticated.
    const both = createSecrets({ key: KEY_B, previousKeys: [KEY_A] });
    expect(reasonOf(() => both.decrypt(withPart(value, 1, () => keyIdFor(KEY_B))))).toBe('tampered');
    const error = failure(() => secrets.decrypt(withPart(value, 4, flipped)));
    expect(error.message).not.toContain('webhook-signing-secret');
    expect(error.message).not.toContain(KEY_A);
  });

  it('binds a value to its context: it does not decrypt elsewhere or without it', () => {
    const value = secrets.encrypt('channel-url', 'webhook:1:url');
    expect(secrets.decrypt(value, 'webhook:1:url')).toBe('channel-url');
    expect(reasonOf(() => secrets.decrypt(value, 'webhook:2:url'))).toBe('tampered');
    expect(reasonOf(() => secrets.decrypt(value))).toBe('tampered');
    expect(reasonOf(() => secrets.decrypt(secrets.encrypt('channel-url'), 'webhook:1:url'))).toBe('tampered');
  });

  it('rotates: previous keys still decrypt, reencrypt rewraps under the current key, and a dropped key is unknown', () => {
    const old = secrets.encrypt('rotate-me', 'ctx');
    const rotated = createSecrets({ key: KEY_B, previousKeys: [KEY_A] });
    expect(rotated.decrypt(old, 'ctx')).toBe('rotate-me');
    const rewrapped = rotated.reencrypt(old, 'ctx');
    expect(rotated.keyIdOf(rewrapped)).toBe(keyIdFor(KEY_B));
    expect(rotated.decrypt(rewrapped, 'ctx')).toBe('rotate-me');
    // Already current: the same string back, so a rotation job can skip the write.
    expect(rotated.reencrypt(rewrapped, 'ctx')).toBe(rewrapped);
    expect(reasonOf(() => rotated.reencrypt(old, 'other'))).toBe('tampered');

    const after = createSecrets({ key: KEY_B });
    expect(after.decrypt(rewrapped, 'ctx')).toBe('rotate-me');
    const unknown = failure(() => after.decrypt(old, 'ctx'));
    expect(unknown.reason).toBe('unknownKey');
    expect(unknown.message).toContain(keyIdFor(KEY_A));
    expect(reasonOf(() => createSecrets({ key: KEY_C }).decrypt(old, 'ctx'))).toBe('unknownKey');
  });

  it('refuses every malformed shape with a typed error', () => {
    const good = secrets.encrypt('x').split('.');
    const join = (...parts: string[]) => parts.join('.');
    const cases: [string, unknown, SecretErrorReason][] = [
      ['empty', '', 'malformed'],
      ['plain text', 'not a secret', 'malformed'],
      ['not a string', 42, 'malformed'],
      ['null', null, 'malformed'],
      ['four parts', join(...good.slice(0, 4)), 'malformed'],
      ['six parts', join(...good, 'extra'), 'malformed'],
      ['no version', join('', ...good.slice(1)), 'malformed'],
      ['another scheme', join('x1', ...good.slice(1)), 'malformed'],
      ['a later version', join('v2', ...good.slice(1)), 'unsupportedVersion'],
      ['a version alone', 'v9', 'unsupportedVersion'],
      ['non-base64url characters', join(good[0]!, good[1]!, `${good[2]!.slice(0, -1)}+`, good[3]!, good[4]!), 'malformed'],
      ['padding', join(good[0]!, good[1]!, good[2]!, good[3]!, `${good[4]}=`), 'malformed'],
      ['an IV of 8 bytes', join(good[0]!, good[1]!, randomBytes(8).toString('base64url'), good[3]!, good[4]!), 'malformed'],
      ['an empty IV', join(good[0]!, good[1]!, '', good[3]!, good[4]!), 'malformed'],
      ['a tag of 12 bytes', join(good[0]!, good[1]!, good[2]!, randomBytes(12).toString('base64url'), good[4]!), 'malformed'],
      ['a short key id', join(good[0]!, good[1]!.slice(0, 4), good[2]!, good[3]!, good[4]!), 'malformed'],
      ['a non-canonical spelling', join(good[0]!, good[1]!, good[2]!, good[3]!, nonCanonical(good[4]!)), 'malformed'],
      ['whitespace around it', ` ${join(...good)}`, 'malformed'],
    ];
    for (const [what, value, reason] of cases) {
      const error = failure(() => secrets.decrypt(value as string));
      expect(error.reason, what).toBe(reason);
      expect(error.name).toBe('SecretDecryptionError');
    }
  });
});

describe('secrets from the configuration', () => {
  it('uses SECRETS_KEY, reads SECRETS_KEYS_PREVIOUS, and warns about nothing', () => {
    const warnings: string[] = [];
    const old = createSecrets({ key: KEY_A }).encrypt('kept');
    const secrets = secretsFromConfig(parseEnv({ SECRETS_KEY: KEY_B, SECRETS_KEYS_PREVIOUS: `${KEY_A}, ${KEY_C}` }), (m) => warnings.push(m));
    expect(secrets.currentKeyId).toBe(keyIdFor(KEY_B));
    expect(secrets.decrypt(old)).toBe('kept');
    expect(warnings).toEqual([]);
  });

  it('falls back to a fixed development key outside production, saying so', () => {
    const warnings: string[] = [];
    const secrets = secretsFromConfig(parseEnv({ NODE_ENV: 'development' }), (m) => warnings.push(m));
    expect(secrets.currentKeyId).toBe(keyIdFor(DEVELOPMENT_KEY));
    expect(secrets.decrypt(secrets.encrypt('dev'))).toBe('dev');
    expect(warnings).toEqual([expect.stringMatching(/SECRETS_KEY is not set: .*fixed development key/)]);
    expect(() => secretsFromConfig({ isProduction: true }, () => {})).toThrow(/SECRETS_KEY is required in production/);
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => createSecrets({ key: 'abc' })).toThrow(/32 bytes/);
    expect(() => createSecrets({ key: Buffer.alloc(16) })).toThrow(/32 bytes/);
    expect(() => createSecrets({ key: KEY_A, previousKeys: ['zz'.repeat(32)] })).toThrow(/32 bytes/);
    expect(() => parseEnv({ SECRETS_KEYS_PREVIOUS: `${KEY_A},short` })).toThrow(/SECRETS_KEYS_PREVIOUS\.1: must be 64 hex characters/);
  });
});
