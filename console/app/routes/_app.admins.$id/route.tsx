import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { StatusBadge } from '../../components/list.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { graphql } from '../../gql/index.ts';
import { gql, notFound } from '../../graphql.server.ts';
import { requirePermission } from '../../lib/admin-access.server.ts';
import { formatDateTime, formatRelative, humanize } from '../../lib/format.ts';
import { isUuid } from '../../lib/ids.ts';
import { RecordHistory } from '../_app.audit.$id/record-history.tsx';
import { ChangeRoleCard, DeactivateButton, ReactivateButton } from './admin-actions.tsx';
import { isLocked } from './admin-roles.ts';
import { Sessions } from './sessions.tsx';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.admin.name ?? 'Admin'} · Opsgraph` }];

const AdminQuery = graphql(`
  query AdminDetail($id: ID!, $history: AuditEventFilter!) {
    admin(id: $id) {
      id
      name
      email
      role
      active
      lockedUntil
      lastLoginAt
      deactivatedAt
      createdAt
      sessions {
        id
        ip
        userAgent
        createdAt
        lastSeenAt
        expiresAt
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

export async function loader(args: LoaderFunctionArgs) {
  const me = await requirePermission(args, 'ADMINS_MANAGE', 'Only owners can manage admins.');
  const id = args.params.id!;
  const missing = () => notFound(args.context, `No admin with id ${id}.`);
  if (!isUuid(id)) throw missing();
  const { admin, auditEvents } = await gql(args, AdminQuery, { id, history: { targetType: 'AdminUser', targetId: id } });
  if (!admin) throw missing();
  return { admin, auditEvents, isMe: admin.id === me.id };
}

export { action } from './actions.server.ts';

export default function AdminDetail() {
  const { admin, auditEvents, isMe } = useLoaderData<typeof loader>();
  const locked = isLocked(admin.lockedUntil);
  return (
    <>
      <PageHeader
        parent={{ to: '/admins', label: 'Admins' }}
        title={
          <>
            {admin.name} <StatusBadge status={admin.active ? 'ACTIVE' : 'DEACTIVATED'} />{' '}
            {locked ? <span className="badge status-locked">Locked</span> : null}
          </>
        }
        sub={
          <span className="muted">
            {admin.email}
            {isMe ? ' (you)' : ''}
          </span>
        }
      >
        <div className="actions" data-testid="admin-actions">
          {admin.active ? <DeactivateButton name={admin.name} isMe={isMe} /> : <ReactivateButton name={admin.name} />}
        </div>
      </PageHeader>

      <section className="detail">
        <div className="card admin-account">
          <h2>Account</h2>
          <dl className="facts">
            <dt>Email</dt>
            <dd>{admin.email}</dd>
            <dt>Role</dt>
            <dd data-testid="admin-role">{humanize(admin.role)}</dd>
            <dt>Status</dt>
            <dd data-testid="admin-status">{admin.active ? 'Active' : `Deactivated ${formatDateTime(admin.deactivatedAt)}`}</dd>
            <dt>Last login</dt>
            <dd suppressHydrationWarning>
              {admin.lastLoginAt ? `${formatDateTime(admin.lastLoginAt)} (${formatRelative(admin.lastLoginAt)})` : 'Never'}
            </dd>
            <dt>Locked until</dt>
            <dd suppressHydrationWarning>{locked ? formatDateTime(admin.lockedUntil) : '—'}</dd>
            <dt>Created</dt>
            <dd>{formatDateTime(admin.createdAt)}</dd>
          </dl>
        </div>
        <ChangeRoleCard current={admin.role} />
      </section>

      <Sessions sessions={admin.sessions} active={admin.active} isMe={isMe} />

      <RecordHistory
        events={auditEvents.edges.map((e) => e.node)}
        totalCount={auditEvents.totalCount}
        auditHref={`/audit?targetId=${admin.id}`}
      />
    </>
  );
}

// Errors show inside the shell, the sidebar still usable.
export { RouteErrorBoundary as ErrorBoundary } from '../../components/error-boundary.tsx';
