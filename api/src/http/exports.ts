import { stringify } from 'csv-stringify';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { App } from '../app.ts';
import { DomainError } from '../lib/errors.ts';
import { roleCan } from '../modules/auth/permissions.ts';
import { authenticate } from '../modules/auth/service.ts';
import { AUDIT_CSV_COLUMNS, iterateAuditEvents, type AuditFilter } from '../modules/audit/service.ts';
import { tokenFrom } from './context.ts';

export const EXPORT_ROW_LIMIT = 100_000;

function queryString(req: Request, name: string): string | undefined {
  const v = req.query[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function queryDate(req: Request, name: string): Date | undefined {
  const v = queryString(req, name);
  return v ? new Date(v) : undefined;
}

/** Streams the audit log matching the query-string filter as CSV; authorised by the admin session. */
export function auditCsvHandler(app: App) {
  return async (req: Request, res: Response) => {
    const principal = await authenticate(app.prisma, tokenFrom(req.headers));
    if (principal.kind !== 'admin') {
      res.status(principal.kind === 'anonymous' ? 401 : 403).json({ error: principal.kind === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN' });
      return;
    }
    if (!roleCan(principal.role, 'read')) {
      res.status(403).json({ error: 'FORBIDDEN' });
      return;
    }
    const filter: AuditFilter = {
      actorId: queryString(req, 'actorId'),
      action: queryString(req, 'action'),
      tenantId: queryString(req, 'tenantId'),
      targetType: queryString(req, 'targetType'),
      targetId: queryString(req, 'targetId'),
      from: queryDate(req, 'from'),
      to: queryDate(req, 'to'),
    };
    const rows = iterateAuditEvents(app.prisma, filter, EXPORT_ROW_LIMIT);
    // Pull the first row before answering so a bad filter gets a 400 rather than a broken download.
    let first: IteratorResult<Awaited<ReturnType<typeof rows.next>>['value']>;
    try {
      first = await rows.next();
    } catch (err) {
      if (err instanceof DomainError) {
        res.status(400).json({ error: 'BAD_USER_INPUT', message: err.message });
        return;
      }
      throw err;
    }
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="audit-events-${new Date().toISOString().slice(0, 10)}.csv"`);
    res.setHeader('x-export-row-limit', String(EXPORT_ROW_LIMIT));
    async function* records() {
      let result = first;
      while (!result.done) {
        const e = result.value;
        yield AUDIT_CSV_COLUMNS.map((column) => {
          const value = e[column];
          if (value instanceof Date) return value.toISOString();
          if (value && typeof value === 'object') return JSON.stringify(value);
          return value ?? '';
        });
        result = await rows.next();
      }
    }
    await pipeline(Readable.from(records()), stringify({ header: true, columns: [...AUDIT_CSV_COLUMNS] }), res);
  };
}
