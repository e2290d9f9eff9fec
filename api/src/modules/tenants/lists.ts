import type { Tenant } from '../../generated/prisma/client.ts';
import { defineList, filters, searchAny, ordered } from '../../lib/list.ts';

export const tenantsList = defineList({
  name: 'tenants',
  model: 'Tenant',
  description: 'Tenants, newest first unless sorted otherwise.',
  filterType: 'TenantFilter',
  sortType: 'TenantSort',
  filter: {
    status: filters.enumList('TenantStatus'),
    planId: filters.id(),
    search: filters.text({ description: 'Matches name, slug or owner email (case-insensitive).' }),
    createdFrom: filters.date(),
    createdTo: filters.date(),
    trialEndsBefore: filters.date('Trial ends strictly before this time.'),
    trialEndsAfter: filters.date('Trial ends strictly after this time.'),
  },
  checks: [ordered('createdFrom', 'createdTo')],
  where: (f) => ({
    status: f.status?.length ? { in: f.status } : undefined,
    planId: f.planId,
    createdAt: f.createdFrom || f.createdTo ? { gte: f.createdFrom, lte: f.createdTo } : undefined,
    // Both bounds exclusive; a tenant without a trial never matches a trial bound.
    trialEndsAt: f.trialEndsBefore || f.trialEndsAfter ? { lt: f.trialEndsBefore, gt: f.trialEndsAfter } : undefined,
    OR: searchAny(['name', 'slug', 'ownerEmail'], f.search),
  }),
  sorts: {
    CREATED_AT_DESC: [{ createdAt: 'desc' }, { id: 'desc' }],
    CREATED_AT_ASC: [{ createdAt: 'asc' }, { id: 'asc' }],
    NAME_ASC: [{ name: 'asc' }, { id: 'asc' }],
    NAME_DESC: [{ name: 'desc' }, { id: 'desc' }],
    TRIAL_ENDS_AT_ASC: [{ trialEndsAt: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }],
  },
  defaultSort: 'CREATED_AT_DESC',
  csv: {
    name: 'tenants',
    columns: [
      'id', 'name', 'slug', 'status', 'planCode', 'planName', 'ownerName', 'ownerEmail', 'trialEndsAt',
      'suspensionReason', 'onboardedAt', 'deletedAt', 'createdAt', 'updatedAt',
    ],
    query: { include: { plan: { select: { code: true, name: true } } } },
    row: ({ plan, ...tenant }: Tenant & { plan: { code: string; name: string } }) => ({ ...tenant, planCode: plan.code, planName: plan.name }),
  },
});
