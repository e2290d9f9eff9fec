import { z } from 'zod';
import { builder } from '../../graphql/builder.ts';
import { prismaEnum } from '../../graphql/enums.ts';
import { adminScope } from '../../graphql/helpers.ts';
import { allAuditActions } from '../../audit-actions.ts';

const ActorTypeEnum = prismaEnum('ActorType');

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

builder.queryFields((t) => ({
  auditEvent: t.prismaField({
    type: 'AuditEvent',
    nullable: true,
    authScopes: { permission: 'READ' },
    description: 'One audit entry, or null when there is none with this id.',
    args: { id: t.arg.id({ validate: z.uuid('not a valid id') }) },
    resolve: (query, _root, { id }, ctx) => adminScope(ctx).db.auditEvent.findUnique({ ...query, where: { id } }),
  }),
}));

const AuditActionRef = builder.objectRef<{ action: string; targetType: string }>('AuditAction').implement({
  description: 'An action the audit log records, and the type of record it targets.',
  fields: (t) => ({
    action: t.exposeString('action'),
    targetType: t.exposeString('targetType'),
  }),
});

builder.queryField('auditActions', (t) =>
  t.field({
    type: [AuditActionRef],
    authScopes: { permission: 'READ' },
    description: 'Every action the audit log records, as the modules declare them, sorted by action.',
    resolve: () => allAuditActions(),
  }),
);
