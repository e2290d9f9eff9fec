import { stringify } from 'csv-stringify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { App } from '../app.ts';
import { csvCell } from '../lib/csv-export.ts';
import { InputError } from '../lib/errors.ts';
import { csvExports } from '../modules/index.ts';
import { roleCan } from '../permissions.ts';
import { createScope, type AdminScope } from '../scope.ts';
import { authenticate, metaFrom, tokenFrom } from './context.ts';

export const EXPORT_ROW_LIMIT = 100_000;

/**
 * Streams a list as CSV with the same filters as its GraphQL field, for an admin session (cookie or
 * bearer): `/exports/<name>.csv?<filter>=…&sort=…`. A list filter takes several values (`status=A,B` or
 * `status=A&status=B`); a bad, repeated single or unknown parameter is a 400 naming it. At most
 * EXPORT_ROW_LIMIT rows; `x-export-total` tells how many matched, so a client can say when it was cut.
 */
export function csvExportHandler(app: App) {
  return async (req: IncomingMessage, res: ServerResponse, at: { name: string; search: string; requestId: string; ip: string }) => {
    const json = (status: number, body: object) => res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    const found = Object.hasOwn(csvExports, at.name) ? csvExports[at.name] : undefined;
    if (!found) {
      json(404, { error: 'NOT_FOUND', message: `No export named ${at.name}` });
      return;
    }
    const meta = metaFrom(req, at.requestId, at.ip);
    const principal = await authenticate(app, meta, tokenFrom(req.headers));
    if (principal.kind !== 'admin' || !roleCan(principal.role, 'READ')) {
      const anonymous = principal.kind === 'anonymous';
      json(anonymous ? 401 : 403, { error: anonymous ? 'UNAUTHENTICATED' : 'FORBIDDEN' });
      return;
    }
    const scope = createScope(app, principal, meta) as AdminScope;
    let query: { filter: unknown; sort: string };
    let total: number;
    try {
      query = found.list.fromSearchParams(new URLSearchParams(at.search));
      total = await found.count(scope, query.filter);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      json(400, { error: 'BAD_USER_INPUT', message: err.message, fieldErrors: err.issues });
      return;
    }
    const { columns } = found.list.csv;
    const day = new Date().toISOString().slice(0, 10);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${at.name}-${day}.csv"`);
    res.setHeader('x-export-total', String(total));
    res.setHeader('x-export-limit', String(EXPORT_ROW_LIMIT));
    res.setHeader('x-export-truncated', String(total > EXPORT_ROW_LIMIT));
    async function* records() {
      for await (const row of found!.rows(scope, query, EXPORT_ROW_LIMIT)) yield columns.map((column) => csvCell(row[column]));
    }
    await pipeline(Readable.from(records()), stringify({ header: true, columns: [...columns] }), res);
  };
}
