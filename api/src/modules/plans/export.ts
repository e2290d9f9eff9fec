import type { Plan } from '../../generated/prisma/client.ts';
import { idCursorPage, sortParam, type CsvExport } from '../../lib/csv-export.ts';
import { PLAN_SORTS, planWhere, type PlanFilter, type PlanSort } from './service.ts';

export const plansExport: CsvExport<{ filter: PlanFilter; sort: PlanSort }, Plan> = {
  columns: [
    'id', 'code', 'name', 'status', 'currency', 'monthlyPrice', 'yearlyPrice', 'trialDays', 'emailsPerMonth',
    'smsPerMonth', 'seats', 'apiCallsPerMonth', 'entitlements', 'description', 'createdAt', 'updatedAt',
  ],
  parseFilter(param) {
    const sort = sortParam(param, PLAN_SORTS, 'MONTHLY_PRICE_ASC');
    const filter = { status: param('status') as PlanFilter['status'], search: param('search') };
    planWhere(filter); // validates
    return { filter, sort };
  },
  count: (scope, { filter }) => scope.db.plan.count({ where: planWhere(filter) }),
  page: (scope, { filter, sort }, size, after) =>
    idCursorPage(size, after, (args) => scope.db.plan.findMany({ where: planWhere(filter), orderBy: PLAN_SORTS[sort], ...args })),
};
