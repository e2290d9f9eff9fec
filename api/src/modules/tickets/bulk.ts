// Bulk actions on the queue: a selection by id or by filter, each ticket changed in its own audited
// transaction, so one ticket that cannot change (closed, a refused transition) fails alone, as data.
import { z } from 'zod';
import type { TicketPriority, TicketStatus } from '../../generated/prisma/enums.ts';
import { DomainError, InputError, parseInput } from '../../lib/errors.ts';
import { id as idSchema, text } from '../../lib/strings.ts';
import type { PlatformScope } from '../../scope.ts';
import { runAudited, type AuditedTransaction } from '../audit/service.ts';
import { ticketsList } from './lists.ts';
import { TICKET_PRIORITIES, TICKET_STATUSES, ticketSteps } from './service.ts';

export const MAX_BULK_TICKETS = 500;
const BULK_ACTION = 'ticket.bulkUpdate';

const selectionSchema = z
  .object({ ids: z.array(idSchema).min(1, 'give at least one id').max(MAX_BULK_TICKETS, `at most ${MAX_BULK_TICKETS} tickets`).optional(), filter: z.unknown().optional() })
  .refine((s) => (s.ids === undefined) !== (s.filter === undefined), { message: 'give ids or filter, not both', path: ['ids'] });

const changesSchema = z
  .object({
    assigneeId: idSchema.optional(),
    unassign: z.boolean().optional(),
    status: z.enum(TICKET_STATUSES as [TicketStatus, ...TicketStatus[]]).optional(),
    priority: z.enum(TICKET_PRIORITIES as [TicketPriority, ...TicketPriority[]]).optional(),
    addTag: text({ min: 1, max: 50 }).toLowerCase().optional(),
  })
  .refine((c) => !(c.assigneeId && c.unassign), { message: 'give assigneeId or unassign, not both', path: ['unassign'] })
  .refine((c) => c.assigneeId || c.unassign || c.status || c.priority || c.addTag, { message: 'nothing to change', path: ['status'] });

export interface BulkResult {
  matched: number;
  changed: number;
  unchanged: number;
  failures: { ticketId: string; code: string; message: string }[];
}

/** The selected ids: as given, or every ticket matching the filter (refused beyond the bound). */
async function selectedIds(scope: PlatformScope, selection: z.output<typeof selectionSchema>): Promise<string[]> {
  if (selection.ids) return [...new Set(selection.ids)];
  const where = await ticketsList.queryWhere(scope, selection.filter, ['selection', 'filter']);
  const rows = await scope.db.ticket.findMany({ where, select: { id: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: MAX_BULK_TICKETS + 1 });
  if (rows.length > MAX_BULK_TICKETS) throw InputError.field(['selection', 'filter'], `matches more than ${MAX_BULK_TICKETS} tickets: narrow it`);
  return rows.map((r) => r.id);
}

async function changeOne(tx: AuditedTransaction<PlatformScope>, id: string, changes: z.output<typeof changesSchema>): Promise<void> {
  if (changes.assigneeId || changes.unassign) await ticketSteps.applyAssign(tx, id, changes.assigneeId ?? null, BULK_ACTION);
  if (changes.priority || changes.addTag) {
    const current = await tx.db.ticket.findUniqueOrThrow({ where: { id }, select: { tags: true } });
    const tags = changes.addTag && !current.tags.includes(changes.addTag) ? [...current.tags, changes.addTag] : undefined;
    await ticketSteps.applyUpdate(tx, id, { priority: changes.priority, tags }, BULK_ACTION);
  }
  if (changes.status) {
    const current = await tx.db.ticket.findUniqueOrThrow({ where: { id }, select: { status: true } });
    if (current.status !== changes.status) await ticketSteps.applyTransition(tx, id, await ticketSteps.actionTowards(tx, id, changes.status), BULK_ACTION);
  }
}

/** Applies `changes` to every selected ticket, each in its own audited transaction. */
export async function bulkUpdateTickets(scope: PlatformScope, rawSelection: unknown, rawChanges: unknown): Promise<BulkResult> {
  const selection = parseInput(selectionSchema, rawSelection, ['selection']);
  const changes = parseInput(changesSchema, rawChanges, ['changes']);
  const ids = await selectedIds(scope, selection);
  const result: BulkResult = { matched: ids.length, changed: 0, unchanged: 0, failures: [] };
  for (const id of ids) {
    try {
      let audited = 0;
      await runAudited(scope, async (tx) => {
        const counting: AuditedTransaction<PlatformScope> = { ...tx, audit: (entry) => ((audited += 1), tx.audit(entry)) };
        await changeOne(counting, id, changes);
        if (audited === 0) tx.unchanged(null);
      });
      if (audited > 0) result.changed += 1;
      else result.unchanged += 1;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      result.failures.push({ ticketId: id, code: error.name, message: error.message });
    }
  }
  return result;
}
