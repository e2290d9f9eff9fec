// Tickets: opening, editing, assigning, the thread and the status machine, for admins (full client, audited)
// and for tenant keys (the scoped client: their own tickets, public comments only).
import { z } from 'zod';
import type { Prisma } from '../../db/client.ts';
import type { Ticket, TicketComment, User } from '../../generated/prisma/client.ts';
import type { TicketPriority, TicketSource, TicketStatus } from '../../generated/prisma/enums.ts';
import { DomainError, InputError, InvalidTransitionError, parseInput } from '../../lib/errors.ts';
import { enumValues } from '../../lib/list.ts';
import { findOrNotFound } from '../../lib/records.ts';
import { email, id as idSchema, name, text } from '../../lib/strings.ts';
import { transaction, type PlatformScope, type SystemScope, type TenantScope } from '../../scope.ts';
import { changedFields } from '../audit/diff.ts';
import { runAudited, type AuditedTransaction } from '../audit/service.ts';
import { autoAssign, queueWaitingAssignment } from './assignment.ts';
import { recordTicketEvent, ticketChange, type TenantTx, type TicketActor, type TicketChangeKind, type Tx } from './history.ts';
import { actionFor, ticketLifecycle, type TicketAction } from './lifecycle.ts';
import { ticketsList } from './lists.ts';
import { notifyTicket } from './notifications.ts';
import { syncTicketSla, type SlaChange } from './sla.ts';

export const TICKET_STATUSES = enumValues('TicketStatus');
export const TICKET_PRIORITIES = enumValues('TicketPriority');

export const ticketReference = (number: number) => `T-${number}`;

// ─── errors ──────────────────────────────────────────────────────────────────

/** The requester is blocked: they can neither open a ticket nor reply to one. */
export class RequesterBlockedError extends DomainError {
  override name = 'RequesterBlockedError';
  constructor(readonly userId: string) {
    super(`User ${userId} is blocked and cannot open or reply to tickets`);
  }
}

/** The ticket is CLOSED: it is final and takes no more changes or comments. */
export class TicketClosedError extends DomainError {
  override name = 'TicketClosedError';
  constructor(readonly ticketId: string) {
    super(`Ticket ${ticketId} is closed and can no longer be changed`);
  }
}

// ─── input ───────────────────────────────────────────────────────────────────

export const MAX_TAGS = 20;
export const MAX_ATTACHMENTS_PER_COMMENT = 20;

const tag = text({ min: 1, max: 50 }).toLowerCase().regex(/^[\p{L}\p{N}][\p{L}\p{N} ._:/-]*$/u, 'letters, digits, spaces and . _ : / -');
const tags = z.array(tag).max(MAX_TAGS, `at most ${MAX_TAGS} tags`).transform((list) => [...new Set(list)]);
const subject = text({ min: 1, max: 300 });
const body = text({ min: 1, max: 50_000 });
const category = text({ min: 1, max: 100 });
const priority = z.enum(TICKET_PRIORITIES as [TicketPriority, ...TicketPriority[]], `one of ${TICKET_PRIORITIES.join(', ')}`);
const status = z.enum(TICKET_STATUSES as [TicketStatus, ...TicketStatus[]], `one of ${TICKET_STATUSES.join(', ')}`);
const attachmentIds = z.array(idSchema).max(MAX_ATTACHMENTS_PER_COMMENT, `at most ${MAX_ATTACHMENTS_PER_COMMENT} attachments`).default([]);

const newRequester = z.object({ name: name(), email });

export const createTicketSchema = z
  .object({
    tenantId: idSchema,
    requesterId: idSchema.optional(),
    requester: newRequester.optional(),
    subject,
    description: body,
    category: category.nullish(),
    tags: tags.default([]),
    priority: priority.default('NORMAL'),
  })
  .refine((v) => !!v.requesterId !== !!v.requester, { message: 'give requesterId or requester (name and email), not both', path: ['requesterId'] });
export type CreateTicketInput = z.input<typeof createTicketSchema>;

export const updateTicketSchema = z.object({
  subject: subject.optional(),
  category: category.nullish(),
  tags: tags.optional(),
  priority: priority.optional(),
});
export type UpdateTicketInput = z.input<typeof updateTicketSchema>;

export const commentSchema = z.object({ body, internal: z.boolean().default(false), attachmentIds });
export type CommentInput = z.input<typeof commentSchema>;

export const tenantTicketSchema = z.object({
  requester: z
    .object({ externalId: text({ min: 1, max: 255 }).optional(), name: name().optional(), email: email.optional() })
    .refine((r) => !!r.externalId || !!r.email, { message: 'give externalId, or name and email', path: ['externalId'] }),
  subject,
  description: body,
  category: category.nullish(),
  priority: priority.default('NORMAL'),
});
export type TenantTicketInput = z.input<typeof tenantTicketSchema>;

export const replySchema = z.object({ body, attachmentIds });
export type ReplyInput = z.input<typeof replySchema>;

export const statusSchema = z.object({ status });

// ─── shared steps ────────────────────────────────────────────────────────────

type AnyTx = Tx | TenantTx;
/** Ticket rows through either client (the tenant-scoped one has the same delegates, confined). */
type TicketDb = Pick<Prisma.TransactionClient, 'ticket' | 'ticketComment' | 'ticketAttachment' | 'user'>;
const dbOf = (tx: AnyTx) => tx.db as unknown as TicketDb;

function lockTicket(tx: AnyTx, id: string, field = 'id'): Promise<Ticket> {
  return findOrNotFound('Ticket', id, (id) => dbOf(tx).ticket.findUnique({ where: { id } }), { lock: tx, field });
}

function assertOpenForChanges(ticket: Ticket): void {
  if (ticket.status === 'CLOSED') throw new TicketClosedError(ticket.id);
}

function assertNotBlocked(user: Pick<User, 'id' | 'blockedAt'>): void {
  if (user.blockedAt) throw new RequesterBlockedError(user.id);
}

/** What moving to `to` writes besides the status. */
function statusData(to: TicketStatus, now: Date): Prisma.TicketUpdateInput {
  switch (to) {
    case 'RESOLVED':
      return { status: to, resolvedAt: now };
    case 'CLOSED':
      return { status: to, closedAt: now };
    case 'OPEN':
      return { status: to, resolvedAt: null };
    default:
      return { status: to };
  }
}

/**
 * Moves a ticket through its lifecycle: read, lock, re-read and check (a state that changed while the
 * request waited is an InvalidTransitionError), then write the status and its history entry.
 */
async function moveStatus(tx: AnyTx, id: string, action: TicketAction, options: { actor?: TicketActor; message?: string } = {}) {
  const db = dbOf(tx);
  const { before, to } = await ticketLifecycle.begin(tx, id, action, (id) => db.ticket.findUnique({ where: { id } }));
  const now = new Date();
  const after = await db.ticket.update({ where: { id }, data: { ...statusData(to, now), lastActivityAt: now } });
  await recordTicketEvent(tx, {
    ticketId: id, tenantId: after.tenantId, kind: 'STATUS_CHANGED', from: { status: before.status }, to: { status: to },
    message: options.message, actor: options.actor,
  });
  if (to === 'RESOLVED') await notifyTicket(tx, 'resolved', id, { moment: now });
  return { before, after };
}

/** Attaches uploaded files (of this ticket, not yet on a comment) to a new comment. */
async function linkAttachments(tx: AnyTx, ticketId: string, commentId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const unique = [...new Set(ids)];
  const { count } = await dbOf(tx).ticketAttachment.updateMany({ where: { id: { in: unique }, ticketId, commentId: null }, data: { commentId } });
  if (count !== unique.length) {
    throw InputError.field(['input', 'attachmentIds'], 'each id must be a file uploaded to this ticket and not yet attached to a comment');
  }
}

async function publish(tx: AnyTx, ticket: Ticket, kind: TicketChangeKind, internal = false): Promise<void> {
  await tx.publish('ticketChanged', ticketChange(ticket, kind, internal));
}

/** Recomputes the SLA clocks after a change, in its transaction; returns the ticket as it is now. */
async function syncSla(tx: Tx, id: string, why: SlaChange): Promise<Ticket> {
  await syncTicketSla(tx, id, why);
  return tx.db.ticket.findUniqueOrThrow({ where: { id } });
}

/** When auto-assignment gave the ticket to an agent: the agent is emailed and the change announced. */
async function announceAssignment(tx: Tx, before: Pick<Ticket, 'assigneeId'>, after: Ticket): Promise<void> {
  if (before.assigneeId || !after.assigneeId) return;
  await notifyTicket(tx, 'assigned', after.id, { moment: `${after.assigneeId}@${after.assignedAt?.toISOString() ?? ''}` });
  await publish(tx, after, 'assigned');
}

/** Capacity frees when an assigned ticket is resolved, closed or taken from its agent: waiting tickets move up. */
async function capacityFreed(tx: AnyTx, before: Pick<Ticket, 'assigneeId'>): Promise<void> {
  if (before.assigneeId) await queueWaitingAssignment(tx);
}

// ─── admin: create and edit ──────────────────────────────────────────────────

/** The requester by id (in the tenant), or found by email in the tenant, or created from name and email. */
async function requesterFor(tx: AuditedTransaction<PlatformScope>, data: z.output<typeof createTicketSchema>): Promise<User> {
  if (data.requesterId) {
    const user = await findOrNotFound('User', data.requesterId, (id) => tx.db.user.findUnique({ where: { id } }), { field: 'input.requesterId' });
    if (user.tenantId !== data.tenantId) throw InputError.field(['input', 'requesterId'], 'the user belongs to another tenant');
    return user;
  }
  return findOrCreateByEmail(tx.db, data.tenantId, data.requester!.name, data.requester!.email);
}

/** A tenant user by email, or a new one (external id `email:<address>`: the unique key settles a race). */
async function findOrCreateByEmail(db: TicketDb, tenantId: string, userName: string | undefined, address: string): Promise<User> {
  const known = await db.user.findFirst({ where: { tenantId, email: address }, orderBy: { createdAt: 'asc' } });
  if (known) return known;
  return db.user.upsert({
    where: { tenantId_externalId: { tenantId, externalId: `email:${address}` } },
    create: { tenantId, externalId: `email:${address}`, email: address, name: userName ?? null },
    update: {},
  });
}

/** An admin opens a ticket for a tenant's user (found or created on the fly). */
export async function createTicket(scope: PlatformScope, input: CreateTicketInput): Promise<Ticket> {
  const data = parseInput(createTicketSchema, input);
  return runAudited(scope, (tx) => applyCreate(tx, data));
}

/**
 * Opens a ticket inside an audited transaction: history, SLA clocks, auto-assignment and the requester's
 * email, as every ticket gets. `source` says where it came from (an admin, or an alert's channel).
 */
async function applyCreate(tx: AuditedTransaction<PlatformScope>, data: z.output<typeof createTicketSchema>, source: TicketSource = 'ADMIN'): Promise<Ticket> {
  const scope = tx.scope;
  await findOrNotFound('Tenant', data.tenantId, (id) => tx.db.tenant.findUnique({ where: { id }, select: { id: true } }), { field: 'input.tenantId' });
  const requester = await requesterFor(tx, data);
  assertNotBlocked(requester);
  const ticket = await tx.db.ticket.create({
    data: {
      tenantId: data.tenantId, requesterId: requester.id, subject: data.subject, description: data.description,
      category: data.category ?? null, tags: data.tags, priority: data.priority, source,
      createdById: scope.principal.kind === 'admin' ? scope.principal.userId : null,
    },
  });
  await recordTicketEvent(tx, { ticketId: ticket.id, tenantId: ticket.tenantId, kind: 'CREATED', to: { status: ticket.status, priority: ticket.priority } });
  await tx.audit({ action: 'ticket.create', targetType: 'Ticket', targetId: ticket.id, tenantId: ticket.tenantId, after: ticket });
  await notifyTicket(tx, 'received', ticket.id, { moment: 'created' });
  await autoAssign(tx, ticket.id, 'created');
  const after = await syncSla(tx, ticket.id, 'created');
  await publish(tx, after, 'created');
  await announceAssignment(tx, ticket, after);
  return after;
}

/** Opens a ticket from another module's audited transaction (input validated here, as `createTicket` does). */
export function openTicketIn(tx: AuditedTransaction<PlatformScope>, input: CreateTicketInput, source: TicketSource): Promise<Ticket> {
  return applyCreate(tx, parseInput(createTicketSchema, input), source);
}

const FIELD_EVENTS = { subject: 'SUBJECT_CHANGED', category: 'CATEGORY_CHANGED', tags: 'TAGS_CHANGED', priority: 'PRIORITY_CHANGED' } as const;

/** Edits subject, category, tags or priority; each changed field gets its history entry. */
export async function updateTicket(scope: PlatformScope, id: string, input: UpdateTicketInput): Promise<Ticket> {
  const data = parseInput(updateTicketSchema, input);
  return runAudited(scope, (tx) => applyUpdate(tx, id, data));
}

async function applyUpdate(tx: AuditedTransaction<PlatformScope>, id: string, data: z.output<typeof updateTicketSchema>, action = 'ticket.update'): Promise<Ticket> {
  const before = await lockTicket(tx, id);
  assertOpenForChanges(before);
  const changed = changedFields(before, data) as (keyof typeof FIELD_EVENTS)[];
  if (changed.length === 0) return tx.unchanged(before);
  const patch = Object.fromEntries(changed.map((field) => [field, data[field] ?? null]));
  const updated = await tx.db.ticket.update({ where: { id }, data: { ...patch, lastActivityAt: new Date() } });
  const after = changed.includes('priority') ? await syncSla(tx, id, 'priority') : updated;
  for (const field of changed) {
    await recordTicketEvent(tx, {
      ticketId: id, tenantId: after.tenantId, kind: FIELD_EVENTS[field], from: { [field]: before[field] }, to: { [field]: after[field] },
    });
  }
  await tx.audit({ action, targetType: 'Ticket', targetId: id, tenantId: after.tenantId, before, after });
  await publish(tx, after, 'updated');
  return after;
}

/** Gives the ticket to an active admin, or takes it back (null). */
export async function assignTicket(scope: PlatformScope, id: string, assigneeId: string | null): Promise<Ticket> {
  if (assigneeId !== null && !idSchema.safeParse(assigneeId).success) throw InputError.field('assigneeId', 'not a valid id');
  return runAudited(scope, (tx) => applyAssign(tx, id, assigneeId));
}

async function applyAssign(tx: AuditedTransaction<PlatformScope>, id: string, assigneeId: string | null, action = 'ticket.assign'): Promise<Ticket> {
  const before = await lockTicket(tx, id);
  assertOpenForChanges(before);
  if (assigneeId) {
    const admin = await findOrNotFound('AdminUser', assigneeId, (id) => tx.db.adminUser.findUnique({ where: { id }, select: { active: true, name: true } }), {
      field: 'assigneeId',
    });
    if (!admin.active) throw InputError.field('assigneeId', 'the admin is deactivated');
  }
  if (before.assigneeId === assigneeId) return tx.unchanged(before);
  const now = new Date();
  const after = await tx.db.ticket.update({ where: { id }, data: { assigneeId, assignedAt: assigneeId ? now : null, lastActivityAt: now } });
  await recordTicketEvent(tx, {
    ticketId: id, tenantId: after.tenantId, kind: assigneeId ? 'ASSIGNED' : 'UNASSIGNED',
    from: { assigneeId: before.assigneeId }, to: { assigneeId }, message: assigneeId ? 'assigned by hand' : 'unassigned by hand',
  });
  const actor = tx.scope.principal.kind === 'admin' ? tx.scope.principal.userId : null;
  if (assigneeId && assigneeId !== actor) await notifyTicket(tx, 'assigned', id, { moment: `${assigneeId}@${now.toISOString()}` });
  await tx.audit({ action, targetType: 'Ticket', targetId: id, tenantId: after.tenantId, before, after });
  await capacityFreed(tx, before);
  await publish(tx, after, 'assigned');
  return after;
}

// ─── admin: comments ─────────────────────────────────────────────────────────

/**
 * An admin's public reply or internal note. The first admin action opens a NEW ticket; a public reply
 * records the first response and answers the requester's waiting comment.
 */
export async function commentOnTicket(scope: PlatformScope, id: string, input: CommentInput): Promise<TicketComment> {
  const data = parseInput(commentSchema, input);
  return runAudited(scope, (tx) => applyComment(tx, id, data));
}

/** Comments from another module's audited transaction: a public reply is a response, as `commentOnTicket`'s is. */
export function commentOnTicketIn(tx: AuditedTransaction<PlatformScope>, id: string, input: CommentInput): Promise<TicketComment> {
  return applyComment(tx, id, parseInput(commentSchema, input));
}

async function applyComment(tx: AuditedTransaction<PlatformScope>, id: string, data: z.output<typeof commentSchema>): Promise<TicketComment> {
  const scope = tx.scope;
  const ticket = await lockTicket(tx, id);
  assertOpenForChanges(ticket);
  const now = new Date();
  const comment = await tx.db.ticketComment.create({
    data: {
      ticketId: id, tenantId: ticket.tenantId, body: data.body, internal: data.internal, authorType: scope.principal.kind === 'admin' ? 'ADMIN' : 'SYSTEM',
      authorAdminId: scope.principal.kind === 'admin' ? scope.principal.userId : null,
    },
  });
  await linkAttachments(tx, id, comment.id, data.attachmentIds);
  const opened = ticket.status === 'NEW';
  if (opened) await moveStatus(tx, id, 'open', { message: 'opened by the first admin action' });
  const updated = await tx.db.ticket.update({
    where: { id },
    data: data.internal
      ? { lastActivityAt: now }
      : { lastActivityAt: now, firstRespondedAt: ticket.firstRespondedAt ?? now, awaitingReplySince: null },
  });
  await recordTicketEvent(tx, {
    ticketId: id, tenantId: ticket.tenantId, kind: data.internal ? 'INTERNAL_NOTE' : 'COMMENTED', internal: data.internal, to: { commentId: comment.id },
  });
  // A public reply is a response (first or next); an internal note only moves the clocks by opening the ticket.
  const after = !data.internal ? await syncSla(tx, id, 'adminReply') : opened ? await syncSla(tx, id, 'status') : updated;
  if (!data.internal) await notifyTicket(tx, 'reply', id, { commentId: comment.id });
  await tx.audit({
    action: 'ticket.comment', targetType: 'Ticket', targetId: id, tenantId: ticket.tenantId,
    after: { commentId: comment.id, internal: comment.internal, attachmentIds: data.attachmentIds },
  });
  await publish(tx, after, data.internal ? 'noted' : 'commented', data.internal);
  return comment;
}

// ─── admin: status ───────────────────────────────────────────────────────────

const STATUS_AUDIT: Record<TicketAction, string> = {
  open: 'ticket.setStatus', pend: 'ticket.setStatus', hold: 'ticket.setStatus', resume: 'ticket.setStatus',
  resolve: 'ticket.resolve', close: 'ticket.close', reopen: 'ticket.reopen',
};

async function applyTransition(tx: AuditedTransaction<PlatformScope>, id: string, action: TicketAction, auditAction = STATUS_AUDIT[action]): Promise<Ticket> {
  const { before, after: moved } = await moveStatus(tx, id, action);
  await tx.audit({ action: auditAction, targetType: 'Ticket', targetId: id, tenantId: moved.tenantId, before, after: moved });
  if (moved.status === 'RESOLVED' || moved.status === 'CLOSED') await capacityFreed(tx, before);
  if (action === 'reopen') await autoAssign(tx, id, 'reopened');
  const after = await syncSla(tx, id, action === 'reopen' ? 'reopened' : 'status');
  await publish(tx, after, 'statusChanged');
  await announceAssignment(tx, moved, after);
  return after;
}

/** The action that leads from the ticket's status (as read now) to `to`; the lifecycle re-checks it under the lock. */
async function actionTowards(tx: AnyTx, id: string, to: TicketStatus): Promise<TicketAction> {
  const current = await findOrNotFound('Ticket', id, (id) => dbOf(tx).ticket.findUnique({ where: { id }, select: { status: true } }));
  const action = actionFor(current.status, to);
  if (!action) throw new InvalidTransitionError('Ticket', current.status, to);
  return action;
}

export async function setTicketStatus(scope: PlatformScope, id: string, to: TicketStatus): Promise<Ticket> {
  const { status: target } = parseInput(statusSchema, { status: to }, []);
  return runAudited(scope, async (tx) => applyTransition(tx, id, await actionTowards(tx, id, target), 'ticket.setStatus'));
}

export const resolveTicket = (scope: PlatformScope, id: string) => runAudited(scope, (tx) => applyTransition(tx, id, 'resolve'));
export const closeTicket = (scope: PlatformScope, id: string) => runAudited(scope, (tx) => applyTransition(tx, id, 'close'));
export const reopenTicket = (scope: PlatformScope, id: string) => runAudited(scope, (tx) => applyTransition(tx, id, 'reopen'));

/** For bulk actions: one ticket's change inside its own audited transaction. */
export const ticketSteps = { applyUpdate, applyAssign, applyTransition, actionTowards };

// ─── tenant graph ────────────────────────────────────────────────────────────

/** The requester named by the tenant app: by external id, or by email, created on the fly when unknown. */
async function tenantRequester(tx: TenantTx, requester: z.output<typeof tenantTicketSchema>['requester']): Promise<User> {
  const db = dbOf(tx);
  const tenantId = tx.scope.principal.tenantId;
  if (requester.externalId) {
    const known = await db.user.findUnique({ where: { tenantId_externalId: { tenantId, externalId: requester.externalId } } });
    if (known) return known;
    if (!requester.email) throw InputError.field(['input', 'requester', 'externalId'], 'no user with this external id: give name and email to create one');
    return db.user.upsert({
      where: { tenantId_externalId: { tenantId, externalId: requester.externalId } },
      create: { tenantId, externalId: requester.externalId, email: requester.email, name: requester.name ?? null },
      update: {},
    });
  }
  return findOrCreateByEmail(db, tenantId, requester.name, requester.email!);
}

export const TICKET_SYNC_REASONS = ['created', 'status', 'requesterReply', 'reopened'] as const;
export type TicketSyncReason = (typeof TICKET_SYNC_REASONS)[number];

/**
 * A tenant key cannot read policies or agents: its change queues the follow-up (the SLA clocks, and
 * auto-assignment of a new or reopened ticket) that runs right after in a system transaction (`syncTicket`).
 */
async function queueSync(tx: TenantTx, ticketId: string, why: TicketSyncReason): Promise<void> {
  await tx.enqueue('ticketSync', { ticketId, why }, { jobKey: `ticket-sync:${ticketId}` });
}

/** The follow-up of a tenant-side change (the `ticketSync` job); running it twice changes nothing more. */
export async function syncTicket(scope: SystemScope, ticketId: string, why: TicketSyncReason): Promise<void> {
  await transaction(scope, async (tx) => {
    if (!(await tx.lock('Ticket', ticketId))) return;
    const before = await tx.db.ticket.findUniqueOrThrow({ where: { id: ticketId } });
    // The job key keeps one pending run per ticket with the latest reason: a reply right after the ticket was
    // opened must not lose its assignment, so any open ticket still unassigned is offered (as waiting ones are).
    if (!before.assigneeId) await autoAssign(tx, ticketId, why === 'reopened' ? 'reopened' : 'created');
    const after = await syncSla(tx, ticketId, why);
    await announceAssignment(tx, before, after);
    // The queue shows the deadlines: announce them when they moved (the tenant graph's event has no SLA fields).
    if (!before.assigneeId === !after.assigneeId && (before.slaState !== after.slaState || before.slaDueAt?.getTime() !== after.slaDueAt?.getTime())) {
      await publish(tx, after, 'sla');
    }
  });
}

/** The tenant app opens a ticket for one of its users. */
export async function openTenantTicket(scope: TenantScope, input: TenantTicketInput): Promise<Ticket> {
  const data = parseInput(tenantTicketSchema, input);
  return runAudited(scope, async (tx) => {
    const requester = await tenantRequester(tx, data.requester);
    assertNotBlocked(requester);
    const ticket = await dbOf(tx).ticket.create({
      data: {
        tenantId: scope.principal.tenantId, requesterId: requester.id, subject: data.subject, description: data.description,
        category: data.category ?? null, priority: data.priority, source: 'TENANT_API',
      },
    });
    const actor: TicketActor = { type: 'REQUESTER', userId: requester.id };
    await recordTicketEvent(tx, { ticketId: ticket.id, tenantId: ticket.tenantId, kind: 'CREATED', to: { status: ticket.status, priority: ticket.priority }, actor });
    await tx.audit({ action: 'ticket.create', targetType: 'Ticket', targetId: ticket.id, tenantId: ticket.tenantId, after: ticket });
    await notifyTicket(tx, 'received', ticket.id, { moment: 'created' });
    await queueSync(tx, ticket.id, 'created');
    await publish(tx, ticket, 'created');
    return ticket;
  });
}

/** The requester replies; a reply to a RESOLVED ticket reopens it. */
export async function replyToTicket(scope: TenantScope, id: string, input: ReplyInput): Promise<TicketComment> {
  const data = parseInput(replySchema, input);
  return runAudited(scope, async (tx) => {
    const db = dbOf(tx);
    const ticket = await lockTicket(tx, id);
    assertOpenForChanges(ticket);
    const requester = await db.user.findUniqueOrThrow({ where: { id: ticket.requesterId } });
    assertNotBlocked(requester);
    const actor: TicketActor = { type: 'REQUESTER', userId: requester.id };
    const now = new Date();
    const comment = await db.ticketComment.create({
      data: { ticketId: id, tenantId: ticket.tenantId, body: data.body, internal: false, authorType: 'REQUESTER', authorUserId: requester.id },
    });
    await linkAttachments(tx, id, comment.id, data.attachmentIds);
    const reopened = ticket.status === 'RESOLVED';
    if (reopened) await moveStatus(tx, id, 'reopen', { actor, message: "reopened by the requester's reply" });
    // PENDING waits on the requester: their reply puts the ticket back in the queue (ON_HOLD waits on someone else).
    if (ticket.status === 'PENDING') await moveStatus(tx, id, 'resume', { actor, message: 'the requester replied' });
    const after = await db.ticket.update({ where: { id }, data: { lastActivityAt: now, awaitingReplySince: ticket.awaitingReplySince ?? now } });
    await recordTicketEvent(tx, { ticketId: id, tenantId: ticket.tenantId, kind: 'COMMENTED', to: { commentId: comment.id }, actor });
    await tx.audit({ action: 'ticket.reply', targetType: 'Ticket', targetId: id, tenantId: ticket.tenantId, after: { commentId: comment.id, reopened } });
    await queueSync(tx, id, reopened ? 'reopened' : 'requesterReply');
    await publish(tx, after, after.status !== ticket.status ? 'statusChanged' : 'commented');
    return comment;
  });
}

/** The tenant app closes one of its tickets (final). */
export async function closeTenantTicket(scope: TenantScope, id: string): Promise<Ticket> {
  return runAudited(scope, async (tx) => {
    const current = await findOrNotFound('Ticket', id, (id) => dbOf(tx).ticket.findUnique({ where: { id }, select: { requesterId: true } }));
    const { before, after } = await moveStatus(tx, id, 'close', { actor: { type: 'REQUESTER', userId: current.requesterId }, message: 'closed by the tenant' });
    await tx.audit({ action: 'ticket.close', targetType: 'Ticket', targetId: id, tenantId: after.tenantId, before, after });
    await capacityFreed(tx, before);
    await queueSync(tx, id, 'status');
    await publish(tx, after, 'statusChanged');
    return after;
  });
}

// ─── reads ───────────────────────────────────────────────────────────────────

export type TicketCounts = Record<TicketStatus | 'total', number>;

type StatusRows = { status: TicketStatus; _count: { _all: number } }[];

function countsOf(rows: StatusRows): TicketCounts {
  const counts = Object.fromEntries([...TICKET_STATUSES, 'total'].map((s) => [s, 0])) as TicketCounts;
  for (const row of rows) {
    counts[row.status] = row._count._all;
    counts.total += row._count._all;
  }
  return counts;
}

/** Tickets per status matching a `tickets` list filter. */
export async function ticketCounts(scope: PlatformScope, filter: unknown): Promise<TicketCounts> {
  const where = await ticketsList.queryWhere(scope, filter);
  return countsOf((await scope.db.ticket.groupBy({ by: ['status'], where, _count: { _all: true } } as never)) as StatusRows);
}

/** The key's own tickets per status (the scoped client counts its own tenant's rows only). */
export async function tenantTicketCounts(scope: TenantScope, where: Prisma.TicketWhereInput): Promise<TicketCounts> {
  return countsOf((await scope.db.ticket.groupBy({ by: ['status'], where, _count: { _all: true } } as never)) as StatusRows);
}
