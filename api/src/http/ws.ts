// GraphQL over WebSocket (graphql-ws) on the HTTP server's /graphql path. Everything HTTP applies holds
// here too: the same principals, token, depth, cost and alias limits, the text guard and the error
// formatting. Each operation gets its own request id (the connection's id, then its number on the
// connection), and each socket is registered so that revocation and expiry close it (live-connections.ts).
// Subscriptions sharing document, variables and visibility are executed once per event for all of them
// (subscription-groups.ts).
import type { IncomingHttpHeaders, Server } from 'node:http';
import {
  getOperationAST, getVariableValues, GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLFormattedError,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { App } from '../app.ts';
import type { Env } from '../env.ts';
import type { Context } from '../graphql/context.ts';
import { limitRules } from '../graphql/limits.ts';
import { adminSchema, tenantSchema } from '../graphql/schema.ts';
import type { RequestMeta } from '../scope.ts';
import { authenticate, buildContext, metaFrom, requestIdFrom, tokenFrom } from './context.ts';
import { clientError, databaseFailure, logErrors } from './errors.ts';
import { CLOSE, LiveConnections, type LivePrincipal } from './live-connections.ts';
import { SubscriptionGroups } from './subscription-groups.ts';
import { textIssues, textIssuesError } from './text-guard.ts';

/** What this server keeps for one acknowledged socket. */
interface SocketState {
  /** The connection's request id: every operation's id starts with it. */
  id: string;
  token: string;
  principal: LivePrincipal;
  meta: RequestMeta;
  /** Operations started so far (numbers each operation's request id). */
  started: number;
  /** graphql-ws operation id → its request id, while it runs. */
  requestIds: Map<string, string>;
}

export interface LiveServer {
  connections: LiveConnections;
  dispose(): Promise<void>;
}

/** Graceful close for a database outage (1013 "Try Again Later"): graphql-ws's client retries it. */
const DATABASE_UNAVAILABLE = { code: 1013, reason: 'Database unavailable' };

/**
 * Browsers always send Origin on WebSockets: another site (cross-site WebSocket hijacking) or an Origin
 * that is not a URL at all (`null` from a sandboxed frame, garbage) is refused. Clients other than
 * browsers send none.
 */
export function originAllowed(headers: IncomingHttpHeaders, allowed: ReadonlySet<string>): boolean {
  const { origin, host } = headers;
  if (origin === undefined) return true;
  if (allowed.has(origin)) return true;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host;
  } catch {
    return false;
  }
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

function failed(code: string, message: string, extensions: Record<string, unknown> = {}): GraphQLError[] {
  return [new GraphQLError(message, { extensions: { code, ...extensions } })];
}

/** graphql-ws on `httpServer`'s /graphql, listening for revocations before it accepts a socket. */
export async function startLiveServer(app: App, env: Env, httpServer: Server): Promise<LiveServer> {
  const connections = new LiveConnections({ maxSocketsPerPrincipal: env.MAX_SOCKETS_PER_PRINCIPAL, logger: app.logger });
  await connections.listen(app.pubsub);
  // Events published while the pub/sub connection was down never arrive here, revocations among them:
  // every socket is closed so that its client reconnects, is authenticated afresh and catches up.
  const stopOnReconnect = app.pubsub.onReconnect(() => {
    const closed = connections.closeAll(CLOSE.missedEvents);
    if (closed) app.logger.warn({ sockets: closed }, 'closed live connections that may have missed events while pub/sub was down');
  });
  const wss = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: env.MAX_BODY_BYTES });
  const allowedOrigins = new Set(env.CORS_ORIGINS);
  const rules = [...specifiedRules, ...limitRules(env)];
  const maxOperations = env.MAX_SUBSCRIPTIONS_PER_SOCKET;
  // Subscriptions with the same document, variables and visibility share one execution per event.
  const groups = new SubscriptionGroups(app, { maskErrors: env.maskErrors });

  const server = useServer<Record<string, unknown>, { live: SocketState }>(
    {
      subscribe: (args) => groups.subscribe(args),

      onConnect: async (ctx) => {
        const { request, socket } = ctx.extra;
        if (!originAllowed(request.headers, allowedOrigins)) return false;
        const token = connectionToken(ctx.connectionParams, request.headers);
        if (!token) return false;
        const meta = metaFrom(request, requestIdFrom(request.headers['x-request-id']));
        const since = Date.now();
        let principal: Context['principal'];
        try {
          principal = await authenticate(app, meta, token);
        } catch (err) {
          if (!databaseFailure(err)) throw err;
          app.logger.warn({ err, reqId: meta.requestId }, 'WebSocket refused: database unavailable');
          socket.close(DATABASE_UNAVAILABLE.code, DATABASE_UNAVAILABLE.reason);
          return false;
        }
        if (principal.kind !== 'admin' && principal.kind !== 'tenant') return false;
        const refusal = connections.add(socket, principal, since);
        if (refusal) {
          app.logger.info({ reqId: meta.requestId, code: refusal.code }, `WebSocket refused: ${refusal.reason}`);
          // graphql-ws then closes with 4403, which a socket already closing ignores: this code stands.
          socket.close(refusal.code, refusal.reason);
          return false;
        }
        ctx.extra.live = { id: meta.requestId, token, principal, meta, started: 0, requestIds: new Map() };
        // The acknowledgement names the access the socket was accepted with, so that a page rendered for
        // another role (changed while its socket was closed or reconnecting) notices on connect.
        return principal.kind === 'admin' ? { role: principal.role } : true;
      },

      onSubscribe: async (ctx, id, payload) => {
        const state = ctx.extra.live!;
        const requestId = `${state.id}:${(state.started += 1)}`;
        state.requestIds.set(id, requestId);
        // This operation is already counted among the socket's.
        if (Object.keys(ctx.subscriptions).length > maxOperations) {
          return failed('TOO_MANY_SUBSCRIPTIONS', `At most ${maxOperations} operations can be open on one connection; complete one first`, { limit: maxOperations });
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: env.MAX_TOKENS });
        } catch (err) {
          return failed('GRAPHQL_PARSE_FAILED', err instanceof Error ? err.message : 'Syntax error');
        }
        // Authenticated again per operation: the registry closes a revoked socket, this covers the moment
        // before the revocation arrives.
        let context: Context;
        try {
          context = await buildContext(app, { ...state.meta, requestId }, state.token);
        } catch (err) {
          if (!databaseFailure(err)) throw err;
          return [new GraphQLError('Database unavailable', { originalError: err as Error })];
        }
        if (!samePrincipal(context.principal, state.principal)) return failed('UNAUTHENTICATED', 'Authentication required');
        const schema = context.principal.kind === 'tenant' ? tenantSchema : adminSchema;
        const invalid = validate(schema, document, rules);
        if (invalid.length) {
          return invalid.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { ...e.extensions, code: 'GRAPHQL_VALIDATION_FAILED' } }));
        }
        const issues = textIssues(document, payload.variables);
        if (issues.length) return [textIssuesError(issues)];
        // Variables are coerced here, as Apollo does, so a bad value is the caller's error, not an internal one.
        const operation = getOperationAST(document, payload.operationName);
        const coerced = operation && getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {}, { maxErrors: 20 });
        if (coerced?.errors) return coerced.errors.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'BAD_USER_INPUT' } }));
        context.logger.info({ operationName: payload.operationName ?? undefined }, 'WebSocket operation');
        groups.register(context, {
          socket: ctx.extra.socket, operationId: id, requestId, query: payload.query, operationName: payload.operationName, variables: payload.variables,
        });
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue: context };
      },

      // Queries and mutations over the socket, and subscriptions refused before they start (grouped
      // subscriptions write their own frames, masked the same way).
      onNext: (_ctx, _id, _payload, args, result) => {
        if (!result.errors?.length) return undefined;
        const context = args.contextValue as Context;
        logErrors(context.logger, result.errors);
        return { ...result, errors: result.errors.map((e) => clientError(e, context.meta.requestId, env.maskErrors)) };
      },

      onError: (ctx, id, _payload, errors): GraphQLFormattedError[] => {
        const state = ctx.extra.live;
        const requestId = state?.requestIds.get(id) ?? state?.id ?? '';
        state?.requestIds.delete(id);
        logErrors(app.logger.child({ reqId: requestId }), errors);
        return errors.map((e) => clientError(e, requestId, env.maskErrors));
      },

      onComplete: (ctx, id) => {
        ctx.extra.live?.requestIds.delete(id);
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
      stopOnReconnect();
      connections.stop();
      await server.dispose();
    },
  };
}
