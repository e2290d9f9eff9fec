import { describe, expect, it } from 'vitest';
import { formatBytes, formatGrowth, formatRows } from './format.ts';

describe('System page numbers', () => {
  it('says an estimate is one', () => {
    expect(formatRows(1234, false)).toBe('1,234');
    expect(formatRows(2_500_000, true)).toBe('≈ 2,500,000');
  });
  it('says a capped growth count is a lower bound', () => {
    expect(formatGrowth({ count: 12, capped: false })).toBe('12');
    expect(formatGrowth({ count: 10_000, capped: true })).toBe('≥ 10,000');
    expect(formatGrowth(null)).toBe('—');
  });
  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 kB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GB');
  });
});
