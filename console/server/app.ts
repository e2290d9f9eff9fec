import { createRequestHandler } from '@remix-run/express';
import type { ServerBuild } from '@remix-run/node';
import compression from 'compression';
import express from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

export type ConsoleServerOptions = {
  apiUrl: string;
  secureCookies: boolean;
  /** The production build, or a loader for it (Vite's dev server in development). */
  build: ServerBuild | (() => Promise<ServerBuild>);
  /** Vite's middlewares in development; the built assets are served otherwise. */
  viteMiddlewares?: express.RequestHandler;
  assetsDir?: string;
};

/** Same origin only: a page on another site must not open the admin's WebSocket with their cookie. */
export function isSameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // not a browser
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * The console's HTTP server: Remix for pages, and the API's /graphql (HTTP and WebSocket) and /exports
 * under the console's own origin, so the browser only ever talks to one origin and the session cookie
 * stays httpOnly. The Host header is kept, so the API's own Origin check compares against the console.
 */
export function createConsoleServer(opts: ConsoleServerOptions) {
  const app = express();
  app.disable('x-powered-by');

  const proxy = createProxyMiddleware<IncomingMessage>({
    target: opts.apiUrl,
    changeOrigin: false,
    ws: false,
    pathFilter: ['/graphql', '/exports'],
    xfwd: true,
    on: {
      error: (_err, _req, res) => {
        if ('writeHead' in res && !res.headersSent) {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: 'BAD_GATEWAY', message: 'The API is not reachable.' }));
        } else {
          res.destroy();
        }
      },
    },
  });
  app.use(proxy);

  app.use(compression());
  if (opts.viteMiddlewares) {
    app.use(opts.viteMiddlewares);
  } else if (opts.assetsDir) {
    app.use('/assets', express.static(`${opts.assetsDir}/assets`, { immutable: true, maxAge: '1y' }));
    app.use(express.static(opts.assetsDir, { maxAge: '1h' }));
  }

  app.all(
    '*',
    createRequestHandler({
      build: opts.build,
      getLoadContext: (req) => ({
        apiUrl: opts.apiUrl,
        secureCookies: opts.secureCookies,
        requestId: (typeof req.headers['x-request-id'] === 'string' && req.headers['x-request-id']) || randomUUID(),
        clientIp: req.socket.remoteAddress ?? null,
      }),
    }),
  );

  /** WebSocket upgrades for /graphql go to the API; anything else, or another site's page, is refused. */
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/graphql' || !isSameOrigin(req)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wsProxy.upgrade(req, socket as never, head);
  };
  const wsProxy = createProxyMiddleware<IncomingMessage>({ target: opts.apiUrl, changeOrigin: false, ws: true, xfwd: true });

  return { app, upgrade };
}

declare module '@remix-run/node' {
  interface AppLoadContext {
    apiUrl: string;
    secureCookies: boolean;
    requestId: string;
    clientIp: string | null;
  }
}
