import type { Tenant } from '../../generated/prisma/client.ts';
import { dateParam, idCursorPage, sortParam, type CsvExport } from '../../lib/csv-export.ts';
import { TENANT_SORTS, TENANT_STATUSES, tenantWhere, type TenantFilter, type TenantSort } from './service.ts';

type TenantRow = Tenant & { planCode: string; planName: string };

export const tenantsExport: CsvExport<{ filter: TenantFilter; sort: TenantSort }, TenantRow> = {
  columns: [
    'id', 'name', 'slug', 'status', 'planCode', 'planName', 'ownerName', 'ownerEmail', 'trialEndsAt',
    'suspensionReason', 'onboardedAt', 'deletedAt', 'createdAt', 'updatedAt',
  ],
  parseFilter(param) {
    const status = param('status')?.split(',').filter(Boolean) as (typeof TENANT_STATUSES)[number][] | undefined;
    const sort = sortParam(param, TENANT_SORTS, 'CREATED_AT_DESC');
    const filter: TenantFilter = {
      status, planId: param('planId'), search: param('search'),
      createdFrom: dateParam(param, 'createdFrom'), createdTo: dateParam(param, 'createdTo'),
      trialEndsBefore: dateParam(param, 'trialEndsBefore'), trialEndsAfter: dateParam(param, 'trialEndsAfter'),
    };
    tenantWhere(filter); // validates
    return { filter, sort };
  },
  count: (scope, { filter }) => scope.db.tenant.count({ where: tenantWhere(filter) }),
  async page(scope, { filter, sort }, size, after) {
    const { rows, next } = await idCursorPage(size, after, (args) =>
      scope.db.tenant.findMany({
        where: tenantWhere(filter),
        orderBy: TENANT_SORTS[sort],
        include: { plan: { select: { code: true, name: true } } },
        ...args,
      }),
    );
    return { rows: rows.map(({ plan, ...t }) => ({ ...t, planCode: plan.code, planName: plan.name })), next };
  },
};
