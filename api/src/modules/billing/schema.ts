import { builder } from '../../graphql/builder.ts';

builder.prismaObject('TenantBilling', {
  description: "A tenant's Stripe customer and subscription, kept in sync by Stripe's webhooks.",
  select: { tenantId: true, stripeCustomerId: true, subscriptionStatus: true },
  fields: (t) => ({
    stripeCustomerId: t.string({ resolve: (b) => b.stripeCustomerId }),
    subscriptionStatus: t.string({ nullable: true, description: "Stripe's status: active, past_due, canceled, …", resolve: (b) => b.subscriptionStatus }),
    subscriptionId: t.exposeString('subscriptionId', { nullable: true }),
    currentPeriodStart: t.expose('currentPeriodStart', { type: 'DateTime', nullable: true }),
    currentPeriodEnd: t.expose('currentPeriodEnd', { type: 'DateTime', nullable: true }),
    cancelAtPeriodEnd: t.exposeBoolean('cancelAtPeriodEnd'),
    customerDeletedAt: t.expose('customerDeletedAt', { type: 'DateTime', nullable: true, description: 'When the Stripe customer was deleted.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    tenant: t.relation('tenant'),
  }),
});

builder.prismaObject('Invoice', {
  description: 'A Stripe invoice of a tenant. Amounts are in minor units (cents) of its currency.',
  select: { id: true, number: true, status: true, amountDue: true, amountPaid: true, currency: true },
  fields: (t) => ({
    id: t.id({ resolve: (i) => i.id }),
    number: t.string({ nullable: true, resolve: (i) => i.number }),
    status: t.string({ description: "Stripe's status: draft, open, paid, uncollectible, void (or deleted).", resolve: (i) => i.status }),
    amountDue: t.int({ description: 'Minor units (cents).', resolve: (i) => i.amountDue }),
    amountPaid: t.int({ description: 'Minor units (cents).', resolve: (i) => i.amountPaid }),
    currency: t.string({ description: 'ISO 4217 code.', resolve: (i) => i.currency.trim() }),
    stripeInvoiceId: t.exposeString('stripeInvoiceId'),
    periodStart: t.expose('periodStart', { type: 'DateTime', nullable: true }),
    periodEnd: t.expose('periodEnd', { type: 'DateTime', nullable: true }),
    hostedInvoiceUrl: t.exposeString('hostedInvoiceUrl', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    tenant: t.relation('tenant'),
  }),
});

builder.prismaObjectFields('Tenant', (t) => ({
  billing: t.relation('billing', { nullable: true, authScopes: { permission: 'READ' }, description: 'Its Stripe customer and subscription; null until linked.' }),
  invoices: t.relation('invoices', {
    authScopes: { permission: 'READ' },
    description: 'Its 50 newest invoices (all of them: `invoices(filter: { tenantId })`).',
    query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 50 },
  }),
}));
