import { z } from 'zod';
import type { App } from '../../app.ts';
import type { Prisma, PrismaClient } from '../../db/client.ts';
import { env } from '../../env.ts';
import type { AdminRole } from '../../generated/prisma/enums.ts';
import type { AdminUser } from '../../generated/prisma/client.ts';
import type { AdminPrincipal, Principal, RequestMeta } from '../../graphql/context.ts';
import { ConflictError, DomainError, InputError, NotFoundError, parseInput } from '../../lib/errors.ts';
import { hashPassword, verifyPassword } from '../../lib/password.ts';
import { API_KEY_PREFIX, newApiKey, newSessionToken, parseApiKey, safeEqualHex, sha256 } from '../../lib/tokens.ts';
import { runAudited, type AuditActor } from '../audit/service.ts';

export class InvalidCredentialsError extends DomainError {
  override name = 'InvalidCredentialsError';
  constructor() {
    super('Email or password is incorrect');
  }
}

export class AccountLockedError extends DomainError {
  override name = 'AccountLockedError';
  constructor(readonly lockedUntil: Date) {
    super(`Too many failed logins; the account is locked until ${lockedUntil.toISOString()}`);
  }
}

/** Throttles `lastSeenAt`/`lastUsedAt` writes to one per minute per session or key. */
const TOUCH_INTERVAL_MS = 60_000;
export const ADMIN_ROLES = ['OWNER', 'ADMIN', 'SUPPORT', 'BILLING', 'VIEWER'] as const;

export function actorOf(principal: AdminPrincipal, meta: RequestMeta): AuditActor {
  return {
    actorType: 'ADMIN',
    actorId: principal.userId,
    actorEmail: principal.email,
    actorRole: principal.role,
    impersonatorId: principal.impersonatorId,
    requestId: meta.requestId,
    ip: meta.ip,
    userAgent: meta.userAgent,
  };
}

const loginSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email('not a valid email address')),
  password: z.string().min(1, 'required'),
});

export interface LoginResult {
  token: string;
  expiresAt: Date;
  user: AdminUser;
}

export async function login(app: App, input: { email: string; password: string }, meta: RequestMeta): Promise<LoginResult> {
  const { email, password } = parseInput(loginSchema, input);
  const user = await app.prisma.adminUser.findUnique({ where: { email } });
  const now = new Date();
  if (user?.lockedUntil && user.lockedUntil > now) throw new AccountLockedError(user.lockedUntil);
  // Hash even when the user does not exist, so timing does not reveal which emails are registered.
  const valid = await verifyPassword(password, user?.passwordHash ?? (await (dummyHash ??= hashPassword('not a real password'))));
  if (!user || !user.active || !valid) {
    if (user && user.active) {
      const attempts = user.failedLoginAttempts + 1;
      const lock = attempts >= env.LOGIN_MAX_ATTEMPTS;
      const lockedUntil = lock ? new Date(now.getTime() + env.LOGIN_LOCK_MINUTES * 60_000) : null;
      await app.prisma.adminUser.update({
        where: { id: user.id },
        data: { failedLoginAttempts: lock ? 0 : attempts, lockedUntil },
      });
      if (lockedUntil) throw new AccountLockedError(lockedUntil);
    }
    throw new InvalidCredentialsError();
  }
  const token = newSessionToken();
  const expiresAt = new Date(now.getTime() + env.SESSION_TTL_HOURS * 3_600_000);
  const principal: AdminPrincipal = {
    kind: 'admin', userId: user.id, email: user.email, role: user.role, sessionId: '', impersonatorId: null,
  };
  const updated = await runAudited(app.prisma, actorOf(principal, meta), async (tx, audit) => {
    const session = await tx.adminSession.create({
      data: { adminUserId: user.id, tokenHash: sha256(token), expiresAt, ip: meta.ip, userAgent: meta.userAgent },
    });
    const next = await tx.adminUser.update({
      where: { id: user.id },
      data: { failedLoginAttempts: 0, lockedUntil: null, lastLoginAt: now },
    });
    await audit({ action: 'admin.login', targetType: 'AdminSession', targetId: session.id });
    return next;
  });
  return { token, expiresAt, user: updated };
}

/** A real hash with the real parameters, made once on first use, so unknown emails cost a full verify. */
let dummyHash: Promise<string> | null = null;

export async function logout(app: App, principal: AdminPrincipal, meta: RequestMeta): Promise<void> {
  await runAudited(app.prisma, actorOf(principal, meta), async (tx, audit) => {
    await tx.adminSession.update({ where: { id: principal.sessionId }, data: { revokedAt: new Date() } });
    await audit({ action: 'admin.logout', targetType: 'AdminSession', targetId: principal.sessionId });
  });
}

/** Turns a bearer token (admin session or tenant API key) into a principal; anonymous when invalid. */
export async function authenticate(prisma: PrismaClient, token: string | null | undefined): Promise<Principal> {
  if (!token) return { kind: 'anonymous' };
  const now = new Date();
  if (token.startsWith(API_KEY_PREFIX)) {
    const parsed = parseApiKey(token);
    if (!parsed) return { kind: 'anonymous' };
    const key = await prisma.tenantApiKey.findUnique({
      where: { prefix: parsed.prefix },
      select: { id: true, tenantId: true, secretHash: true, revokedAt: true, expiresAt: true, lastUsedAt: true, tenant: { select: { status: true } } },
    });
    if (!key || !safeEqualHex(key.secretHash, sha256(token))) return { kind: 'anonymous' };
    if (key.revokedAt || (key.expiresAt && key.expiresAt <= now)) return { kind: 'anonymous' };
    if (key.tenant.status === 'SUSPENDED' || key.tenant.status === 'DELETED') return { kind: 'anonymous' };
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      await prisma.tenantApiKey.update({ where: { id: key.id }, data: { lastUsedAt: now } });
    }
    return { kind: 'tenant', tenantId: key.tenantId, apiKeyId: key.id };
  }
  const session = await prisma.adminSession.findUnique({
    where: { tokenHash: sha256(token) },
    select: { id: true, expiresAt: true, revokedAt: true, lastSeenAt: true, adminUser: { select: { id: true, email: true, role: true, active: true } } },
  });
  if (!session || session.revokedAt || session.expiresAt <= now || !session.adminUser.active) return { kind: 'anonymous' };
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await prisma.adminSession.update({ where: { id: session.id }, data: { lastSeenAt: now } });
  }
  const user = session.adminUser;
  return { kind: 'admin', userId: user.id, email: user.email, role: user.role, sessionId: session.id, impersonatorId: null };
}

// ─── admin users ─────────────────────────────────────────────────────────────

const passwordSchema = z.string().min(12, 'must be at least 12 characters').max(200);

export const createAdminSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email('not a valid email address')),
  name: z.string().trim().min(1, 'required').max(200),
  role: z.enum(ADMIN_ROLES),
  password: passwordSchema,
});

function publicAdmin(user: AdminUser) {
  const { passwordHash: _hash, ...rest } = user;
  return rest;
}

export async function createAdmin(app: App, actor: AuditActor, input: z.input<typeof createAdminSchema>): Promise<AdminUser> {
  const data = parseInput(createAdminSchema, input);
  const passwordHash = await hashPassword(data.password);
  return runAudited(app.prisma, actor, async (tx, audit) => {
    if (await tx.adminUser.findUnique({ where: { email: data.email }, select: { id: true } })) {
      throw new ConflictError(`An admin with email ${data.email} already exists`, 'email');
    }
    const user = await tx.adminUser.create({ data: { email: data.email, name: data.name, role: data.role, passwordHash } });
    await audit({ action: 'admin.create', targetType: 'AdminUser', targetId: user.id, after: publicAdmin(user) });
    return user;
  });
}

export const adminFilterSchema = z.object({
  role: z.array(z.enum(ADMIN_ROLES)).optional(),
  active: z.boolean().optional(),
  search: z.string().trim().max(200).optional(),
});
export type AdminFilter = z.input<typeof adminFilterSchema>;

export function adminWhere(filter: AdminFilter = {}): Prisma.AdminUserWhereInput {
  const f = parseInput(adminFilterSchema, filter, ['filter']);
  return {
    role: f.role?.length ? { in: f.role } : undefined,
    active: f.active,
    OR: f.search
      ? [{ email: { contains: f.search, mode: 'insensitive' } }, { name: { contains: f.search, mode: 'insensitive' } }]
      : undefined,
  };
}

export const ADMIN_SORTS = {
  EMAIL_ASC: [{ email: 'asc' }, { id: 'asc' }],
  CREATED_AT_DESC: [{ createdAt: 'desc' }, { id: 'desc' }],
  LAST_LOGIN_AT_DESC: [{ lastLoginAt: { sort: 'desc', nulls: 'last' } }, { id: 'desc' }],
} as const satisfies Record<string, Prisma.AdminUserOrderByWithRelationInput[]>;
export type AdminSort = keyof typeof ADMIN_SORTS;

async function loadAdmin(tx: Pick<PrismaClient, 'adminUser'>, id: string): Promise<AdminUser> {
  const user = z.uuid().safeParse(id).success ? await tx.adminUser.findUnique({ where: { id } }) : null;
  if (!user) throw new NotFoundError('AdminUser', id);
  return user;
}

/** The last active owner can be neither demoted nor deactivated: someone must be able to manage admins. */
async function assertNotLastOwner(tx: Pick<PrismaClient, 'adminUser'>, user: AdminUser): Promise<void> {
  if (user.role !== 'OWNER' || !user.active) return;
  const owners = await tx.adminUser.count({ where: { role: 'OWNER', active: true } });
  if (owners <= 1) throw new ConflictError('The last active owner cannot be demoted or deactivated', 'id');
}

export async function changeAdminRole(app: App, actor: AuditActor, id: string, role: AdminRole): Promise<AdminUser> {
  if (!ADMIN_ROLES.includes(role)) throw InputError.field('role', 'not a valid role');
  return runAudited(app.prisma, actor, async (tx, audit) => {
    const before = await loadAdmin(tx, id);
    if (before.role !== role && role !== 'OWNER') await assertNotLastOwner(tx, before);
    const after = await tx.adminUser.update({ where: { id }, data: { role } });
    await audit({ action: 'admin.changeRole', targetType: 'AdminUser', targetId: id, before: publicAdmin(before), after: publicAdmin(after) });
    return after;
  });
}

export async function setAdminActive(app: App, actor: AuditActor, id: string, active: boolean): Promise<AdminUser> {
  return runAudited(app.prisma, actor, async (tx, audit) => {
    const before = await loadAdmin(tx, id);
    if (!active) await assertNotLastOwner(tx, before);
    const after = await tx.adminUser.update({
      where: { id },
      data: { active, deactivatedAt: active ? null : new Date(), failedLoginAttempts: 0, lockedUntil: null },
    });
    if (!active) {
      // Deactivation ends every session at once.
      await tx.adminSession.updateMany({ where: { adminUserId: id, revokedAt: null }, data: { revokedAt: new Date() } });
    }
    await audit({
      action: active ? 'admin.reactivate' : 'admin.deactivate',
      targetType: 'AdminUser', targetId: id, before: publicAdmin(before), after: publicAdmin(after),
    });
    return after;
  });
}

export async function revokeSession(app: App, actor: AuditActor, sessionId: string): Promise<void> {
  await runAudited(app.prisma, actor, async (tx, audit) => {
    const session = z.uuid().safeParse(sessionId).success
      ? await tx.adminSession.findUnique({ where: { id: sessionId } })
      : null;
    if (!session) throw new NotFoundError('AdminSession', sessionId);
    await tx.adminSession.update({ where: { id: sessionId }, data: { revokedAt: session.revokedAt ?? new Date() } });
    await audit({ action: 'admin.revokeSession', targetType: 'AdminSession', targetId: sessionId, before: { revokedAt: session.revokedAt } });
  });
}

// ─── tenant API keys ─────────────────────────────────────────────────────────

export const createApiKeySchema = z.object({
  tenantId: z.uuid('not a valid id'),
  name: z.string().trim().min(1, 'required').max(100),
  expiresAt: z.date().refine((d) => d > new Date(), 'must be in the future').nullish(),
});

export async function createApiKey(app: App, actor: AuditActor, input: z.input<typeof createApiKeySchema>) {
  const data = parseInput(createApiKeySchema, input);
  const { key, prefix } = newApiKey();
  const apiKey = await runAudited(app.prisma, actor, async (tx, audit) => {
    const tenant = await tx.tenant.findUnique({ where: { id: data.tenantId }, select: { status: true } });
    if (!tenant) throw new NotFoundError('Tenant', data.tenantId);
    if (tenant.status === 'DELETED') throw new ConflictError('A deleted tenant cannot get API keys', 'tenantId');
    const created = await tx.tenantApiKey.create({
      data: { tenantId: data.tenantId, name: data.name, prefix, secretHash: sha256(key), expiresAt: data.expiresAt ?? null, createdById: actor.actorId },
    });
    const { secretHash: _s, ...visible } = created;
    await audit({ action: 'apiKey.create', targetType: 'TenantApiKey', targetId: created.id, tenantId: data.tenantId, after: visible });
    return created;
  });
  return { apiKey, secret: key };
}

export async function revokeApiKey(app: App, actor: AuditActor, id: string) {
  return runAudited(app.prisma, actor, async (tx, audit) => {
    const before = z.uuid().safeParse(id).success ? await tx.tenantApiKey.findUnique({ where: { id } }) : null;
    if (!before) throw new NotFoundError('TenantApiKey', id);
    const after = await tx.tenantApiKey.update({ where: { id }, data: { revokedAt: before.revokedAt ?? new Date() } });
    await audit({
      action: 'apiKey.revoke', targetType: 'TenantApiKey', targetId: id, tenantId: before.tenantId,
      before: { revokedAt: before.revokedAt }, after: { revokedAt: after.revokedAt },
    });
    return after;
  });
}
