import { defineModule } from '../manifest.ts';

/** Billing: each tenant's Stripe customer, subscription and invoices, kept in sync by Stripe's webhooks. */
export default defineModule({ name: 'billing' });
