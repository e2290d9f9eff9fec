import type { TicketBulkChanges, TicketPriority, TicketStatus } from '../../gql/graphql.ts';
import type { FieldErrors } from '../../lib/mutation.ts';
import { isUuid } from '../../lib/ids.ts';

// The queue's bulk form: which tickets (the ticked rows, or every ticket the filter matches) and what to
// change on them. Empty fields change nothing; "unassign" in the assignee field takes tickets back.

export const UNASSIGN = 'unassign';

export type BulkRequest =
  | { scope: 'ids'; ids: string[]; changes: TicketBulkChanges }
  | { scope: 'filter'; expected: number; changes: TicketBulkChanges };

export function readBulkForm(
  form: FormData,
  values: { statuses: readonly TicketStatus[]; priorities: readonly TicketPriority[] },
): { ok: true; value: BulkRequest } | { ok: false; formError: string | null; fieldErrors: FieldErrors } {
  const fieldErrors: FieldErrors = {};
  const changes: TicketBulkChanges = {};
  const assignee = String(form.get('assigneeId') ?? '');
  if (assignee === UNASSIGN) changes.unassign = true;
  else if (assignee) {
    if (isUuid(assignee)) changes.assigneeId = assignee;
    else fieldErrors.assigneeId = 'Choose an agent.';
  }
  const status = String(form.get('status') ?? '');
  if (status) {
    const known = values.statuses.find((s) => s === status);
    if (known) changes.status = known;
    else fieldErrors.status = 'Choose a status.';
  }
  const priority = String(form.get('priority') ?? '');
  if (priority) {
    const known = values.priorities.find((p) => p === priority);
    if (known) changes.priority = known;
    else fieldErrors.priority = 'Choose a priority.';
  }
  const tag = String(form.get('addTag') ?? '').trim();
  if (tag) changes.addTag = tag;
  if (Object.keys(fieldErrors).length) return { ok: false, formError: null, fieldErrors };
  if (Object.keys(changes).length === 0) return { ok: false, formError: 'Choose what to change: an assignee, a status, a priority or a tag.', fieldErrors };

  if (form.get('scope') === 'filter') {
    const expected = Number(form.get('expected'));
    if (!Number.isInteger(expected) || expected < 1) return { ok: false, formError: 'No ticket matches the filter.', fieldErrors };
    return { ok: true, value: { scope: 'filter', expected, changes } };
  }
  const ids = [...new Set(form.getAll('ids').map(String).filter(isUuid))];
  if (ids.length === 0) return { ok: false, formError: 'Tick the tickets to change, or apply to every ticket matching the filter.', fieldErrors };
  return { ok: true, value: { scope: 'ids', ids, changes } };
}

export type BulkOutcome = { matched: number; changed: number; unchanged: number; failures: { ticketId: string; message: string }[] };

/** "Changed 3 of 4 tickets; 1 already as asked." */
export function bulkSummary({ matched, changed, unchanged, failures }: BulkOutcome): string {
  const parts = [`Changed ${changed} of ${matched} ticket${matched === 1 ? '' : 's'}`];
  if (unchanged) parts.push(`${unchanged} already as asked`);
  if (failures.length) parts.push(`${failures.length} could not change`);
  return `${parts.join('; ')}.`;
}

/** What the bulk form will do, in words ("assign to Ada, set the priority to low"), or null for nothing. */
export function describeBulkChanges(form: FormData, agentNames: ReadonlyMap<string, string>): string | null {
  const parts: string[] = [];
  const assignee = String(form.get('assigneeId') ?? '');
  if (assignee === UNASSIGN) parts.push('unassign');
  else if (assignee) parts.push(`assign to ${agentNames.get(assignee) ?? 'the agent chosen'}`);
  const words = (value: string) => value.toLowerCase().replace(/_/g, ' ');
  const status = String(form.get('status') ?? '');
  if (status) parts.push(`set the status to ${words(status)}`);
  const priority = String(form.get('priority') ?? '');
  if (priority) parts.push(`set the priority to ${words(priority)}`);
  const tag = String(form.get('addTag') ?? '').trim();
  if (tag) parts.push(`add the tag “${tag}”`);
  return parts.length ? parts.join(', ') : null;
}
