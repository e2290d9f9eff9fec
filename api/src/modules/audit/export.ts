import type { AuditEvent } from '../../generated/prisma/client.ts';
import { dateParam, type CsvExport } from '../../lib/csv-export.ts';
import { auditWhere, countAuditEvents, listAuditEvents, type AuditFilter } from './service.ts';

export const auditEventsExport: CsvExport<AuditFilter, AuditEvent> = {
  columns: [
    'occurredAt', 'action', 'actorType', 'actorEmail', 'actorRole', 'actorId', 'impersonatorId', 'tenantId',
    'targetType', 'targetId', 'diff', 'requestId', 'ip', 'userAgent', 'id',
  ],
  parseFilter(param) {
    const filter: AuditFilter = {
      actorId: param('actorId'), action: param('action'), tenantId: param('tenantId'), targetType: param('targetType'),
      targetId: param('targetId'), from: dateParam(param, 'from'), to: dateParam(param, 'to'),
    };
    auditWhere(filter); // validates
    return filter;
  },
  count: (scope, filter) => countAuditEvents(scope, filter),
  async page(scope, filter, size, after) {
    const page = await listAuditEvents(scope, { filter, first: Math.min(size, 200), after });
    return { rows: page.nodes, next: page.hasNextPage ? page.endCursor : null };
  },
};
