// Stripe event payloads as Stripe sends them (API 2025+ shapes, with the legacy subscription period on
// request), for tests and demo data.
import { randomBytes } from 'node:crypto';
import type Stripe from 'stripe';

const API_VERSION = '2026-10-28.endive';
const rid = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

function event<T extends Stripe.Event['type']>(type: T, object: object, created: number, previous?: object): Stripe.Event {
  return {
    id: rid('evt'),
    object: 'event',
    api_version: API_VERSION,
    created,
    data: { object, ...(previous ? { previous_attributes: previous } : {}) },
    livemode: false,
    pending_webhooks: 1,
    request: { id: rid('req'), idempotency_key: null },
    type,
  } as unknown as Stripe.Event;
}

export function stripeCustomer(overrides: { id?: string; tenantId?: string; email?: string } = {}): Stripe.Customer {
  return {
    id: overrides.id ?? rid('cus'),
    object: 'customer',
    address: null,
    balance: 0,
    created: 1_765_000_000,
    currency: 'usd',
    default_source: null,
    delinquent: false,
    description: null,
    email: overrides.email ?? 'billing@tenant.example',
    invoice_prefix: 'ABC123',
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: overrides.tenantId ? { tenantId: overrides.tenantId } : {},
    name: 'Tenant billing',
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  } as unknown as Stripe.Customer;
}

export function customerEvent(type: 'customer.created' | 'customer.updated' | 'customer.deleted', customer: Stripe.Customer, created: number) {
  return event(type, customer, created);
}

export interface SubscriptionShape {
  id?: string;
  customer: string;
  status?: Stripe.Subscription.Status;
  periodStart: number;
  periodEnd: number;
  cancelAtPeriodEnd?: boolean;
  /** Before API 2025-03-31 the period was on the subscription, not on its items. */
  legacyPeriod?: boolean;
}

export function stripeSubscription(s: SubscriptionShape): Stripe.Subscription {
  const id = s.id ?? rid('sub');
  const item = {
    id: rid('si'),
    object: 'subscription_item',
    created: s.periodStart,
    metadata: {},
    price: { id: 'price_pro_monthly', object: 'price', currency: 'usd', unit_amount: 4900, recurring: { interval: 'month', interval_count: 1 } },
    quantity: 1,
    subscription: id,
    ...(s.legacyPeriod ? {} : { current_period_start: s.periodStart, current_period_end: s.periodEnd }),
  };
  return {
    id,
    object: 'subscription',
    billing_cycle_anchor: s.periodStart,
    cancel_at: s.cancelAtPeriodEnd ? s.periodEnd : null,
    cancel_at_period_end: s.cancelAtPeriodEnd ?? false,
    canceled_at: null,
    collection_method: 'charge_automatically',
    created: s.periodStart,
    currency: 'usd',
    customer: s.customer,
    ended_at: s.status === 'canceled' ? s.periodEnd : null,
    items: { object: 'list', data: [item], has_more: false, url: `/v1/subscription_items?subscription=${id}` },
    latest_invoice: null,
    livemode: false,
    metadata: {},
    start_date: s.periodStart,
    status: s.status ?? 'active',
    ...(s.legacyPeriod ? { current_period_start: s.periodStart, current_period_end: s.periodEnd } : {}),
  } as unknown as Stripe.Subscription;
}

export function subscriptionEvent(
  type: 'customer.subscription.created' | 'customer.subscription.updated' | 'customer.subscription.deleted',
  subscription: Stripe.Subscription,
  created: number,
) {
  return event(type, subscription, created);
}

export interface InvoiceShape {
  id?: string;
  customer: string;
  subscription?: string;
  status: Stripe.Invoice.Status;
  amountDue: number;
  amountPaid?: number;
  currency?: string;
  number?: string;
  periodStart: number;
  periodEnd: number;
}

export function stripeInvoice(s: InvoiceShape): Stripe.Invoice {
  const id = s.id ?? rid('in');
  return {
    id,
    object: 'invoice',
    account_country: 'US',
    amount_due: s.amountDue,
    amount_paid: s.amountPaid ?? 0,
    amount_remaining: s.amountDue - (s.amountPaid ?? 0),
    attempt_count: s.status === 'open' ? 1 : 0,
    attempted: s.status !== 'draft',
    billing_reason: 'subscription_cycle',
    collection_method: 'charge_automatically',
    created: s.periodStart,
    currency: s.currency ?? 'usd',
    customer: s.customer,
    hosted_invoice_url: s.status === 'draft' ? null : `https://invoice.stripe.com/i/acct_test/${id}`,
    invoice_pdf: null,
    livemode: false,
    metadata: {},
    number: s.status === 'draft' ? null : (s.number ?? `ABC123-${String(Math.floor(Math.random() * 9000) + 1000)}`),
    parent: s.subscription ? { type: 'subscription_details', quote_details: null, subscription_details: { metadata: {}, subscription: s.subscription } } : null,
    period_end: s.periodEnd,
    period_start: s.periodStart,
    status: s.status,
    subtotal: s.amountDue,
    total: s.amountDue,
  } as unknown as Stripe.Invoice;
}

export function invoiceEvent(type: Stripe.Event['type'] & `invoice.${string}`, invoice: Stripe.Invoice, created: number) {
  return event(type, invoice, created);
}
