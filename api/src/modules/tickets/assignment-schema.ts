import { builder } from '../../graphql/builder.ts';
import { prismaEnum } from '../../graphql/enums.ts';
import { adminMutation, adminScope } from '../../graphql/helpers.ts';
import { InputError, NotFoundError } from '../../lib/errors.ts';
import { AdminUserRef } from '../admins/schema.ts';
import {
  ATTACHMENT_MAX_BYTES, CAPACITY, listAgents, supportDeskSettings, updateAgentProfile, updateTicketSettings, type Agent, type SupportDeskSettings,
} from './assignment.ts';

const AssignmentStrategyEnum = prismaEnum('AssignmentStrategy');

const TicketSettingsRef = builder.objectRef<SupportDeskSettings>('TicketSettings').implement({
  description: "The support desk's settings.",
  fields: (t) => ({
    assignmentStrategy: t.field({ type: AssignmentStrategyEnum, description: 'The `support.assignmentStrategy` setting.', resolve: (s) => s.assignmentStrategy }),
    supportTeamEmail: t.exposeString('supportTeamEmail', { nullable: true, description: 'Where SLA notifications of unassigned tickets go.' }),
    attachmentMaxBytes: t.exposeInt('attachmentMaxBytes', { description: 'Largest attachment accepted.' }),
    updatedAt: t.field({ type: 'DateTime', resolve: (s) => s.updatedAt }),
  }),
});

const AgentRef = builder.objectRef<Agent>('Agent').implement({
  description: 'A support agent (an active SUPPORT or ADMIN admin) as auto-assignment sees them.',
  fields: (t) => ({
    admin: t.field({ type: AdminUserRef, resolve: (a) => a.admin }),
    available: t.exposeBoolean('available', { description: 'Auto-assignment gives them tickets.' }),
    capacity: t.exposeInt('capacity', { description: 'Most open tickets auto-assignment gives them.' }),
    openTickets: t.exposeInt('openTickets', { description: 'Tickets assigned to them in NEW, OPEN, PENDING or ON_HOLD.' }),
    lastAssignedAt: t.field({ type: 'DateTime', nullable: true, resolve: (a) => a.lastAssignedAt }),
  }),
});

const TicketSettingsInput = builder.inputType('TicketSettingsInput', {
  fields: (t) => ({
    assignmentStrategy: t.field({ type: AssignmentStrategyEnum, required: false }),
    supportTeamEmail: t.string({ required: false, description: 'Null clears it.' }),
    attachmentMaxBytes: t.int({ required: false, description: `${ATTACHMENT_MAX_BYTES.min} to ${ATTACHMENT_MAX_BYTES.max}.` }),
  }),
});

builder.queryFields((t) => ({
  ticketSettings: t.field({
    type: TicketSettingsRef,
    authScopes: { permission: 'READ' },
    resolve: (_root, _args, ctx) => supportDeskSettings(adminScope(ctx)),
  }),
  agents: t.field({
    type: [AgentRef],
    authScopes: { permission: 'READ' },
    description: 'Active SUPPORT and ADMIN admins with their availability, capacity and open tickets, by name.',
    resolve: (_root, _args, ctx) => listAgents(adminScope(ctx)),
  }),
}));

builder.mutationFields((t) => ({
  updateTicketSettings: t.field({
    type: TicketSettingsRef,
    ...adminMutation('SUPPORT_MANAGE', ['ticketSettings.update', 'setting.set'], [InputError]),
    description: 'Changes the assignment strategy, the support team address or the attachment size limit; omitted fields stay.',
    args: { input: t.arg({ type: TicketSettingsInput }) },
    resolve: (_root, { input }, ctx) => {
      const { assignmentStrategy, attachmentMaxBytes, supportTeamEmail } = input;
      return updateTicketSettings(adminScope(ctx), {
        assignmentStrategy: assignmentStrategy ?? undefined,
        attachmentMaxBytes: attachmentMaxBytes ?? undefined,
        ...('supportTeamEmail' in input ? { supportTeamEmail } : {}),
      });
    },
  }),
  updateAgentProfile: t.field({
    type: AgentRef,
    ...adminMutation('SUPPORT_MANAGE', 'agentProfile.update', [InputError, NotFoundError]),
    // Agents set their own availability; capacity and other agents are for SUPPORT_MANAGE.
    authScopes: (_root, args, ctx) =>
      ctx.principal.kind === 'admin' && args.adminId === ctx.principal.userId && args.capacity == null
        ? { permission: 'TICKETS_WRITE' }
        : { permission: 'SUPPORT_MANAGE' },
    description: `Sets an agent's availability and capacity (${CAPACITY.min} to ${CAPACITY.max} open tickets). Unavailable agents give their open tickets back.`,
    args: { adminId: t.arg.id(), available: t.arg.boolean({ required: false }), capacity: t.arg.int({ required: false }) },
    resolve: (_root, { adminId, available, capacity }, ctx) =>
      updateAgentProfile(adminScope(ctx), { adminId, available: available ?? undefined, capacity: capacity ?? undefined }),
  }),
}));
