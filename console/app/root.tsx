import type { LinksFunction, MetaFunction } from '@remix-run/node';
import { Links, Meta, Outlet, Scripts, ScrollRestoration } from '@remix-run/react';
import type { ReactNode } from 'react';
import { Provider } from 'urql';
import { RouteErrorBoundary } from './components/error-boundary.tsx';
import { live } from './lib/live.ts';
import styles from './styles.css?url';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: styles },
  { rel: 'icon', href: 'data:,' },
];

export const meta: MetaFunction = () => [{ title: 'Opsgraph' }];

export function Layout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return (
    <Provider value={live.client}>
      <Outlet />
    </Provider>
  );
}

export function ErrorBoundary() {
  return (
    <main className="centered">
      <RouteErrorBoundary />
    </main>
  );
}
