import { z } from 'zod';
import { builder } from '../../graphql/builder.ts';
import { commonErrors, ErrorInterface } from '../../graphql/errors.ts';
import { adminActor, adminMutation, audits, requireAdmin, withoutNulls } from '../../graphql/helpers.ts';
import { permissionsOf } from './permissions.ts';
import {
  AccountLockedError, ADMIN_SORTS, adminWhere, changeAdminRole, createAdmin, createApiKey, InvalidCredentialsError, login, logout,
  revokeApiKey, revokeSession, setAdminActive, type AdminSort,
} from './service.ts';

export const AdminRoleEnum = builder.enumType('AdminRole', {
  values: ['OWNER', 'ADMIN', 'SUPPORT', 'BILLING', 'VIEWER'] as const,
});

builder.objectType(InvalidCredentialsError, {
  name: 'InvalidCredentialsError',
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof InvalidCredentialsError,
  fields: () => ({}),
});

builder.objectType(AccountLockedError, {
  name: 'AccountLockedError',
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof AccountLockedError,
  fields: (t) => ({ lockedUntil: t.expose('lockedUntil', { type: 'DateTime' }) }),
});

export const AdminUserRef = builder.prismaObject('AdminUser', {
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email'),
    name: t.exposeString('name'),
    role: t.expose('role', { type: AdminRoleEnum }),
    active: t.exposeBoolean('active'),
    lockedUntil: t.expose('lockedUntil', { type: 'DateTime', nullable: true }),
    lastLoginAt: t.expose('lastLoginAt', { type: 'DateTime', nullable: true }),
    deactivatedAt: t.expose('deactivatedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    permissions: t.stringList({ select: { role: true }, resolve: (u) => [...permissionsOf(u.role)] }),
    sessions: t.relation('sessions', {
      authScopes: { permission: 'admins:manage' },
      query: { where: { revokedAt: null, expiresAt: { gt: new Date() } }, orderBy: { createdAt: 'desc' } },
    }),
  }),
});

builder.prismaObject('AdminSession', {
  fields: (t) => ({
    id: t.exposeID('id'),
    ip: t.exposeString('ip', { nullable: true }),
    userAgent: t.exposeString('userAgent', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastSeenAt: t.expose('lastSeenAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
  }),
});

builder.prismaObject('TenantApiKey', {
  description: 'A tenant API key. The secret is shown once, at creation, and never stored in clear.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    prefix: t.string({ description: 'Visible start of the key, to recognise it.', select: { prefix: true }, resolve: (k) => `ogk_${k.prefix}` }),
    tenant: t.relation('tenant'),
    createdBy: t.relation('createdBy', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    active: t.boolean({
      select: { revokedAt: true, expiresAt: true },
      resolve: (k) => !k.revokedAt && (!k.expiresAt || k.expiresAt > new Date()),
    }),
  }),
});

const LoginPayload = builder
  .objectRef<{ token: string; expiresAt: Date; user: { id: string } }>('LoginPayload')
  .implement({
    fields: (t) => ({
      token: t.exposeString('token', { description: 'Session token: send as `Authorization: Bearer <token>`.' }),
      expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
      admin: t.prismaField({
        type: 'AdminUser',
        resolve: (query, p, _a, ctx) => ctx.app.prisma.adminUser.findUniqueOrThrow({ ...query, where: { id: p.user.id } }),
      }),
    }),
  });

const CreatedApiKey = builder
  .objectRef<{ apiKey: { id: string }; secret: string }>('CreatedApiKey')
  .implement({
    fields: (t) => ({
      secret: t.exposeString('secret', { description: 'The full key. Shown only this once.' }),
      apiKey: t.prismaField({
        type: 'TenantApiKey',
        resolve: (query, p, _a, ctx) => ctx.app.prisma.tenantApiKey.findUniqueOrThrow({ ...query, where: { id: p.apiKey.id } }),
      }),
    }),
  });

const AdminFilterInput = builder.inputType('AdminFilter', {
  fields: (t) => ({
    role: t.field({ type: [AdminRoleEnum], required: false }),
    active: t.boolean({ required: false }),
    search: t.string({ required: false, description: 'Matches email or name (case-insensitive).' }),
  }),
});

const AdminSortEnum = builder.enumType('AdminSort', { values: Object.keys(ADMIN_SORTS) as AdminSort[] });

const CreateAdminInput = builder.inputType('CreateAdminInput', {
  fields: (t) => ({
    email: t.string(),
    name: t.string(),
    role: t.field({ type: AdminRoleEnum }),
    password: t.string({ description: 'Initial password, at least 12 characters.' }),
  }),
});

const CreateApiKeyInput = builder.inputType('CreateTenantApiKeyInput', {
  fields: (t) => ({
    tenantId: t.id(),
    name: t.string(),
    expiresAt: t.field({ type: 'DateTime', required: false }),
  }),
});

builder.queryFields((t) => ({
  me: t.prismaField({
    type: 'AdminUser',
    authScopes: { admin: true },
    description: 'The signed-in admin.',
    resolve: (query, _root, _args, ctx) =>
      ctx.app.prisma.adminUser.findUniqueOrThrow({ ...query, where: { id: requireAdmin(ctx).userId } }),
  }),
  admin: t.prismaField({
    type: 'AdminUser',
    nullable: true,
    authScopes: { permission: 'admins:manage' },
    description: 'One admin by id; null when there is none.',
    args: { id: t.arg.id({ validate: z.uuid('not a valid id') }) },
    resolve: (query, _root, { id }, ctx) => ctx.db.adminUser.findUnique({ ...query, where: { id } }),
  }),
  admins: t.prismaConnection({
    type: 'AdminUser',
    cursor: 'id',
    authScopes: { permission: 'read' },
    args: {
      filter: t.arg({ type: AdminFilterInput, required: false }),
      sort: t.arg({ type: AdminSortEnum, required: false, defaultValue: 'EMAIL_ASC' }),
    },
    resolve: (query, _root, args, ctx) =>
      ctx.db.adminUser.findMany({ ...query, where: adminWhere(withoutNulls(args.filter ?? {})), orderBy: ADMIN_SORTS[args.sort ?? 'EMAIL_ASC'] }),
    totalCount: (_root, args, ctx) => ctx.db.adminUser.count({ where: adminWhere(withoutNulls(args.filter ?? {})) }),
  }),
}));

builder.mutationFields((t) => ({
  login: t.field({
    type: LoginPayload,
    extensions: audits('admin.login'),
    errors: { types: [...commonErrors, InvalidCredentialsError, AccountLockedError] },
    description: 'Starts an admin session. Also sets the session cookie for the console.',
    args: { email: t.arg.string(), password: t.arg.string() },
    resolve: async (_root, args, ctx) => {
      const result = await login(ctx.app, args, ctx);
      ctx.setSessionCookie?.(result.token, result.expiresAt);
      return result;
    },
  }),
  logout: t.boolean({
    authScopes: { admin: true },
    extensions: audits('admin.logout'),
    description: 'Ends the current session.',
    resolve: async (_root, _args, ctx) => {
      await logout(ctx.app, requireAdmin(ctx), ctx);
      ctx.setSessionCookie?.(null);
      return true;
    },
  }),
  createAdmin: t.prismaField({
    type: 'AdminUser',
    ...adminMutation('admins:manage', 'admin.create'),
    args: { input: t.arg({ type: CreateAdminInput }) },
    resolve: (_q, _root, { input }, ctx) => createAdmin(ctx.app, adminActor(ctx), input),
  }),
  changeAdminRole: t.prismaField({
    type: 'AdminUser',
    ...adminMutation('admins:manage', 'admin.changeRole'),
    args: { id: t.arg.id(), role: t.arg({ type: AdminRoleEnum }) },
    resolve: (_q, _root, { id, role }, ctx) => changeAdminRole(ctx.app, adminActor(ctx), id, role),
  }),
  deactivateAdmin: t.prismaField({
    type: 'AdminUser',
    ...adminMutation('admins:manage', 'admin.deactivate'),
    description: 'Deactivates an admin and ends all of their sessions at once.',
    args: { id: t.arg.id() },
    resolve: (_q, _root, { id }, ctx) => setAdminActive(ctx.app, adminActor(ctx), id, false),
  }),
  reactivateAdmin: t.prismaField({
    type: 'AdminUser',
    ...adminMutation('admins:manage', 'admin.reactivate'),
    args: { id: t.arg.id() },
    resolve: (_q, _root, { id }, ctx) => setAdminActive(ctx.app, adminActor(ctx), id, true),
  }),
  revokeAdminSession: t.boolean({
    ...adminMutation('admins:manage', 'admin.revokeSession'),
    args: { id: t.arg.id() },
    resolve: async (_root, { id }, ctx) => {
      await revokeSession(ctx.app, adminActor(ctx), id);
      return true;
    },
  }),
  createTenantApiKey: t.field({
    type: CreatedApiKey,
    ...adminMutation('apiKeys:write', 'apiKey.create'),
    args: { input: t.arg({ type: CreateApiKeyInput }) },
    resolve: (_root, { input }, ctx) => createApiKey(ctx.app, adminActor(ctx), input),
  }),
  revokeTenantApiKey: t.prismaField({
    type: 'TenantApiKey',
    ...adminMutation('apiKeys:write', 'apiKey.revoke'),
    args: { id: t.arg.id() },
    resolve: (_q, _root, { id }, ctx) => revokeApiKey(ctx.app, adminActor(ctx), id),
  }),
}));
