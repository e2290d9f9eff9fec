import type { Alert } from '../../generated/prisma/client.ts';
import { defineList, filters, searchAny } from '../../lib/list.ts';
import { OPEN_ALERT_STATES } from './lifecycle.ts';

export const alertRulesList = defineList({
  name: 'alertRules',
  model: 'AlertRule',
  description: 'Alert rules, by name unless sorted otherwise.',
  filterType: 'AlertRuleFilter',
  sortType: 'AlertRuleSort',
  filter: {
    search: filters.text({ description: 'Part of the name, metric or task.' }),
    enabled: filters.boolean(),
    severity: filters.enumList('AlertSeverity'),
    signal: filters.enumList('AlertSignal'),
    tenantId: filters.id(),
  },
  where: (f) => ({
    enabled: f.enabled,
    severity: f.severity?.length ? { in: f.severity } : undefined,
    signal: f.signal?.length ? { in: f.signal } : undefined,
    tenantId: f.tenantId,
    OR: searchAny(['name', 'metric', 'task'], f.search),
  }),
  sorts: {
    NAME_ASC: [{ name: 'asc' }, { id: 'asc' }],
    CREATED_AT_DESC: [{ createdAt: 'desc' }, { id: 'desc' }],
  },
  defaultSort: 'NAME_ASC',
  csv: {
    name: 'alert-rules',
    columns: [
      'id', 'name', 'signal', 'metric', 'task', 'labelFilter', 'groupBy', 'aggregation', 'windowSeconds', 'operator', 'threshold',
      'pendingSeconds', 'keepFiringSeconds', 'repeatIntervalSeconds', 'severity', 'noData', 'enabled', 'tenantId', 'tenantVisible',
      'silencedUntil', 'lastEvaluatedAt', 'createdAt',
    ],
  },
});

export const alertsList = defineList({
  name: 'alerts',
  model: 'Alert',
  description: 'Alerts of every rule, newest first unless sorted otherwise.',
  filterType: 'AlertFilter',
  sortType: 'AlertSort',
  filter: {
    state: filters.enumList('AlertState'),
    open: filters.boolean('True: PENDING or FIRING; false: RESOLVED.'),
    severity: filters.enumList('AlertSeverity'),
    ruleId: filters.id(),
    tenantId: filters.id(),
  },
  where: (f) => ({
    AND: [
      f.state?.length ? { state: { in: f.state } } : {},
      f.open === undefined ? {} : f.open ? { state: { in: [...OPEN_ALERT_STATES] } } : { state: 'RESOLVED' as const },
    ],
    severity: f.severity?.length ? { in: f.severity } : undefined,
    ruleId: f.ruleId,
    tenantId: f.tenantId,
  }),
  sorts: {
    STARTED_AT_DESC: [{ startedAt: 'desc' }, { id: 'desc' }],
    STARTED_AT_ASC: [{ startedAt: 'asc' }, { id: 'asc' }],
  },
  defaultSort: 'STARTED_AT_DESC',
  csv: {
    name: 'alerts',
    columns: [
      'id', 'ruleId', 'ruleName', 'labels', 'tenantId', 'severity', 'state', 'value', 'startedAt', 'firedAt', 'resolvedAt',
      'acknowledgedAt', 'acknowledgedById', 'ticketId',
    ],
    query: { include: { rule: { select: { name: true } } } },
    row: ({ rule, ...alert }: Alert & { rule: { name: string } }) => ({ ...alert, ruleName: rule.name }),
  },
});
