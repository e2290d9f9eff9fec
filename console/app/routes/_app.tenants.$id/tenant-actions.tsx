import { Form } from '@remix-run/react';
import { useState } from 'react';
import { IntentDialog } from '../../components/dialog.tsx';
import { Field } from '../../components/form.tsx';
import type { TenantDetailQuery } from '../../gql/graphql.ts';
import { formatMoney } from '../../lib/format.ts';
import { useIntent } from '../../lib/intent.ts';

// The buttons in the tenant page's header; each posts its intent to the page's action.

export function ChangePlanButton({ current, plans }: { current: string; plans: TenantDetailQuery['plans']['edges'][number]['node'][] }) {
  return (
    <IntentDialog intent="changePlan" label="Change plan" title="Change plan" submitLabel="Change plan" busyLabel="Changing…">
      {(result) => (
        <Field label="New plan" name="planId" error={result?.fieldErrors?.planId}>
          <select name="planId" defaultValue={current}>
            {plans.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} — {formatMoney(p.monthlyPrice, p.currency)}/mo
              </option>
            ))}
          </select>
        </Field>
      )}
    </IntentDialog>
  );
}

export function SuspendButton() {
  return (
    <IntentDialog intent="suspend" label="Suspend" title="Suspend tenant" submitLabel="Suspend tenant" busyLabel="Suspending…" danger>
      {(result) => (
        <>
          <p className="muted">The tenant’s API keys stop working until it is activated again.</p>
          <Field label="Reason" name="reason" error={result?.fieldErrors?.reason}>
            <textarea name="reason" rows={3} required />
          </Field>
        </>
      )}
    </IntentDialog>
  );
}

export function ActivateButton() {
  const { busy } = useIntent('activate');
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="activate" />
      <button type="submit" disabled={busy}>
        {busy ? 'Activating…' : 'Activate'}
      </button>
    </Form>
  );
}

export function DeleteButton({ name }: { name: string }) {
  const [typed, setTyped] = useState('');
  return (
    <IntentDialog
      intent="delete"
      label="Delete"
      title="Delete tenant"
      submitLabel="Delete tenant"
      busyLabel="Deleting…"
      danger
      canSubmit={typed === name}
    >
      {(result) => (
        <>
          <p>
            The tenant is soft-deleted: its data is kept, its status becomes Deleted and its API keys stop working. Type{' '}
            <strong>{name}</strong> to confirm.
          </p>
          <Field label="Tenant name" name="confirmName" error={result?.fieldErrors?.confirmName}>
            <input name="confirmName" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} />
          </Field>
        </>
      )}
    </IntentDialog>
  );
}
