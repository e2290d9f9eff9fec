import { describe, expect, it } from 'vitest';
import { ADMIN_ROLES, describeUserAgent, isAdminRole, isLocked, ROLE_DESCRIPTIONS } from './admin-roles.ts';

describe('admin roles', () => {
  it('describes every role an owner can choose', () => {
    expect(Object.keys(ROLE_DESCRIPTIONS).sort()).toEqual([...ADMIN_ROLES].sort());
    expect(isAdminRole('SUPPORT')).toBe(true);
    expect(isAdminRole('support')).toBe(false);
  });
});

describe('isLocked', () => {
  const now = Date.parse('2026-11-23T10:00:00Z');
  it('is locked only until the lock runs out', () => {
    expect(isLocked('2026-11-23T10:15:00Z', now)).toBe(true);
    expect(isLocked('2026-11-23T09:59:59Z', now)).toBe(false);
    expect(isLocked(null, now)).toBe(false);
  });
});

describe('describeUserAgent', () => {
  it('names the browser and system of a session', () => {
    expect(
      describeUserAgent('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'),
    ).toBe('Chrome 131 on Linux');
    expect(
      describeUserAgent(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0',
      ),
    ).toBe('Edge 130 on Windows');
    expect(describeUserAgent('Mozilla/5.0 (Macintosh; Intel Mac OS X 14.1; rv:132.0) Gecko/20100101 Firefox/132.0')).toBe('Firefox 132 on macOS');
    expect(
      describeUserAgent(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('Safari 17 on iOS');
  });

  it('shows other clients as they call themselves', () => {
    expect(describeUserAgent('curl/7.88.1')).toBe('curl/7.88.1');
    expect(describeUserAgent(null)).toBe('Unknown client');
    expect(describeUserAgent('x'.repeat(100))).toHaveLength(60);
  });
});
