import { defineList, filters, searchAny } from '../../lib/list.ts';

export const adminsList = defineList({
  name: 'admins',
  model: 'AdminUser',
  description: 'Platform admins, by email unless sorted otherwise.',
  filterType: 'AdminFilter',
  sortType: 'AdminSort',
  filter: {
    role: filters.enumList('AdminRole'),
    active: filters.boolean(),
    search: filters.text({ description: 'Matches email or name (case-insensitive).' }),
  },
  where: (f) => ({
    role: f.role?.length ? { in: f.role } : undefined,
    active: f.active,
    OR: searchAny(['email', 'name'], f.search),
  }),
  sorts: {
    EMAIL_ASC: [{ email: 'asc' }, { id: 'asc' }],
    CREATED_AT_DESC: [{ createdAt: 'desc' }, { id: 'desc' }],
    LAST_LOGIN_AT_DESC: [{ lastLoginAt: { sort: 'desc', nulls: 'last' } }, { id: 'desc' }],
  },
  defaultSort: 'EMAIL_ASC',
  csv: {
    name: 'admins',
    columns: ['id', 'email', 'name', 'role', 'active', 'lastLoginAt', 'lockedUntil', 'deactivatedAt', 'createdAt'],
    query: { omit: { passwordHash: true } },
  },
});
