import { Form } from '@remix-run/react';
import { useEffect, useState } from 'react';
import { IntentDialog } from '../../components/dialog.tsx';
import { FormError } from '../../components/form.tsx';
import type { AdminRole } from '../../gql/graphql.ts';
import { useIntent } from '../../lib/intent.ts';
import { RoleField } from './role-field.tsx';

// The admin page's forms: the role card, and the buttons in its header.

export function ChangeRoleCard({ current }: { current: AdminRole }) {
  const { busy, result } = useIntent('changeRole');
  const [role, setRole] = useState<AdminRole>(current);
  // After a save (or someone else's change) the select follows the stored role.
  useEffect(() => setRole(current), [current]);
  return (
    <Form method="post" className="card admin-role">
      <h2>Role</h2>
      <input type="hidden" name="intent" value="changeRole" />
      <FormError message={result?.formError} />
      <RoleField role={role} onChange={setRole} error={result?.fieldErrors?.role} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy || role === current}>
          {busy ? 'Saving…' : 'Save role'}
        </button>
        {result?.ok ? (
          <span className="muted" role="status">
            Saved.
          </span>
        ) : null}
      </div>
    </Form>
  );
}

export function DeactivateButton({ name, isMe }: { name: string; isMe: boolean }) {
  return (
    <IntentDialog intent="deactivate" label="Deactivate" title="Deactivate admin" submitLabel="Deactivate admin" busyLabel="Deactivating…" danger>
      <p>
        <strong>{name}</strong> can no longer sign in, and every session they have ends at once.
        {isMe ? ' This is your own account: you will be signed out.' : ''}
      </p>
    </IntentDialog>
  );
}

export function ReactivateButton({ name }: { name: string }) {
  return (
    <IntentDialog intent="reactivate" label="Reactivate" title="Reactivate admin" submitLabel="Reactivate admin" busyLabel="Reactivating…">
      <p>
        <strong>{name}</strong> can sign in again with their password, with the role they had.
      </p>
    </IntentDialog>
  );
}
