import { isRouteErrorResponse, Link, useLocation, useRouteError } from '@remix-run/react';

/** The one error view: what went wrong, the request id to quote, and a way to try again. */
export function RouteErrorBoundary() {
  const error = useRouteError();
  const location = useLocation();
  let title = 'Something went wrong';
  let message = 'An unexpected error occurred. Try again; if it keeps happening, report the request id below.';
  let requestId: string | null = null;

  if (isRouteErrorResponse(error)) {
    const payload = error.data as { message?: string; requestId?: string } | string | null;
    if (error.status === 404) title = 'Not found';
    else if (error.status === 403) title = 'Not allowed';
    if (payload && typeof payload === 'object') {
      message = payload.message ?? message;
      requestId = payload.requestId ?? null;
    } else if (typeof payload === 'string' && payload) {
      message = payload;
    }
  }

  return (
    <section className="error-panel" role="alert">
      <h1>{title}</h1>
      <p>{message}</p>
      {requestId ? (
        <p className="muted">
          Request id: <code data-testid="request-id">{requestId}</code>
        </p>
      ) : null}
      <p>
        <Link to={`${location.pathname}${location.search}`} reloadDocument>
          Retry
        </Link>
        {' · '}
        <Link to="/">Dashboard</Link>
      </p>
    </section>
  );
}
