import { defineList, filters, ordered } from '../../lib/list.ts';

export const webhookEventsList = defineList({
  name: 'webhookEvents',
  model: 'WebhookEvent',
  description: 'Inbound provider events, newest first unless sorted otherwise.',
  filterType: 'WebhookEventFilter',
  sortType: 'WebhookEventSort',
  filter: {
    provider: filters.enumList('WebhookProvider'),
    status: filters.enumList('WebhookEventStatus'),
    type: filters.text({ description: 'Exact event type, or a prefix ending in * (invoice.*).' }),
    tenantId: filters.id('The tenant a handler found the event to concern.'),
    receivedFrom: filters.date(),
    receivedTo: filters.date(),
  },
  checks: [ordered('receivedFrom', 'receivedTo')],
  where: (f) => ({
    provider: f.provider?.length ? { in: f.provider } : undefined,
    status: f.status?.length ? { in: f.status } : undefined,
    tenantId: f.tenantId,
    type: f.type ? (f.type.endsWith('*') ? { startsWith: f.type.slice(0, -1) } : f.type) : undefined,
    receivedAt: f.receivedFrom || f.receivedTo ? { gte: f.receivedFrom, lte: f.receivedTo } : undefined,
  }),
  sorts: {
    RECEIVED_AT_DESC: [{ receivedAt: 'desc' }, { id: 'desc' }],
    RECEIVED_AT_ASC: [{ receivedAt: 'asc' }, { id: 'asc' }],
  },
  defaultSort: 'RECEIVED_AT_DESC',
  csv: {
    name: 'webhook-events',
    columns: ['id', 'provider', 'externalId', 'type', 'status', 'attempts', 'receivedAt', 'processedAt', 'nextAttemptAt', 'lastError', 'ignoredReason', 'tenantId'],
    query: { omit: { payload: true, headers: true } },
  },
});
