import { z } from 'zod';
import { adminChanged } from '../../change-hooks.ts';
import type { AdminRole } from '../../generated/prisma/enums.ts';
import type { AdminUser } from '../../generated/prisma/client.ts';
import { ConflictError, DomainError, InputError, parseInput } from '../../lib/errors.ts';
import { defineLifecycle } from '../../lib/lifecycle.ts';
import { hashPassword, passwordWeakness, verifyPassword } from '../../lib/password.ts';
import { findOrNotFound } from '../../lib/records.ts';
import { email, name, text } from '../../lib/strings.ts';
import { newSessionToken, sha256 } from '../../lib/tokens.ts';
import { ADMIN_ROLES } from '../../permissions.ts';
import { actingFor, asSystem, type AdminPrincipal, type AdminScope, type PlatformScope, type Scope, type SystemScope } from '../../scope.ts';
import { runAudited, type AuditedTransaction } from '../audit/service.ts';
import { release, reserve } from './throttle.ts';
import { getSetting } from '../settings/service.ts';

export class InvalidCredentialsError extends DomainError {
  override name = 'InvalidCredentialsError';
  constructor() {
    super('Email or password is incorrect');
  }
}

/** Too many failed sign-ins for this email or from this address: the same answer whether the admin exists or not. */
export class LoginThrottledError extends DomainError {
  override name = 'LoginThrottledError';
  constructor(readonly retryAfter: number) {
    super(`Too many failed sign-ins. Try again in ${describeWait(retryAfter)}.`);
  }
}

function describeWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** Throttles `lastSeenAt` writes to one per minute per session. */
const TOUCH_INTERVAL_MS = 60_000;

const loginSchema = z.object({
  email,
  password: text({ min: 1, max: 200, trim: false }),
});

export interface LoginResult {
  token: string;
  expiresAt: Date;
  user: AdminUser;
}

/** A real hash with the real parameters, made once on first use, so unknown emails cost a full verify. */
let dummyHash: Promise<string> | null = null;

type FailureReason = 'unknownEmail' | 'wrongPassword' | 'inactive';

/**
 * Signs an admin in: checks the password, opens a session (its token is returned once). Every failure
 * (unknown email, wrong password, deactivated admin, throttled) checks a password hash and answers with
 * the same types whether or not the admin exists; see throttle.ts for the waits.
 */
export async function login(scope: Scope, input: { email: string; password: string }): Promise<LoginResult> {
  const { email: address, password } = parseInput(loginSchema, input);
  const system = asSystem(scope, 'login');
  const now = new Date();
  const user = await system.db.adminUser.findUnique({ where: { email: address } });
  const hash = user?.passwordHash ?? (await (dummyHash ??= hashPassword('not a real password')));
  // The hash is checked while the attempt is counted, whatever the count says.
  const [reservation, valid] = await Promise.all([reserve(system, address, scope.meta.ip, now), verifyPassword(password, hash)]);
  // Refused without a verdict, and without an audit entry: a throttled attacker cannot fill the log.
  if (!reservation.admitted) throw new LoginThrottledError(reservation.retryAfter);
  if (!user || !user.active || !valid) {
    const reason: FailureReason = !user ? 'unknownEmail' : !valid ? 'wrongPassword' : 'inactive';
    await runAudited(system, async (tx) => {
      const target = { targetType: 'AdminUser', targetId: user?.id ?? null };
      await tx.audit({ action: 'admin.loginFailed', ...target, after: { email: address, reason } });
      if (reservation.starts.length) {
        await tx.audit({ action: 'admin.loginThrottled', ...target, after: { email: address, keys: reservation.starts, retryAfter: reservation.retryAfter } });
      }
    });
    throw reservation.retryAfter ? new LoginThrottledError(reservation.retryAfter) : new InvalidCredentialsError();
  }
  const token = newSessionToken();
  const expiresAt = new Date(now.getTime() + (await getSetting(system, 'security.sessionTtlHours')) * 3_600_000);
  // The session's own admin is the actor of its login entry.
  const admin = actingFor(system, principalOf(user, '', expiresAt));
  const updated = await runAudited(admin, async (tx) => {
    await release(tx, reservation);
    const session = await tx.db.adminSession.create({
      data: { adminUserId: user.id, tokenHash: sha256(token), expiresAt, ip: scope.meta.ip, userAgent: scope.meta.userAgent },
    });
    const next = await tx.db.adminUser.update({ where: { id: user.id }, data: { lastLoginAt: now } });
    await tx.audit({ action: 'admin.login', targetType: 'AdminSession', targetId: session.id });
    return next;
  });
  return { token, expiresAt, user: updated };
}

function principalOf(user: Pick<AdminUser, 'id' | 'email' | 'role'>, sessionId: string, sessionExpiresAt: Date): AdminPrincipal {
  return { kind: 'admin', userId: user.id, email: user.email, role: user.role, sessionId, sessionExpiresAt, impersonatorId: null };
}

/** Ends the signed-in admin's own session. */
export async function logout(scope: AdminScope): Promise<void> {
  const { sessionId } = scope.principal;
  await runAudited(scope, async (tx) => {
    await tx.db.adminSession.update({ where: { id: sessionId }, data: { revokedAt: new Date() } });
    await tx.audit({ action: 'admin.logout', targetType: 'AdminSession', targetId: sessionId });
    await tx.publish('accessRevoked', { kind: 'session', sessionId });
  });
}

/** The admin behind a session token, or null when it is unknown, revoked, expired or deactivated. */
export async function authenticateSession(scope: SystemScope, token: string): Promise<AdminPrincipal | null> {
  const now = new Date();
  const session = await scope.db.adminSession.findUnique({
    where: { tokenHash: sha256(token) },
    select: { id: true, expiresAt: true, revokedAt: true, lastSeenAt: true, adminUser: { select: { id: true, email: true, role: true, active: true } } },
  });
  if (!session || session.revokedAt || session.expiresAt <= now || !session.adminUser.active) return null;
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await scope.db.adminSession.update({ where: { id: session.id }, data: { lastSeenAt: now } });
  }
  return principalOf(session.adminUser, session.id, session.expiresAt);
}

// ─── admin users ─────────────────────────────────────────────────────────────

const passwordSchema = text({ min: 12, max: 200, trim: false });

/** Refuses a password zxcvbn rates below MIN_PASSWORD_SCORE, naming the field and the reason. */
async function assertStrongPassword(password: string, userInputs: string[], path: string[]): Promise<void> {
  const weakness = await passwordWeakness(password, userInputs);
  if (weakness) throw InputError.field(path, weakness);
}

export const createAdminSchema = z.object({
  email,
  name: name(),
  role: z.enum(ADMIN_ROLES),
  password: passwordSchema,
});

/** An admin as the audit log shows it: never the password hash. */
function publicAdmin(user: AdminUser) {
  const { passwordHash: _hash, ...rest } = user;
  return rest;
}

export async function createAdmin(scope: PlatformScope, input: z.input<typeof createAdminSchema>): Promise<AdminUser> {
  const data = parseInput(createAdminSchema, input);
  await assertStrongPassword(data.password, [data.email, data.name], ['input', 'password']);
  const passwordHash = await hashPassword(data.password);
  return runAudited(scope, async (tx) => {
    const user = await tx.db.adminUser.create({ data: { email: data.email, name: data.name, role: data.role, passwordHash } });
    await tx.audit({ action: 'admin.create', targetType: 'AdminUser', targetId: user.id, after: publicAdmin(user) });
    return user;
  });
}

const adminLifecycle = defineLifecycle({
  resourceType: 'AdminUser',
  state: (user: AdminUser) => (user.active ? 'ACTIVE' : 'DEACTIVATED'),
  transitions: {
    deactivate: { from: ['ACTIVE'], to: 'DEACTIVATED' },
    reactivate: { from: ['DEACTIVATED'], to: 'ACTIVE' },
  },
});

/**
 * Someone must always be able to manage admins: changes that could remove the last active owner take one
 * named lock, so two owners demoting or deactivating each other at the same moment cannot both succeed.
 */
async function assertNotLastOwner(tx: AuditedTransaction<PlatformScope>, user: AdminUser): Promise<void> {
  if (user.role !== 'OWNER' || !user.active) return;
  const owners = await tx.db.adminUser.count({ where: { role: 'OWNER', active: true } });
  if (owners <= 1) throw new ConflictError('The last active owner cannot be demoted or deactivated', 'id');
}
const OWNERS_LOCK = 'admins:owners';

export async function changeAdminRole(scope: PlatformScope, id: string, role: AdminRole): Promise<AdminUser> {
  const { role: next } = parseInput(z.object({ role: z.enum(ADMIN_ROLES) }), { role }, []);
  return runAudited(scope, async (tx) => {
    await tx.lockNamed(OWNERS_LOCK);
    const before = await findOrNotFound('AdminUser', id, (id) => tx.db.adminUser.findUnique({ where: { id } }), { lock: tx });
    if (before.role === next) return tx.unchanged(before);
    if (next !== 'OWNER') await assertNotLastOwner(tx, before);
    const after = await tx.db.adminUser.update({ where: { id }, data: { role: next } });
    await tx.audit({ action: 'admin.changeRole', targetType: 'AdminUser', targetId: id, before: publicAdmin(before), after: publicAdmin(after) });
    await adminChanged(tx, { adminId: id, kind: 'roleChanged', role: after.role, active: after.active });
    // Open connections were authorised under the old role: they reconnect with the new one.
    await tx.publish('accessRevoked', { kind: 'admin', adminId: id });
    return after;
  });
}

export async function setAdminActive(scope: PlatformScope, id: string, active: boolean): Promise<AdminUser> {
  const action = active ? 'reactivate' : 'deactivate';
  return runAudited(scope, async (tx) => {
    await tx.lockNamed(OWNERS_LOCK);
    const { before } = await adminLifecycle.begin(tx, id, action, (id) => tx.db.adminUser.findUnique({ where: { id } }));
    if (!active) await assertNotLastOwner(tx, before);
    const now = new Date();
    const after = await tx.db.adminUser.update({
      where: { id },
      data: { active, deactivatedAt: active ? null : now },
    });
    if (!active) {
      // Deactivation ends every session at once, and every open connection on every instance.
      await tx.db.adminSession.updateMany({ where: { adminUserId: id, revokedAt: null }, data: { revokedAt: now } });
      await tx.publish('accessRevoked', { kind: 'admin', adminId: id });
    }
    await tx.audit({ action: `admin.${action}`, targetType: 'AdminUser', targetId: id, before: publicAdmin(before), after: publicAdmin(after) });
    await adminChanged(tx, { adminId: id, kind: active ? 'reactivated' : 'deactivated', role: after.role, active: after.active });
    return after;
  });
}

const sessionLifecycle = defineLifecycle({
  resourceType: 'AdminSession',
  state: (session: { revokedAt: Date | null }) => (session.revokedAt ? 'REVOKED' : 'ACTIVE'),
  transitions: { revoke: { from: ['ACTIVE'], to: 'REVOKED' } },
});

export async function revokeSession(scope: PlatformScope, sessionId: string): Promise<void> {
  await runAudited(scope, async (tx) => {
    const { before } = await sessionLifecycle.begin(tx, sessionId, 'revoke', (id) => tx.db.adminSession.findUnique({ where: { id } }));
    const after = await tx.db.adminSession.update({ where: { id: sessionId }, data: { revokedAt: new Date() } });
    await tx.audit({
      action: 'admin.revokeSession', targetType: 'AdminSession', targetId: sessionId,
      before: { revokedAt: before.revokedAt }, after: { revokedAt: after.revokedAt },
    });
    await tx.publish('accessRevoked', { kind: 'session', sessionId });
  });
}
