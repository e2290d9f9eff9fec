// Reading Stripe's event payloads: the fields billing keeps, in the shapes Stripe's API versions use.
import type Stripe from 'stripe';

/** A verified payload that is a Stripe event with an object, or null. */
export function readStripeEvent(payload: unknown): Stripe.Event | null {
  const event = payload as Partial<Stripe.Event> | null;
  if (!event || typeof event !== 'object') return null;
  if (typeof event.id !== 'string' || typeof event.type !== 'string' || typeof event.created !== 'number') return null;
  const object = (event.data as { object?: unknown } | undefined)?.object;
  if (!object || typeof object !== 'object' || typeof (object as { id?: unknown }).id !== 'string') return null;
  return event as Stripe.Event;
}

/** Stripe's `created` (seconds since the epoch) as a time. */
export const eventTime = (event: Pick<Stripe.Event, 'created'>): Date => new Date(event.created * 1000);

const seconds = (value: number | null | undefined): Date | null => (typeof value === 'number' ? new Date(value * 1000) : null);

/** The id of an expandable customer field (an id, the customer, a deleted customer, or nothing). */
export function customerIdOf(customer: string | Stripe.Customer | Stripe.DeletedCustomer | null | undefined): string | null {
  if (!customer) return null;
  return typeof customer === 'string' ? customer : customer.id;
}

/** Subscription fields of API versions before 2025-03-31, when the period lived on the subscription. */
type LegacySubscription = Stripe.Subscription & { current_period_start?: number | null; current_period_end?: number | null };

/**
 * The subscription's current period. Before API 2025-03-31 Stripe gave it on the subscription; since then
 * each item has its own, and the subscription's is where all items' periods overlap: the latest start and
 * the earliest end (the next renewal), as Stripe's own subscription filters read them.
 */
export function subscriptionPeriod(subscription: Stripe.Subscription): { start: Date | null; end: Date | null } {
  const legacy = subscription as LegacySubscription;
  if (typeof legacy.current_period_start === 'number' || typeof legacy.current_period_end === 'number') {
    return { start: seconds(legacy.current_period_start), end: seconds(legacy.current_period_end) };
  }
  const items = subscription.items?.data ?? [];
  const starts = items.map((i) => i.current_period_start).filter((v): v is number => typeof v === 'number');
  const ends = items.map((i) => i.current_period_end).filter((v): v is number => typeof v === 'number');
  return {
    start: starts.length ? seconds(Math.max(...starts)) : null,
    end: ends.length ? seconds(Math.min(...ends)) : null,
  };
}

/** What billing keeps of a subscription. */
export function subscriptionFields(subscription: Stripe.Subscription) {
  const period = subscriptionPeriod(subscription);
  return {
    subscriptionId: subscription.id,
    subscriptionStatus: subscription.status,
    currentPeriodStart: period.start,
    currentPeriodEnd: period.end,
    cancelAtPeriodEnd: subscription.cancel_at_period_end === true,
  };
}

/** What billing keeps of an invoice; `status` `deleted` marks a deleted draft (Stripe deletes only drafts). */
export function invoiceFields(invoice: Stripe.Invoice, deleted: boolean) {
  return {
    number: invoice.number ?? null,
    status: deleted ? 'deleted' : (invoice.status ?? 'draft'),
    amountDue: Math.trunc(invoice.amount_due ?? 0),
    amountPaid: Math.trunc(invoice.amount_paid ?? 0),
    currency: (invoice.currency ?? '').toUpperCase(),
    periodStart: seconds(invoice.period_start),
    periodEnd: seconds(invoice.period_end),
    hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
  };
}

/**
 * How far along an invoice is. Stripe's `created` counts whole seconds, so two events of one invoice can
 * tie (invoice.updated and invoice.paid): on a tie an invoice never moves back to an earlier stage.
 */
export function invoiceStage(status: string): number {
  switch (status) {
    case 'draft':
      return 0;
    case 'open':
      return 1;
    case 'uncollectible':
      return 2;
    default:
      return 3; // paid, void, deleted: final
  }
}

/** Subscriptions that are over: a new one of the same customer may take their place. */
export const ENDED_SUBSCRIPTION_STATUSES: readonly string[] = ['canceled', 'incomplete_expired'];
