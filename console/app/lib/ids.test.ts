import { describe, expect, it } from 'vitest';
import { isUuid, UUID_PATTERN } from './ids.ts';

describe('isUuid', () => {
  it('accepts a UUID in either case and nothing else, like the input pattern', () => {
    const pattern = new RegExp(`^(?:${UUID_PATTERN})$`);
    for (const id of ['019b62d2-7d3c-7a51-9f0e-4c1d2b3a4f5e', '019B62D2-7D3C-7A51-9F0E-4C1D2B3A4F5E']) {
      expect(isUuid(id)).toBe(true);
      expect(pattern.test(id)).toBe(true);
    }
    for (const id of ['acme', '019b62d2-7d3c-7a51-9f0e', ' 019b62d2-7d3c-7a51-9f0e-4c1d2b3a4f5e', '']) {
      expect(isUuid(id)).toBe(false);
      expect(pattern.test(id)).toBe(false);
    }
  });
});
