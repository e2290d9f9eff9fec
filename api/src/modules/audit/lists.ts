import { defineList, filters, ordered } from '../../lib/list.ts';

export const auditEventsList = defineList({
  name: 'auditEvents',
  model: 'AuditEvent',
  description: 'The audit log, newest first.',
  filterType: 'AuditEventFilter',
  sortType: 'AuditEventSort',
  filter: {
    actorId: filters.id(),
    action: filters.text({ max: 100, description: 'Exact action, or a prefix ending in a dot (`tenant.`).' }),
    tenantId: filters.id(),
    targetType: filters.text({ max: 100 }),
    targetId: filters.text(),
    from: filters.date('Occurred at or after this time.'),
    to: filters.date('Occurred at or before this time.'),
  },
  checks: [ordered('from', 'to')],
  where: (f) => ({
    actorId: f.actorId,
    // `tenant.` matches every tenant action; a full name matches exactly.
    action: f.action ? (f.action.endsWith('.') ? { startsWith: f.action } : f.action) : undefined,
    tenantId: f.tenantId,
    targetType: f.targetType,
    targetId: f.targetId,
    occurredAt: f.from || f.to ? { gte: f.from, lte: f.to } : undefined,
  }),
  sorts: { OCCURRED_AT_DESC: [{ occurredAt: 'desc' }, { id: 'desc' }] },
  defaultSort: 'OCCURRED_AT_DESC',
  csv: {
    name: 'audit-events',
    columns: [
      'occurredAt', 'action', 'actorType', 'actorEmail', 'actorRole', 'actorId', 'impersonatorId', 'tenantId',
      'targetType', 'targetId', 'diff', 'requestId', 'ip', 'userAgent', 'id',
    ],
  },
});
