import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useLocation, useSearchParams } from '@remix-run/react';
import { DataTable, FilterForm, ListHeader, NEWEST_FIRST, Pagination } from '../../components/list.tsx';
import { graphql } from '../../gql/index.ts';
import { gql } from '../../graphql.server.ts';
import { formatDateTime } from '../../lib/format.ts';
import { UUID_PATTERN } from '../../lib/ids.ts';
import { pageVariables, withParams } from '../../lib/list.ts';
import { useCan } from '../_app.tsx';
import { actorLabel, auditExportHref, auditFilter, auditVocabulary, shortId, targetHref } from './audit-log.ts';

export const meta: MetaFunction = () => [{ title: 'Audit log · Opsgraph' }];

const AuditLogQuery = graphql(`
  query AuditLog($first: Int, $after: String, $last: Int, $before: String, $filter: AuditEventFilter, $tenantId: ID!, $withTenant: Boolean!) {
    auditEvents(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
      totalCount
      pageInfo {
        ...PageLinks
      }
      edges {
        node {
          id
          occurredAt
          ...AuditActor
          actorId
          impersonatorId
          action
          targetType
          targetId
          tenantId
          requestId
        }
      }
    }
    admins(first: 100, sort: EMAIL_ASC) {
      edges {
        node {
          id
          name
          email
          active
        }
      }
    }
    tenant(id: $tenantId) @include(if: $withTenant) {
      id
      name
      slug
    }
    auditActions {
      action
      targetType
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const params = new URL(args.request.url).searchParams;
  const filter = auditFilter(params);
  const data = await gql(args, AuditLogQuery, {
    ...pageVariables(params),
    filter,
    tenantId: filter.tenantId ?? '',
    withTenant: Boolean(filter.tenantId),
  });
  return { ...data, filter, exportHref: auditExportHref(params), vocabulary: auditVocabulary(data.auditActions) };
}

/** `datetime-local` inputs hold "YYYY-MM-DDTHH:mm"; a bare date from a shared link is shown as its bound. */
function dateTimeInputValue(value: string | null, bound: 'start' | 'end'): string {
  if (!value) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T${bound === 'start' ? '00:00' : '23:59'}`;
  return value.slice(0, 16);
}

export default function AuditLog() {
  const { auditEvents, admins, tenant, filter, exportHref, vocabulary } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { search } = useLocation();
  // Admin pages need ADMINS_MANAGE; for other roles an admin target is shown without a dead link.
  const canSeeAdmins = useCan('ADMINS_MANAGE');
  const actorId = params.get('actorId') ?? '';
  const targetType = params.get('targetType') ?? '';
  const ignored = (['actorId', 'tenantId', 'from', 'to'] as const).filter((name) => params.get(name)?.trim() && !filter[name]);

  return (
    <>
      <ListHeader title="Audit log" totalCount={auditEvents.totalCount} exportHref={exportHref} />
      <FilterForm>
        <label>
          Actor
          <select name="actorId" defaultValue={actorId}>
            <option value="">Anyone</option>
            {admins.edges.map(({ node }) => (
              <option key={node.id} value={node.id}>
                {node.name} ({node.email}){node.active ? '' : ' (deactivated)'}
              </option>
            ))}
            {actorId && !admins.edges.some(({ node }) => node.id === actorId) ? <option value={actorId}>{actorId}</option> : null}
          </select>
        </label>
        <label>
          Action
          <input name="action" list="audit-actions" defaultValue={params.get('action') ?? ''} placeholder="tenant.suspend or tenant." />
          <datalist id="audit-actions">
            {vocabulary.suggestions.map((action) => (
              <option key={action} value={action} />
            ))}
          </datalist>
        </label>
        <label>
          Tenant id
          <input name="tenantId" defaultValue={params.get('tenantId') ?? ''} pattern={UUID_PATTERN} title="A tenant's id (UUID)" size={38} />
        </label>
        <label>
          Target type
          <select name="targetType" defaultValue={targetType}>
            <option value="">Any</option>
            {vocabulary.targetTypes.map((type) => (
              <option key={type}>{type}</option>
            ))}
            {targetType && !vocabulary.targetTypes.includes(targetType) ? <option>{targetType}</option> : null}
          </select>
        </label>
        <label>
          Target id
          <input name="targetId" defaultValue={params.get('targetId') ?? ''} size={38} />
        </label>
        <label>
          From (UTC)
          <input type="datetime-local" name="from" defaultValue={dateTimeInputValue(params.get('from'), 'start')} />
        </label>
        <label>
          to (UTC)
          <input type="datetime-local" name="to" defaultValue={dateTimeInputValue(params.get('to'), 'end')} />
        </label>
      </FilterForm>
      {filter.tenantId ? (
        <p className="audit-scope" data-testid="tenant-filter">
          Entries for tenant{' '}
          {tenant ? (
            <>
              <Link to={`/tenants/${tenant.id}`}>{tenant.name}</Link> <span className="muted">({tenant.slug})</span>
            </>
          ) : (
            <span>
              <code>{filter.tenantId}</code> <span className="muted">(no such tenant)</span>
            </span>
          )}{' '}
          · <Link to={withParams(search, { tenantId: null })}>all tenants</Link>
        </p>
      ) : null}
      {ignored.length ? (
        <p className="notice" role="status">
          Ignored {ignored.join(', ')}: {ignored.length === 1 ? 'not a valid value' : 'not valid values'}.
        </p>
      ) : null}
      <DataTable
        colSpan={6}
        empty="No audit entries match these filters."
        head={
          <tr>
            <th>Time (UTC)</th>
            <th>Actor</th>
            <th>Action</th>
            <th>Target</th>
            <th>Tenant</th>
            <th>Request id</th>
          </tr>
        }
      >
        {auditEvents.edges.map(({ node }) => {
          const actor = actorLabel(node);
          const href = node.targetType === 'AdminUser' && !canSeeAdmins ? null : targetHref(node.targetType, node.targetId);
          return (
            <tr key={node.id} data-testid="audit-row">
              <td className="nowrap">
                <Link to={`/audit/${node.id}`} title="Open this entry">
                  {formatDateTime(node.occurredAt, { seconds: true })}
                </Link>
              </td>
              <td>
                {node.actorType === 'ADMIN' && node.actorId ? (
                  <Link to={withParams(search, { actorId: node.actorId })} title="Show only this admin's entries">
                    {actor.name}
                  </Link>
                ) : (
                  <span className="badge">{actor.name}</span>
                )}
                {actor.role ? <div className="muted small">{actor.role}</div> : null}
                {node.impersonatorId ? <div className="muted small">impersonated</div> : null}
              </td>
              <td>
                <Link to={withParams(search, { action: node.action })} title="Show only this action">
                  <code>{node.action}</code>
                </Link>
              </td>
              <td>
                {node.targetType}
                {node.targetId ? (
                  <div>
                    {href ? (
                      <Link to={href} title={node.targetId} data-testid="audit-target">
                        {shortId(node.targetId)}
                      </Link>
                    ) : (
                      <code title={node.targetId}>{shortId(node.targetId)}</code>
                    )}
                  </div>
                ) : null}
              </td>
              <td>
                {node.tenantId ? (
                  <Link to={withParams(search, { tenantId: node.tenantId })} title={`Show only the entries of tenant ${node.tenantId}`}>
                    <code>{shortId(node.tenantId)}</code>
                  </Link>
                ) : (
                  '—'
                )}
              </td>
              <td>{node.requestId ? <code title={node.requestId}>{shortId(node.requestId)}</code> : '—'}</td>
            </tr>
          );
        })}
      </DataTable>
      <Pagination pageInfo={auditEvents.pageInfo} labels={NEWEST_FIRST} />
    </>
  );
}

// Errors show inside the shell, the sidebar still usable.
export { RouteErrorBoundary as ErrorBoundary } from '../../components/error-boundary.tsx';
