import { z } from 'zod';
import { bothGraphs as both, builder } from '../../graphql/builder.ts';
import { prismaEnum } from '../../graphql/enums.ts';
import { adminMutation, adminScope, tenantScope } from '../../graphql/helpers.ts';
import { InputError, InvalidTransitionError, NotFoundError } from '../../lib/errors.ts';
import { AuditEventRef } from '../audit/schema.ts';
import { ViewerRef } from '../tenants/schema.ts';
import {
  blockUser, MAX_TIMELINE_PAGE, MAX_UPSERT_BATCH, unblockUser, upsertUsers, USER_CHANGE_KINDS, userTimeline,
  type TimelineEmail, type TimelineEntry, type TimelinePage, type UpsertResult, type UserChanged, type UserItemError,
} from './service.ts';

const tenantOnly = { subGraphs: ['tenant'] as ['tenant'] };

export const UserRef = builder.prismaObject('User', {
  // Summary columns, read straight off the row; the others are selected on demand.
  select: { id: true, tenantId: true, externalId: true, email: true, name: true, blockedAt: true },
  ...both,
  // Fields are admin-only unless marked for tenants: the reason and who blocked stay with the admins.
  defaultSubGraphsForFields: ['admin'],
  description: "A person of a tenant (the SaaS's own user), as the tenant app reports them.",
  fields: (t) => ({
    id: t.id({ ...both, resolve: (u) => u.id }),
    externalId: t.string({ ...both, description: "The tenant app's own id for the user.", resolve: (u) => u.externalId }),
    email: t.string({ ...both, nullable: true, resolve: (u) => u.email }),
    name: t.string({ ...both, nullable: true, resolve: (u) => u.name }),
    role: t.exposeString('role', { ...both, nullable: true, description: 'A label from the tenant app, not an Opsgraph permission.' }),
    locale: t.exposeString('locale', { ...both, nullable: true, description: 'BCP 47 language tag.' }),
    timeZone: t.exposeString('timeZone', { ...both, nullable: true, description: 'IANA time zone.' }),
    attributes: t.expose('attributes', { ...both, type: 'JSON', description: 'Flat object of targeting attributes.' }),
    lastSeenAt: t.expose('lastSeenAt', { ...both, type: 'DateTime', nullable: true }),
    userBlocked: t.boolean({ ...both, description: 'Whether an operator blocked the user: deny them access.', resolve: (u) => u.blockedAt !== null }),
    blockedAt: t.field({ ...both, type: 'DateTime', nullable: true, resolve: (u) => u.blockedAt }),
    createdAt: t.expose('createdAt', { ...both, type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { ...both, type: 'DateTime' }),
    tenantId: t.id({ resolve: (u) => u.tenantId }),
    tenant: t.relation('tenant'),
    blockedReason: t.exposeString('blockedReason', { nullable: true }),
    blockedBy: t.relation('blockedBy', { nullable: true }),
    timeline: t.field({
      type: UserTimelineRef,
      description: `What happened to the user, newest first: audit entries and emails. Pages of up to ${MAX_TIMELINE_PAGE}.`,
      args: {
        first: t.arg.int({ required: false, defaultValue: 50 }),
        after: t.arg.string({ required: false, description: 'The `endCursor` of the previous page.' }),
      },
      resolve: (u, { first, after }, ctx) => userTimeline(adminScope(ctx), u.id, { first: first ?? 50, after }),
    }),
  }),
});

// ─── timeline ────────────────────────────────────────────────────────────────

const TimelineKindEnum = builder.enumType('UserTimelineKind', { values: ['AUDIT', 'EMAIL'] as const });

const TimelineEmailRef = builder.objectRef<TimelineEmail>('UserTimelineEmail').implement({
  description: 'An email sent to the user.',
  fields: (t) => ({
    id: t.exposeID('id'),
    subject: t.exposeString('subject', { nullable: true, description: 'Null while still queued (rendered at send time).' }),
    status: t.field({ type: prismaEnum('EmailStatus'), resolve: (e) => e.status }),
    toAddress: t.exposeString('toAddress'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const TimelineEntryRef = builder.objectRef<TimelineEntry>('UserTimelineEntry').implement({
  description: 'One entry of a user\'s timeline: `audit` is set for AUDIT entries, `email` for EMAIL entries.',
  fields: (t) => ({
    kind: t.field({ type: TimelineKindEnum, resolve: (e) => e.kind }),
    id: t.exposeID('id', { description: 'The id of the audit entry or email.' }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
    // The summary of either kind on the entry itself, one level up: a page lists them without nesting.
    action: t.string({ nullable: true, description: 'The audit action (AUDIT entries).', resolve: (e) => e.audit?.action ?? null }),
    actorEmail: t.string({ nullable: true, description: 'Who acted (AUDIT entries by an admin).', resolve: (e) => e.audit?.actorEmail ?? null }),
    actorType: t.string({ nullable: true, resolve: (e) => e.audit?.actorType ?? null }),
    diff: t.field({ type: 'JSON', nullable: true, description: 'Changed fields (AUDIT entries).', resolve: (e) => e.audit?.diff ?? null }),
    subject: t.string({ nullable: true, description: 'The subject (EMAIL entries; null while queued).', resolve: (e) => e.email?.subject ?? null }),
    emailStatus: t.field({ type: prismaEnum('EmailStatus'), nullable: true, resolve: (e) => e.email?.status ?? null }),
    toAddress: t.string({ nullable: true, resolve: (e) => e.email?.toAddress ?? null }),
    audit: t.field({ type: AuditEventRef, nullable: true, resolve: (e) => e.audit }),
    email: t.field({ type: TimelineEmailRef, nullable: true, resolve: (e) => e.email }),
  }),
});

const UserTimelineRef = builder.objectRef<TimelinePage>('UserTimeline').implement({
  fields: (t) => ({
    entries: t.field({ type: [TimelineEntryRef], resolve: (p) => p.entries }),
    endCursor: t.exposeString('endCursor', { nullable: true, description: 'Null on the last page.' }),
  }),
});

// ─── admin graph ─────────────────────────────────────────────────────────────

builder.queryField('user', (t) =>
  t.prismaField({
    type: 'User',
    nullable: true,
    authScopes: { permission: 'READ' },
    description: 'One tenant user by id, or null.',
    args: { id: t.arg.id({ validate: z.uuid('not a valid id') }) },
    resolve: (query, _root, { id }, ctx) => adminScope(ctx).db.user.findUnique({ ...query, where: { id } }),
  }),
);

builder.prismaObjectField('Tenant', 'users', (t) =>
  t.relatedConnection('users', {
    cursor: 'id',
    authScopes: { permission: 'READ' },
    description: "The tenant's users, newest first.",
    totalCount: true,
    query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] },
  }),
);

builder.mutationFields((t) => ({
  blockUser: t.prismaField({
    type: 'User',
    ...adminMutation('USERS_WRITE', 'user.block', [InputError, NotFoundError, InvalidTransitionError]),
    description: 'Blocks a user (reason required): the tenant app sees `userBlocked` and hears `viewerUserChanged`.',
    args: { id: t.arg.id(), reason: t.arg.string() },
    resolve: (_q, _root, { id, reason }, ctx) => blockUser(adminScope(ctx), id, reason),
  }),
  unblockUser: t.prismaField({
    type: 'User',
    ...adminMutation('USERS_WRITE', 'user.unblock', [InputError, NotFoundError, InvalidTransitionError]),
    args: { id: t.arg.id() },
    resolve: (_q, _root, { id }, ctx) => unblockUser(adminScope(ctx), id),
  }),
}));

// ─── tenant graph ────────────────────────────────────────────────────────────

builder.objectFields(ViewerRef, (t) => ({
  user: t.prismaField({
    type: 'User',
    nullable: true,
    ...tenantOnly,
    description: "One of the tenant's users by the tenant app's id, or null.",
    args: { externalId: t.arg.string({ validate: z.string().min(1, 'required').max(255, 'at most 255 characters') }) },
    resolve: (query, _viewer, { externalId }, ctx) =>
      // The scoped client adds the key's tenant to the lookup: another tenant's user is not found.
      tenantScope(ctx).db.user.findUnique({ ...query, where: { tenantId_externalId: { tenantId: tenantScope(ctx).principal.tenantId, externalId } } }),
  }),
  users: t.prismaConnection({
    type: 'User',
    cursor: 'id',
    ...tenantOnly,
    description: "The tenant's users, newest first.",
    args: { blocked: t.arg.boolean({ required: false, description: 'Only blocked (true) or only not blocked (false) users.' }) },
    resolve: (query, _viewer, { blocked }, ctx) =>
      tenantScope(ctx).db.user.findMany({
        ...query,
        where: blocked == null ? {} : { blockedAt: blocked ? { not: null } : null },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      }),
    totalCount: (_viewer, { blocked }, ctx) =>
      tenantScope(ctx).db.user.count({ where: blocked == null ? {} : { blockedAt: blocked ? { not: null } : null } }),
  }, tenantOnly, tenantOnly),
}));

const UserInputRef = builder.inputType('UserInput', {
  ...tenantOnly,
  description: 'One user as the tenant app knows them. Omitted fields keep their stored value; null clears one.',
  fields: (t) => ({
    externalId: t.string({ description: "The tenant app's id for the user (unique within the tenant)." }),
    email: t.string({ required: false }),
    name: t.string({ required: false }),
    role: t.string({ required: false }),
    locale: t.string({ required: false, description: 'BCP 47 language tag, e.g. en-US.' }),
    timeZone: t.string({ required: false, description: 'IANA time zone, e.g. Europe/Paris.' }),
    attributes: t.field({
      type: 'JSON',
      required: false,
      description: 'Flat object (up to 50 keys, 8 kB) of string, number, boolean or string-list values. Replaces the stored attributes.',
    }),
    lastSeenAt: t.field({ type: 'DateTime', required: false, description: 'Kept when older than the stored one.' }),
  }),
});

const UserItemErrorRef = builder.objectRef<UserItemError>('UserItemError').implement({
  ...tenantOnly,
  description: 'A refused item of a batch.',
  fields: (t) => ({
    index: t.exposeInt('index', { description: 'Position of the item in the input list.' }),
    path: t.exposeStringList('path', { description: 'Path of the field inside the item.' }),
    field: t.string({ description: 'The path joined with dots.', resolve: (e) => e.path.join('.') }),
    message: t.exposeString('message'),
  }),
});

const UpsertUsersPayload = builder.objectRef<UpsertResult>('UpsertUsersPayload').implement({
  ...tenantOnly,
  fields: (t) => ({
    users: t.prismaField({
      type: ['User'],
      description: 'The stored users, in the order given (refused items left out).',
      // Full rows: every field the tenant graph shows is a column.
      resolve: (_query, result) => result.users,
    }),
    errors: t.field({ type: [UserItemErrorRef], description: 'Refused items, by index; empty when all were stored.', resolve: (r) => r.errors }),
  }),
});

builder.mutationField('upsertUsers', (t) =>
  t.field({
    type: UpsertUsersPayload,
    ...tenantOnly,
    authScopes: { tenant: true },
    errors: { types: [InputError], union: tenantOnly, result: tenantOnly },
    description: `Creates or updates up to ${MAX_UPSERT_BATCH} users by external id. Valid items are stored even when others are refused.`,
    args: { users: t.arg({ type: [UserInputRef] }) },
    resolve: (_root, { users }, ctx) => upsertUsers(tenantScope(ctx), users),
  }),
);

// ─── subscriptions ───────────────────────────────────────────────────────────

const UserChangeKindEnum = builder.enumType('UserChangeKind', { ...tenantOnly, values: USER_CHANGE_KINDS });

const UserChangedEvent = builder.objectRef<UserChanged>('UserChangedEvent').implement({
  ...tenantOnly,
  fields: (t) => ({
    userId: t.exposeID('userId'),
    kind: t.expose('kind', { type: UserChangeKindEnum }),
    user: t.prismaField({
      type: 'User',
      nullable: true,
      description: 'The user as it is now.',
      // Through the tenant scope's client: a key reads only its own tenant's users.
      resolve: (query, e, _args, ctx) => tenantScope(ctx).db.user.findUnique({ ...query, where: { id: e.userId } }),
    }),
  }),
});

builder.subscriptionField('viewerUserChanged', (t) =>
  t.field({
    type: UserChangedEvent,
    ...tenantOnly,
    authScopes: { tenant: true },
    description: "The key's tenant's users being blocked or unblocked.",
    // The tenant scope hears only its own tenant's events.
    subscribe: (_root, _args, ctx) => tenantScope(ctx).subscribe('userChanged', (e) => e.kind !== 'upserted'),
    resolve: (event) => event,
  }),
);
