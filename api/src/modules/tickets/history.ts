// A ticket's history: one TicketEvent row per change, in the transaction that makes it. Every part of the
// support desk (core, SLA engine, auto-assignment) records through `recordTicketEvent`.
import type { Prisma } from '../../db/client.ts';
import type { SlaState, TicketEventKind, TicketPriority, TicketStatus } from '../../generated/prisma/enums.ts';
import type { PlatformScope, TenantScope, TransactionScope } from '../../scope.ts';

/** An admin's or the platform's transaction, with the full client. */
export type Tx = TransactionScope<PlatformScope>;
/** A tenant key's transaction: the tenant-scoped client (internal rows do not exist for it). */
export type TenantTx = TransactionScope<TenantScope>;

/** Who did it: an admin, the requester (through the tenant graph) or the platform. */
export type TicketActor = { type: 'ADMIN'; adminId: string } | { type: 'REQUESTER'; userId: string } | { type: 'SYSTEM' };

export interface TicketEventEntry {
  ticketId: string;
  tenantId: string;
  kind: TicketEventKind;
  /** Before and after values of what changed (`{ status: 'OPEN' }`), or the SLA target concerned. */
  from?: Prisma.InputJsonObject | null;
  to?: Prisma.InputJsonObject | null;
  /** Why, in words ("assigned by round-robin"). */
  message?: string | null;
  /** An entry about an internal note: admins only, never in the tenant graph. */
  internal?: boolean;
  /** Defaults to the transaction's principal (an admin, or the platform for a system scope). */
  actor?: TicketActor;
}

function actorOf(tx: Tx | TenantTx, given: TicketActor | undefined): TicketActor {
  if (given) return given;
  const principal = tx.scope.principal;
  if (principal.kind === 'admin') return { type: 'ADMIN', adminId: principal.userId };
  if (principal.kind === 'system') return { type: 'SYSTEM' };
  throw new Error('recordTicketEvent: a tenant-side entry names its requester (actor)');
}

/** Records one history entry in the transaction that makes the change. */
export async function recordTicketEvent(tx: Tx | TenantTx, entry: TicketEventEntry): Promise<void> {
  const actor = actorOf(tx, entry.actor);
  const data = {
    ticketId: entry.ticketId,
    tenantId: entry.tenantId,
    kind: entry.kind,
    actorType: actor.type,
    actorAdminId: actor.type === 'ADMIN' ? actor.adminId : null,
    actorUserId: actor.type === 'REQUESTER' ? actor.userId : null,
    from: entry.from ?? undefined,
    to: entry.to ?? undefined,
    message: entry.message ?? null,
    internal: entry.internal ?? false,
  };
  // The tenant-scoped client forces tenantId and internal = false onto what it writes.
  await (tx.db as Prisma.TransactionClient).ticketEvent.create({ data, select: { id: true } });
}

// ─── events ──────────────────────────────────────────────────────────────────

export const TICKET_CHANGE_KINDS = ['created', 'updated', 'assigned', 'commented', 'noted', 'statusChanged', 'sla'] as const;
export type TicketChangeKind = (typeof TICKET_CHANGE_KINDS)[number];

/**
 * Published on every change of a ticket. Small and free of any comment text; `internal` marks a change
 * only admins may hear of (an internal note), which the tenant graph's subscription drops.
 */
export interface TicketChanged {
  ticketId: string;
  tenantId: string;
  number: number;
  kind: TicketChangeKind;
  status: TicketStatus;
  priority: TicketPriority;
  assigneeId: string | null;
  slaState: SlaState;
  internal: boolean;
}

/** Published by the SLA engine when a clock's state moves (at risk, breached, met, paused). */
export interface TicketSlaChanged {
  ticketId: string;
  tenantId: string;
  target: 'FIRST_RESPONSE' | 'NEXT_RESPONSE' | 'RESOLUTION';
  state: SlaState;
}

/** The event payload for a ticket row as it is after the change. */
export function ticketChange(
  ticket: { id: string; tenantId: string; number: number; status: TicketStatus; priority: TicketPriority; assigneeId: string | null; slaState: SlaState },
  kind: TicketChangeKind,
  internal = false,
): TicketChanged {
  return {
    ticketId: ticket.id, tenantId: ticket.tenantId, number: ticket.number, kind, status: ticket.status, priority: ticket.priority,
    assigneeId: ticket.assigneeId, slaState: ticket.slaState, internal,
  };
}
