import type { Prisma } from '../../db/client.ts';
import type { Ticket } from '../../generated/prisma/client.ts';
import { defineList, filters } from '../../lib/list.ts';
import { adminTicketSearch } from './search.ts';

/** Nulls last: a ticket with no running clock comes after every one that has a deadline. */
const slaDue = { slaDueAt: { sort: 'asc', nulls: 'last' } } as const;

export const ticketsList = defineList({
  name: 'tickets',
  model: 'Ticket',
  description: 'The support queue: tickets of every tenant, newest first unless sorted otherwise.',
  filterType: 'TicketFilter',
  sortType: 'TicketSort',
  filter: {
    status: filters.enumList('TicketStatus'),
    priority: filters.enumList('TicketPriority'),
    assigneeId: filters.id(),
    unassigned: filters.boolean('True: tickets nobody holds; false: tickets someone holds.'),
    tenantId: filters.id(),
    requesterId: filters.id(),
    category: filters.text({ max: 100, description: 'Exact category.' }),
    tag: filters.text({ max: 50, description: 'Tickets carrying this tag.' }),
    slaState: filters.enumList('SlaState'),
    text: filters.text({
      max: 500,
      description: 'Full-text search (web search syntax: words, "phrases", -excluded) over subject, description, public comments and internal notes.',
    }),
  },
  checks: [(f) => (f.assigneeId && f.unassigned !== undefined ? { field: 'unassigned', message: 'give assigneeId or unassigned, not both' } : null)],
  where: (f) => ({
    status: f.status?.length ? { in: f.status } : undefined,
    priority: f.priority?.length ? { in: f.priority } : undefined,
    assigneeId: f.assigneeId ?? (f.unassigned === true ? null : f.unassigned === false ? { not: null } : undefined),
    tenantId: f.tenantId,
    requesterId: f.requesterId,
    category: f.category,
    tags: f.tag ? { has: f.tag.toLowerCase() } : undefined,
    slaState: f.slaState?.length ? { in: f.slaState } : undefined,
  }),
  prepare: async (f, scope) => (f.text ? ({ id: { in: await adminTicketSearch(scope, f.text) } } satisfies Prisma.TicketWhereInput) : undefined),
  sorts: {
    SLA_DUE_ASC: [slaDue, { id: 'asc' }],
    CREATED_AT_DESC: [{ createdAt: 'desc' }, { id: 'desc' }],
    UPDATED_AT_DESC: [{ updatedAt: 'desc' }, { id: 'desc' }],
    PRIORITY_DESC: [{ priority: 'desc' }, slaDue, { id: 'asc' }],
  },
  defaultSort: 'CREATED_AT_DESC',
  csv: {
    name: 'tickets',
    columns: [
      'reference', 'id', 'status', 'priority', 'subject', 'tenantId', 'tenantName', 'requesterEmail', 'assigneeEmail', 'category', 'tags',
      'source', 'slaState', 'slaDueAt', 'firstResponseDueAt', 'nextResponseDueAt', 'resolutionDueAt', 'firstRespondedAt', 'resolvedAt',
      'closedAt', 'createdAt', 'updatedAt',
    ],
    query: {
      include: { tenant: { select: { name: true } }, requester: { select: { email: true } }, assignee: { select: { email: true } } },
    },
    row: ({ tenant, requester, assignee, ...ticket }: Ticket & { tenant: { name: string }; requester: { email: string | null }; assignee: { email: string } | null }) => ({
      ...ticket,
      reference: `T-${ticket.number}`,
      tenantName: tenant.name,
      requesterEmail: requester.email,
      assigneeEmail: assignee?.email ?? null,
    }),
  },
});
