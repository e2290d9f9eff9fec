import type { LoaderFunctionArgs } from '@remix-run/node';
import { Form, NavLink, Outlet, useLoaderData, useNavigation, useRouteLoaderData } from '@remix-run/react';
import { useEffect } from 'react';
import { AlertToasts, FiringBadge, FiringCount, useShellAlerts } from '../components/alert-live.tsx';
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
  // The sidebar's count of firing alerts, for the admins who may see monitoring.
  const firing = me.permissions.includes('MONITORING_READ') ? (await gql(args, FiringCount)).monitoringOverview.firing : null;
  return { me, firing };
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
  const { me, firing: loadedFiring } = useLoaderData<typeof loader>();
  const alerts = useShellAlerts(loadedFiring);
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
                {item.to === '/monitoring' ? <FiringBadge count={alerts.firing} /> : null}
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
      <AlertToasts toasts={alerts.toasts} dismiss={alerts.dismiss} />
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
