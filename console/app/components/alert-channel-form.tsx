import { Form, useActionData, useNavigation } from '@remix-run/react';
import { useState } from 'react';
import { AlertChannelKindValues, TicketPriorityValues } from '../gql/lists.ts';
import { humanize } from '../lib/format.ts';
import type { IntentResult } from '../lib/intent.ts';
import { Field, FormError } from './form.tsx';

export type ChannelValues = {
  kind: string;
  name: string;
  enabled: boolean;
  emailTo: string[];
  urlHint?: string | null;
  hasSigningSecret?: boolean;
  ticketTenantId?: string | null;
  ticketPriority?: string | null;
};

/** A channel's fields for its kind. URL and signing secret are write-only: the form shows only hints. */
export function AlertChannelForm({ values, isNew }: { values: ChannelValues; isNew: boolean }) {
  const result = useActionData<IntentResult>();
  const errors = result?.intent === 'save' ? (result.fieldErrors ?? {}) : {};
  const busy = useNavigation().formData?.get('intent') === 'save';
  const [kind, setKind] = useState(values.kind);
  return (
    <Form method="post" className="form" noValidate data-testid="channel-form">
      <input type="hidden" name="intent" value="save" />
      <FormError message={result?.intent === 'save' && !result.ok ? result.formError : null} />
      {isNew ? (
        <Field label="Kind" name="kind" error={errors.kind}>
          <select name="kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            {AlertChannelKindValues.map((k) => (
              <option key={k} value={k}>
                {humanize(k)}
              </option>
            ))}
          </select>
        </Field>
      ) : null}
      <Field label="Name" name="name" error={errors.name}>
        <input name="name" defaultValue={values.name} required />
      </Field>
      {kind === 'EMAIL' ? (
        <Field label="Recipients" name="emailTo" error={errors.emailTo} hint="Addresses separated by commas or lines">
          <textarea name="emailTo" rows={3} defaultValue={values.emailTo.join('\n')} />
        </Field>
      ) : null}
      {kind === 'SLACK' || kind === 'WEBHOOK' ? (
        <Field
          label={kind === 'SLACK' ? 'Slack incoming webhook URL' : 'Webhook URL'}
          name="url"
          error={errors.url}
          hint={values.urlHint ? `Stored for ${values.urlHint}; leave empty to keep it.` : kind === 'SLACK' ? 'https://hooks.slack.com/services/…' : 'http or https'}
        >
          <input name="url" type="url" autoComplete="off" placeholder={values.urlHint ? `${values.urlHint} (kept)` : ''} />
        </Field>
      ) : null}
      {kind === 'WEBHOOK' ? (
        <>
          <Field
            label="Signing secret"
            name="signingSecret"
            error={errors.signingSecret}
            hint={values.hasSigningSecret ? 'A secret is stored; leave empty to keep it.' : 'whsec_…; generated and shown once when left empty.'}
          >
            <input name="signingSecret" autoComplete="off" />
          </Field>
          {!isNew ? (
            <label className="inline">
              <input type="checkbox" name="rotateSigningSecret" /> Generate a new signing secret (shown once)
            </label>
          ) : null}
        </>
      ) : null}
      {kind === 'TICKET' ? (
        <>
          <Field label="Tenant for platform alerts" name="ticketTenantId" error={errors.ticketTenantId} hint="Alerts of a tenant open their ticket for that tenant; the others here.">
            <input name="ticketTenantId" defaultValue={values.ticketTenantId ?? ''} size={38} />
          </Field>
          <Field label="Ticket priority" name="ticketPriority" error={errors.ticketPriority}>
            <select name="ticketPriority" defaultValue={values.ticketPriority ?? ''}>
              <option value="">From the severity</option>
              {TicketPriorityValues.map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          </Field>
        </>
      ) : null}
      <label className="inline">
        <input type="checkbox" name="enabled" defaultChecked={values.enabled} /> Enabled
      </label>
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : isNew ? 'Create channel' : 'Save channel'}
        </button>
      </div>
    </Form>
  );
}
