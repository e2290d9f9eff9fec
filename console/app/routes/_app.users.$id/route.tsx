import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { FormError } from '../../components/form.tsx';
import { StatusBadge } from '../../components/list.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { SendEmailButton } from '../../components/send-email.tsx';
import { graphql } from '../../gql/index.ts';
import { gql, notFound } from '../../graphql.server.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useIntent } from '../../lib/intent.ts';
import { useCan } from '../_app.tsx';
import { BlockButton, UnblockButton } from './user-actions.tsx';
import { UserTimeline } from './user-timeline.tsx';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.user.name ?? data?.user.externalId ?? 'User'} · Opsgraph` },
];

const UserQuery = graphql(`
  query UserDetail($id: ID!, $after: String) {
    user(id: $id) {
      id
      externalId
      email
      name
      role
      locale
      timeZone
      attributes
      lastSeenAt
      userBlocked
      blockedAt
      blockedReason
      blockedBy {
        email
      }
      createdAt
      updatedAt
      tenant {
        id
        name
      }
      timeline(first: 50, after: $after) {
        endCursor
        entries {
          kind
          id
          occurredAt
          action
          actorType
          actorEmail
          diff
          subject
          emailStatus
          toAddress
        }
      }
    }
    emailTemplates {
      ...SendEmailTemplates
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const id = args.params.id!;
  const after = new URL(args.request.url).searchParams.get('after');
  const result = await gql(args, UserQuery, { id, after });
  if (!result.user) throw notFound(args.context, `No user with id ${id}.`);
  return { user: result.user, templates: result.emailTemplates };
}

export { action } from './actions.server.ts';

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children ?? '—'}</dd>
    </>
  );
}

export default function UserDetail() {
  const { user, templates } = useLoaderData<typeof loader>();
  const canEmail = useCan('EMAILS_WRITE');
  const canWrite = useCan('USERS_WRITE');
  const block = useIntent('block');
  const unblock = useIntent('unblock');
  const attributes = Object.entries((user.attributes ?? {}) as Record<string, unknown>);

  return (
    <>
      <PageHeader
        parent={{ to: '/users', label: 'Users' }}
        title={
          <>
            {user.name ?? user.externalId} <StatusBadge status={user.userBlocked ? 'BLOCKED' : 'ACTIVE'} />
          </>
        }
        sub={
          <span className="muted">
            {user.externalId} · <Link to={`/tenants/${user.tenant.id}`}>{user.tenant.name}</Link>
          </span>
        }
      >
        <div className="actions" data-testid="user-actions">
          {canWrite && !user.userBlocked ? <BlockButton /> : null}
          {canWrite && user.userBlocked ? <UnblockButton /> : null}
          {canEmail && user.email ? <SendEmailButton templates={templates} recipient={user.email} /> : null}
        </div>
      </PageHeader>
      <FormError message={block.result?.formError ?? unblock.result?.formError} />
      {user.userBlocked ? (
        <p className="notice" data-testid="blocked-reason">
          Blocked {formatDateTime(user.blockedAt)}
          {user.blockedBy ? ` by ${user.blockedBy.email}` : ''}: {user.blockedReason}
        </p>
      ) : null}

      <section>
        <h2>Profile</h2>
        <dl className="facts" data-testid="user-profile">
          <Fact label="Email">{user.email}</Fact>
          <Fact label="Name">{user.name}</Fact>
          <Fact label="Role">{user.role}</Fact>
          <Fact label="Locale">{user.locale}</Fact>
          <Fact label="Time zone">{user.timeZone}</Fact>
          <Fact label="Last seen">{user.lastSeenAt ? formatDateTime(user.lastSeenAt) : null}</Fact>
          <Fact label="Created">{formatDateTime(user.createdAt)}</Fact>
          <Fact label="Updated">{formatDateTime(user.updatedAt)}</Fact>
        </dl>
      </section>

      <section>
        <h2>Attributes</h2>
        {attributes.length ? (
          <dl className="facts" data-testid="user-attributes">
            {attributes.map(([key, value]) => (
              <Fact key={key} label={key}>
                {Array.isArray(value) ? value.join(', ') : String(value)}
              </Fact>
            ))}
          </dl>
        ) : (
          <p className="muted">No attributes.</p>
        )}
      </section>

      <UserTimeline page={user.timeline} />
    </>
  );
}

// Errors show inside the shell, the sidebar still usable.
export { RouteErrorBoundary as ErrorBoundary } from '../../components/error-boundary.tsx';
