// Tickets in the admin graph, and the types the tenant graph shares (tenant-schema.ts adds its fields).
// Types are in both graphs; their fields are admin-only unless marked for tenants, and a tenant key reads
// them through its scoped client, which has no internal notes or internal history entries at all.
import { z } from 'zod';
import { bothGraphs as both, builder } from '../../graphql/builder.ts';
import { prismaEnum } from '../../graphql/enums.ts';
import { ErrorInterface } from '../../graphql/errors.ts';
import { adminMutation, adminScope, principalScope, withoutNulls } from '../../graphql/helpers.ts';
import { listFilterRef } from '../../graphql/list.ts';
import { ConflictError, InputError, InvalidTransitionError, NotFoundError } from '../../lib/errors.ts';
import { downloadUrl } from './attachments.ts';
import { bulkUpdateTickets, MAX_BULK_TICKETS, type BulkResult } from './bulk.ts';
import { TICKET_CHANGE_KINDS, type TicketChanged, type TicketSlaChanged } from './history.ts';
import { ticketsList } from './lists.ts';
import { renderMarkdown } from './markdown.ts';
import {
  assignTicket, closeTicket, commentOnTicket, createTicket, reopenTicket, RequesterBlockedError, resolveTicket, setTicketStatus,
  TICKET_STATUSES, TicketClosedError, ticketCounts, ticketReference, updateTicket,
} from './service.ts';

export const TicketStatusEnum = prismaEnum('TicketStatus', both);
export const TicketPriorityEnum = prismaEnum('TicketPriority', both);
export const TicketSourceEnum = prismaEnum('TicketSource', both);
export const TicketActorTypeEnum = prismaEnum('TicketActorType', both);
export const SlaStateEnum = prismaEnum('SlaState');
export const SlaTargetEnum = prismaEnum('SlaTarget');
const TicketEventKindEnum = prismaEnum('TicketEventKind');
export const TicketChangeKindEnum = builder.enumType('TicketChangeKind', { ...both, values: TICKET_CHANGE_KINDS });

/** Longest thread or history a ticket returns in one read. */
export const MAX_THREAD = 500;
const bounded = (first: number | null | undefined, fallback: number) => Math.max(0, Math.min(first ?? fallback, MAX_THREAD));

// ─── errors ──────────────────────────────────────────────────────────────────

builder.objectType(RequesterBlockedError, {
  name: 'RequesterBlockedError',
  ...both,
  description: 'The requester is blocked: they cannot open or reply to tickets.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof RequesterBlockedError,
  fields: (t) => ({ userId: t.exposeID('userId', both) }),
});

builder.objectType(TicketClosedError, {
  name: 'TicketClosedError',
  ...both,
  description: 'The ticket is closed (final): it takes no more changes or comments.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof TicketClosedError,
  fields: (t) => ({ ticketId: t.exposeID('ticketId', both) }),
});

// ─── types ───────────────────────────────────────────────────────────────────

builder.prismaObject('TicketAttachment', {
  ...both,
  description: 'A file on a comment; its content type was sniffed from the bytes.',
  select: { id: true, filename: true, contentType: true, size: true, createdAt: true },
  fields: (t) => ({
    id: t.id({ ...both, resolve: (a) => a.id }),
    filename: t.string({ ...both, resolve: (a) => a.filename }),
    contentType: t.string({ ...both, resolve: (a) => a.contentType }),
    size: t.int({ ...both, description: 'Bytes.', resolve: (a) => a.size }),
    createdAt: t.field({ ...both, type: 'DateTime', resolve: (a) => a.createdAt }),
    downloadUrl: t.string({
      ...both,
      description: "GET it with the admin session, or the owning tenant's key for public comments; served as a download.",
      resolve: (a) => downloadUrl(a.id),
    }),
  }),
});

export const TicketCommentRef = builder.prismaObject('TicketComment', {
  ...both,
  defaultSubGraphsForFields: ['admin'],
  description: 'A public reply or (admins only) an internal note; bodies are Markdown.',
  select: { id: true, ticketId: true, authorType: true, internal: true, body: true, createdAt: true },
  fields: (t) => ({
    id: t.id({ ...both, resolve: (c) => c.id }),
    body: t.string({ ...both, description: 'Markdown source.', resolve: (c) => c.body }),
    bodyHtml: t.string({ ...both, description: 'The body rendered to safe HTML (no raw HTML, safe links only).', resolve: (c) => renderMarkdown(c.body) }),
    internal: t.boolean({ description: 'An internal note: never shown to the tenant.', resolve: (c) => c.internal }),
    authorType: t.field({ ...both, type: TicketActorTypeEnum, description: 'ADMIN: support; REQUESTER: the tenant user.', resolve: (c) => c.authorType }),
    authorUser: t.relation('authorUser', { ...both, nullable: true, description: 'The requester, for their own comments.' }),
    authorAdmin: t.relation('authorAdmin', { nullable: true }),
    createdAt: t.field({ ...both, type: 'DateTime', resolve: (c) => c.createdAt }),
    attachments: t.relation('attachments', { ...both, query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } }),
  }),
});

builder.prismaObject('TicketEvent', {
  description: "One entry of a ticket's history.",
  select: { id: true, kind: true, actorType: true, internal: true, createdAt: true },
  fields: (t) => ({
    id: t.id({ resolve: (e) => e.id }),
    kind: t.field({ type: TicketEventKindEnum, resolve: (e) => e.kind }),
    actorType: t.field({ type: TicketActorTypeEnum, resolve: (e) => e.actorType }),
    actorAdmin: t.relation('actorAdmin', { nullable: true }),
    actorUser: t.relation('actorUser', { nullable: true }),
    from: t.expose('from', { type: 'JSON', nullable: true }),
    to: t.expose('to', { type: 'JSON', nullable: true }),
    message: t.exposeString('message', { nullable: true, description: 'Why, in words ("assigned by round-robin").' }),
    internal: t.boolean({ description: 'About an internal note (never shown to the tenant).', resolve: (e) => e.internal }),
    createdAt: t.field({ type: 'DateTime', resolve: (e) => e.createdAt }),
  }),
});

const publicThread = { where: { internal: false }, orderBy: [{ createdAt: 'desc' as const }, { id: 'desc' as const }], take: 1 };

export const TicketRef = builder.prismaObject('Ticket', {
  ...both,
  defaultSubGraphsForFields: ['admin'],
  description: 'A support ticket of a tenant user.',
  // The queue's columns, read straight off the row; the description and relations only when asked.
  select: {
    id: true, number: true, tenantId: true, subject: true, category: true, tags: true, priority: true, status: true, source: true,
    assigneeId: true, createdAt: true, updatedAt: true, slaState: true, slaDueAt: true, firstResponseDueAt: true,
    nextResponseDueAt: true, resolutionDueAt: true,
  },
  fields: (t) => ({
    id: t.id({ ...both, resolve: (r) => r.id }),
    number: t.int({ ...both, resolve: (r) => r.number }),
    reference: t.string({ ...both, description: 'Human reference, `T-1042`.', resolve: (r) => ticketReference(r.number) }),
    tenantId: t.id({ resolve: (r) => r.tenantId }),
    tenant: t.relation('tenant'),
    requester: t.relation('requester', both),
    subject: t.string({ ...both, resolve: (r) => r.subject }),
    description: t.exposeString('description', { ...both, description: 'Markdown source.' }),
    descriptionHtml: t.string({ ...both, select: { description: true }, description: 'The description rendered to safe HTML.', resolve: (r) => renderMarkdown(r.description) }),
    category: t.string({ ...both, nullable: true, resolve: (r) => r.category }),
    tags: t.stringList({ resolve: (r) => r.tags }),
    priority: t.field({ ...both, type: TicketPriorityEnum, resolve: (r) => r.priority }),
    status: t.field({ ...both, type: TicketStatusEnum, resolve: (r) => r.status }),
    source: t.field({ ...both, type: TicketSourceEnum, resolve: (r) => r.source }),
    assignee: t.relation('assignee', { nullable: true }),
    createdAt: t.field({ ...both, type: 'DateTime', resolve: (r) => r.createdAt }),
    updatedAt: t.field({ ...both, type: 'DateTime', resolve: (r) => r.updatedAt }),
    firstRespondedAt: t.expose('firstRespondedAt', { ...both, type: 'DateTime', nullable: true, description: 'The first public admin reply.' }),
    awaitingReplySince: t.expose('awaitingReplySince', { type: 'DateTime', nullable: true, description: "The requester's oldest comment still without a public answer." }),
    resolvedAt: t.expose('resolvedAt', { ...both, type: 'DateTime', nullable: true }),
    closedAt: t.expose('closedAt', { ...both, type: 'DateTime', nullable: true }),
    slaState: t.field({ type: SlaStateEnum, resolve: (r) => r.slaState }),
    firstResponseDueAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => r.firstResponseDueAt }),
    nextResponseDueAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => r.nextResponseDueAt }),
    resolutionDueAt: t.field({ type: 'DateTime', nullable: true, resolve: (r) => r.resolutionDueAt }),
    slaDueAt: t.field({ type: 'DateTime', nullable: true, description: 'The earliest running SLA deadline.', resolve: (r) => r.slaDueAt }),
    comments: t.relation('comments', {
      ...both,
      description: `The thread, oldest first (up to ${MAX_THREAD}). A tenant key sees public comments only.`,
      args: { first: t.arg.int({ required: false, defaultValue: 100 }) },
      query: ({ first }) => ({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: bounded(first, 100) }),
    }),
    lastPublicComment: t.field({
      ...both,
      type: TicketCommentRef,
      nullable: true,
      description: 'The newest public comment (either side).',
      select: (_args, _ctx, nested) => ({ comments: nested(publicThread) }),
      resolve: (r) => r.comments[0] ?? null,
    }),
    history: t.relation('events', {
      description: `What happened to the ticket, oldest first (up to ${MAX_THREAD}).`,
      args: { first: t.arg.int({ required: false, defaultValue: 200 }) },
      query: ({ first }) => ({ orderBy: [{ createdAt: 'asc' }, { seq: 'asc' }], take: bounded(first, 200) }),
    }),
  }),
});

const TicketStatusCounts = builder.objectRef<Record<string, number>>('TicketStatusCounts').implement({
  ...both,
  description: 'Tickets per status, and their total.',
  fields: (t) => ({
    ...Object.fromEntries(TICKET_STATUSES.map((s) => [s, t.exposeInt(s, both)])),
    total: t.exposeInt('total', both),
  }),
});
export { TicketStatusCounts };

const filterArg = { type: listFilterRef(ticketsList), required: false, description: 'The tickets list filter.' } as const;

builder.queryFields((t) => ({
  ticket: t.prismaField({
    type: 'Ticket',
    nullable: true,
    authScopes: { permission: 'READ' },
    args: { id: t.arg.id({ validate: z.uuid('not a valid id') }) },
    resolve: (query, _root, { id }, ctx) => adminScope(ctx).db.ticket.findUnique({ ...query, where: { id } }),
  }),
  ticketCounts: t.field({
    type: TicketStatusCounts,
    authScopes: { permission: 'READ' },
    description: 'Tickets per status matching the filter: the queue\'s totals, and the count a bulk action by filter confirms first.',
    args: { filter: t.arg(filterArg) },
    resolve: (_root, { filter }, ctx) => ticketCounts(adminScope(ctx), filter ?? {}),
  }),
}));

// ─── mutations ───────────────────────────────────────────────────────────────

const NewRequesterInput = builder.inputType('NewRequesterInput', {
  description: 'A requester found by email in the tenant, or created with this name and email.',
  fields: (t) => ({ name: t.string(), email: t.string() }),
});

const CreateTicketInput = builder.inputType('CreateTicketInput', {
  fields: (t) => ({
    tenantId: t.id(),
    requesterId: t.id({ required: false, description: 'A user of the tenant; or give `requester`.' }),
    requester: t.field({ type: NewRequesterInput, required: false }),
    subject: t.string(),
    description: t.string({ description: 'Markdown.' }),
    category: t.string({ required: false }),
    tags: t.stringList({ required: false }),
    priority: t.field({ type: TicketPriorityEnum, required: false }),
  }),
});

const UpdateTicketInput = builder.inputType('UpdateTicketInput', {
  description: 'Omitted fields are kept.',
  fields: (t) => ({
    subject: t.string({ required: false }),
    category: t.string({ required: false }),
    clearCategory: t.boolean({ required: false, description: 'Removes the category.' }),
    tags: t.stringList({ required: false, description: 'The full new list of tags.' }),
    priority: t.field({ type: TicketPriorityEnum, required: false }),
  }),
});

const CommentInput = builder.inputType('TicketCommentInput', {
  fields: (t) => ({
    body: t.string({ description: 'Markdown.' }),
    internal: t.boolean({ required: false, defaultValue: false, description: 'An internal note: admins only, never shown to the tenant.' }),
    attachmentIds: t.idList({ required: false, description: 'Files uploaded to this ticket and not yet on a comment.' }),
  }),
});

const BulkSelectionInput = builder.inputType('TicketBulkSelection', {
  description: `The tickets to change: by id, or every ticket matching a filter (at most ${MAX_BULK_TICKETS}; confirm the count with ticketCounts first).`,
  fields: (t) => ({
    ids: t.idList({ required: false }),
    filter: t.field({ type: listFilterRef(ticketsList), required: false }),
  }),
});

const BulkChangesInput = builder.inputType('TicketBulkChanges', {
  description: 'What to change on each selected ticket; omitted fields are left alone.',
  fields: (t) => ({
    assigneeId: t.id({ required: false }),
    unassign: t.boolean({ required: false }),
    status: t.field({ type: TicketStatusEnum, required: false }),
    priority: t.field({ type: TicketPriorityEnum, required: false }),
    addTag: t.string({ required: false }),
  }),
});

const BulkFailureRef = builder.objectRef<BulkResult['failures'][number]>('TicketBulkFailure').implement({
  description: 'A ticket the bulk action could not change, and why.',
  fields: (t) => ({
    ticketId: t.exposeID('ticketId'),
    code: t.exposeString('code', { description: 'The error type, e.g. InvalidTransitionError.' }),
    message: t.exposeString('message'),
  }),
});

const BulkResultRef = builder.objectRef<BulkResult>('TicketBulkResult').implement({
  fields: (t) => ({
    matched: t.exposeInt('matched', { description: 'Tickets selected.' }),
    changed: t.exposeInt('changed'),
    unchanged: t.exposeInt('unchanged', { description: 'Already as asked.' }),
    failures: t.field({ type: [BulkFailureRef], resolve: (r) => r.failures }),
  }),
});

const ticketErrors = [InputError, NotFoundError, TicketClosedError] as const;

builder.mutationFields((t) => ({
  createTicket: t.prismaField({
    type: 'Ticket',
    ...adminMutation('TICKETS_WRITE', 'ticket.create', [InputError, NotFoundError, ConflictError, RequesterBlockedError]),
    description: "Opens a ticket for a tenant's user (found by email, or created, when `requester` is given).",
    args: { input: t.arg({ type: CreateTicketInput }) },
    resolve: (_q, _root, { input }, ctx) => createTicket(adminScope(ctx), withoutNulls(input) as never),
  }),
  updateTicket: t.prismaField({
    type: 'Ticket',
    ...adminMutation('TICKETS_WRITE', 'ticket.update', ticketErrors),
    args: { id: t.arg.id(), input: t.arg({ type: UpdateTicketInput }) },
    resolve: (_q, _root, { id, input }, ctx) => {
      const { clearCategory, ...rest } = withoutNulls(input);
      return updateTicket(adminScope(ctx), id, { ...rest, ...(clearCategory ? { category: null } : {}) });
    },
  }),
  assignTicket: t.prismaField({
    type: 'Ticket',
    ...adminMutation('TICKETS_WRITE', 'ticket.assign', ticketErrors),
    description: 'Gives the ticket to an admin, or takes it back (`assigneeId: null`).',
    args: { id: t.arg.id(), assigneeId: t.arg.id({ required: false }) },
    resolve: (_q, _root, { id, assigneeId }, ctx) => assignTicket(adminScope(ctx), id, assigneeId ?? null),
  }),
  commentOnTicket: t.prismaField({
    type: 'TicketComment',
    ...adminMutation('TICKETS_WRITE', 'ticket.comment', [...ticketErrors, InvalidTransitionError]),
    description: 'A public reply (emailed to the requester; the first one is the first response) or an internal note.',
    args: { id: t.arg.id(), input: t.arg({ type: CommentInput }) },
    resolve: (_q, _root, { id, input }, ctx) => commentOnTicket(adminScope(ctx), id, withoutNulls(input) as never),
  }),
  setTicketStatus: t.prismaField({
    type: 'Ticket',
    ...adminMutation('TICKETS_WRITE', 'ticket.setStatus', [InputError, NotFoundError, InvalidTransitionError]),
    description: 'Moves the ticket to a status its lifecycle allows from where it is.',
    args: { id: t.arg.id(), status: t.arg({ type: TicketStatusEnum }) },
    resolve: (_q, _root, { id, status }, ctx) => setTicketStatus(adminScope(ctx), id, status),
  }),
  resolveTicket: t.prismaField({
    type: 'Ticket',
    ...adminMutation('TICKETS_WRITE', 'ticket.resolve', [InputError, NotFoundError, InvalidTransitionError]),
    args: { id: t.arg.id() },
    resolve: (_q, _root, { id }, ctx) => resolveTicket(adminScope(ctx), id),
  }),
  closeTicket: t.prismaField({
    type: 'Ticket',
    ...adminMutation('TICKETS_WRITE', 'ticket.close', [InputError, NotFoundError, InvalidTransitionError]),
    description: 'Closes the ticket: final.',
    args: { id: t.arg.id() },
    resolve: (_q, _root, { id }, ctx) => closeTicket(adminScope(ctx), id),
  }),
  reopenTicket: t.prismaField({
    type: 'Ticket',
    ...adminMutation('TICKETS_WRITE', 'ticket.reopen', [InputError, NotFoundError, InvalidTransitionError]),
    args: { id: t.arg.id() },
    resolve: (_q, _root, { id }, ctx) => reopenTicket(adminScope(ctx), id),
  }),
  bulkUpdateTickets: t.field({
    type: BulkResultRef,
    ...adminMutation('TICKETS_WRITE', 'ticket.bulkUpdate', [InputError]),
    description: 'Changes each selected ticket in its own audited transaction; tickets that cannot change are reported, not fatal.',
    args: { selection: t.arg({ type: BulkSelectionInput }), changes: t.arg({ type: BulkChangesInput }) },
    resolve: (_root, { selection, changes }, ctx) => bulkUpdateTickets(adminScope(ctx), withoutNulls(selection), withoutNulls(changes)),
  }),
}));

// ─── subscriptions ───────────────────────────────────────────────────────────

export const TicketChangedEvent = builder.objectRef<TicketChanged>('TicketChangedEvent').implement({
  ...both,
  defaultSubGraphsForFields: ['admin'],
  description: 'A ticket was created or changed. Carries no comment text.',
  fields: (t) => ({
    ticketId: t.exposeID('ticketId', both),
    tenantId: t.exposeID('tenantId'),
    number: t.exposeInt('number', both),
    reference: t.string({ ...both, resolve: (e) => ticketReference(e.number) }),
    kind: t.field({ ...both, type: TicketChangeKindEnum, resolve: (e) => e.kind }),
    status: t.field({ ...both, type: TicketStatusEnum, resolve: (e) => e.status }),
    priority: t.field({ ...both, type: TicketPriorityEnum, resolve: (e) => e.priority }),
    assigneeId: t.exposeID('assigneeId', { nullable: true }),
    slaState: t.field({ type: SlaStateEnum, resolve: (e) => e.slaState }),
    ticket: t.prismaField({
      ...both,
      type: 'Ticket',
      nullable: true,
      description: 'The ticket as it is now (through the caller\'s own access: a tenant key reads its own tickets only).',
      resolve: (query, e, _args, ctx) => principalScope(ctx).db.ticket.findUnique({ ...query, where: { id: e.ticketId } }),
    }),
  }),
});

const TicketSlaChangedEvent = builder.objectRef<TicketSlaChanged>('TicketSlaChangedEvent').implement({
  description: "One of a ticket's SLA clocks changed state (at risk, breached, met, paused).",
  fields: (t) => ({
    ticketId: t.exposeID('ticketId'),
    tenantId: t.exposeID('tenantId'),
    target: t.field({ type: SlaTargetEnum, resolve: (e) => e.target }),
    state: t.field({ type: SlaStateEnum, resolve: (e) => e.state }),
    ticket: t.prismaField({
      type: 'Ticket',
      nullable: true,
      resolve: (query, e, _args, ctx) => adminScope(ctx).db.ticket.findUnique({ ...query, where: { id: e.ticketId } }),
    }),
  }),
});

builder.subscriptionFields((t) => ({
  ticketChanged: t.field({
    type: TicketChangedEvent,
    authScopes: { permission: 'READ' },
    description: 'Every change to any ticket, or to one ticket when `id` is given.',
    args: { id: t.arg.id({ required: false }) },
    subscribe: (_root, { id }, ctx) => ctx.subscribe('ticketChanged', (e) => !id || e.ticketId === id),
    resolve: (event) => event,
  }),
  ticketSlaChanged: t.field({
    type: TicketSlaChangedEvent,
    authScopes: { permission: 'READ' },
    description: 'SLA clock changes of every ticket, or of one ticket when `id` is given.',
    args: { id: t.arg.id({ required: false }) },
    subscribe: (_root, { id }, ctx) => ctx.subscribe('ticketSlaChanged', (e) => !id || e.ticketId === id),
    resolve: (event) => event,
  }),
}));
