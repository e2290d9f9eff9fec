import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData, useNavigation } from '@remix-run/react';
import { useEffect, useState } from 'react';
import { IntentDialog } from '../components/dialog.tsx';
import { Field, FormError } from '../components/form.tsx';
import { DataTable, StatusBadge } from '../components/list.tsx';
import { RecordHistory } from '../components/record-history.tsx';
import { graphql } from '../gql/index.ts';
import type { AdminRole } from '../gql/graphql.ts';
import { gql } from '../graphql.server.ts';
import { requirePermission } from '../lib/admin-access.server.ts';
import { ADMIN_ROLES, describeUserAgent, isAdminRole, isLocked, ROLE_DESCRIPTIONS } from '../lib/admin-roles.ts';
import { formatDateTime, formatRelative, humanize } from '../lib/format.ts';
import { useIntent, type IntentResult } from '../lib/intent.ts';
import { outcome, type FieldErrors } from '../lib/mutation.ts';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.admin.name ?? 'Admin'} · Opsgraph` }];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

const ChangeRole = graphql(`
  mutation ChangeAdminRole($id: ID!, $role: AdminRole!) {
    changeAdminRole(id: $id, role: $role) {
      __typename
      ... on MutationChangeAdminRoleSuccess {
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

const Deactivate = graphql(`
  mutation DeactivateAdmin($id: ID!) {
    deactivateAdmin(id: $id) {
      __typename
      ... on MutationDeactivateAdminSuccess {
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

const Reactivate = graphql(`
  mutation ReactivateAdmin($id: ID!) {
    reactivateAdmin(id: $id) {
      __typename
      ... on MutationReactivateAdminSuccess {
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

const RevokeSession = graphql(`
  mutation RevokeAdminSession($id: ID!) {
    revokeAdminSession(id: $id) {
      __typename
      ... on MutationRevokeAdminSessionSuccess {
        data
      }
      ... on Error {
        ...MutationError
      }
    }
  }
`);

function notFound(id: string, requestId: string) {
  return data({ message: `No admin with id ${id}.`, requestId }, { status: 404 });
}

export async function loader(args: LoaderFunctionArgs) {
  const me = await requirePermission(args, 'ADMINS_MANAGE', 'Only owners can manage admins.');
  const id = args.params.id!;
  if (!UUID.test(id)) throw notFound(id, args.context.requestId);
  const { admin, auditEvents } = await gql(args, AdminQuery, { id, history: { targetType: 'AdminUser', targetId: id } });
  if (!admin) throw notFound(id, args.context.requestId);
  return { admin, auditEvents, isMe: admin.id === me.id };
}

type ActionResult = IntentResult;

export async function action(args: ActionFunctionArgs) {
  const id = args.params.id!;
  const form = await args.request.formData();
  const intent = String(form.get('intent'));
  const fail = (formError: string | null, fieldErrors: FieldErrors = {}) =>
    data<ActionResult>({ intent, ok: false, formError, fieldErrors }, { status: 400 });

  let result: ReturnType<typeof outcome<unknown>>;
  switch (intent) {
    case 'changeRole': {
      const role = form.get('role');
      if (!isAdminRole(role)) return fail(null, { role: 'Choose a role.' });
      result = outcome((await gql(args, ChangeRole, { id, role })).changeAdminRole);
      break;
    }
    case 'deactivate':
      result = outcome((await gql(args, Deactivate, { id })).deactivateAdmin);
      break;
    case 'reactivate':
      result = outcome((await gql(args, Reactivate, { id })).reactivateAdmin);
      break;
    case 'revokeSession':
      result = outcome((await gql(args, RevokeSession, { id: String(form.get('sessionId') ?? '') })).revokeAdminSession);
      break;
    default:
      return fail(`Unknown action “${intent}”.`);
  }
  if (!result.ok) {
    // A refusal about the admin itself (the last owner) is keyed `id`: it belongs to the whole form.
    const { id: about, ...fieldErrors } = result.fieldErrors;
    return fail(result.formError ?? about ?? null, fieldErrors);
  }
  return { intent, ok: true } satisfies ActionResult;
}


export default function AdminDetail() {
  const { admin, auditEvents, isMe } = useLoaderData<typeof loader>();
  const locked = isLocked(admin.lockedUntil);
  return (
    <>
      <header className="page-header">
        <div>
          <div className="muted small">
            <Link to="/admins">Admins</Link> /
          </div>
          <h1>
            {admin.name} <StatusBadge status={admin.active ? 'ACTIVE' : 'DEACTIVATED'} />{' '}
            {locked ? <span className="badge status-locked">Locked</span> : null}
          </h1>
          <span className="muted">
            {admin.email}
            {isMe ? ' (you)' : ''}
          </span>
        </div>
        <div className="actions" data-testid="admin-actions">
          {admin.active ? <DeactivateButton name={admin.name} isMe={isMe} /> : <ReactivateButton name={admin.name} />}
        </div>
      </header>

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

function ChangeRoleCard({ current }: { current: AdminRole }) {
  const { busy, result } = useIntent('changeRole');
  const [role, setRole] = useState<AdminRole>(current);
  // After a save (or someone else's change) the select follows the stored role.
  useEffect(() => setRole(current), [current]);
  return (
    <Form method="post" className="card admin-role">
      <h2>Role</h2>
      <input type="hidden" name="intent" value="changeRole" />
      <FormError message={result?.formError} />
      <Field label="Role" name="role" error={result?.fieldErrors?.role} hint={ROLE_DESCRIPTIONS[role]}>
        <select name="role" value={role} onChange={(e) => isAdminRole(e.target.value) && setRole(e.target.value)}>
          {ADMIN_ROLES.map((r) => (
            <option key={r} value={r}>
              {humanize(r)}
            </option>
          ))}
        </select>
      </Field>
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

function DeactivateButton({ name, isMe }: { name: string; isMe: boolean }) {
  return (
    <IntentDialog intent="deactivate" label="Deactivate" title="Deactivate admin" submitLabel="Deactivate admin" busyLabel="Deactivating…" danger>
      <p>
        <strong>{name}</strong> can no longer sign in, and every session they have ends at once.
        {isMe ? ' This is your own account: you will be signed out.' : ''}
      </p>
    </IntentDialog>
  );
}

function ReactivateButton({ name }: { name: string }) {
  return (
    <IntentDialog intent="reactivate" label="Reactivate" title="Reactivate admin" submitLabel="Reactivate admin" busyLabel="Reactivating…">
      <p>
        <strong>{name}</strong> can sign in again with their password, with the role they had.
      </p>
    </IntentDialog>
  );
}

type Session = { id: string; ip?: string | null; userAgent?: string | null; createdAt: string; lastSeenAt: string; expiresAt: string };

function Sessions({ sessions, active, isMe }: { sessions: Session[]; active: boolean; isMe: boolean }) {
  const revoke = useIntent('revokeSession');
  const navigation = useNavigation();
  const revoking = revoke.busy ? navigation.formData?.get('sessionId') : null;
  return (
    <section>
      <h2>Active sessions</h2>
      {isMe && sessions.length ? <p className="muted small">One of these is the session you are using now; revoking it signs you out.</p> : null}
      <FormError message={revoke.result?.formError} />
      <DataTable
        colSpan={6}
        empty={active ? 'No active sessions.' : 'No active sessions: a deactivated admin has none.'}
        head={
          <tr>
            <th>Signed in</th>
            <th>Last seen</th>
            <th>Expires</th>
            <th>Client</th>
            <th>IP</th>
            <th />
          </tr>
        }
      >
        {sessions.map((session) => (
          <tr key={session.id} data-testid="session-row">
            <td>{formatDateTime(session.createdAt)}</td>
            <td suppressHydrationWarning title={formatDateTime(session.lastSeenAt)}>
              {formatRelative(session.lastSeenAt)}
            </td>
            <td>{formatDateTime(session.expiresAt)}</td>
            <td title={session.userAgent ?? undefined}>{describeUserAgent(session.userAgent)}</td>
            <td>
              <code>{session.ip ?? '—'}</code>
            </td>
            <td>
              <Form method="post">
                <input type="hidden" name="intent" value="revokeSession" />
                <input type="hidden" name="sessionId" value={session.id} />
                <button type="submit" className="danger" disabled={revoking === session.id}>
                  {revoking === session.id ? 'Revoking…' : 'Revoke'}
                </button>
              </Form>
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}

// Errors show inside the shell, the sidebar still usable.
export { RouteErrorBoundary as ErrorBoundary } from '../components/error-boundary.tsx';
