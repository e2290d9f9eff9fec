import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { IntentDialog } from '../components/dialog.tsx';
import { FormError } from '../components/form.tsx';
import { StatusBadge } from '../components/list.tsx';
import { RecordHistory } from '../components/record-history.tsx';
import { PlanFields } from '../components/plan-form.tsx';
import { graphql } from '../gql/index.ts';
import { gql } from '../graphql.server.ts';
import { requirePermission } from '../lib/admin-access.server.ts';
import { formatCount, formatDateTime, formatMoney } from '../lib/format.ts';
import { useIntent, type IntentResult } from '../lib/intent.ts';
import { outcome, type FieldErrors } from '../lib/mutation.ts';
import {
  changedPlanFields,
  originalPlanInput,
  parsePlanValues,
  planFieldErrors,
  planFormValues,
  readPlanValues,
  trialLabel,
  type PlanFormValues,
} from '../lib/plan-form.ts';
import { useCan } from './_app.tsx';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.plan.name ?? 'Plan'} · Opsgraph` }];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const PlanQuery = graphql(`
  query PlanDetail($id: ID!, $history: AuditEventFilter!) {
    plan(id: $id) {
      id
      code
      name
      description
      status
      currency
      monthlyPrice
      yearlyPrice
      trialDays
      entitlements
      tenantCount
      createdAt
      updatedAt
      quotas {
        seats
        emailsPerMonth
        smsPerMonth
        apiCallsPerMonth
      }
    }
    auditEvents(filter: $history, first: 10) {
      totalCount
      edges {
        node {
          ...HistoryEntry
        }
      }
    }
  }
`);

const UpdatePlan = graphql(`
  mutation UpdatePlan($id: ID!, $input: UpdatePlanInput!) {
    updatePlan(id: $id, input: $input) {
      __typename
      ... on MutationUpdatePlanSuccess {
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

const ArchivePlan = graphql(`
  mutation ArchivePlan($id: ID!) {
    archivePlan(id: $id) {
      __typename
      ... on MutationArchivePlanSuccess {
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

const UnarchivePlan = graphql(`
  mutation UnarchivePlan($id: ID!) {
    unarchivePlan(id: $id) {
      __typename
      ... on MutationUnarchivePlanSuccess {
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

const DeletePlan = graphql(`
  mutation DeletePlan($id: ID!) {
    deletePlan(id: $id) {
      __typename
      ... on MutationDeletePlanSuccess {
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

function notFound(id: string, requestId: string) {
  return data({ message: `No plan with id ${id}.`, requestId }, { status: 404 });
}

export async function loader(args: LoaderFunctionArgs) {
  const id = args.params.id!;
  if (!UUID.test(id)) throw notFound(id, args.context.requestId);
  const editing = new URL(args.request.url).searchParams.has('edit');
  if (editing) await requirePermission(args, 'PLANS_WRITE', 'Your role cannot edit plans.');
  const result = await gql(args, PlanQuery, { id, history: { targetType: 'Plan', targetId: id } });
  if (!result.plan) throw notFound(id, args.context.requestId);
  return { ...result, plan: result.plan, editing };
}

type ActionResult = IntentResult & { values?: PlanFormValues };

export async function action(args: ActionFunctionArgs) {
  const id = args.params.id!;
  const form = await args.request.formData();
  const intent = String(form.get('intent'));
  const fail = (errors: { formError: string | null; fieldErrors: FieldErrors }, values?: PlanFormValues) =>
    data<ActionResult>({ intent, ok: false, ...errors, values }, { status: 400 });

  switch (intent) {
    case 'update': {
      const values = readPlanValues(form);
      const parsed = parsePlanValues(values);
      if (!parsed.ok) return fail({ formError: null, fieldErrors: parsed.fieldErrors }, values);
      const original = originalPlanInput(String(form.get('original') ?? ''));
      const input = original ? changedPlanFields(original, parsed.input) : parsed.input;
      if (Object.keys(input).length) {
        const result = outcome((await gql(args, UpdatePlan, { id, input })).updatePlan);
        if (!result.ok) return fail(planFieldErrors(result, parsed.input.entitlements), values);
      }
      return redirect(`/plans/${id}`);
    }
    case 'archive':
    case 'unarchive': {
      const response =
        intent === 'archive' ? (await gql(args, ArchivePlan, { id })).archivePlan : (await gql(args, UnarchivePlan, { id })).unarchivePlan;
      const result = outcome(response);
      if (!result.ok) return fail(planFieldErrors(result, []));
      return { intent, ok: true } satisfies ActionResult;
    }
    case 'delete': {
      const result = outcome((await gql(args, DeletePlan, { id })).deletePlan);
      if (!result.ok) return fail(planFieldErrors(result, []));
      return redirect('/plans');
    }
    default:
      return fail({ formError: `Unknown action “${intent}”.`, fieldErrors: {} });
  }
}


export default function PlanDetail() {
  const { plan, auditEvents, editing } = useLoaderData<typeof loader>();
  const canWrite = useCan('PLANS_WRITE');

  return (
    <>
      <header className="page-header">
        <div>
          <div className="muted small">
            <Link to="/plans">Plans</Link> /
          </div>
          <h1>
            {plan.name} <StatusBadge status={plan.status} />
          </h1>
          <code className="muted">{plan.code}</code>
        </div>
        {canWrite && !editing ? (
          <div className="actions" data-testid="plan-actions">
            <Link className="button" to="?edit=1">
              Edit
            </Link>
            {plan.status === 'ARCHIVED' ? <UnarchiveButton /> : <ArchiveButton tenantCount={plan.tenantCount} />}
            {plan.tenantCount === 0 ? <DeleteButton name={plan.name} /> : null}
          </div>
        ) : null}
      </header>
      {editing && canWrite ? (
        <EditPlan plan={plan} />
      ) : (
        <section className="detail">
          <div className="card">
            <h2>Pricing</h2>
            <dl className="facts">
              <dt>Monthly</dt>
              <dd data-testid="plan-monthly-price">{formatMoney(plan.monthlyPrice, plan.currency)}</dd>
              <dt>Yearly</dt>
              <dd data-testid="plan-yearly-price">{formatMoney(plan.yearlyPrice, plan.currency)}</dd>
              <dt>Currency</dt>
              <dd>{plan.currency}</dd>
              <dt>Trial</dt>
              <dd>{trialLabel(plan.trialDays)}</dd>
            </dl>
          </div>
          <div className="card">
            <h2>Quotas per month</h2>
            <dl className="facts">
              <dt>Seats</dt>
              <dd>{formatCount(plan.quotas.seats)}</dd>
              <dt>Emails</dt>
              <dd>{formatCount(plan.quotas.emailsPerMonth)}</dd>
              <dt>SMS</dt>
              <dd>{formatCount(plan.quotas.smsPerMonth)}</dd>
              <dt>API calls</dt>
              <dd>{formatCount(plan.quotas.apiCallsPerMonth)}</dd>
            </dl>
          </div>
          <div className="card">
            <h2>Usage</h2>
            <dl className="facts">
              <dt>Tenants</dt>
              <dd data-testid="plan-tenant-count">
                <Link to={`/tenants?planId=${plan.id}`}>
                  {formatCount(plan.tenantCount)} {plan.tenantCount === 1 ? 'tenant' : 'tenants'} on this plan →
                </Link>
              </dd>
              <dt>Created</dt>
              <dd>{formatDateTime(plan.createdAt)}</dd>
              <dt>Updated</dt>
              <dd>{formatDateTime(plan.updatedAt)}</dd>
            </dl>
          </div>
          <div className="card plan-about">
            <h2>Description</h2>
            <p className={plan.description ? undefined : 'muted'}>{plan.description || 'No description.'}</p>
            <h2>Entitlements</h2>
            {plan.entitlements.length ? (
              <ul className="plan-entitlements" data-testid="plan-entitlements">
                {plan.entitlements.map((key) => (
                  <li key={key}>
                    <code>{key}</code>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">None.</p>
            )}
          </div>
        </section>
      )}

      <RecordHistory
        events={auditEvents.edges.map((e) => e.node)}
        totalCount={auditEvents.totalCount}
        auditHref={`/audit?targetId=${plan.id}`}
      />
    </>
  );
}

function EditPlan({ plan }: { plan: Parameters<typeof planFormValues>[0] & { id: string } }) {
  const { busy, result } = useIntent<ActionResult>('update');
  const original = planFormValues(plan);
  return (
    <Form method="post" className="plan-form" noValidate>
      <input type="hidden" name="intent" value="update" />
      <input type="hidden" name="original" value={JSON.stringify(original)} />
      <FormError message={result?.formError} />
      <PlanFields values={result?.values ?? original} errors={result?.fieldErrors} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save changes'}
        </button>
        <Link to={`/plans/${plan.id}`}>Cancel</Link>
      </div>
    </Form>
  );
}

function ArchiveButton({ tenantCount }: { tenantCount: number }) {
  return (
    <IntentDialog intent="archive" label="Archive" title="Archive plan" submitLabel="Archive plan" busyLabel="Archiving…">
      <p>
        New tenants and plan changes can no longer choose this plan.{' '}
        {tenantCount
          ? `The ${formatCount(tenantCount)} ${tenantCount === 1 ? 'tenant' : 'tenants'} on it keep it until they move.`
          : 'No tenant is on it.'}
      </p>
    </IntentDialog>
  );
}

function UnarchiveButton() {
  return (
    <IntentDialog intent="unarchive" label="Unarchive" title="Unarchive plan" submitLabel="Unarchive plan" busyLabel="Unarchiving…">
      <p>New tenants and plan changes can choose this plan again.</p>
    </IntentDialog>
  );
}

function DeleteButton({ name }: { name: string }) {
  return (
    <IntentDialog intent="delete" label="Delete" title="Delete plan" submitLabel="Delete plan" busyLabel="Deleting…" danger>
      <p>
        <strong>{name}</strong> is deleted for good. Only a plan no tenant has used can be deleted; archive it otherwise.
      </p>
    </IntentDialog>
  );
}

// Errors show inside the shell, the sidebar still usable.
export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
