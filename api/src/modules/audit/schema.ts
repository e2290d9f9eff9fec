import { z } from 'zod';
import { builder } from '../../graphql/builder.ts';
import { adminScope, connectionOf, withoutNulls } from '../../graphql/helpers.ts';
import { countAuditEvents, listAuditEvents } from './service.ts';

const ActorTypeEnum = builder.enumType('ActorType', { values: ['ADMIN', 'TENANT', 'SYSTEM'] as const });

export const AuditEventRef = builder.prismaObject('AuditEvent', {
  description: 'One admin action: who, what, on which record, from where, and what changed.',
  fields: (t) => ({
    id: t.exposeID('id'),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
    actorType: t.expose('actorType', { type: ActorTypeEnum }),
    actorId: t.exposeID('actorId', { nullable: true }),
    actorEmail: t.exposeString('actorEmail', { nullable: true }),
    actorRole: t.exposeString('actorRole', { nullable: true }),
    impersonatorId: t.exposeID('impersonatorId', { nullable: true }),
    tenantId: t.exposeID('tenantId', { nullable: true }),
    action: t.exposeString('action'),
    targetType: t.exposeString('targetType'),
    targetId: t.exposeString('targetId', { nullable: true }),
    before: t.expose('before', { type: 'JSON', nullable: true }),
    after: t.expose('after', { type: 'JSON', nullable: true }),
    diff: t.expose('diff', { type: 'JSON', nullable: true, description: 'Changed fields: { field: { from, to } }.' }),
    requestId: t.exposeString('requestId', { nullable: true }),
    ip: t.exposeString('ip', { nullable: true }),
    userAgent: t.exposeString('userAgent', { nullable: true }),
  }),
});

export const AuditFilterInput = builder.inputType('AuditEventFilter', {
  fields: (t) => ({
    actorId: t.id({ required: false }),
    action: t.string({ required: false, description: 'Exact action, or a prefix ending in a dot (`tenant.`).' }),
    tenantId: t.id({ required: false }),
    targetType: t.string({ required: false }),
    targetId: t.string({ required: false }),
    from: t.field({ type: 'DateTime', required: false }),
    to: t.field({ type: 'DateTime', required: false }),
  }),
});

builder.queryFields((t) => ({
  auditEvents: t.connection(
    {
      type: AuditEventRef,
      authScopes: { permission: 'READ' },
      description: 'The audit log, newest first.',
      args: { filter: t.arg({ type: AuditFilterInput, required: false }) },
      resolve: async (_root, args, ctx) => {
        const filter = withoutNulls(args.filter ?? {});
        const page = await listAuditEvents(adminScope(ctx), { filter, first: args.first, after: args.after, last: args.last, before: args.before });
        return { ...connectionOf(page), filter };
      },
    },
    {
      fields: (c) => ({
        totalCount: c.int({
          resolve: (conn, _args, ctx) => countAuditEvents(adminScope(ctx), (conn as unknown as { filter: object }).filter),
        }),
      }),
    },
  ),
  auditEvent: t.prismaField({
    type: 'AuditEvent',
    nullable: true,
    authScopes: { permission: 'READ' },
    description: 'One audit entry, or null when there is none with this id.',
    args: { id: t.arg.id({ validate: z.uuid('not a valid id') }) },
    resolve: (query, _root, { id }, ctx) => adminScope(ctx).db.auditEvent.findUnique({ ...query, where: { id } }),
  }),
}));
