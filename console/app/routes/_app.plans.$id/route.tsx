import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { StatusBadge } from '../../components/list.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { graphql } from '../../gql/index.ts';
import { gql, notFound } from '../../graphql.server.ts';
import { requirePermission } from '../../lib/admin-access.server.ts';
import { isUuid } from '../../lib/ids.ts';
import { RecordHistory } from '../_app.audit.$id/record-history.tsx';
import { useCan } from '../_app.tsx';
import { EditPlan } from './edit-plan.tsx';
import { ArchiveButton, DeleteButton, UnarchiveButton } from './plan-actions.tsx';
import { PlanFacts } from './plan-facts.tsx';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.plan.name ?? 'Plan'} · Opsgraph` }];

const PlanQuery = graphql(`
  query PlanDetail($id: ID!, $history: AuditEventFilter!) {
    plan(id: $id) {
      id
      status
      tenantCount
      createdAt
      updatedAt
      ...PlanForm
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

export async function loader(args: LoaderFunctionArgs) {
  const id = args.params.id!;
  const missing = () => notFound(args.context, `No plan with id ${id}.`);
  if (!isUuid(id)) throw missing();
  const editing = new URL(args.request.url).searchParams.has('edit');
  if (editing) await requirePermission(args, 'PLANS_WRITE', 'Your role cannot edit plans.');
  const result = await gql(args, PlanQuery, { id, history: { targetType: 'Plan', targetId: id } });
  if (!result.plan) throw missing();
  return { ...result, plan: result.plan, editing };
}

export { action } from './actions.server.ts';

export default function PlanDetail() {
  const { plan, auditEvents, editing } = useLoaderData<typeof loader>();
  const canWrite = useCan('PLANS_WRITE');

  return (
    <>
      <PageHeader
        parent={{ to: '/plans', label: 'Plans' }}
        title={
          <>
            {plan.name} <StatusBadge status={plan.status} />
          </>
        }
        sub={<code className="muted">{plan.code}</code>}
      >
        {canWrite && !editing ? (
          <div className="actions" data-testid="plan-actions">
            <Link className="button" to="?edit=1">
              Edit
            </Link>
            {plan.status === 'ARCHIVED' ? <UnarchiveButton /> : <ArchiveButton tenantCount={plan.tenantCount} />}
            {plan.tenantCount === 0 ? <DeleteButton name={plan.name} /> : null}
          </div>
        ) : null}
      </PageHeader>
      {editing && canWrite ? <EditPlan plan={plan} /> : <PlanFacts plan={plan} />}

      <RecordHistory
        events={auditEvents.edges.map((e) => e.node)}
        totalCount={auditEvents.totalCount}
        auditHref={`/audit?targetId=${plan.id}`}
      />
    </>
  );
}

// Errors show inside the shell, the sidebar still usable.
export { RouteErrorBoundary as ErrorBoundary } from '../../components/error-boundary.tsx';
