// GraphQL over WebSocket (graphql-ws) on the HTTP server's /graphql path, with the same principals as HTTP.
// Each socket is registered so that revocation and expiry close it (live-connections.ts).
import type { IncomingHttpHeaders, Server } from 'node:http';
import { GraphQLError, specifiedRules, validate } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { App } from '../app.ts';
import type { Env } from '../env.ts';
import type { Context } from '../graphql/context.ts';
import { limitRules } from '../graphql/limits.ts';
import { adminSchema, tenantSchema } from '../graphql/schema.ts';
import type { RequestMeta } from '../scope.ts';
import { authenticate, buildContext, metaFrom, requestIdFrom, tokenFrom } from './context.ts';
import { LiveConnections, type LivePrincipal } from './live-connections.ts';

/** What this server keeps for one acknowledged socket. */
interface SocketState {
  token: string;
  principal: LivePrincipal;
  meta: RequestMeta;
  /** graphql-ws operation id → its context, while it runs. */
  contexts: Map<string, Context>;
}

export interface LiveServer {
  connections: LiveConnections;
  dispose(): Promise<void>;
}

/** The credentials of a connection: `connectionParams.authorization` (or `token`), else the headers. */
function connectionToken(params: Record<string, unknown> | undefined, headers: IncomingHttpHeaders): string | null {
  const raw = params?.authorization ?? params?.Authorization ?? params?.token;
  return typeof raw === 'string' && raw ? raw.replace(/^Bearer\s+/i, '') : tokenFrom(headers);
}

function samePrincipal(a: Context['principal'], b: LivePrincipal): boolean {
  if (a.kind === 'admin' && b.kind === 'admin') return a.sessionId === b.sessionId;
  if (a.kind === 'tenant' && b.kind === 'tenant') return a.apiKeyId === b.apiKeyId;
  return false;
}

/** graphql-ws on `httpServer`'s /graphql, listening for revocations before it accepts a socket. */
export async function startLiveServer(app: App, env: Env, httpServer: Server): Promise<LiveServer> {
  const connections = new LiveConnections({ logger: app.logger });
  await connections.listen(app.pubsub);
  const wss = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: env.MAX_BODY_BYTES });
  const allowedOrigins = new Set(env.CORS_ORIGINS);
  const rules = [...specifiedRules, ...limitRules(env)];

  const server = useServer<Record<string, unknown>, { live: SocketState }>(
    {
      schema: (ctx) => (ctx.extra.live?.principal.kind === 'tenant' ? tenantSchema : adminSchema),
      onConnect: async (ctx) => {
        const { request, socket } = ctx.extra;
        const origin = request.headers.origin;
        // Browsers always send Origin on WebSockets; refuse other sites (cross-site WebSocket hijacking).
        if (origin && !allowedOrigins.has(origin) && new URL(origin).host !== request.headers.host) return false;
        const token = connectionToken(ctx.connectionParams, request.headers);
        if (!token) return false;
        const meta = metaFrom(request, requestIdFrom(request.headers['x-request-id']));
        const since = Date.now();
        const principal = await authenticate(app, meta, token);
        if (principal.kind !== 'admin' && principal.kind !== 'tenant') return false;
        const refusal = connections.add(socket, principal, since);
        if (refusal) {
          app.logger.info({ reqId: meta.requestId, code: refusal.code }, `WebSocket refused: ${refusal.reason}`);
          // graphql-ws then closes with 4403, which a socket already closing ignores: this code stands.
          socket.close(refusal.code, refusal.reason);
          return false;
        }
        ctx.extra.live = { token, principal, meta, contexts: new Map() };
        return true;
      },
      // Authenticated again per operation: the registry closes a revoked socket, this covers the moment
      // before the revocation arrives.
      onSubscribe: async (ctx, id) => {
        const state = ctx.extra.live!;
        const context = await buildContext(app, state.meta, state.token);
        if (!samePrincipal(context.principal, state.principal)) {
          return [new GraphQLError('Authentication required', { extensions: { code: 'UNAUTHENTICATED' } })];
        }
        state.contexts.set(id, context);
        return undefined;
      },
      context: (ctx, id) => ctx.extra.live?.contexts.get(id) ?? {},
      validate: (schema, document) => validate(schema, document, rules),
      onComplete: (ctx, id) => {
        ctx.extra.live?.contexts.delete(id);
      },
      onError: (ctx, id, _payload, errors) => {
        ctx.extra.live?.contexts.delete(id);
        app.logger.warn({ errors: errors.map((e) => e.message) }, 'subscription error');
      },
      onClose: (ctx) => {
        connections.remove(ctx.extra.socket);
      },
    },
    wss,
  );

  return {
    connections,
    async dispose() {
      connections.stop();
      await server.dispose();
    },
  };
}
