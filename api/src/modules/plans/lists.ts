import { defineList, filters, searchAny } from '../../lib/list.ts';

export const plansList = defineList({
  name: 'plans',
  model: 'Plan',
  description: 'Plans, cheapest first unless sorted otherwise.',
  filterType: 'PlanFilter',
  sortType: 'PlanSort',
  filter: {
    status: filters.enum('PlanStatus'),
    search: filters.text({ max: 100, description: 'Matches code or name (case-insensitive).' }),
  },
  where: (f) => ({
    status: f.status,
    OR: searchAny(['code', 'name'], f.search),
  }),
  sorts: {
    MONTHLY_PRICE_ASC: [{ monthlyPrice: 'asc' }, { id: 'asc' }],
    MONTHLY_PRICE_DESC: [{ monthlyPrice: 'desc' }, { id: 'desc' }],
    NAME_ASC: [{ name: 'asc' }, { id: 'asc' }],
    CREATED_AT_DESC: [{ createdAt: 'desc' }, { id: 'desc' }],
  },
  defaultSort: 'MONTHLY_PRICE_ASC',
  csv: {
    name: 'plans',
    columns: [
      'id', 'code', 'name', 'status', 'currency', 'monthlyPrice', 'yearlyPrice', 'trialDays', 'emailsPerMonth',
      'smsPerMonth', 'seats', 'apiCallsPerMonth', 'entitlements', 'description', 'createdAt', 'updatedAt',
    ],
  },
});
