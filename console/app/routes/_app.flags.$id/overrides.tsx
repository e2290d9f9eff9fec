import { Form, Link } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { FlagValue } from '../../components/flags/flag-badges.tsx';
import { FlagValueInput } from '../../components/flags/flag-value-input.tsx';
import { Field, FormError } from '../../components/form.tsx';
import { DataTable } from '../../components/list.tsx';
import type { FlagType } from '../../gql/graphql.ts';
import { valueText } from '../../lib/flags.ts';
import { useIntent } from '../../lib/intent.ts';

type Tenant = { id: string; name: string };
type Flag = {
  type: FlagType;
  variants: readonly string[];
  onValue: unknown;
  tenantOverrides: { tenant: Tenant; value: unknown }[];
  userOverrides: { tenant: Tenant; externalUserId: string; value: unknown }[];
};

/** A form that empties itself once its intent succeeded, ready for the next override. */
function useResetOnDone(done: boolean) {
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (done) form.current?.reset();
  }, [done]);
  return form;
}

/** A tenant chosen from the first tenants by name (the flag page's overrides and its evaluate-as box). */
export function TenantSelect({
  tenants,
  error,
  name = 'tenantId',
  defaultValue = '',
  testId,
}: {
  tenants: Tenant[];
  error?: string | null;
  name?: string;
  defaultValue?: string;
  testId?: string;
}) {
  return (
    <Field label="Tenant" name={name} error={error}>
      <select name={name} defaultValue={defaultValue} data-testid={testId}>
        <option value="" disabled>
          Choose a tenant…
        </option>
        {tenants.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </select>
    </Field>
  );
}

/**
 * Overrides win over everything but the kill switch: a tenant's for all its users, a user's (by the id the
 * tenant's app knows them by) for that user. Setting one for a tenant or user that has one replaces it.
 */
export function Overrides({ flag, tenants, canWrite }: { flag: Flag; tenants: Tenant[]; canWrite: boolean }) {
  const tenant = useIntent('tenantOverride');
  const user = useIntent('userOverride');
  const remove = { tenant: useIntent('removeTenantOverride'), user: useIntent('removeUserOverride') };
  const start = valueText(flag.type, flag.onValue);
  const tenantForm = useResetOnDone(tenant.done);
  const userForm = useResetOnDone(user.done);
  return (
    <section aria-label="Overrides" data-testid="flag-overrides">
      <h2>Overrides</h2>
      <h3>Tenants</h3>
      {canWrite ? (
        <Form method="post" className="filters" noValidate ref={tenantForm} data-testid="tenant-override-form">
          <input type="hidden" name="intent" value="tenantOverride" />
          <TenantSelect tenants={tenants} error={tenant.result?.fieldErrors?.tenantId} />
          <Field label="Value" name="value" error={tenant.result?.fieldErrors?.value}>
            <FlagValueInput key={start} type={flag.type} variants={flag.variants} name="value" defaultValue={start} />
          </Field>
          <button type="submit" className="primary" disabled={tenant.busy}>
            {tenant.busy ? 'Saving…' : 'Set tenant override'}
          </button>
          <FormError message={tenant.result?.formError} />
        </Form>
      ) : null}
      <FormError message={remove.tenant.result?.formError} />
      <DataTable
        colSpan={3}
        empty="No tenant overrides."
        head={
          <tr>
            <th>Tenant</th>
            <th>Value</th>
            <th />
          </tr>
        }
      >
        {flag.tenantOverrides.map((o) => (
          <tr key={o.tenant.id} data-testid="tenant-override" data-tenant={o.tenant.name}>
            <td>
              <Link to={`/tenants/${o.tenant.id}`}>{o.tenant.name}</Link>
            </td>
            <td>
              <FlagValue value={o.value} />
            </td>
            <td>
              {canWrite ? (
                <Form method="post">
                  <input type="hidden" name="intent" value="removeTenantOverride" />
                  <input type="hidden" name="tenantId" value={o.tenant.id} />
                  <button type="submit" disabled={remove.tenant.busy} aria-label={`Remove the override of ${o.tenant.name}`}>
                    Remove
                  </button>
                </Form>
              ) : null}
            </td>
          </tr>
        ))}
      </DataTable>

      <h3>Users</h3>
      {canWrite ? (
        <Form method="post" className="filters" noValidate ref={userForm} data-testid="user-override-form">
          <input type="hidden" name="intent" value="userOverride" />
          <TenantSelect tenants={tenants} error={user.result?.fieldErrors?.tenantId} />
          <Field label="User id" name="externalUserId" error={user.result?.fieldErrors?.externalUserId} hint="The id the app knows them by.">
            <input name="externalUserId" maxLength={200} />
          </Field>
          <Field label="Value" name="value" error={user.result?.fieldErrors?.value}>
            <FlagValueInput key={start} type={flag.type} variants={flag.variants} name="value" defaultValue={start} />
          </Field>
          <button type="submit" className="primary" disabled={user.busy}>
            {user.busy ? 'Saving…' : 'Set user override'}
          </button>
          <FormError message={user.result?.formError} />
        </Form>
      ) : null}
      <FormError message={remove.user.result?.formError} />
      <DataTable
        colSpan={4}
        empty="No user overrides."
        head={
          <tr>
            <th>Tenant</th>
            <th>User id</th>
            <th>Value</th>
            <th />
          </tr>
        }
      >
        {flag.userOverrides.map((o) => (
          <tr key={`${o.tenant.id}:${o.externalUserId}`} data-testid="user-override" data-user={o.externalUserId}>
            <td>
              <Link to={`/tenants/${o.tenant.id}`}>{o.tenant.name}</Link>
            </td>
            <td>
              <code>{o.externalUserId}</code>
            </td>
            <td>
              <FlagValue value={o.value} />
            </td>
            <td>
              {canWrite ? (
                <Form method="post">
                  <input type="hidden" name="intent" value="removeUserOverride" />
                  <input type="hidden" name="tenantId" value={o.tenant.id} />
                  <input type="hidden" name="externalUserId" value={o.externalUserId} />
                  <button type="submit" disabled={remove.user.busy} aria-label={`Remove the override of ${o.externalUserId}`}>
                    Remove
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
