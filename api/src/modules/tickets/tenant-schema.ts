// Tickets in the tenant graph: a key works its own tenant's tickets through its scoped client, which has no
// internal notes or internal history rows at all; search reads the public text only; subscriptions hear
// only the key's tenant, and never of an internal note.
import { z } from 'zod';
import type { Prisma } from '../../db/client.ts';
import { builder } from '../../graphql/builder.ts';
import { tenantScope } from '../../graphql/helpers.ts';
import { InputError, InvalidTransitionError, NotFoundError } from '../../lib/errors.ts';
import type { TicketStatus } from '../../generated/prisma/enums.ts';
import type { TenantScope } from '../../scope.ts';
import { ViewerRef } from '../tenants/schema.ts';
import { TicketChangedEvent, TicketPriorityEnum, TicketStatusCounts, TicketStatusEnum } from './schema.ts';
import { tenantTicketSearch } from './search.ts';
import {
  closeTenantTicket, openTenantTicket, replyToTicket, RequesterBlockedError, tenantTicketCounts, TicketClosedError,
} from './service.ts';

const tenantOnly = { subGraphs: ['tenant'] as ['tenant'] };

const textArg = z.string().trim().max(500, 'at most 500 characters').nullish();

/** The key's own tickets matching the status list and the public-text search. */
async function viewerWhere(scope: TenantScope, args: { status?: readonly TicketStatus[] | null; text?: string | null }): Promise<Prisma.TicketWhereInput> {
  const text = args.text?.trim();
  return {
    status: args.status?.length ? { in: [...args.status] } : undefined,
    id: text ? { in: await tenantTicketSearch(scope, text) } : undefined,
  };
}

builder.objectFields(ViewerRef, (t) => ({
  tickets: t.prismaConnection(
    {
      type: 'Ticket',
      cursor: 'id',
      ...tenantOnly,
      description: "The tenant's own tickets, newest first. `text` searches subjects, descriptions and public replies.",
      args: {
        status: t.arg({ type: [TicketStatusEnum], required: false }),
        text: t.arg.string({ required: false, validate: textArg }),
      },
      resolve: async (query, _viewer, args, ctx) =>
        tenantScope(ctx).db.ticket.findMany({ ...query, where: await viewerWhere(tenantScope(ctx), args), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
      totalCount: async (_viewer, args, ctx) => tenantScope(ctx).db.ticket.count({ where: await viewerWhere(tenantScope(ctx), args) }),
    },
    tenantOnly,
    tenantOnly,
  ),
  ticket: t.prismaField({
    type: 'Ticket',
    nullable: true,
    ...tenantOnly,
    description: 'One of the tenant\'s tickets with its public thread, or null.',
    args: { id: t.arg.id({ validate: z.uuid('not a valid id') }) },
    // The scoped client adds the key's tenant: another tenant's ticket is not found.
    resolve: (query, _viewer, { id }, ctx) => tenantScope(ctx).db.ticket.findUnique({ ...query, where: { id } }),
  }),
  ticketCounts: t.field({
    type: TicketStatusCounts,
    ...tenantOnly,
    description: "The tenant's tickets per status (matching `text`, when given).",
    args: { text: t.arg.string({ required: false, validate: textArg }) },
    resolve: async (_viewer, args, ctx) => tenantTicketCounts(tenantScope(ctx), await viewerWhere(tenantScope(ctx), args)),
  }),
}));

// ─── mutations ───────────────────────────────────────────────────────────────

const RequesterInput = builder.inputType('TicketRequesterInput', {
  ...tenantOnly,
  description: 'The user the ticket is for: by the tenant app\'s id, or by email; created on the fly with name and email when unknown.',
  fields: (t) => ({
    externalId: t.string({ required: false }),
    name: t.string({ required: false }),
    email: t.string({ required: false }),
  }),
});

const ViewerTicketInput = builder.inputType('ViewerTicketInput', {
  ...tenantOnly,
  fields: (t) => ({
    requester: t.field({ type: RequesterInput }),
    subject: t.string(),
    description: t.string({ description: 'Markdown.' }),
    category: t.string({ required: false }),
    priority: t.field({ type: TicketPriorityEnum, required: false }),
  }),
});

const ReplyInput = builder.inputType('TicketReplyInput', {
  ...tenantOnly,
  fields: (t) => ({
    body: t.string({ description: 'Markdown.' }),
    attachmentIds: t.idList({ required: false, description: 'Files uploaded to this ticket and not yet on a comment.' }),
  }),
});

const clean = <T extends object>(input: T) => Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined));

builder.mutationFields((t) => ({
  createViewerTicket: t.prismaField({
    type: 'Ticket',
    ...tenantOnly,
    authScopes: { tenant: true },
    errors: { types: [InputError, RequesterBlockedError], union: tenantOnly, result: tenantOnly },
    description: 'Opens a ticket for one of the tenant\'s users.',
    args: { input: t.arg({ type: ViewerTicketInput }) },
    resolve: (_q, _root, { input }, ctx) =>
      openTenantTicket(tenantScope(ctx), { ...clean(input), requester: clean(input.requester) } as never),
  }),
  replyToTicket: t.prismaField({
    type: 'TicketComment',
    ...tenantOnly,
    authScopes: { tenant: true },
    errors: { types: [InputError, NotFoundError, RequesterBlockedError, TicketClosedError, InvalidTransitionError], union: tenantOnly, result: tenantOnly },
    description: "The requester's reply; a reply to a RESOLVED ticket reopens it.",
    args: { id: t.arg.id(), input: t.arg({ type: ReplyInput }) },
    resolve: (_q, _root, { id, input }, ctx) => replyToTicket(tenantScope(ctx), id, clean(input) as never),
  }),
  closeViewerTicket: t.prismaField({
    type: 'Ticket',
    ...tenantOnly,
    authScopes: { tenant: true },
    errors: { types: [InputError, NotFoundError, InvalidTransitionError], union: tenantOnly, result: tenantOnly },
    description: 'Closes one of the tenant\'s tickets (final).',
    args: { id: t.arg.id() },
    resolve: (_q, _root, { id }, ctx) => closeTenantTicket(tenantScope(ctx), id),
  }),
}));

// ─── subscriptions ───────────────────────────────────────────────────────────

builder.subscriptionField('viewerTicketChanged', (t) =>
  t.field({
    type: TicketChangedEvent,
    ...tenantOnly,
    authScopes: { tenant: true },
    description: "Changes to the tenant's own tickets (or one, when `id` is given). Internal notes are never announced.",
    args: { id: t.arg.id({ required: false }) },
    // The tenant scope hears only its own tenant's events; changes about internal notes are dropped here.
    subscribe: (_root, { id }, ctx) => tenantScope(ctx).subscribe('ticketChanged', (e) => !e.internal && (!id || e.ticketId === id)),
    resolve: (event) => event,
  }),
);
