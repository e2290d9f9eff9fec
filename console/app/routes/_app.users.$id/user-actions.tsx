import { Form } from '@remix-run/react';
import { IntentDialog } from '../../components/dialog.tsx';
import { Field } from '../../components/form.tsx';
import { useIntent } from '../../lib/intent.ts';

// The buttons in the user page's header; each posts its intent to the page's action.

export function BlockButton() {
  return (
    <IntentDialog intent="block" label="Block" title="Block user" submitLabel="Block user" busyLabel="Blocking…" danger>
      {(result) => (
        <>
          <p className="muted">The tenant app sees the user as blocked and is told at once.</p>
          <Field label="Reason" name="reason" error={result?.fieldErrors?.reason}>
            <textarea name="reason" rows={3} required />
          </Field>
        </>
      )}
    </IntentDialog>
  );
}

export function UnblockButton() {
  const { busy } = useIntent('unblock');
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="unblock" />
      <button type="submit" disabled={busy}>
        {busy ? 'Unblocking…' : 'Unblock'}
      </button>
    </Form>
  );
}
