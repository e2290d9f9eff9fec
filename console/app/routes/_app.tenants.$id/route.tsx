import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useSubscription } from 'urql';
import { FormError } from '../../components/form.tsx';
import { StatusBadge } from '../../components/list.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { graphql } from '../../gql/index.ts';
import { gql, notFound } from '../../graphql.server.ts';
import { useIntent } from '../../lib/intent.ts';
import { countEvents } from '../../lib/live.ts';
import { useRevalidateOnEvents } from '../../lib/revalidate.ts';
import { RecordHistory } from '../_app.audit.$id/record-history.tsx';
import { useCan } from '../_app.tsx';
import { ApiKeys } from './api-keys.tsx';
import { BillingPanel } from './billing.tsx';
import { SendEmailButton } from '../../components/send-email.tsx';
import { ActivateButton, ChangePlanButton, DeleteButton, SuspendButton } from './tenant-actions.tsx';
import { TenantFacts } from './tenant-facts.tsx';
import { TenantSettings } from './tenant-settings.tsx';

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
          ...PlanQuotas
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
      billing {
        stripeCustomerId
        subscriptionId
        subscriptionStatus
        currentPeriodStart
        currentPeriodEnd
        cancelAtPeriodEnd
        customerDeletedAt
        updatedAt
      }
      invoices {
        id
        number
        status
        amountDue
        amountPaid
        currency
        periodStart
        periodEnd
        hostedInvoiceUrl
      }
    }
    tenantSettings(tenantId: $id) {
      ...SettingDefinitionFields
      value
      globalValue
      overridden
    }
    emailTemplates {
      ...SendEmailTemplates
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

const TenantChanged = graphql(`
  subscription TenantDetailChanged($id: ID!) {
    tenantChanged(id: $id) {
      tenantId
      kind
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const id = args.params.id!;
  const result = await gql(args, TenantQuery, { id, history: { targetType: 'Tenant', targetId: id } });
  if (!result.tenant) throw notFound(args.context, `No tenant with id ${id}.`);
  return { ...result, tenant: result.tenant };
}

export { action } from './actions.server.ts';

export default function TenantDetail() {
  const { tenant, plans, auditEvents, emailTemplates, tenantSettings } = useLoaderData<typeof loader>();
  const canEmail = useCan('EMAILS_WRITE');
  const canWrite = useCan('TENANTS_WRITE');
  const canChangePlan = useCan('TENANTS_PLAN');
  const canWriteKeys = useCan('API_KEYS_WRITE');
  const canWriteSettings = useCan('SETTINGS_WRITE');
  const activation = useIntent('activate');
  const [changes] = useSubscription({ query: TenantChanged, variables: { id: tenant.id } }, countEvents);
  useRevalidateOnEvents(changes.data);

  const status = tenant.status;
  const live = status !== 'DELETED';
  return (
    <>
      <PageHeader
        parent={{ to: '/tenants', label: 'Tenants' }}
        title={
          <>
            {tenant.name} <StatusBadge status={status} />
          </>
        }
        sub={
          <span className="muted">
            {tenant.slug} · <Link to={`/users?tenantId=${tenant.id}`}>Users</Link>
          </span>
        }
      >
        <div className="actions" data-testid="tenant-actions">
          {canChangePlan && live ? <ChangePlanButton current={tenant.plan.id} plans={plans.edges.map((e) => e.node)} /> : null}
          {canWrite && (status === 'SUSPENDED' || status === 'TRIALING' || status === 'PAST_DUE') ? <ActivateButton /> : null}
          {canWrite && status !== 'SUSPENDED' && live ? <SuspendButton /> : null}
          {canWrite && live ? <DeleteButton name={tenant.name} /> : null}
          {canEmail && live ? <SendEmailButton templates={emailTemplates} recipient={`${tenant.ownerName} <${tenant.ownerEmail}>`} /> : null}
        </div>
      </PageHeader>
      <FormError message={activation.result?.formError} />
      {tenant.suspensionReason && status === 'SUSPENDED' ? (
        <p className="notice" data-testid="suspension-reason">
          Suspended: {tenant.suspensionReason}
        </p>
      ) : null}

      <TenantFacts tenant={tenant} />

      <BillingPanel billing={tenant.billing} invoices={tenant.invoices} />

      <ApiKeys tenantKeys={tenant.apiKeys} canWrite={canWriteKeys && live} />

      <TenantSettings settings={tenantSettings ?? []} canWrite={canWriteSettings && live} />

      <RecordHistory
        events={auditEvents.edges.map((e) => e.node)}
        totalCount={auditEvents.totalCount}
        auditHref={`/audit?targetId=${tenant.id}`}
      />
    </>
  );
}

// Errors show inside the shell, the sidebar still usable.
export { RouteErrorBoundary as ErrorBoundary } from '../../components/error-boundary.tsx';
