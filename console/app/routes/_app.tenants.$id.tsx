import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { useState } from 'react';
import { useSubscription } from 'urql';
import { CopyButton, IntentDialog } from '../components/dialog.tsx';
import { Field, FormError } from '../components/form.tsx';
import { DataTable, StatusBadge } from '../components/list.tsx';
import { RecordHistory } from '../components/record-history.tsx';
import { graphql } from '../gql/index.ts';
import { gql } from '../graphql.server.ts';
import { formatCount, formatDateTime, formatMoney, formatRelative } from '../lib/format.ts';
import { isoDate } from '../lib/list.ts';
import { countEvents } from '../lib/live.ts';
import { useIntent, type IntentResult } from '../lib/intent.ts';
import { outcome, type FieldErrors } from '../lib/mutation.ts';
import { useRevalidateOnEvents } from '../lib/revalidate.ts';
import { useCan } from './_app.tsx';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.tenant.name ?? 'Tenant'} · Opsgraph` }];

const TenantQuery = graphql(`
  query TenantDetail($id: ID!, $history: AuditEventFilter!) {
    tenant(id: $id) {
      id
      name
      slug
      status
      suspensionReason
      ownerName
      ownerEmail
      trialEndsAt
      onboardedAt
      deletedAt
      createdAt
      updatedAt
      settings {
        timezone
        locale
        supportEmail
        brandColor
      }
      plan {
        id
        name
        code
        monthlyPrice
        currency
        quotas {
          seats
          apiCallsPerMonth
          emailsPerMonth
          smsPerMonth
        }
      }
      apiKeys {
        id
        name
        prefix
        active
        createdAt
        lastUsedAt
        expiresAt
        revokedAt
        createdBy {
          email
        }
      }
    }
    plans(first: 100, filter: { status: ACTIVE }, sort: NAME_ASC) {
      edges {
        node {
          id
          name
          monthlyPrice
          currency
        }
      }
    }
    auditEvents(filter: $history, first: 25) {
      totalCount
      edges {
        node {
          ...HistoryEntry
        }
      }
    }
  }
`);

const TenantNameQuery = graphql(`
  query TenantName($id: ID!) {
    tenant(id: $id) {
      name
    }
  }
`);

const TenantChanged = graphql(`
  subscription TenantDetailChanged($id: ID!) {
    tenantChanged(id: $id) {
      tenantId
      kind
    }
  }
`);

const ChangePlan = graphql(`
  mutation TenantChangePlan($id: ID!, $planId: ID!) {
    changeTenantPlan(id: $id, planId: $planId) {
      __typename
      ... on MutationChangeTenantPlanSuccess {
        data {
          id
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const Suspend = graphql(`
  mutation TenantSuspend($id: ID!, $reason: String!) {
    suspendTenant(id: $id, reason: $reason) {
      __typename
      ... on MutationSuspendTenantSuccess {
        data {
          id
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const Activate = graphql(`
  mutation TenantActivate($id: ID!) {
    activateTenant(id: $id) {
      __typename
      ... on MutationActivateTenantSuccess {
        data {
          id
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const Delete = graphql(`
  mutation TenantDelete($id: ID!) {
    deleteTenant(id: $id) {
      __typename
      ... on MutationDeleteTenantSuccess {
        data {
          id
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const CreateKey = graphql(`
  mutation TenantCreateApiKey($input: CreateTenantApiKeyInput!) {
    createTenantApiKey(input: $input) {
      __typename
      ... on MutationCreateTenantApiKeySuccess {
        data {
          secret
          apiKey {
            id
            name
          }
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

const RevokeKey = graphql(`
  mutation TenantRevokeApiKey($id: ID!) {
    revokeTenantApiKey(id: $id) {
      __typename
      ... on MutationRevokeTenantApiKeySuccess {
        data {
          id
        }
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const id = args.params.id!;
  const result = await gql(args, TenantQuery, { id, history: { targetType: 'Tenant', targetId: id } });
  if (!result.tenant) {
    throw data({ message: `No tenant with id ${id}.`, requestId: args.context.requestId }, { status: 404 });
  }
  return { ...result, tenant: result.tenant };
}

type ActionResult = IntentResult & { secret?: string; keyName?: string };

export async function action(args: ActionFunctionArgs) {
  const id = args.params.id!;
  const form = await args.request.formData();
  const intent = String(form.get('intent'));
  const text = (name: string) => String(form.get(name) ?? '').trim();
  const fail = (fieldErrors: FieldErrors, formError: string | null = null) =>
    data<ActionResult>({ intent, ok: false, formError, fieldErrors }, { status: 400 });

  let result: ReturnType<typeof outcome<unknown>>;
  switch (intent) {
    case 'changePlan':
      result = outcome((await gql(args, ChangePlan, { id, planId: text('planId') })).changeTenantPlan);
      break;
    case 'suspend':
      if (!text('reason')) return fail({ reason: 'Say why the tenant is suspended.' });
      result = outcome((await gql(args, Suspend, { id, reason: text('reason') })).suspendTenant);
      break;
    case 'activate':
      result = outcome((await gql(args, Activate, { id })).activateTenant);
      break;
    case 'delete': {
      const { tenant } = await gql(args, TenantNameQuery, { id });
      if (!tenant || text('confirmName') !== tenant.name) return fail({ confirmName: 'Type the tenant’s name exactly to confirm.' });
      result = outcome((await gql(args, Delete, { id })).deleteTenant);
      break;
    }
    case 'createKey': {
      const expires = text('expiresAt');
      const expiresAt = expires ? isoDate(expires, { endOfDay: true }) : null;
      if (expires && !expiresAt) return fail({ expiresAt: 'Not a date.' });
      const created = outcome((await gql(args, CreateKey, { input: { tenantId: id, name: text('name'), expiresAt } })).createTenantApiKey);
      if (!created.ok) return fail(created.fieldErrors, created.formError);
      return { intent, ok: true, secret: created.data.secret, keyName: created.data.apiKey.name } satisfies ActionResult;
    }
    case 'revokeKey':
      result = outcome((await gql(args, RevokeKey, { id: text('keyId') })).revokeTenantApiKey);
      break;
    default:
      return fail({}, `Unknown action “${intent}”.`);
  }
  if (!result.ok) return fail(result.fieldErrors, result.formError);
  return { intent, ok: true } satisfies ActionResult;
}


export default function TenantDetail() {
  const { tenant, plans, auditEvents } = useLoaderData<typeof loader>();
  const canWrite = useCan('tenants:write');
  const canChangePlan = useCan('tenants:plan');
  const canWriteKeys = useCan('apiKeys:write');
  const activation = useIntent('activate');
  const [changes] = useSubscription({ query: TenantChanged, variables: { id: tenant.id } }, countEvents);
  useRevalidateOnEvents(changes.data);

  const status = tenant.status;
  const live = status !== 'DELETED';
  return (
    <>
      <header className="page-header">
        <div>
          <div className="muted small">
            <Link to="/tenants">Tenants</Link> /
          </div>
          <h1>
            {tenant.name} <StatusBadge status={status} />
          </h1>
          <span className="muted">{tenant.slug}</span>
        </div>
        <div className="actions" data-testid="tenant-actions">
          {canChangePlan && live ? <ChangePlanButton current={tenant.plan.id} plans={plans.edges.map((e) => e.node)} /> : null}
          {canWrite && (status === 'SUSPENDED' || status === 'TRIALING' || status === 'PAST_DUE') ? <ActivateButton /> : null}
          {canWrite && status !== 'SUSPENDED' && live ? <SuspendButton /> : null}
          {canWrite && live ? <DeleteButton name={tenant.name} /> : null}
        </div>
      </header>
      <FormError message={activation.result?.formError} />
      {tenant.suspensionReason && status === 'SUSPENDED' ? (
        <p className="notice" data-testid="suspension-reason">
          Suspended: {tenant.suspensionReason}
        </p>
      ) : null}

      <section className="detail">
        <div className="card">
          <h2>Plan</h2>
          <dl className="facts">
            <dt>Plan</dt>
            <dd data-testid="tenant-plan">
              <Link to={`/plans/${tenant.plan.id}`}>{tenant.plan.name}</Link> <span className="muted">({tenant.plan.code})</span>
            </dd>
            <dt>Price</dt>
            <dd>{formatMoney(tenant.plan.monthlyPrice, tenant.plan.currency)} / month</dd>
            <dt>Trial ends</dt>
            <dd suppressHydrationWarning>
              {tenant.trialEndsAt ? `${formatDateTime(tenant.trialEndsAt)} (${formatRelative(tenant.trialEndsAt)})` : '—'}
            </dd>
          </dl>
        </div>
        <div className="card">
          <h2>Quotas per month</h2>
          <dl className="facts">
            <dt>Seats</dt>
            <dd>{formatCount(tenant.plan.quotas.seats)}</dd>
            <dt>API calls</dt>
            <dd>{formatCount(tenant.plan.quotas.apiCallsPerMonth)}</dd>
            <dt>Emails</dt>
            <dd>{formatCount(tenant.plan.quotas.emailsPerMonth)}</dd>
            <dt>SMS</dt>
            <dd>{formatCount(tenant.plan.quotas.smsPerMonth)}</dd>
          </dl>
        </div>
        <div className="card">
          <h2>Owner</h2>
          <dl className="facts">
            <dt>Name</dt>
            <dd>{tenant.ownerName}</dd>
            <dt>Email</dt>
            <dd>
              <a href={`mailto:${tenant.ownerEmail}`}>{tenant.ownerEmail}</a>
            </dd>
            <dt>Time zone</dt>
            <dd>{tenant.settings.timezone}</dd>
            <dt>Locale</dt>
            <dd>{tenant.settings.locale}</dd>
          </dl>
        </div>
        <div className="card">
          <h2>Lifecycle</h2>
          <dl className="facts">
            <dt>Created</dt>
            <dd>{formatDateTime(tenant.createdAt)}</dd>
            <dt>Onboarded</dt>
            <dd>{formatDateTime(tenant.onboardedAt)}</dd>
            <dt>Updated</dt>
            <dd>{formatDateTime(tenant.updatedAt)}</dd>
            {tenant.deletedAt ? (
              <>
                <dt>Deleted</dt>
                <dd>{formatDateTime(tenant.deletedAt)}</dd>
              </>
            ) : null}
          </dl>
        </div>
      </section>

      <ApiKeys tenantKeys={tenant.apiKeys} canWrite={canWriteKeys && live} />

      <RecordHistory
        events={auditEvents.edges.map((e) => e.node)}
        totalCount={auditEvents.totalCount}
        auditHref={`/audit?targetId=${tenant.id}`}
      />
    </>
  );
}

function ChangePlanButton({ current, plans }: { current: string; plans: { id: string; name: string; monthlyPrice: number; currency: string }[] }) {
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

function SuspendButton() {
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

function ActivateButton() {
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

function DeleteButton({ name }: { name: string }) {
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

type Key = {
  id: string;
  name: string;
  prefix: string;
  active: boolean;
  createdAt: string;
  lastUsedAt?: string | null;
  expiresAt?: string | null;
  revokedAt?: string | null;
  createdBy?: { email: string } | null;
};

function ApiKeys({ tenantKeys, canWrite }: { tenantKeys: Key[]; canWrite: boolean }) {
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

// Errors show inside the shell, the sidebar still usable.
export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
