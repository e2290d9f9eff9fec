import type { SystemScope } from '../../scope.ts';
import type { Prisma } from '../../db/client.ts';

const PLANS: Prisma.PlanCreateManyInput[] = [
  {
    code: 'starter', name: 'Starter', description: 'For small teams getting started.', currency: 'USD',
    monthlyPrice: 2900, yearlyPrice: 29000, trialDays: 14, emailsPerMonth: 5_000, smsPerMonth: 100, seats: 3,
    apiCallsPerMonth: 100_000, entitlements: ['tickets', 'email'],
  },
  {
    code: 'growth', name: 'Growth', description: 'For growing businesses.', currency: 'USD',
    monthlyPrice: 9900, yearlyPrice: 99000, trialDays: 14, emailsPerMonth: 50_000, smsPerMonth: 1_000, seats: 15,
    apiCallsPerMonth: 1_000_000, entitlements: ['tickets', 'email', 'webhooks', 'flags'],
  },
  {
    code: 'scale', name: 'Scale', description: 'For large operations with SLAs.', currency: 'USD',
    monthlyPrice: 49900, yearlyPrice: 499000, trialDays: 30, emailsPerMonth: 500_000, smsPerMonth: 10_000, seats: 100,
    apiCallsPerMonth: 10_000_000, entitlements: ['tickets', 'email', 'webhooks', 'flags', 'sla', 'sso', 'audit-export'],
  },
];

/** Three demo plans: starter, growth and scale. */
export async function seedPlans(scope: SystemScope): Promise<string[]> {
  await scope.db.plan.createMany({ data: PLANS });
  return [`${PLANS.length} plans: ${PLANS.map((p) => p.code).join(', ')}`];
}
