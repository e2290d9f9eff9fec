import { Form } from '@remix-run/react';
import { CopyButton } from '../../components/dialog.tsx';
import { Field, FormError } from '../../components/form.tsx';
import { DataTable, StatusBadge } from '../../components/list.tsx';
import { formatDateTime, formatRelative } from '../../lib/format.ts';
import { useIntent } from '../../lib/intent.ts';
import type { TenantDetailQuery } from '../../gql/graphql.ts';
import type { ActionResult } from './actions.server.ts';

export function ApiKeys({ tenantKeys, canWrite }: { tenantKeys: NonNullable<TenantDetailQuery['tenant']>['apiKeys']; canWrite: boolean }) {
  const create = useIntent<ActionResult>('createKey');
  const revoke = useIntent('revokeKey');
  return (
    <section>
      <h2>API keys</h2>
      {create.result?.ok && create.result.secret ? (
        <div className="success" data-testid="new-api-key">
          <p>
            Key <strong>{create.result.keyName}</strong> created. Copy it now: it is shown only this once.
          </p>
          <div className="secret">
            <code data-testid="api-key-secret">{create.result.secret}</code>
            <CopyButton text={create.result.secret} />
          </div>
        </div>
      ) : null}
      {canWrite ? (
        <Form method="post" className="filters" noValidate>
          <input type="hidden" name="intent" value="createKey" />
          <Field label="Key name" name="name" error={create.result?.fieldErrors?.name}>
            <input name="name" placeholder="Production backend" required />
          </Field>
          <Field label="Expires (optional)" name="expiresAt" error={create.result?.fieldErrors?.expiresAt}>
            <input name="expiresAt" type="date" />
          </Field>
          <button type="submit" className="primary" disabled={create.busy}>
            {create.busy ? 'Creating…' : 'Create key'}
          </button>
          <FormError message={create.result?.formError} />
        </Form>
      ) : null}
      <FormError message={revoke.result?.formError} />
      <DataTable
        colSpan={7}
        empty="No API keys yet."
        head={
          <tr>
            <th>Name</th>
            <th>Prefix</th>
            <th>Status</th>
            <th>Created</th>
            <th>Last used</th>
            <th>Expires</th>
            <th />
          </tr>
        }
      >
        {tenantKeys.map((key) => (
          <tr key={key.id} data-testid="api-key-row">
            <td>{key.name}</td>
            <td>
              <code>{key.prefix}…</code>
            </td>
            <td>
              <StatusBadge status={key.revokedAt ? 'REVOKED' : key.active ? 'ACTIVE' : 'EXPIRED'} />
            </td>
            <td>
              {formatDateTime(key.createdAt)}
              {key.createdBy ? <div className="muted small">{key.createdBy.email}</div> : null}
            </td>
            <td suppressHydrationWarning>{key.lastUsedAt ? formatRelative(key.lastUsedAt) : 'Never'}</td>
            <td>{formatDateTime(key.expiresAt)}</td>
            <td>
              {canWrite && !key.revokedAt ? (
                <Form
                  method="post"
                  onSubmit={(e) => {
                    if (!window.confirm(`Revoke “${key.name}”? Apps using it stop working at once.`)) e.preventDefault();
                  }}
                >
                  <input type="hidden" name="intent" value="revokeKey" />
                  <input type="hidden" name="keyId" value={key.id} />
                  <button type="submit" className="danger" disabled={revoke.busy}>
                    Revoke
                  </button>
                </Form>
              ) : null}
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
