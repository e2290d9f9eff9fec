import { stringify } from 'csv-stringify';
import type { Request, Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { App } from '../app.ts';
import { csvCell, exportRows, type CsvExport } from '../lib/csv-export.ts';
import { InputError } from '../lib/errors.ts';
import { auditEventsExport } from '../modules/audit/export.ts';
import { adminsExport } from '../modules/auth/export.ts';
import { roleCan } from '../modules/auth/permissions.ts';
import { authenticate } from '../modules/auth/service.ts';
import { jobRunsExport } from '../modules/jobs/export.ts';
import { plansExport } from '../modules/plans/export.ts';
import { tenantsExport } from '../modules/tenants/export.ts';
import { tokenFrom } from './context.ts';

export const EXPORT_ROW_LIMIT = 100_000;

/** Every list that exports to CSV, by the name in its URL: /exports/<name>.csv */
const exportsByName: Record<string, CsvExport<any, any>> = {
  admins: adminsExport,
  'audit-events': auditEventsExport,
  'job-runs': jobRunsExport,
  plans: plansExport,
  tenants: tenantsExport,
};

/**
 * Streams a list as CSV with the same filters as its GraphQL field, for an admin session (cookie or
 * bearer). At most EXPORT_ROW_LIMIT rows; `x-export-total` tells how many matched, so a client can say
 * when an export was cut short.
 */
export function csvExportHandler(app: App) {
  return async (req: Request, res: Response) => {
    const found = exportsByName[req.params.name as string];
    if (!found) {
      res.status(404).json({ error: 'NOT_FOUND', message: `No export named ${req.params.name}` });
      return;
    }
    const spec = found;
    const principal = await authenticate(app.prisma, tokenFrom(req.headers));
    if (principal.kind !== 'admin' || !roleCan(principal.role, 'read')) {
      const anonymous = principal.kind === 'anonymous';
      res.status(anonymous ? 401 : 403).json({ error: anonymous ? 'UNAUTHENTICATED' : 'FORBIDDEN' });
      return;
    }
    let filter: unknown;
    let total: number;
    try {
      filter = spec.parseFilter((name) => {
        const value = req.query[name];
        return typeof value === 'string' && value !== '' ? value : undefined;
      });
      total = await spec.count(app, filter);
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
      for await (const row of exportRows(app, spec, filter, EXPORT_ROW_LIMIT)) {
        yield spec.columns.map((column) => csvCell((row as Record<string, unknown>)[column]));
      }
    }
    await pipeline(Readable.from(records()), stringify({ header: true, columns: [...spec.columns] }), res);
  };
}
