import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../env.ts';
import { attemptKeys, clientNetwork, throttleConfig, waitSeconds } from './throttle.ts';

describe('sign-in waits', () => {
  const rule = { allowance: 5, maxWaitSeconds: 900 };

  it('lets the allowance through, then doubles each wait up to the cap', () => {
    expect([1, 2, 3, 4].map((n) => waitSeconds(n, rule))).toEqual([0, 0, 0, 0]);
    expect([5, 6, 7, 8, 9, 13, 14, 15, 50].map((n) => waitSeconds(n, rule))).toEqual([2, 4, 8, 16, 32, 512, 900, 900, 900]);
    expect(waitSeconds(10_000, rule)).toBe(900);
  });

  it('caps the account-wide wait short by default, so no one can shut an admin out', () => {
    const { rules, windowMs } = throttleConfig(parseEnv({}));
    expect(rules).toEqual({
      'email-ip': { allowance: 5, maxWaitSeconds: 900 },
      ip: { allowance: 20, maxWaitSeconds: 900 },
      email: { allowance: 20, maxWaitSeconds: 60 },
    });
    expect(windowMs).toBe(3_600_000);
  });
});

describe('client networks', () => {
  it('keys IPv4 by address and IPv6 by its /64', () => {
    expect(clientNetwork('203.0.113.7')).toBe('203.0.113.7');
    expect(clientNetwork('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientNetwork('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe('2001:db8:85a3:8d3::/64');
    expect(clientNetwork('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientNetwork('2001:0db8:0000:0001::ffff')).toBe('2001:db8:0:1::/64');
    expect(clientNetwork('::1')).toBe('0:0:0:0::/64');
    expect(clientNetwork(null)).toBe('unknown');
  });

  it('counts an attempt under the email with the network, the network and the email, in one lock order', () => {
    const keys = attemptKeys('ann@example.com', '2001:db8::1');
    expect(keys.map((k) => k.key)).toEqual(['email-ip:ann@example.com 2001:db8:0:0::/64', 'email:ann@example.com', 'ip:2001:db8:0:0::/64']);
    expect(attemptKeys('ann@example.com', '2001:db8::2')).toEqual(keys);
  });
});
