import { describe, expect, it } from 'vitest';
import { newApiKey, newSessionToken, parseApiKey, safeEqualHex, sha256 } from './tokens.ts';
import { hashPassword, verifyPassword } from '../lib/password.ts';

describe('tokens', () => {
  it('makes API keys whose prefix can be parsed back', () => {
    const { key, prefix } = newApiKey();
    expect(parseApiKey(key)).toEqual({ prefix });
    expect(parseApiKey(`${key}x`)).toBeNull();
    expect(parseApiKey(newSessionToken())).toBeNull();
  });

  it('compares hashes in constant time and by value', () => {
    expect(safeEqualHex(sha256('a'), sha256('a'))).toBe(true);
    expect(safeEqualHex(sha256('a'), sha256('b'))).toBe(false);
    expect(safeEqualHex(sha256('a'), 'ab')).toBe(false);
  });
});

describe('passwords', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$/);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('wrong', hash)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });
});
