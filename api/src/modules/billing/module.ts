import { defineModule } from '../manifest.ts';
import { invoicesList } from './lists.ts';
import { seedBilling } from './seed.ts';
import { handleStripeEvent, STRIPE_EVENT_TYPES } from './service.ts';

/** Billing: each tenant's Stripe customer, subscription and invoices, kept in sync by Stripe's webhooks. */
export default defineModule({
  name: 'billing',
  graphql: () => import('./schema.ts'),
  lists: [invoicesList],
  auditActions: {
    'tenantBilling.link': 'TenantBilling',
    'tenantBilling.sync': 'TenantBilling',
    'invoice.sync': 'Invoice',
  },
  webhookHandlers: [{ provider: 'STRIPE', types: STRIPE_EVENT_TYPES, handle: handleStripeEvent }],
  seed: seedBilling,
});
