// The channel form read into the API's channel input. Secrets are write-only: an empty URL or secret field
// on edit keeps the stored one.
import type { AlertChannelInput, AlertChannelUpdateInput } from '../gql/graphql.ts';
import { AlertChannelKindValues, TicketPriorityValues } from '../gql/lists.ts';
import { isUuid } from './ids.ts';
import type { FieldErrors } from './mutation.ts';

/** "a@x.dev, b@x.dev\nc@x.dev" → three addresses. */
export function readRecipients(text: string): string[] {
  return text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
}

type Read<T> = { ok: true; input: T } | { ok: false; fieldErrors: FieldErrors };

function common(form: FormData, kind: string, errors: FieldErrors) {
  const text = (name: string) => String(form.get(name) ?? '').trim();
  const input: AlertChannelUpdateInput = { name: text('name'), enabled: form.get('enabled') === 'on' };
  if (!input.name) errors.name = 'Name the channel.';
  if (kind === 'EMAIL') {
    input.emailTo = readRecipients(text('emailTo'));
    if (!input.emailTo.length) errors.emailTo = 'Give at least one recipient.';
  }
  if (kind === 'SLACK' || kind === 'WEBHOOK') {
    if (text('url')) input.url = text('url');
  }
  if (kind === 'WEBHOOK' && text('signingSecret')) input.signingSecret = text('signingSecret');
  if (kind === 'TICKET') {
    const tenantId = text('ticketTenantId');
    if (tenantId && !isUuid(tenantId)) errors.ticketTenantId = 'Give a tenant id.';
    if (tenantId) input.ticketTenantId = tenantId;
    const priority = TicketPriorityValues.find((p) => p === form.get('ticketPriority'));
    if (priority) input.ticketPriority = priority;
  }
  return input;
}

export function readNewChannelForm(form: FormData): Read<AlertChannelInput> {
  const errors: FieldErrors = {};
  const kind = AlertChannelKindValues.find((k) => k === form.get('kind'));
  if (!kind) return { ok: false, fieldErrors: { kind: 'Choose the kind of channel.' } };
  const input = common(form, kind, errors);
  if ((kind === 'SLACK' || kind === 'WEBHOOK') && !input.url) errors.url = 'Give the URL.';
  return Object.keys(errors).length ? { ok: false, fieldErrors: errors } : { ok: true, input: { ...input, name: input.name!, kind } };
}

export function readChannelUpdateForm(form: FormData, kind: string): Read<AlertChannelUpdateInput> {
  const errors: FieldErrors = {};
  const input = common(form, kind, errors);
  if (kind === 'WEBHOOK' && form.get('rotateSigningSecret') === 'on') input.rotateSigningSecret = true;
  if (kind === 'TICKET') {
    if (!input.ticketTenantId) input.clearTicketTenant = true;
    if (!input.ticketPriority) input.clearTicketPriority = true;
  }
  return Object.keys(errors).length ? { ok: false, fieldErrors: errors } : { ok: true, input };
}
