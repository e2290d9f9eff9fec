import type { LoaderFunctionArgs } from '@remix-run/node';
import { Form, NavLink, Outlet, useLoaderData, useNavigation, useRouteLoaderData } from '@remix-run/react';
import { useEffect } from 'react';
import { RouteErrorBoundary } from '../components/error-boundary.tsx';
import { graphql } from '../gql/index.ts';
import { gql } from '../graphql.server.ts';
import { live as liveLayer, useLiveResumes, useLiveStatus } from '../lib/live.ts';
import { useRevalidateOnEvents } from '../lib/revalidate.ts';
import { navFor, type Permission } from '../lib/nav.ts';

const ShellQuery = graphql(`
  query Shell {
    me {
      id
      name
      email
      role
      permissions
    }
  }
`);

export async function loader(args: LoaderFunctionArgs) {
  const { me } = await gql(args, ShellQuery);
  return { me };
}

/** The signed-in admin, for any route under the shell. */
export function useAdmin() {
  const data = useRouteLoaderData<typeof loader>('routes/_app');
  if (!data) throw new Error('useAdmin is only available under the signed-in shell');
  return data.me;
}

export function useCan(permission: Permission): boolean {
  return useAdmin().permissions.includes(permission);
}

export default function Shell() {
  const { me } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const live = useLiveStatus();
  // Events sent while the socket was down are gone: the page reloads its data when it is back.
  useRevalidateOnEvents(useLiveResumes());
  useEffect(() => {
    liveLayer.expectRole(me.role);
    return () => liveLayer.expectRole(null);
  }, [me.role]);
  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="sidebar-panel">
          <div className="brand">Opsgraph</div>
          <nav aria-label="Main">
            {navFor(me.permissions).map((item) => (
              <NavLink key={item.to} to={item.to} end={item.to === '/'} prefetch="intent">
                {item.label}
              </NavLink>
            ))}
          </nav>
          <div className="sidebar-footer">
            <div className="who">
              <strong>{me.name}</strong>
              <span className="muted">{me.email}</span>
              <span className="badge" data-testid="role">
                {me.role}
              </span>
            </div>
            <span className={`live live-${live}`} data-testid="live-status" data-live={live} title="Live updates">
              {live === 'connected' ? 'Live' : live === 'idle' ? 'Not live on this page' : 'Connecting…'}
            </span>
            <Form method="post" action="/logout">
              <button type="submit" className="link-button">
                Log out
              </button>
            </Form>
          </div>
        </div>
      </aside>
      <main className={`content${navigation.state === 'loading' ? ' loading' : ''}`} aria-busy={navigation.state === 'loading'}>
        <Outlet />
      </main>
    </div>
  );
}

export function ErrorBoundary() {
  return (
    <main className="content">
      <RouteErrorBoundary />
    </main>
  );
}
