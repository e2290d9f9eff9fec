// Each tenant's billing record, kept in sync by Stripe's customer, subscription and invoice events.
//
// Every event is applied under a per-tenant lock and compared with the newest event already applied
// (Stripe's `created`): an older one is skipped and a replay changes nothing, so events may arrive late,
// twice, or at once on two workers. Changes are audited as the platform (actor SYSTEM).
import type Stripe from 'stripe';
import type { Invoice, TenantBilling } from '../../generated/prisma/client.ts';
import { id as idSchema } from '../../lib/strings.ts';
import type { PlatformScope, SystemScope } from '../../scope.ts';
import { changedFields } from '../audit/diff.ts';
import { runAudited, type AuditedTransaction } from '../audit/service.ts';
import type { InboundWebhookEvent, WebhookOutcome } from '../manifest.ts';
import { applyBillingTransition } from '../tenants/service.ts';
import {
  customerIdOf, ENDED_SUBSCRIPTION_STATUSES, eventTime, invoiceFields, invoiceStage, readStripeEvent, subscriptionFields,
} from './stripe-objects.ts';

type Tx = AuditedTransaction<SystemScope>;

const ignored = (reason: string, tenantId?: string | null): WebhookOutcome => ({ outcome: 'ignored', reason, tenantId: tenantId ?? null });
const processed = (tenantId: string): WebhookOutcome => ({ outcome: 'processed', tenantId });

/** The types the handlers below act on; others under these prefixes are ignored with a reason. */
export const STRIPE_EVENT_TYPES = ['customer.*', 'customer.subscription.*', 'invoice.*'] as const;

/** Acts on one verified Stripe event (the webhooks module stores, verifies and retries it). */
export async function handleStripeEvent(scope: SystemScope, inbound: InboundWebhookEvent): Promise<WebhookOutcome> {
  const event = readStripeEvent(inbound.payload);
  if (!event) return ignored('payload is not a Stripe event with an object');
  if (event.type.startsWith('customer.subscription.')) return applySubscription(scope, event, event.data.object as Stripe.Subscription);
  if (event.type === 'customer.created' || event.type === 'customer.updated' || event.type === 'customer.deleted') {
    return applyCustomer(scope, event, event.data.object as Stripe.Customer);
  }
  if (event.type === 'invoice.upcoming') return ignored('an upcoming invoice is a preview, not an invoice');
  if (event.type.startsWith('invoice.')) return applyInvoice(scope, event, event.data.object as Stripe.Invoice);
  return ignored(`billing does not act on ${event.type}`);
}

/** The tenant a Stripe customer is linked to, or null. */
async function tenantOfCustomer(scope: PlatformScope, customerId: string | null): Promise<string | null> {
  if (!customerId) return null;
  const billing = await scope.db.tenantBilling.findUnique({ where: { stripeCustomerId: customerId }, select: { tenantId: true } });
  return billing?.tenantId ?? null;
}

/** One tenant's billing changes run one at a time (two workers on one event: one effect). */
function lockBilling(tx: Tx, tenantId: string): Promise<void> {
  return tx.lockNamed(`billing:${tenantId}`);
}

const olderThan = (at: Date, newest: Date | null | undefined) => newest != null && at < newest;

// ─── customers ───────────────────────────────────────────────────────────────

/**
 * customer.created/updated link the customer to the tenant named by `metadata.tenantId` when it is not
 * linked yet; customer.deleted marks the record (kept for its history), after which a new customer may be
 * linked to the tenant.
 */
async function applyCustomer(scope: SystemScope, event: Stripe.Event, customer: Stripe.Customer): Promise<WebhookOutcome> {
  const at = eventTime(event);
  const deleted = event.type === 'customer.deleted';
  let tenantId = await tenantOfCustomer(scope, customer.id);
  if (!tenantId) {
    if (deleted) return ignored(`customer ${customer.id} is not linked to a tenant`);
    const named = customer.metadata?.tenantId;
    if (!named) return ignored(`customer ${customer.id} is not linked to a tenant and has no metadata.tenantId`);
    if (!idSchema.safeParse(named).success) return ignored(`customer ${customer.id}: metadata.tenantId ${JSON.stringify(named)} is not a tenant id`);
    const tenant = await scope.db.tenant.findUnique({ where: { id: named }, select: { id: true } });
    if (!tenant) return ignored(`customer ${customer.id}: metadata.tenantId ${named} is not a known tenant`);
    tenantId = tenant.id;
  }
  const tenant = tenantId;

  return runAudited(scope, async (tx) => {
    await lockBilling(tx, tenant);
    const before = await tx.db.tenantBilling.findUnique({ where: { tenantId: tenant } });
    if (!before) {
      const after = await tx.db.tenantBilling.create({ data: { tenantId: tenant, stripeCustomerId: customer.id, customerEventAt: at } });
      await auditBilling(tx, 'tenantBilling.link', null, after);
      return processed(tenant);
    }
    if (olderThan(at, before.customerEventAt)) return tx.unchanged(ignored(`older than the newest customer event applied`, tenant));

    if (before.stripeCustomerId !== customer.id) {
      // Only a customer.created/updated naming this tenant reaches here (it was found by metadata).
      if (!before.customerDeletedAt) {
        return tx.unchanged(ignored(`tenant is linked to another customer, ${before.stripeCustomerId}`, tenant));
      }
      // Its customer was deleted: the new one takes its place, with no subscription yet.
      const after = await tx.db.tenantBilling.update({
        where: { tenantId: tenant },
        data: {
          stripeCustomerId: customer.id, customerDeletedAt: null, customerEventAt: at, subscriptionId: null, subscriptionStatus: null,
          currentPeriodStart: null, currentPeriodEnd: null, cancelAtPeriodEnd: false, subscriptionEventAt: null,
        },
      });
      await auditBilling(tx, 'tenantBilling.link', before, after);
      return processed(tenant);
    }

    if (deleted) {
      if (before.customerDeletedAt) return tx.unchanged(processed(tenant));
      const after = await tx.db.tenantBilling.update({ where: { tenantId: tenant }, data: { customerDeletedAt: at, customerEventAt: at } });
      await auditBilling(tx, 'tenantBilling.sync', before, after);
      return processed(tenant);
    }
    // Nothing billing keeps of a linked customer changes; the newest event is remembered for ordering.
    if (!before.customerEventAt || at > before.customerEventAt) {
      await tx.db.tenantBilling.update({ where: { tenantId: tenant }, data: { customerEventAt: at } });
    }
    return tx.unchanged(processed(tenant));
  });
}

// ─── subscriptions ───────────────────────────────────────────────────────────

/** customer.subscription.*: the customer's current subscription, its status and period. */
async function applySubscription(scope: SystemScope, event: Stripe.Event, subscription: Stripe.Subscription): Promise<WebhookOutcome> {
  const at = eventTime(event);
  const customerId = customerIdOf(subscription.customer);
  const tenantId = await tenantOfCustomer(scope, customerId);
  if (!tenantId) return ignored(`customer ${customerId ?? '(none)'} is not linked to a tenant`);

  return runAudited(scope, async (tx) => {
    await lockBilling(tx, tenantId);
    const before = await tx.db.tenantBilling.findUniqueOrThrow({ where: { tenantId } });
    if (before.stripeCustomerId !== customerId) return tx.unchanged(ignored(`customer ${customerId} is no longer this tenant's`, tenantId));
    if (olderThan(at, before.subscriptionEventAt)) return tx.unchanged(ignored('older than the newest subscription event applied', tenantId));
    if (before.subscriptionId && before.subscriptionId !== subscription.id && !ENDED_SUBSCRIPTION_STATUSES.includes(before.subscriptionStatus ?? '')) {
      return tx.unchanged(ignored(`the customer's current subscription is ${before.subscriptionId}`, tenantId));
    }
    const fields = subscriptionFields(subscription);
    if (changedFields(before, fields).length === 0) {
      if (!before.subscriptionEventAt || at > before.subscriptionEventAt) {
        await tx.db.tenantBilling.update({ where: { tenantId }, data: { subscriptionEventAt: at } });
      }
      return tx.unchanged(processed(tenantId));
    }
    const after = await tx.db.tenantBilling.update({ where: { tenantId }, data: { ...fields, subscriptionEventAt: at } });
    await auditBilling(tx, 'tenantBilling.sync', before, after);
    return processed(tenantId);
  });
}

/** A record as the audit log shows it: its own fields, not when the row was written. */
function snapshot<T extends { createdAt: Date; updatedAt: Date }>(record: T | null): Omit<T, 'createdAt' | 'updatedAt'> | undefined {
  if (!record) return undefined;
  const { createdAt: _created, updatedAt: _updated, ...fields } = record;
  return fields;
}

function auditBilling(tx: Tx, action: 'tenantBilling.link' | 'tenantBilling.sync', before: TenantBilling | null, after: TenantBilling) {
  return tx.audit({ action, targetType: 'TenantBilling', targetId: after.tenantId, tenantId: after.tenantId, before: snapshot(before), after: snapshot(after) });
}

// ─── invoices ────────────────────────────────────────────────────────────────

/**
 * invoice.*: the invoice's number, status, amounts and period. A failed payment moves an ACTIVE tenant to
 * PAST_DUE and a paid invoice brings a PAST_DUE one back, in the same transaction as the invoice.
 */
async function applyInvoice(scope: SystemScope, event: Stripe.Event, invoice: Stripe.Invoice): Promise<WebhookOutcome> {
  const at = eventTime(event);
  const customerId = customerIdOf(invoice.customer);
  const tenantId = await tenantOfCustomer(scope, customerId);
  if (!tenantId) return ignored(`customer ${customerId ?? '(none)'} is not linked to a tenant`);
  const fields = invoiceFields(invoice, event.type === 'invoice.deleted');

  return runAudited(scope, async (tx) => {
    await lockBilling(tx, tenantId);
    const before = await tx.db.invoice.findUnique({ where: { stripeInvoiceId: invoice.id } });
    if (before && before.tenantId !== tenantId) return tx.unchanged(ignored(`invoice ${invoice.id} belongs to another tenant`, tenantId));
    if (before && olderThan(at, before.eventAt)) return tx.unchanged(ignored('older than the newest event applied to this invoice', tenantId));
    if (before && at.getTime() === before.eventAt.getTime() && invoiceStage(fields.status) < invoiceStage(before.status)) {
      return tx.unchanged(ignored(`same second as the event that made it ${before.status}, which comes later`, tenantId));
    }

    let audited = false;
    let current: Invoice;
    if (!before) {
      current = await tx.db.invoice.create({ data: { ...fields, tenantId, stripeInvoiceId: invoice.id, eventAt: at } });
      await auditInvoice(tx, null, current);
      audited = true;
    } else if (changedFields(before, fields).length > 0) {
      current = await tx.db.invoice.update({ where: { id: before.id }, data: { ...fields, eventAt: at } });
      await auditInvoice(tx, before, current);
      audited = true;
    } else {
      current = at > before.eventAt ? await tx.db.invoice.update({ where: { id: before.id }, data: { eventAt: at } }) : before;
    }

    const settled = current.status === 'paid' || current.status === 'void';
    const action = event.type === 'invoice.payment_failed' && !settled ? 'markPastDue' : event.type === 'invoice.paid' ? 'recoverPayment' : null;
    const moved = action ? await applyBillingTransition(tx, tenantId, action, { stripeInvoiceId: invoice.id }) : null;
    return audited || moved ? processed(tenantId) : tx.unchanged(processed(tenantId));
  });
}

function auditInvoice(tx: Tx, before: Invoice | null, after: Invoice) {
  return tx.audit({ action: 'invoice.sync', targetType: 'Invoice', targetId: after.id, tenantId: after.tenantId, before: snapshot(before), after: snapshot(after) });
}
