import { stringify } from 'csv-stringify';
import type { Request, Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { App } from '../app.ts';
import { csvCell, exportRows, type CsvExport } from '../lib/csv-export.ts';
import { InputError } from '../lib/errors.ts';
import { csvExports } from '../modules/index.ts';
import { roleCan } from '../permissions.ts';
import { createScope, type AdminScope } from '../scope.ts';
import { authenticate, metaFrom, tokenFrom } from './context.ts';

export const EXPORT_ROW_LIMIT = 100_000;


/**
 * Streams a list as CSV with the same filters as its GraphQL field, for an admin session (cookie or
 * bearer). At most EXPORT_ROW_LIMIT rows; `x-export-total` tells how many matched, so a client can say
 * when an export was cut short.
 */
export function csvExportHandler(app: App) {
  return async (req: Request, res: Response) => {
    const found: CsvExport<unknown, unknown> | undefined = csvExports[req.params.name as string];
    if (!found) {
      res.status(404).json({ error: 'NOT_FOUND', message: `No export named ${req.params.name}` });
      return;
    }
    const spec = found;
    const meta = metaFrom(req, String(req.id), req.ip);
    const principal = await authenticate(app, meta, tokenFrom(req.headers));
    if (principal.kind !== 'admin' || !roleCan(principal.role, 'READ')) {
      const anonymous = principal.kind === 'anonymous';
      res.status(anonymous ? 401 : 403).json({ error: anonymous ? 'UNAUTHENTICATED' : 'FORBIDDEN' });
      return;
    }
    const scope = createScope(app, principal, meta) as AdminScope;
    let filter: unknown;
    let total: number;
    try {
      filter = spec.parseFilter((name) => {
        const value = req.query[name];
        return typeof value === 'string' && value !== '' ? value : undefined;
      });
      total = await spec.count(scope, filter);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      res.status(400).json({ error: 'BAD_USER_INPUT', message: err.message, fieldErrors: err.issues });
      return;
    }
    const day = new Date().toISOString().slice(0, 10);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${req.params.name}-${day}.csv"`);
    res.setHeader('x-export-total', String(total));
    res.setHeader('x-export-limit', String(EXPORT_ROW_LIMIT));
    res.setHeader('x-export-truncated', String(total > EXPORT_ROW_LIMIT));
    async function* records() {
      for await (const row of exportRows(scope, spec, filter, EXPORT_ROW_LIMIT)) {
        yield spec.columns.map((column) => csvCell((row as Record<string, unknown>)[column]));
      }
    }
    await pipeline(Readable.from(records()), stringify({ header: true, columns: [...spec.columns] }), res);
  };
}
