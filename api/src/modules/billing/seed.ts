import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import type { SystemScope } from '../../scope.ts';
import { customerEvent, invoiceEvent, stripeCustomer, stripeInvoice, stripeSubscription, subscriptionEvent } from './fixtures.ts';
import { handleStripeEvent } from './service.ts';

const DAY = 86_400;
const PRICE = 4900;

/**
 * Demo billing: the oldest active and past-due tenants get a Stripe customer, a monthly subscription and
 * three months of invoices, applied through the same handlers as Stripe's webhooks (the past-due ones'
 * last payment failed).
 */
export async function seedBilling(scope: SystemScope): Promise<void> {
  const tenants = await scope.db.tenant.findMany({
    where: { status: { in: ['ACTIVE', 'PAST_DUE'] } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: 12,
    select: { id: true, status: true },
  });
  const apply = (event: Stripe.Event) =>
    handleStripeEvent(scope, {
      id: randomUUID(), provider: 'STRIPE', externalId: event.id, type: event.type, payload: event, receivedAt: new Date(), trigger: 'delivery',
    });
  const start = Math.floor(Date.now() / 1000) - 90 * DAY;
  for (const tenant of tenants) {
    const pastDue = tenant.status === 'PAST_DUE';
    const customer = stripeCustomer({ tenantId: tenant.id });
    await apply(customerEvent('customer.created', customer, start));
    const subscription = stripeSubscription({
      customer: customer.id, status: pastDue ? 'past_due' : 'active', periodStart: start + 90 * DAY, periodEnd: start + 120 * DAY,
    });
    await apply(subscriptionEvent('customer.subscription.created', subscription, start + 1));
    for (let month = 0; month < 3; month += 1) {
      const periodStart = start + month * 30 * DAY;
      const failed = pastDue && month === 2;
      const invoice = stripeInvoice({
        customer: customer.id, subscription: subscription.id, status: failed ? 'open' : 'paid', amountDue: PRICE, amountPaid: failed ? 0 : PRICE,
        periodStart, periodEnd: periodStart + 30 * DAY, number: `${customer.id.slice(4, 10).toUpperCase()}-${String(month + 1).padStart(4, '0')}`,
      });
      await apply(invoiceEvent(failed ? 'invoice.payment_failed' : 'invoice.paid', invoice, periodStart + 3600));
    }
  }
}
