// The ingest endpoint for agents, outside GraphQL:
//   POST /metrics   body: { "points": [{ "name", "value", "labels"?, "at"?, "tenantId"? }, …] }
//   → 200 { "accepted": n, "rejected": [{ "index", "field", "message" }] }, as the recordMetrics mutation
// Same credentials as GraphQL (an admin session with MONITORING_WRITE, or a tenant key); failures of the
// whole request are JSON errors shaped like the API's, with a 4xx status.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyError, readJsonBody } from '../../http/body.ts';
import { InputError } from '../../lib/errors.ts';
import { roleCan } from '../../permissions.ts';
import type { HttpRoute, RouteContext } from '../manifest.ts';
import { recordMetrics } from './ingest.ts';

/** 1,000 points of generous size; a larger body is refused before it is parsed. */
export const METRICS_MAX_BODY_BYTES = 1024 * 1024;

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function failure(res: ServerResponse, status: number, code: string, message: string, requestId: string, extra: Record<string, unknown> = {}): void {
  reply(res, status, { errors: [{ message, extensions: { code, requestId, ...extra } }] });
}

async function ingest(req: IncomingMessage, res: ServerResponse, ctx: RouteContext): Promise<void> {
  const caller = await ctx.authenticate();
  if (caller.principal.kind === 'anonymous') {
    req.resume();
    return failure(res, 401, 'UNAUTHENTICATED', 'An admin session or a tenant API key is required', ctx.requestId);
  }
  const scope = caller as Exclude<typeof caller, { principal: { kind: 'anonymous' } }>;
  if (scope.principal.kind === 'admin' && !roleCan(scope.principal.role, 'MONITORING_WRITE')) {
    req.resume();
    return failure(res, 403, 'FORBIDDEN', 'Not allowed', ctx.requestId);
  }
  let body: unknown;
  try {
    body = await readJsonBody(req, METRICS_MAX_BODY_BYTES);
  } catch (err) {
    if (!(err instanceof BodyError)) throw err;
    if (err.status === 413) return failure(res, 413, 'PAYLOAD_TOO_LARGE', `Request body exceeds ${METRICS_MAX_BODY_BYTES} bytes`, ctx.requestId, { limit: METRICS_MAX_BODY_BYTES });
    return failure(res, err.status, err.status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST', err.message, ctx.requestId);
  }
  if (body === undefined) return failure(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the points as application/json', ctx.requestId);
  const points = (body as { points?: unknown }).points;
  if (!body || typeof body !== 'object' || Array.isArray(body) || !Array.isArray(points)) {
    return failure(res, 400, 'BAD_USER_INPUT', 'points: an array of points', ctx.requestId, { fieldErrors: [{ field: 'points', message: 'an array of points' }] });
  }
  try {
    reply(res, 200, await recordMetrics(scope, points));
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const fieldErrors = err.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
    failure(res, 400, 'BAD_USER_INPUT', err.message, ctx.requestId, { fieldErrors });
  }
}

export const metricRoutes: HttpRoute[] = [{ method: 'POST', path: /^\/metrics$/, handle: ingest }];
