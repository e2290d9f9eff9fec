import { z } from 'zod';
import type { TenantModelAccess, TenantModelSpecs } from '../../db/tenant-scope.ts';
import type { AssignmentStrategy } from '../../generated/prisma/enums.ts';
import { enumValues } from '../../lib/list.ts';
import type { PermissionNames, PermissionSpecs } from '../../permissions.ts';
import { defineModule } from '../manifest.ts';
import { onAdminChanged, queueWaitingAssignment, ticketsAssignWaiting, ticketsReleaseAgent } from './assignment.ts';
import { attachmentsCrontab, ticketsAttachmentsPrune } from './attachments.ts';
import { attachmentRoutes } from './attachments-routes.ts';
import type { TicketChanged, TicketSlaChanged } from './history.ts';
import { ticketsList } from './lists.ts';
import { seedTickets } from './seed.ts';
import { queueTenantSlaResync } from './sla-service.ts';
import { DEFAULT_TARGETS, slaTargetsSchema } from './sla.ts';
import { defineSetting, type SettingTypes } from '../settings/registry.ts';
import { ticketSlaAtRisk, ticketSlaBreach, ticketSlaPolicyResync, ticketSlaTenantResync } from './sla-tasks.ts';
import { ticketNotify, ticketSync } from './tasks.ts';

const permissions = {
  TICKETS_WRITE: { description: 'Create, reply to, assign, resolve and close support tickets.', roles: ['OWNER', 'ADMIN', 'SUPPORT'] },
  SUPPORT_MANAGE: {
    description: 'Edit SLA policies, business-hours calendars, auto-assignment and agent availability.',
    roles: ['OWNER', 'ADMIN'],
  },
} as const satisfies PermissionSpecs;

/**
 * A tenant key works its own tickets. Internal notes and the history entries about them do not exist for
 * it: the scoped client only ever sees rows with `internal = false`, in reads, nested reads and counts.
 */
const tenantModels = {
  Ticket: { access: 'owned', column: 'tenantId' },
  TicketComment: { access: 'owned', column: 'tenantId', visible: { internal: false } },
  TicketEvent: { access: 'owned', column: 'tenantId', visible: { internal: false } },
  TicketAttachment: { access: 'owned', column: 'tenantId' },
  TicketSlaClock: { access: 'owned', column: 'tenantId' },
} as const satisfies TenantModelSpecs;

const STRATEGIES = enumValues('AssignmentStrategy') as [AssignmentStrategy, ...AssignmentStrategy[]];

const settings = {
  'support.assignmentStrategy': defineSetting<AssignmentStrategy>({
    category: 'SUPPORT',
    description: 'How new, reopened and released tickets go to agents: OFF (they wait unassigned), ROUND_ROBIN or LEAST_LOADED.',
    schema: z.enum(STRATEGIES, `one of ${STRATEGIES.join(', ')}`),
    default: 'OFF',
    input: 'SELECT',
    options: STRATEGIES,
    // Turned on: the tickets that waited while it was off are handed out now.
    onChange: async (tx, { before, after }) => {
      if (before === 'OFF' && after !== 'OFF') await queueWaitingAssignment(tx);
    },
  }),
  'support.slaDefaultTargets': defineSetting({
    category: 'SUPPORT',
    description: 'Business minutes per priority (first response, next response, resolution) of the SLA policies a plan starts with.',
    schema: slaTargetsSchema,
    default: DEFAULT_TARGETS,
    input: 'JSON',
  }),
};

declare module '../settings/registry.ts' {
  interface SettingRegistry extends SettingTypes<typeof settings> {}
}
declare module '../../permissions.ts' {
  interface PermissionRegistry extends PermissionNames<typeof permissions> {}
}
declare module '../../db/tenant-scope.ts' {
  interface TenantModels extends TenantModelAccess<typeof tenantModels> {}
}
declare module '../../events.ts' {
  interface EventMap {
    /** A ticket was created or changed (`kind` says how); never carries comment text. */
    ticketChanged: TicketChanged;
    /** One of a ticket's SLA clocks changed state. */
    ticketSlaChanged: TicketSlaChanged;
  }
}

/** Support tickets: the queue, threads, attachments, the SLA engine and auto-assignment. */
export default defineModule({
  name: 'tickets',
  // In order: a later file reuses the types and enums an earlier one registered.
  graphql: async () => {
    const files = [
      () => import('./schema.ts'), () => import('./tenant-schema.ts'), () => import('./assignment-schema.ts'),
      () => import('./sla-schema.ts'), () => import('./stats-schema.ts'),
    ];
    for (const load of files) await load();
  },
  lists: [ticketsList],
  tasks: [
    ticketNotify, ticketSync, ticketsAssignWaiting, ticketsReleaseAgent, ticketsAttachmentsPrune,
    ticketSlaAtRisk, ticketSlaBreach, ticketSlaPolicyResync, ticketSlaTenantResync,
  ],
  crontab: attachmentsCrontab,
  routes: attachmentRoutes,
  auditActions: {
    'ticket.create': 'Ticket',
    'ticket.update': 'Ticket',
    'ticket.assign': 'Ticket',
    'ticket.comment': 'Ticket',
    'ticket.reply': 'Ticket',
    'ticket.setStatus': 'Ticket',
    'ticket.resolve': 'Ticket',
    'ticket.close': 'Ticket',
    'ticket.reopen': 'Ticket',
    'ticket.bulkUpdate': 'Ticket',
    'ticketSettings.update': 'TicketSettings',
    'agentProfile.update': 'AgentProfile',
    'slaCalendar.create': 'SlaCalendar',
    'slaCalendar.update': 'SlaCalendar',
    'slaCalendar.delete': 'SlaCalendar',
    'slaPolicy.create': 'SlaPolicy',
    'slaPolicy.update': 'SlaPolicy',
    'slaPolicy.delete': 'SlaPolicy',
  },
  onAdminChanged,
  // A plan change moves the tenant's open tickets onto the new plan's SLA policies.
  onTenantChanged: async (tx, change) => {
    if (change.kind === 'planChanged') await queueTenantSlaResync(tx, change.tenantId);
  },
  permissions,
  tenantModels,
  settings,
  seed: seedTickets,
});
