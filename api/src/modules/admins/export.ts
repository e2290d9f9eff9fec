import type { AdminUser } from '../../generated/prisma/client.ts';
import { idCursorPage, sortParam, type CsvExport } from '../../lib/csv-export.ts';
import { InputError } from '../../lib/errors.ts';
import { ADMIN_SORTS, adminWhere, type AdminFilter, type AdminSort } from './service.ts';

type AdminRow = Omit<AdminUser, 'passwordHash'>;

export const adminsExport: CsvExport<{ filter: AdminFilter; sort: AdminSort }, AdminRow> = {
  columns: ['id', 'email', 'name', 'role', 'active', 'lastLoginAt', 'lockedUntil', 'deactivatedAt', 'createdAt'],
  parseFilter(param) {
    const sort = sortParam(param, ADMIN_SORTS, 'EMAIL_ASC');
    const active = param('active');
    if (active !== undefined && active !== 'true' && active !== 'false') throw InputError.field('active', 'true or false');
    const filter: AdminFilter = {
      role: param('role')?.split(',').filter(Boolean) as AdminFilter['role'],
      active: active === undefined ? undefined : active === 'true',
      search: param('search'),
    };
    adminWhere(filter); // validates
    return { filter, sort };
  },
  count: (scope, { filter }) => scope.db.adminUser.count({ where: adminWhere(filter) }),
  page: (scope, { filter, sort }, size, after) =>
    idCursorPage(size, after, (args) =>
      scope.db.adminUser.findMany({ where: adminWhere(filter), orderBy: ADMIN_SORTS[sort], omit: { passwordHash: true }, ...args }),
    ),
};
