import { z } from 'zod';
import { builder } from '../../graphql/builder.ts';
import { prismaEnum } from '../../graphql/enums.ts';
import { ErrorInterface } from '../../graphql/errors.ts';
import { adminMutation, adminScope, audits } from '../../graphql/helpers.ts';
import { ConflictError, InputError, InvalidTransitionError, NotFoundError } from '../../lib/errors.ts';
import { allPermissions, permissionsOf } from '../../permissions.ts';
import {
  type LoginResult, changeAdminRole, createAdmin, InvalidCredentialsError, login, LoginThrottledError, logout,
  revokeSession, setAdminActive,
} from './service.ts';

export const AdminRoleEnum = prismaEnum('AdminRole');

/** Every permission any module declares: the console's types come from this enum. */
export const PermissionEnum = builder.enumType('Permission', {
  description: 'What an admin role may do; each module declares its own.',
  values: Object.fromEntries(allPermissions().map(([permission, spec]) => [permission, { description: spec.description }])),
});

builder.objectType(InvalidCredentialsError, {
  name: 'InvalidCredentialsError',
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof InvalidCredentialsError,
  fields: () => ({}),
});

builder.objectType(LoginThrottledError, {
  name: 'LoginThrottledError',
  description: 'Too many failed sign-ins for this email or from this address; the same answer whether or not the admin exists.',
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof LoginThrottledError,
  fields: (t) => ({
    retryAfter: t.exposeInt('retryAfter', { description: 'Seconds to wait before the next attempt is checked.' }),
  }),
});

export const AdminUserRef = builder.prismaObject('AdminUser', {
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email'),
    name: t.exposeString('name'),
    role: t.expose('role', { type: AdminRoleEnum }),
    active: t.exposeBoolean('active'),
    lockedUntil: t.expose('lockedUntil', {
      type: 'DateTime',
      nullable: true,
      description: 'Until when sign-in to this account is throttled from every address after repeated failures; in the past or null when it is not.',
    }),
    lastLoginAt: t.expose('lastLoginAt', { type: 'DateTime', nullable: true }),
    deactivatedAt: t.expose('deactivatedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    permissions: t.field({ type: [PermissionEnum], select: { role: true }, resolve: (u) => permissionsOf(u.role) }),
    sessions: t.relation('sessions', {
      authScopes: { permission: 'ADMINS_MANAGE' },
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

const LoginPayload = builder
  .objectRef<LoginResult>('LoginPayload')
  .implement({
    fields: (t) => ({
      token: t.exposeString('token', { description: 'Session token: send as `Authorization: Bearer <token>`.' }),
      expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
      // The admin as loaded by the login itself: this request has no principal to read with yet.
      admin: t.field({ type: AdminUserRef, resolve: (p) => p.user as never }),
    }),
  });

const CreateAdminInput = builder.inputType('CreateAdminInput', {
  fields: (t) => ({
    email: t.string(),
    name: t.string(),
    role: t.field({ type: AdminRoleEnum }),
    password: t.string({ description: 'Initial password: at least 12 characters and not easy to guess (zxcvbn score 3 or more).' }),
  }),
});

builder.queryFields((t) => ({
  me: t.prismaField({
    type: 'AdminUser',
    authScopes: { admin: true },
    description: 'The signed-in admin.',
    resolve: (query, _root, _args, ctx) =>
      adminScope(ctx).db.adminUser.findUniqueOrThrow({ ...query, where: { id: adminScope(ctx).principal.userId } }),
  }),
  admin: t.prismaField({
    type: 'AdminUser',
    nullable: true,
    authScopes: { permission: 'ADMINS_MANAGE' },
    description: 'One admin by id; null when there is none.',
    args: { id: t.arg.id({ validate: z.uuid('not a valid id') }) },
    resolve: (query, _root, { id }, ctx) => adminScope(ctx).db.adminUser.findUnique({ ...query, where: { id } }),
  }),
}));

builder.mutationFields((t) => ({
  login: t.field({
    type: LoginPayload,
    extensions: audits('admin.login', 'admin.loginFailed', 'admin.loginThrottled'),
    errors: { types: [InputError, InvalidCredentialsError, LoginThrottledError] },
    description: 'Starts an admin session. Also sets the session cookie for the console.',
    args: { email: t.arg.string(), password: t.arg.string() },
    resolve: async (_root, args, ctx) => {
      const result = await login(ctx, args);
      ctx.setSessionCookie?.(result.token, result.expiresAt);
      return result;
    },
  }),
  logout: t.boolean({
    authScopes: { admin: true },
    extensions: audits('admin.logout'),
    description: 'Ends the current session.',
    resolve: async (_root, _args, ctx) => {
      await logout(adminScope(ctx));
      ctx.setSessionCookie?.(null);
      return true;
    },
  }),
  createAdmin: t.prismaField({
    type: 'AdminUser',
    ...adminMutation('ADMINS_MANAGE', 'admin.create', [InputError, ConflictError]),
    args: { input: t.arg({ type: CreateAdminInput }) },
    resolve: (_q, _root, { input }, ctx) => createAdmin(adminScope(ctx), input),
  }),
  changeAdminRole: t.prismaField({
    type: 'AdminUser',
    ...adminMutation('ADMINS_MANAGE', 'admin.changeRole', [InputError, NotFoundError, ConflictError]),
    args: { id: t.arg.id(), role: t.arg({ type: AdminRoleEnum }) },
    resolve: (_q, _root, { id, role }, ctx) => changeAdminRole(adminScope(ctx), id, role),
  }),
  deactivateAdmin: t.prismaField({
    type: 'AdminUser',
    ...adminMutation('ADMINS_MANAGE', 'admin.deactivate', [InputError, NotFoundError, ConflictError, InvalidTransitionError]),
    description: 'Deactivates an admin and ends all of their sessions and open connections at once.',
    args: { id: t.arg.id() },
    resolve: (_q, _root, { id }, ctx) => setAdminActive(adminScope(ctx), id, false),
  }),
  reactivateAdmin: t.prismaField({
    type: 'AdminUser',
    ...adminMutation('ADMINS_MANAGE', 'admin.reactivate', [InputError, NotFoundError, InvalidTransitionError]),
    args: { id: t.arg.id() },
    resolve: (_q, _root, { id }, ctx) => setAdminActive(adminScope(ctx), id, true),
  }),
  revokeAdminSession: t.boolean({
    ...adminMutation('ADMINS_MANAGE', 'admin.revokeSession', [InputError, NotFoundError, InvalidTransitionError]),
    args: { id: t.arg.id() },
    resolve: async (_root, { id }, ctx) => {
      await revokeSession(adminScope(ctx), id);
      return true;
    },
  }),
}));
