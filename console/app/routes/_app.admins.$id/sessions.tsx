import { Form, useNavigation } from '@remix-run/react';
import { FormError } from '../../components/form.tsx';
import { DataTable } from '../../components/list.tsx';
import type { AdminDetailQuery } from '../../gql/graphql.ts';
import { formatDateTime, formatRelative } from '../../lib/format.ts';
import { useIntent } from '../../lib/intent.ts';
import { describeUserAgent } from './admin-roles.ts';

export function Sessions({ sessions, active, isMe }: { sessions: NonNullable<AdminDetailQuery['admin']>['sessions']; active: boolean; isMe: boolean }) {
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
