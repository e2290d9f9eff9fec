import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneLoginThrottle } from './throttle.ts';
import { collectCrontab } from '../../worker/registry.ts';
import { TEST_PASSWORD, startPlatform, type TestPlatform } from '../../../test/harness.ts';

let p: TestPlatform;
let owner: { token: string };

beforeAll(async () => {
  p = await startPlatform();
  owner = await p.login('OWNER');
});
afterAll(() => p.close());

const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) {
  __typename ... on LoginThrottledError { retryAfter } ... on Error { message } } }`;

type Answer = { __typename: string; message?: string; retryAfter?: number };

/** One sign-in from `ip` (the API trusts X-Forwarded-For from loopback, as it does from the console). */
async function attempt(email: string, password: string, ip: string, userAgent = 'throttle-test/1.0'): Promise<{ answer: Answer; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${p.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip, 'user-agent': userAgent },
    body: JSON.stringify({ query: LOGIN, variables: { e: email, p: password } }),
  });
  const body = (await res.json()) as { data: { login: Answer } };
  return { answer: body.data.login, ms: performance.now() - started };
}

const answerOf = async (email: string, password: string, ip: string) => (await attempt(email, password, ip)).answer.__typename;

async function admin(role: 'SUPPORT' | 'VIEWER' = 'SUPPORT') {
  const { userId, email } = await p.login(role);
  return { id: userId, email };
}

const invalid = { __typename: 'InvalidCredentialsError', message: 'Email or password is incorrect' };
const throttled = (seconds: number) => ({ __typename: 'LoginThrottledError', retryAfter: seconds, message: `Too many failed sign-ins. Try again in ${seconds} seconds.` });

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Sets when a key's wait ends: the past, as if waited out, or later, so a slow machine cannot outlast it. */
async function setWait(key: string, secondsFromNow: number) {
  await p.app.prisma.loginThrottle.update({ where: { key }, data: { blockedUntil: new Date(Date.now() + secondsFromNow * 1000) } });
}
const waitOut = (key: string) => setWait(key, -0.001);

describe('sign-in throttling', () => {
  it('slows the guessing address down while the admin signs in from another', async () => {
    const target = await admin();
    const attacker = '203.0.113.7';
    const pair = `email-ip:${target.email} ${attacker}`;
    for (let i = 0; i < 4; i += 1) expect((await attempt(target.email, `guess-${i}`, attacker)).answer).toEqual(invalid);
    expect((await attempt(target.email, 'guess-4', attacker)).answer).toEqual(throttled(2));
    // Each further failure from the attacker's address doubles its wait.
    await waitOut(pair);
    expect((await attempt(target.email, 'guess-5', attacker)).answer).toEqual(throttled(4));
    await waitOut(pair);
    expect((await attempt(target.email, 'guess-6', attacker)).answer).toEqual(throttled(8));
    // While it waits, even the right password gets no verdict: the wait is not an oracle.
    const right = await attempt(target.email, TEST_PASSWORD, attacker);
    expect(right.answer.__typename).toBe('LoginThrottledError');
    expect(right.answer.retryAfter).toBeLessThanOrEqual(8);

    expect(await answerOf(target.email, TEST_PASSWORD, '198.51.100.20')).toBe('MutationLoginSuccess');
    expect((await p.app.prisma.adminUser.findUniqueOrThrow({ where: { id: target.id } })).lockedUntil).toBeNull();
    // Signing in from an address clears that address's count for the account, and only that one.
    expect(await p.app.prisma.loginThrottle.findUnique({ where: { key: `email-ip:${target.email} 198.51.100.20` } })).toBeNull();
    expect((await p.app.prisma.loginThrottle.findUniqueOrThrow({ where: { key: pair } })).failures).toBe(7);
  });

  it('counts a burst of truly concurrent failures exactly: five get checked, the rest wait', async () => {
    const target = await admin();
    const ip = '203.0.113.50';
    const burst = await Promise.all(Array.from({ length: 16 }, (_, i) => attempt(target.email, `burst-${i}`, ip)));
    const kinds = burst.map((b) => b.answer.__typename);
    expect(kinds.filter((k) => k === 'InvalidCredentialsError')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'LoginThrottledError')).toHaveLength(12);
    const row = await p.app.prisma.loginThrottle.findUniqueOrThrow({ where: { key: `email-ip:${target.email} ${ip}` } });
    expect(row.failures).toBe(5);
    const entries = await p.app.prisma.auditEvent.findMany({ where: { targetId: target.id, action: { startsWith: 'admin.login' } } });
    expect(entries.filter((e) => e.action === 'admin.loginFailed')).toHaveLength(5);
    expect(entries.filter((e) => e.action === 'admin.loginThrottled')).toHaveLength(1);
  });

  it('answers unknown emails, wrong passwords, deactivated admins and waits alike, in comparable time', async () => {
    const known = await admin();
    const inactive = await admin('VIEWER');
    await p.app.prisma.adminUser.update({ where: { id: inactive.id }, data: { active: false } });
    const unknown = 'no-such-admin@test.example';
    await attempt(unknown, 'warm-up-guess', '192.0.2.1');

    const times: Record<'unknown' | 'wrong' | 'inactive' | 'throttled', number[]> = { unknown: [], wrong: [], inactive: [], throttled: [] };
    for (let i = 0; i < 3; i += 1) {
      const a = await attempt(unknown, `guess-${i}`, '192.0.2.2');
      const b = await attempt(known.email, `guess-${i}`, '192.0.2.3');
      const c = await attempt(inactive.email, TEST_PASSWORD, '192.0.2.4');
      expect([a.answer, b.answer, c.answer]).toEqual([invalid, invalid, invalid]);
      times.unknown.push(a.ms);
      times.wrong.push(b.ms);
      times.inactive.push(c.ms);
    }
    // The same history from one address for an admin and for no one: the same wait, word for word.
    const attacker = '192.0.2.5';
    for (let i = 0; i < 5; i += 1) {
      await attempt(known.email, `more-${i}`, attacker);
      await attempt(unknown, `more-${i}`, attacker);
    }
    await setWait(`email-ip:${known.email} ${attacker}`, 600);
    await setWait(`email-ip:${unknown} ${attacker}`, 600);
    const [a, b] = await Promise.all([attempt(known.email, 'later', attacker), attempt(unknown, 'later', attacker)]);
    expect(a.answer).toMatchObject({ __typename: 'LoginThrottledError', message: 'Too many failed sign-ins. Try again in 10 minutes.' });
    expect(b.answer).toEqual(a.answer);
    for (let i = 0; i < 3; i += 1) {
      times.throttled.push((await attempt(known.email, 'later', attacker)).ms, (await attempt(unknown, 'later', attacker)).ms);
    }
    // Every answer checks a password hash: none is an order of magnitude faster than the others.
    const medians = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.round(median(v))]));
    const fastest = Math.min(...Object.values(medians));
    const slowest = Math.max(...Object.values(medians));
    expect(slowest / fastest, `median ms ${JSON.stringify(medians)}`).toBeLessThan(4);
  });

  it('records failures and the start of a wait with email, address and browser, never the password, and nothing while waiting', async () => {
    const email = 'nobody-here@test.example';
    const ip = '198.51.100.77';
    const password = 'Hunter2-Secret-Guess';
    for (let i = 0; i < 5; i += 1) await attempt(email, password, ip, 'audit-agent/2.0');
    await setWait(`email-ip:${email} ${ip}`, 600);
    for (let i = 0; i < 2; i += 1) expect((await attempt(email, password, ip, 'audit-agent/2.0')).answer.__typename).toBe('LoginThrottledError');
    const entries = await p.app.prisma.auditEvent.findMany({ where: { ip, action: { startsWith: 'admin.login' } }, orderBy: { occurredAt: 'asc' } });
    expect(entries.map((e) => e.action)).toEqual([...Array(5).fill('admin.loginFailed'), 'admin.loginThrottled']);
    expect(entries[0]).toMatchObject({
      actorType: 'SYSTEM', actorId: null, targetType: 'AdminUser', targetId: null, userAgent: 'audit-agent/2.0',
      after: { email, reason: 'unknownEmail' },
    });
    expect(entries[5]!.after).toEqual({ email, keys: ['email-ip'], retryAfter: 2 });
    expect(JSON.stringify(entries)).not.toContain(password);

    const target = await admin();
    await attempt(target.email, 'wrong-guess-here', ip);
    const deactivated = await admin('VIEWER');
    await p.app.prisma.adminUser.update({ where: { id: deactivated.id }, data: { active: false } });
    await attempt(deactivated.email, TEST_PASSWORD, '198.51.100.78');
    const reasons = await p.app.prisma.auditEvent.findMany({ where: { action: 'admin.loginFailed', targetId: { in: [target.id, deactivated.id] } } });
    expect(reasons.map((e) => e.after).sort((a: any, b: any) => a.reason.localeCompare(b.reason))).toEqual([
      { email: deactivated.email, reason: 'inactive' },
      { email: target.email, reason: 'wrongPassword' },
    ]);
  });

  it('turns guesses from many addresses into a short account-wide wait, shown as lockedUntil', async () => {
    const target = await admin();
    const email = `email:${target.email}`;
    const lockedUntil = async () => {
      const res = await p.gql(`query($id: ID!) { admin(id: $id) { lockedUntil } }`, { id: target.id }, owner.token);
      return res.data!.admin.lockedUntil as string | null;
    };
    // Four addresses, five guesses each: every address is stopped, and the account has seen 20 failures.
    await Promise.all([0, 1, 2, 3].map(async (i) => {
      for (let k = 0; k < 5; k += 1) await attempt(target.email, `spread-${i}-${k}`, `203.0.113.${100 + i}`);
    }));
    const row = await p.app.prisma.loginThrottle.findUniqueOrThrow({ where: { key: email } });
    expect(row.failures).toBe(20);
    expect(await lockedUntil()).toBe(row.blockedUntil!.toISOString());
    // Five more from a fifth address, each after the account's wait: 4, 8, 16, 32 s, then the 60 s cap.
    for (let k = 0; k < 5; k += 1) {
      await waitOut(email);
      await attempt(target.email, `spread-4-${k}`, '203.0.113.104');
    }
    const elsewhere = await attempt(target.email, TEST_PASSWORD, '198.51.100.99');
    expect(elsewhere.answer.__typename).toBe('LoginThrottledError');
    expect(elsewhere.answer.retryAfter).toBeGreaterThan(50);
    expect(elsewhere.answer.retryAfter).toBeLessThanOrEqual(60);
    expect(new Date((await lockedUntil())!).getTime()).toBeGreaterThan(Date.now() + 50_000);

    // Waited out, the admin signs in, and the admin screen no longer shows a lock.
    await waitOut(email);
    expect(await answerOf(target.email, TEST_PASSWORD, '198.51.100.99')).toBe('MutationLoginSuccess');
    expect(new Date((await lockedUntil())!).getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('forgets keys with no attempt within the window, on an hourly schedule', async () => {
    const now = new Date();
    const old = new Date(now.getTime() - 2 * 3_600_000);
    await p.app.prisma.loginThrottle.createMany({
      data: [
        { key: 'ip:192.0.2.200', failures: 3, lastAttemptAt: old },
        { key: 'ip:192.0.2.201', failures: 30, lastAttemptAt: old, blockedUntil: new Date(now.getTime() + 60_000) },
        { key: 'ip:192.0.2.202', failures: 3, lastAttemptAt: now },
      ],
    });
    expect(await pruneLoginThrottle(p.system, now)).toBeGreaterThanOrEqual(1);
    const left = await p.app.prisma.loginThrottle.findMany({ where: { key: { startsWith: 'ip:192.0.2.20' } } });
    expect(left.map((r) => r.key).sort()).toEqual(['ip:192.0.2.201', 'ip:192.0.2.202']);
    expect(collectCrontab()).toMatch(/^\S+ \* \* \* \* loginThrottlePrune\b/m);
  });
});
