// Sign-in throttling. Attempts are counted under three keys: the email with the client's network (one
// address guessing one account), the network alone (one address trying many accounts) and the email alone
// (many addresses against one account). Past a key's allowance every further attempt waits twice as long
// as the one before, up to the key's cap. Nothing is ever locked: the per-email wait is capped short, so an
// attacker can slow an admin down from other addresses but not shut them out, and the email+network key
// that stops an attacker's own address is the one a real admin elsewhere never touches.
//
// An attempt counts the moment it starts (before its password is checked) and is taken back if it
// succeeds, so a burst of concurrent attempts cannot all slip through before the first failure is
// recorded: attempts on one key are serialised by a short lock that is never held while hashing.
import { isIPv4, isIPv6 } from 'node:net';
import type { Prisma } from '../../db/client.ts';
import { env } from '../../env.ts';
import { transaction, type SystemScope, type TransactionScope, type WritableScope } from '../../scope.ts';

export type ThrottleKind = 'email-ip' | 'ip' | 'email';

export interface ThrottleRule {
  /** Attempts that fail before waits begin. */
  allowance: number;
  maxWaitSeconds: number;
}

export interface ThrottleConfig {
  rules: Record<ThrottleKind, ThrottleRule>;
  /** A key's failures are forgotten after this long without an attempt. */
  windowMs: number;
}

export function throttleConfig(settings: typeof env = env): ThrottleConfig {
  return {
    rules: {
      'email-ip': { allowance: settings.LOGIN_FAILURES_PER_EMAIL_IP, maxWaitSeconds: settings.LOGIN_MAX_WAIT_SECONDS },
      ip: { allowance: settings.LOGIN_FAILURES_PER_IP, maxWaitSeconds: settings.LOGIN_MAX_WAIT_SECONDS },
      email: { allowance: settings.LOGIN_FAILURES_PER_EMAIL, maxWaitSeconds: settings.LOGIN_MAX_WAIT_EMAIL_SECONDS },
    },
    windowMs: settings.LOGIN_FAILURE_WINDOW_MINUTES * 60_000,
  };
}

/** Seconds to wait after `failures` failures: none within the allowance, then 2, 4, 8 … up to the cap. */
export function waitSeconds(failures: number, rule: ThrottleRule): number {
  if (failures < rule.allowance) return 0;
  return Math.min(rule.maxWaitSeconds, 2 ** Math.min(failures - rule.allowance + 1, 30));
}

/**
 * The network an address belongs to for throttling: an IPv4 address itself, an IPv6 address's /64 (one
 * host usually holds a whole /64, so single addresses would cost an attacker nothing).
 */
export function clientNetwork(ip: string | null): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (isIPv4(ip)) return ip;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export interface AttemptKey {
  kind: ThrottleKind;
  /** The row's primary key. */
  key: string;
}

/** The keys one sign-in attempt counts under, in the order their locks are taken. */
export function attemptKeys(email: string, ip: string | null): AttemptKey[] {
  const network = clientNetwork(ip);
  const keys: AttemptKey[] = [
    { kind: 'email-ip', key: `email-ip:${email} ${network}` },
    { kind: 'ip', key: `ip:${network}` },
    { kind: 'email', key: `email:${email}` },
  ];
  return keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

type Row = { key: string; failures: number; lastAttemptAt: Date; blockedUntil: Date | null };
type ThrottleTx = Pick<TransactionScope<WritableScope>, 'lockNamed'> & { db: Prisma.TransactionClient };

export type Reservation =
  | { admitted: false; retryAfter: number }
  | {
      admitted: true;
      email: string;
      keys: AttemptKey[];
      /** Seconds the next attempt must wait if this one fails (0: none). */
      retryAfter: number;
      /** Keys whose first wait in their window this attempt begins, if it fails. */
      starts: ThrottleKind[];
      /** What this attempt set and what was there before, to take it back if it succeeds. */
      undo: Map<string, { set: Date | null; previous: Date | null }>;
    };

const secondsUntil = (until: Date, now: Date) => Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));

async function lockRows(tx: ThrottleTx, keys: AttemptKey[]): Promise<Map<string, Row>> {
  for (const { key } of keys) await tx.lockNamed(`login-throttle:${key}`);
  const rows = await tx.db.loginThrottle.findMany({ where: { key: { in: keys.map((k) => k.key) } } });
  return new Map(rows.map((row) => [row.key, row]));
}

/** The admin row shows when sign-in to the account is throttled from everywhere (the per-email key). */
async function showOnAdmin(tx: ThrottleTx, email: string, before: Date | null, after: Date | null): Promise<void> {
  if (before?.getTime() === after?.getTime()) return;
  await tx.db.adminUser.updateMany({ where: { email }, data: { lockedUntil: after } });
}

/**
 * Counts an attempt before its password is checked. Refused (with the wait) while any of its keys is
 * waiting; otherwise counted as a failure under every key until `release` takes it back.
 */
export async function reserve(
  scope: SystemScope,
  email: string,
  ip: string | null,
  now = new Date(),
  config = throttleConfig(),
): Promise<Reservation> {
  const keys = attemptKeys(email, ip);
  return transaction(scope, async (tx) => {
    const rows = await lockRows(tx, keys);
    const waiting = [...rows.values()].filter((row) => row.blockedUntil && row.blockedUntil > now);
    if (waiting.length) {
      const until = new Date(Math.max(...waiting.map((row) => row.blockedUntil!.getTime())));
      return { admitted: false, retryAfter: secondsUntil(until, now) };
    }
    let retryAfter = 0;
    const starts: ThrottleKind[] = [];
    const undo = new Map<string, { set: Date | null; previous: Date | null }>();
    for (const { kind, key } of keys) {
      const rule = config.rules[kind];
      const row = rows.get(key);
      const fresh = !row || row.lastAttemptAt.getTime() <= now.getTime() - config.windowMs;
      const failures = (fresh ? 0 : row.failures) + 1;
      const wait = waitSeconds(failures, rule);
      const blockedUntil = wait ? new Date(now.getTime() + wait * 1000) : null;
      if (wait) retryAfter = Math.max(retryAfter, wait);
      if (failures === rule.allowance) starts.push(kind);
      undo.set(key, { set: blockedUntil, previous: row?.blockedUntil ?? null });
      await tx.db.loginThrottle.upsert({
        where: { key },
        create: { key, failures, lastAttemptAt: now, blockedUntil },
        update: { failures, lastAttemptAt: now, blockedUntil },
      });
      if (kind === 'email') await showOnAdmin(tx, email, row?.blockedUntil ?? null, blockedUntil);
    }
    return { admitted: true, email, keys, retryAfter, starts, undo };
  });
}

/**
 * Takes back a successful attempt, inside the transaction that opens the session: the email+network key
 * is cleared (that address has proven itself for that account), the other two forget this one attempt.
 */
export async function release(tx: ThrottleTx, reservation: Extract<Reservation, { admitted: true }>): Promise<void> {
  const rows = await lockRows(tx, reservation.keys);
  for (const { kind, key } of reservation.keys) {
    const row = rows.get(key);
    if (!row) continue;
    if (kind === 'email-ip') {
      await tx.db.loginThrottle.delete({ where: { key } });
      continue;
    }
    const undo = reservation.undo.get(key);
    // Only this attempt's wait is taken back: a wait set by a later attempt stays.
    const ours = undo && row.blockedUntil?.getTime() === undo.set?.getTime();
    const blockedUntil = ours ? undo.previous : row.blockedUntil;
    await tx.db.loginThrottle.update({ where: { key }, data: { failures: Math.max(0, row.failures - 1), blockedUntil } });
    if (kind === 'email') await showOnAdmin(tx, reservation.email, row.blockedUntil, blockedUntil);
  }
}

/** Deletes keys with no attempt within the window and no wait left. */
export async function pruneLoginThrottle(scope: SystemScope, now = new Date(), config = throttleConfig()): Promise<number> {
  const { count } = await scope.db.loginThrottle.deleteMany({
    where: {
      lastAttemptAt: { lt: new Date(now.getTime() - config.windowMs) },
      OR: [{ blockedUntil: null }, { blockedUntil: { lt: now } }],
    },
  });
  return count;
}
