import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { PageHeader } from '../../components/page-header.tsx';
import { graphql } from '../../gql/index.ts';
import { gql, notFound } from '../../graphql.server.ts';
import { formatDateTime } from '../../lib/format.ts';
import { isUuid } from '../../lib/ids.ts';
import { actorLabel, targetHref } from '../_app.audit._index/audit-log.ts';
import { useCan } from '../_app.tsx';
import { AuditChanges } from './audit-changes.tsx';
import { diffRows } from './audit-diff.ts';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.event.action ?? 'Audit entry'} · Audit log · Opsgraph` },
];

const AuditEntryQuery = graphql(`
  query AuditEntry($id: ID!) {
    auditEvent(id: $id) {
      id
      occurredAt
      ...AuditActor
      actorId
      impersonatorId
      tenantId
      action
      targetType
      targetId
      before
      after
      diff
      requestId
      ip
      userAgent
    }
  }
`);

const AuditEntryTenantQuery = graphql(`
  query AuditEntryTenant($id: ID!) {
    tenant(id: $id) {
      id
      name
      slug
      status
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const id = args.params.id ?? '';
  const missing = () => notFound(args.context, `There is no audit entry with id ${id}.`);
  if (!isUuid(id)) throw missing();
  const { auditEvent: event } = await gql(args, AuditEntryQuery, { id });
  if (!event) throw missing();
  const tenant = event.tenantId ? (await gql(args, AuditEntryTenantQuery, { id: event.tenantId })).tenant : null;
  return { event, tenant, changes: diffRows(event.diff, { before: event.before, after: event.after }) };
}

export default function AuditEntry() {
  const { event, tenant, changes } = useLoaderData<typeof loader>();
  const actor = actorLabel(event);
  // Admin pages need ADMINS_MANAGE; for other roles admins are named without a dead link.
  const canSeeAdmins = useCan('ADMINS_MANAGE');
  const target = event.targetType === 'AdminUser' && !canSeeAdmins ? null : targetHref(event.targetType, event.targetId);

  return (
    <>
      <p className="small">
        <Link to="/audit">← Audit log</Link>
      </p>
      <PageHeader
        title={<code className="audit-action">{event.action}</code>}
        sub={<span className="muted">{formatDateTime(event.occurredAt, { seconds: true })}</span>}
      >
        <div className="actions">
          {event.targetId ? (
            <Link
              className="button"
              to={`/audit?${new URLSearchParams({ targetType: event.targetType, targetId: event.targetId })}`}
            >
              History of this {event.targetType}
            </Link>
          ) : null}
        </div>
      </PageHeader>

      <section className="card audit-meta">
        <dl className="facts" data-testid="audit-meta">
          <dt>Time</dt>
          <dd>{formatDateTime(event.occurredAt, { seconds: true })}</dd>
          <dt>Action</dt>
          <dd>
            <Link to={`/audit?${new URLSearchParams({ action: event.action })}`}>
              <code>{event.action}</code>
            </Link>
          </dd>
          <dt>Actor</dt>
          <dd data-testid="audit-actor">
            {event.actorType === 'ADMIN' && event.actorId && canSeeAdmins ? <Link to={`/admins/${event.actorId}`}>{actor.name}</Link> : actor.name}
            {actor.role ? <span className="badge audit-role">{actor.role}</span> : null}
            {event.actorType !== 'ADMIN' ? <span className="muted small"> ({event.actorType === 'SYSTEM' ? 'a background job' : 'a tenant API key'})</span> : null}
          </dd>
          <dt>Impersonated by</dt>
          <dd>
            {event.impersonatorId ? (
              canSeeAdmins ? (
                <Link to={`/admins/${event.impersonatorId}`}>{event.impersonatorId}</Link>
              ) : (
                <code>{event.impersonatorId}</code>
              )
            ) : (
              '—'
            )}
          </dd>
          <dt>Target</dt>
          <dd>
            {event.targetType}{' '}
            {event.targetId ? target ? <Link to={target}>{event.targetId}</Link> : <code>{event.targetId}</code> : null}
          </dd>
          <dt>Tenant</dt>
          <dd>
            {event.tenantId ? (
              tenant ? (
                <>
                  <Link to={`/tenants/${tenant.id}`}>{tenant.name}</Link> <span className="muted">({tenant.slug})</span>
                </>
              ) : (
                <code>{event.tenantId}</code>
              )
            ) : (
              '—'
            )}
          </dd>
          <dt>Request id</dt>
          <dd>{event.requestId ? <code data-testid="audit-request-id">{event.requestId}</code> : '—'}</dd>
          <dt>IP</dt>
          <dd>{event.ip ? <code>{event.ip}</code> : '—'}</dd>
          <dt>User agent</dt>
          <dd className="audit-user-agent">{event.userAgent ?? '—'}</dd>
          <dt>Entry id</dt>
          <dd>
            <code>{event.id}</code>
          </dd>
        </dl>
      </section>

      <AuditChanges changes={changes} before={event.before} after={event.after} />
    </>
  );
}

// Errors show inside the shell, the sidebar still usable.
export { RouteErrorBoundary as ErrorBoundary } from '../../components/error-boundary.tsx';
