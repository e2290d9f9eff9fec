import { ApolloServer, HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import accepts from 'accepts';
import { serialize as serializeCookie } from 'cookie';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import proxyAddr from 'proxy-addr';
import type { App } from '../app.ts';
import type { Env } from '../env.ts';
import type { Context } from '../graphql/context.ts';
import { limitRules } from '../graphql/limits.ts';
import { adminSchema, tenantSchema } from '../graphql/schema.ts';
import { httpRoutes, requestObservers } from '../modules/index.ts';
import type { ServedRequest } from '../modules/manifest.ts';
import { createScope, systemScope, type AdminScope, type AnonymousScope, type TenantScope } from '../scope.ts';
import { readJsonBody } from './body.ts';
import { authenticate, buildContext, metaFrom, requestIdFrom, SESSION_COOKIE, tokenFrom } from './context.ts';
import { formatError, hasServerErrors, httpFailure, maskingPlugin } from './errors.ts';
import { csvExportHandler } from './exports.ts';
import { readiness } from './health.ts';
import { textGuardPlugin } from './text-guard.ts';
import { startLiveServer } from './ws.ts';

export interface ServerHandle {
  url: string;
  port: number;
  httpServer: Server;
  /** Readiness waits for this: called once the boot (seeding included) has finished. */
  markBooted(): void;
  close(): Promise<void>;
}

/** Operations whose answer carries an error that is not the caller's doing (for the request observers). */
const failedOperations = new WeakSet<Context>();

const failurePlugin: ApolloServerPlugin<Context> = {
  requestDidStart: async () => ({
    async didEncounterErrors({ errors, contextValue }) {
      if (hasServerErrors(errors)) failedOperations.add(contextValue);
    },
  }),
};

function apollo(schema: typeof adminSchema, env: Env, httpServer: Server, extraPlugins: ApolloServerPlugin<Context>[]) {
  return new ApolloServer<Context>({
    schema,
    introspection: !env.isProduction || env.graphiql,
    validationRules: limitRules(env),
    parseOptions: { maxTokens: env.MAX_TOKENS },
    includeStacktraceInErrorResponses: false,
    // "Did you mean …?" would list fields to anonymous callers.
    hideSchemaDetailsFromClientErrors: env.maskErrors,
    formatError,
    csrfPrevention: true,
    // main.ts stops everything in order on SIGINT/SIGTERM; Apollo's own handler would race it.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Cache hints are unused here and the plugin wraps every field resolver; GraphiQL is served by us.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      maskingPlugin(env.maskErrors),
      textGuardPlugin(),
      failurePlugin,
      ...extraPlugins,
    ],
  });
}

/** One http server and port: GraphQL over HTTP and WebSocket on /graphql, CSV exports, health. */
export async function startServer(
  app: App,
  env: Env,
  options: { port?: number; host?: string; workerMode: 'inline' | 'separate' | 'none'; plugins?: ApolloServerPlugin<Context>[] },
): Promise<ServerHandle> {
  // Which proxies' X-Forwarded-For to believe (the console's server on loopback), as Express' `trust proxy`.
  const trust = proxyAddr.compile(env.TRUST_PROXY.split(',').map((v) => v.trim()));
  const httpServer = createHttpServer((req, res) => void handle(req, res));

  const admin = apollo(adminSchema, env, httpServer, options.plugins ?? []);
  const tenant = apollo(tenantSchema, env, httpServer, options.plugins ?? []);
  await Promise.all([admin.start(), tenant.start()]);

  // Loaded only where it is served: the page carries GraphiQL's whole bundle (~30 MB of heap once loaded).
  const graphiqlPage = env.graphiql
    ? (await import('@graphql-yoga/render-graphiql')).renderGraphiQL({
        title: 'Opsgraph GraphiQL', endpoint: '/graphql', subscriptionsProtocol: 'WS', defaultQuery: GRAPHIQL_DEFAULT_QUERY,
      })
    : null;
  const exportCsv = csvExportHandler(app);
  let booted = false;
  const secure = env.isProduction;
  const logRequests = app.logger.isLevelEnabled('info');
  // Modules that watch every answered request (the platform's own request metrics).
  const observers = requestObservers.flatMap((make) => make(systemScope(app, 'request observer'), env) ?? []);
  /** Responses whose GraphQL answer carried a server-side error. */
  const failedResponses = new WeakSet<ServerResponse>();

  /** GraphQL over HTTP: authenticate once, then the principal picks the graph it may see. */
  async function graphql(req: IncomingMessage, res: ServerResponse, requestId: string, search: string): Promise<void> {
    const method = req.method ?? 'GET';
    if (method === 'GET' && graphiqlPage && !new URLSearchParams(search).has('query') && accepts(req).type(['application/json', 'text/html']) === 'text/html') {
      send(res, 200, 'text/html; charset=utf-8', graphiqlPage);
      return;
    }
    const body = method === 'POST' ? await readJsonBody(req, env.MAX_BODY_BYTES) : undefined;
    const cookies: string[] = [];
    const meta = metaFrom(req, requestId, proxyAddr(req, trust));
    const ctx = await buildContext(app, meta, tokenFrom(req.headers), {
      setSessionCookie: (token, expiresAt) => {
        const attributes = { httpOnly: true, sameSite: 'lax', secure, path: '/' } as const;
        cookies.push(token ? serializeCookie(SESSION_COOKIE, token, { ...attributes, expires: expiresAt }) : serializeCookie(SESSION_COOKIE, '', { ...attributes, expires: new Date(1) }));
      },
    });
    // A bearer token that does not authenticate is refused outright: answering it as anonymous would
    // hand a tenant app the admin graph's validation errors instead of the reason.
    if (ctx.principal.kind === 'anonymous' && req.headers.authorization) {
      const error = { message: 'Invalid, expired or revoked credentials', extensions: { code: 'UNAUTHENTICATED', requestId } };
      send(res, 401, JSON_TYPE, JSON.stringify({ errors: [error] }));
      return;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const server = ctx.principal.kind === 'tenant' ? tenant : admin;
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: method.toUpperCase(), headers, search, body },
      context: async () => ctx,
    });
    if (failedOperations.has(ctx)) failedResponses.add(res);
    for (const [key, value] of response.headers) res.setHeader(key, value);
    if (cookies.length) res.setHeader('set-cookie', cookies);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  async function route(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const search = q === -1 ? '' : url.slice(q);
    const method = req.method ?? 'GET';
    if (path === '/graphql') {
      if (method !== 'GET' && method !== 'POST') return notAllowed(res, 'GET, POST');
      return graphql(req, res, requestId, search);
    }
    const readOnly = method === 'GET' || method === 'HEAD';
    if (path === '/healthz') return readOnly ? send(res, 200, JSON_TYPE, '{"status":"ok"}') : notAllowed(res, 'GET, HEAD');
    if (path === '/readyz') {
      if (!readOnly) return notAllowed(res, 'GET, HEAD');
      const report = await readiness(app, options.workerMode, booted);
      return send(res, report.ready ? 200 : 503, JSON_TYPE, JSON.stringify(report));
    }
    const csv = /^\/exports\/([^/]+)\.csv$/.exec(path);
    if (csv) {
      if (!readOnly) return notAllowed(res, 'GET, HEAD');
      return exportCsv(req, res, { name: csv[1]!, search, requestId, ip: proxyAddr(req, trust) });
    }
    for (const moduleRoute of httpRoutes) {
      const match = moduleRoute.path.exec(path);
      if (!match) continue;
      if (method !== moduleRoute.method) return notAllowed(res, moduleRoute.method);
      const meta = metaFrom(req, requestId, proxyAddr(req, trust));
      const scope = systemScope(app, `http ${path}`, meta);
      const caller = async () => createScope(app, await authenticate(app, meta, tokenFrom(req.headers)), meta) as AdminScope | TenantScope | AnonymousScope;
      return moduleRoute.handle(req, res, { scope, params: match.slice(1), requestId, env, authenticate: caller });
    }
    send(res, 404, JSON_TYPE, JSON.stringify({ errors: [{ message: `Nothing at ${method} ${path}`, extensions: { code: 'NOT_FOUND', requestId } }] }));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = logRequests || observers.length ? performance.now() : 0;
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('x-request-id', requestId);
    if (observers.length && req.url !== '/healthz' && req.url !== '/readyz') {
      res.once('finish', () => {
        const path = req.url?.split('?', 1)[0] ?? '/';
        const kind: ServedRequest['kind'] = path === '/graphql' ? 'graphql' : httpRoutes.some((r) => r.path.test(path)) ? 'route' : 'other';
        const served = { kind, status: res.statusCode, durationMs: performance.now() - started, failed: res.statusCode >= 500 || failedResponses.has(res) };
        for (const observer of observers) observer.observe(served);
      });
    }
    if (logRequests && req.url !== '/healthz' && req.url !== '/readyz') {
      res.once('finish', () => {
        app.logger.info(
          { reqId: requestId, req: { method: req.method, url: req.url }, res: { statusCode: res.statusCode }, responseTime: Math.round(performance.now() - started) },
          'request completed',
        );
      });
    }
    try {
      await route(req, res, requestId);
    } catch (err) {
      // Failures outside GraphQL get a GraphQL-shaped error: a 4xx for a malformed or oversized body, a
      // 503 for a database outage during authentication, a masked 500 for anything else.
      const failure = err as Error & { status?: number; type?: string };
      const { status, body, unexpected } = httpFailure(failure, requestId, env.MAX_BODY_BYTES);
      if (unexpected) app.logger.error({ err, reqId: requestId }, 'request failed');
      else if (status >= 500) app.logger.warn({ err, reqId: requestId }, 'request failed: database unavailable or too slow');
      if (res.headersSent) {
        res.destroy();
        return;
      }
      send(res, status, JSON_TYPE, JSON.stringify(body));
    }
  }

  const port = options.port ?? env.PORT;
  const listening = new Promise<void>((resolve, reject) => {
    httpServer.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE' || err.code === 'EACCES'
          ? new Error(`Port ${port} is not available (${err.code}): stop whatever uses it or choose another with PORT=<port>`)
          : err,
      ),
    );
    httpServer.listen(port, options.host ?? env.HOST, () => resolve());
  });
  await listening.catch(async (err: unknown) => {
    await Promise.all([admin.stop(), tenant.stop()]);
    throw err;
  });
  const live = await startLiveServer(app, env, httpServer).catch(async (err: unknown) => {
    await Promise.all([admin.stop(), tenant.stop()]);
    httpServer.close();
    throw err;
  });

  const { port: boundPort } = httpServer.address() as AddressInfo;
  const url = `http://localhost:${boundPort}`;

  let closing: Promise<void> | null = null;
  return {
    url,
    port: boundPort,
    httpServer,
    markBooted() {
      booted = true;
    },
    close() {
      closing ??= (async () => {
        await live.dispose();
        await Promise.all([admin.stop(), tenant.stop()]);
        httpServer.closeAllConnections();
        await new Promise<void>((resolve) => httpServer.close(() => resolve()));
        await Promise.all(observers.map((o) => o.close()));
      })();
      return closing;
    },
  };
}

const JSON_TYPE = 'application/json; charset=utf-8';

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) }).end(body);
}

function notAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('allow', allow);
  send(res, 405, JSON_TYPE, JSON.stringify({ errors: [{ message: `Allowed methods: ${allow}`, extensions: { code: 'METHOD_NOT_ALLOWED' } }] }));
}

const GRAPHIQL_DEFAULT_QUERY = `# Sign in (the demo owner below exists after the first \`pnpm start\`). The login also sets a session
# cookie, so later operations in this tab are signed in; other clients send
# the returned token as the header  Authorization: Bearer <token>
mutation Login {
  login(email: "owner@opsgraph.dev", password: "opsgraph-demo-password") {
    __typename
    ... on MutationLoginSuccess { data { token expiresAt admin { email role } } }
    ... on Error { message }
  }
}

query Tenants {
  tenants(first: 10, filter: { status: [ACTIVE] }) {
    totalCount
    edges { node { id name slug status plan { name monthlyPrice currency } } }
  }
}
`;
