import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pinoHttp } from 'pino-http';
import type { App } from '../app.ts';
import type { Env } from '../env.ts';
import type { Context } from '../graphql/context.ts';
import { limitRules } from '../graphql/limits.ts';
import { adminSchema, tenantSchema } from '../graphql/schema.ts';
import { buildContext, metaFrom, requestIdFrom, SESSION_COOKIE, tokenFrom } from './context.ts';
import { formatError, httpFailure, maskingPlugin } from './errors.ts';
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
  const web = express();
  web.disable('x-powered-by');
  web.set('trust proxy', env.TRUST_PROXY.split(',').map((v) => v.trim()));
  const httpServer = createHttpServer(web);

  web.use(
    pinoHttp({
      logger: app.logger,
      genReqId: (req, res) => {
        const id = requestIdFrom(req.headers['x-request-id']);
        res.setHeader('x-request-id', id);
        return id;
      },
      customAttributeKeys: { reqId: 'reqId' },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      serializers: { req: (req) => ({ method: req.method, url: req.url }), res: (res) => ({ statusCode: res.statusCode }) },
    }),
  );

  web.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  let booted = false;
  web.get('/readyz', async (_req, res) => {
    const report = await readiness(app, options.workerMode, booted);
    res.status(report.ready ? 200 : 503).json(report);
  });
  web.get('/exports/:name.csv', csvExportHandler(app));

  const admin = apollo(adminSchema, env, httpServer, options.plugins ?? []);
  const tenant = apollo(tenantSchema, env, httpServer, options.plugins ?? []);
  await Promise.all([admin.start(), tenant.start()]);

  const graphiqlPage = env.graphiql
    ? renderGraphiQL({ title: 'Opsgraph GraphiQL', endpoint: '/graphql', subscriptionsProtocol: 'WS', defaultQuery: GRAPHIQL_DEFAULT_QUERY })
    : null;

  // Each request is authenticated once; its principal picks the graph it may see.
  const contextFor = async (req: Request, res: Response): Promise<Context> => {
    // req.ip honours X-Forwarded-For from a proxy on loopback (the console's server).
    const meta = metaFrom(req, String(req.id), req.ip);
    const secure = env.isProduction;
    return buildContext(app, meta, tokenFrom(req.headers), {
      setSessionCookie: (token, expiresAt) => {
        if (token) {
          res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: expiresAt });
        } else {
          res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
        }
      },
    });
  };
  // The context is built (and the caller authenticated) once, below, before choosing the graph.
  const contextOf = async ({ req }: { req: Request }) => (req as RequestWithContext).graphqlContext!;
  const adminHandler = expressMiddleware(admin, { context: contextOf });
  const tenantHandler = expressMiddleware(tenant, { context: contextOf });

  web.get('/graphql', (req, res, next) => {
    if (graphiqlPage && req.accepts(['application/json', 'text/html']) === 'text/html' && !req.query.query) {
      res.type('html').send(graphiqlPage);
      return;
    }
    next();
  });
  web.use(
    '/graphql',
    express.json({ limit: env.MAX_BODY_BYTES }),
    async (req: Request, res: Response, next: NextFunction) => {
      try {
        const ctx = await contextFor(req, res);
        // A bearer token that does not authenticate is refused outright: answering it as anonymous would
        // hand a tenant app the admin graph's validation errors instead of the reason.
        if (ctx.principal.kind === 'anonymous' && req.headers.authorization) {
          res.status(401).json({
            errors: [{ message: 'Invalid, expired or revoked credentials', extensions: { code: 'UNAUTHENTICATED', requestId: ctx.meta.requestId } }],
          });
          return;
        }
        (req as RequestWithContext).graphqlContext = ctx;
        return ctx.principal.kind === 'tenant' ? tenantHandler(req, res, next) : adminHandler(req, res, next);
      } catch (err) {
        next(err);
      }
    },
  );

  // Failures outside GraphQL get a GraphQL-shaped error: a 4xx for a malformed or oversized body, a 503 for
  // a database outage during authentication, a masked 500 for anything else.
  web.use((err: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    const { status, body, unexpected } = httpFailure(err, String(req.id), env.MAX_BODY_BYTES);
    if (unexpected) req.log.error({ err }, 'request failed');
    else if (status >= 500) req.log.warn({ err }, 'request failed: database unavailable or too slow');
    res.status(status).json(body);
  });

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
      })();
      return closing;
    },
  };
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

type RequestWithContext = Request & { graphqlContext?: Context };
