import type { Tenant, User } from '../../generated/prisma/client.ts';
import { defineList, filters, ordered, searchAny } from '../../lib/list.ts';

export const usersList = defineList({
  name: 'users',
  model: 'User',
  description: "Tenants' users, newest first unless sorted otherwise.",
  filterType: 'UserFilter',
  sortType: 'UserSort',
  filter: {
    tenantId: filters.id(),
    blocked: filters.boolean('Only blocked (true) or only not blocked (false) users.'),
    search: filters.text({ description: 'Matches email, name or external id (case-insensitive).' }),
    lastSeenFrom: filters.date('Last seen at or after this time.'),
    lastSeenTo: filters.date('Last seen at or before this time.'),
  },
  checks: [ordered('lastSeenFrom', 'lastSeenTo')],
  where: (f) => ({
    tenantId: f.tenantId,
    blockedAt: f.blocked === undefined ? undefined : f.blocked ? { not: null } : null,
    lastSeenAt: f.lastSeenFrom || f.lastSeenTo ? { gte: f.lastSeenFrom, lte: f.lastSeenTo } : undefined,
    OR: searchAny(['email', 'name', 'externalId'], f.search),
  }),
  sorts: {
    CREATED_AT_DESC: [{ createdAt: 'desc' }, { id: 'desc' }],
    CREATED_AT_ASC: [{ createdAt: 'asc' }, { id: 'asc' }],
    LAST_SEEN_AT_DESC: [{ lastSeenAt: { sort: 'desc', nulls: 'last' } }, { id: 'desc' }],
    EMAIL_ASC: [{ email: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }],
    NAME_ASC: [{ name: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }],
  },
  defaultSort: 'CREATED_AT_DESC',
  csv: {
    name: 'users',
    columns: [
      'id', 'tenantId', 'tenantName', 'externalId', 'email', 'name', 'role', 'locale', 'timeZone', 'attributes', 'lastSeenAt',
      'blockedAt', 'blockedReason', 'createdAt', 'updatedAt',
    ],
    query: { include: { tenant: { select: { name: true } } } },
    row: ({ tenant, attributes, ...user }: User & { tenant: Pick<Tenant, 'name'> }) => ({
      ...user, tenantName: tenant.name, attributes: JSON.stringify(attributes),
    }),
  },
});
