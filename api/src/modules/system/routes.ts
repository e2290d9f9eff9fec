// The system report as a download, for an admin session:
//   GET /system/report.json   GET /system/report.csv
import type { ServerResponse } from 'node:http';
import { roleCan } from '../../permissions.ts';
import type { AdminScope } from '../../scope.ts';
import type { HttpRoute, RouteContext } from '../manifest.ts';
import { reportCsv, reportJson } from './report.ts';
import { SYSTEM_PERMISSION } from './permission.ts';
import { systemStatus } from './service.ts';

function refuse(res: ServerResponse, status: number, code: string, message: string, requestId: string): void {
  const text = JSON.stringify({ errors: [{ message, extensions: { code, requestId } }] });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function report(res: ServerResponse, ctx: RouteContext): Promise<void> {
  const scope = await ctx.authenticate();
  if (scope.principal.kind === 'anonymous') return refuse(res, 401, 'UNAUTHENTICATED', 'An admin session is required', ctx.requestId);
  if (scope.principal.kind !== 'admin') return refuse(res, 403, 'FORBIDDEN', 'The system report is for admins only', ctx.requestId);
  if (!roleCan(scope.principal.role, SYSTEM_PERMISSION)) return refuse(res, 403, 'FORBIDDEN', 'Not allowed', ctx.requestId);
  const format = ctx.params[0] as 'json' | 'csv';
  const status = await systemStatus(scope as AdminScope, ctx.env);
  const body = format === 'json' ? reportJson(status) : reportCsv(status);
  const stamp = status.generatedAt.toISOString().replace(/[:.]/g, '-');
  res.writeHead(200, {
    'content-type': format === 'json' ? 'application/json; charset=utf-8' : 'text/csv; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'content-disposition': `attachment; filename="opsgraph-system-${stamp}.${format}"`,
    'cache-control': 'private, no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

export const systemRoutes: HttpRoute[] = [{ method: 'GET', path: /^\/system\/report\.(json|csv)$/, handle: (_req, res, ctx) => report(res, ctx) }];
