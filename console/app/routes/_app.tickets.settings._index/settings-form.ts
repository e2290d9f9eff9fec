import type { AssignmentStrategy, TicketSettingsInput } from '../../gql/graphql.ts';
import type { FieldErrors } from '../../lib/mutation.ts';

// The settings forms' fields as the API's inputs, with the messages a form shows for what cannot be sent.

type Read<T> = { ok: true; value: T } | { ok: false; fieldErrors: FieldErrors };

/** A whole number typed into a field, or null when it is empty; NaN for anything else. */
export function wholeNumber(value: FormDataEntryValue | null): number | null {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '') return null;
  return /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
}

export function readSettingsForm(form: FormData, strategies: readonly AssignmentStrategy[]): Read<TicketSettingsInput> {
  const fieldErrors: FieldErrors = {};
  const strategy = String(form.get('assignmentStrategy') ?? '');
  const assignmentStrategy = strategies.find((s) => s === strategy);
  if (!assignmentStrategy) fieldErrors.assignmentStrategy = 'Choose a strategy.';
  const email = String(form.get('supportTeamEmail') ?? '').trim();
  const maxBytes = wholeNumber(form.get('attachmentMaxBytes'));
  if (Number.isNaN(maxBytes)) fieldErrors.attachmentMaxBytes = 'A whole number of bytes.';
  if (Object.keys(fieldErrors).length) return { ok: false, fieldErrors };
  return {
    ok: true,
    // An empty address clears it: SLA warnings of unassigned tickets then go nowhere.
    value: { assignmentStrategy, supportTeamEmail: email === '' ? null : email, ...(maxBytes === null ? {} : { attachmentMaxBytes: maxBytes }) },
  };
}

/**
 * An agent row: availability is a checkbox (absent when unticked), capacity is sent only when the field was
 * there to edit (agents set their own availability; capacity needs SUPPORT_MANAGE).
 */
export function readAgentForm(form: FormData): Read<{ available: boolean; capacity?: number }> {
  const available = form.get('available') === 'on';
  if (!form.has('capacity')) return { ok: true, value: { available } };
  const capacity = wholeNumber(form.get('capacity'));
  if (capacity === null || Number.isNaN(capacity)) return { ok: false, fieldErrors: { capacity: 'A whole number of open tickets.' } };
  return { ok: true, value: { available, capacity } };
}
