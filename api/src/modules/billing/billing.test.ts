import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type TestPlatform } from '../../../test/harness.ts';
import { webhookHandlerFor } from '../../webhook-handlers.ts';
import type { InboundWebhookEvent } from '../manifest.ts';
import { seedDemo } from '../../seed/index.ts';
import { activateTenant, suspendTenant } from '../tenants/service.ts';
import { customerEvent, invoiceEvent, stripeCustomer, stripeInvoice, stripeSubscription, subscriptionEvent } from './fixtures.ts';

let p: TestPlatform;
const T0 = 1_796_000_000; // a Stripe `created`, seconds

beforeAll(async () => {
  p = await startPlatform({ recordQueries: true });
});
afterAll(() => p.close());

/** Hands a Stripe event to the handler the webhooks module would call, as the platform. */
async function deliver(event: Stripe.Event, trigger: InboundWebhookEvent['trigger'] = 'delivery') {
  const handler = webhookHandlerFor('STRIPE', event.type);
  if (!handler) throw new Error(`no handler for ${event.type}`);
  return handler.handle(p.system, {
    id: randomUUID(), provider: 'STRIPE', externalId: event.id, type: event.type, payload: JSON.parse(JSON.stringify(event)),
    receivedAt: new Date(), trigger,
  });
}

/** An ACTIVE tenant linked to a new Stripe customer. */
async function linkedTenant() {
  const { tenantId } = await p.makeTenant();
  await activateTenant(p.system, tenantId);
  const customer = stripeCustomer({ tenantId });
  expect(await deliver(customerEvent('customer.created', customer, T0))).toEqual({ outcome: 'processed', tenantId });
  return { tenantId, customerId: customer.id };
}

const billingOf = (tenantId: string) => p.app.prisma.tenantBilling.findUniqueOrThrow({ where: { tenantId } });
const auditCount = (where: { targetId?: string; tenantId?: string; action?: string }) => p.app.prisma.auditEvent.count({ where });

describe('Stripe customers', () => {
  it('links a customer to the tenant named in its metadata, once', async () => {
    const { tenantId, customerId } = await linkedTenant();
    const billing = await billingOf(tenantId);
    expect(billing).toMatchObject({ stripeCustomerId: customerId, subscriptionId: null, customerEventAt: new Date(T0 * 1000) });
    const link = await p.app.prisma.auditEvent.findFirstOrThrow({ where: { action: 'tenantBilling.link', targetId: tenantId } });
    expect(link).toMatchObject({ actorType: 'SYSTEM', tenantId });

    // A later update of the same customer changes nothing billing shows, and records nothing.
    const updated = await deliver(customerEvent('customer.updated', stripeCustomer({ id: customerId, tenantId, email: 'new@t.example' }), T0 + 5));
    expect(updated).toEqual({ outcome: 'processed', tenantId });
    expect(await p.app.prisma.auditEvent.count({ where: { tenantId, action: { startsWith: 'tenantBilling.' } } })).toBe(1);

    // Another customer naming the same tenant does not take it over.
    const other = await deliver(customerEvent('customer.created', stripeCustomer({ tenantId }), T0 + 10));
    expect(other).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining(`linked to another customer, ${customerId}`) });
    expect((await billingOf(tenantId)).stripeCustomerId).toBe(customerId);
  });

  it('ignores customers it cannot place, naming why', async () => {
    expect(await deliver(customerEvent('customer.created', stripeCustomer(), T0))).toMatchObject({
      outcome: 'ignored', reason: expect.stringContaining('has no metadata.tenantId'),
    });
    expect(await deliver(customerEvent('customer.created', stripeCustomer({ tenantId: randomUUID() }), T0))).toMatchObject({
      outcome: 'ignored', reason: expect.stringContaining('is not a known tenant'),
    });
    expect(await deliver(customerEvent('customer.created', stripeCustomer({ tenantId: 'tenant-42' }), T0))).toMatchObject({
      outcome: 'ignored', reason: expect.stringContaining('is not a tenant id'),
    });
    const orphan = stripeInvoice({ customer: 'cus_unknown', status: 'open', amountDue: 100, periodStart: T0, periodEnd: T0 + 1 });
    expect(await deliver(invoiceEvent('invoice.finalized', orphan, T0))).toEqual({
      outcome: 'ignored', reason: 'customer cus_unknown is not linked to a tenant', tenantId: null,
    });
    expect(await p.app.prisma.invoice.count({ where: { stripeInvoiceId: orphan.id } })).toBe(0);
    // Types under the handled prefixes that billing does not act on.
    const discount = { id: 'di_1', object: 'discount', customer: 'cus_unknown' };
    expect(await webhookHandlerFor('STRIPE', 'customer.discount.created')!.handle(p.system, {
      id: randomUUID(), provider: 'STRIPE', externalId: 'evt_x', type: 'customer.discount.created', receivedAt: new Date(), trigger: 'delivery',
      payload: { id: 'evt_x', object: 'event', type: 'customer.discount.created', created: T0, data: { object: discount } },
    })).toEqual({ outcome: 'ignored', reason: 'billing does not act on customer.discount.created', tenantId: null });
  });

  it('keeps a deleted customer for its history and lets a new customer replace it', async () => {
    const { tenantId, customerId } = await linkedTenant();
    await deliver(customerEvent('customer.deleted', stripeCustomer({ id: customerId, tenantId }), T0 + 20));
    expect((await billingOf(tenantId)).customerDeletedAt).toEqual(new Date((T0 + 20) * 1000));
    // A late update from before the deletion changes nothing.
    expect(await deliver(customerEvent('customer.updated', stripeCustomer({ id: customerId, tenantId }), T0 + 10))).toMatchObject({ outcome: 'ignored' });
    const next = stripeCustomer({ tenantId });
    expect(await deliver(customerEvent('customer.created', next, T0 + 30))).toEqual({ outcome: 'processed', tenantId });
    expect(await billingOf(tenantId)).toMatchObject({ stripeCustomerId: next.id, customerDeletedAt: null, subscriptionId: null });
  });
});

describe('Stripe subscriptions', () => {
  it('stores status, period and cancellation, from item periods and from the legacy subscription period', async () => {
    const { tenantId, customerId } = await linkedTenant();
    const subscription = stripeSubscription({ customer: customerId, periodStart: T0, periodEnd: T0 + 30 * 86_400 });
    expect(await deliver(subscriptionEvent('customer.subscription.created', subscription, T0 + 1))).toEqual({ outcome: 'processed', tenantId });
    expect(await billingOf(tenantId)).toMatchObject({
      subscriptionId: subscription.id, subscriptionStatus: 'active', cancelAtPeriodEnd: false,
      currentPeriodStart: new Date(T0 * 1000), currentPeriodEnd: new Date((T0 + 30 * 86_400) * 1000),
    });

    const legacy = stripeSubscription({
      id: subscription.id, customer: customerId, periodStart: T0 + 30 * 86_400, periodEnd: T0 + 60 * 86_400, cancelAtPeriodEnd: true, legacyPeriod: true,
    });
    await deliver(subscriptionEvent('customer.subscription.updated', legacy, T0 + 2));
    expect(await billingOf(tenantId)).toMatchObject({
      cancelAtPeriodEnd: true, currentPeriodStart: new Date((T0 + 30 * 86_400) * 1000), currentPeriodEnd: new Date((T0 + 60 * 86_400) * 1000),
    });

    const ended = stripeSubscription({ id: subscription.id, customer: customerId, status: 'canceled', periodStart: T0 + 30 * 86_400, periodEnd: T0 + 60 * 86_400 });
    await deliver(subscriptionEvent('customer.subscription.deleted', ended, T0 + 3));
    expect((await billingOf(tenantId)).subscriptionStatus).toBe('canceled');
    // After it ended, a new subscription of the customer becomes the current one.
    const renewed = stripeSubscription({ customer: customerId, periodStart: T0 + 90 * 86_400, periodEnd: T0 + 120 * 86_400 });
    await deliver(subscriptionEvent('customer.subscription.created', renewed, T0 + 4));
    expect(await billingOf(tenantId)).toMatchObject({ subscriptionId: renewed.id, subscriptionStatus: 'active', cancelAtPeriodEnd: false });
  });

  it('skips an event older than the newest applied, and a replay changes nothing', async () => {
    const { tenantId, customerId } = await linkedTenant();
    const id = `sub_${randomUUID().slice(0, 8)}`;
    const pastDue = subscriptionEvent('customer.subscription.updated', stripeSubscription({ id, customer: customerId, status: 'past_due', periodStart: T0, periodEnd: T0 + 100 }), T0 + 20);
    const active = subscriptionEvent('customer.subscription.created', stripeSubscription({ id, customer: customerId, status: 'active', periodStart: T0, periodEnd: T0 + 100 }), T0 + 10);
    await deliver(pastDue);
    expect(await deliver(active)).toEqual({ outcome: 'ignored', reason: 'older than the newest subscription event applied', tenantId });
    const after = await billingOf(tenantId);
    expect(after.subscriptionStatus).toBe('past_due');

    const entries = await auditCount({ targetId: tenantId, action: 'tenantBilling.sync' });
    expect(await deliver(pastDue, 'replay')).toEqual({ outcome: 'processed', tenantId });
    expect(await deliver(active, 'replay')).toMatchObject({ outcome: 'ignored' });
    const replayed = await billingOf(tenantId);
    expect(replayed).toMatchObject({ subscriptionStatus: 'past_due', subscriptionEventAt: after.subscriptionEventAt, updatedAt: after.updatedAt });
    expect(await auditCount({ targetId: tenantId, action: 'tenantBilling.sync' })).toBe(entries);
  });
});

describe('Stripe invoices', () => {
  it('upserts an invoice with integer minor-unit amounts, currency, period and hosted URL', async () => {
    const { tenantId, customerId } = await linkedTenant();
    const draft = stripeInvoice({ customer: customerId, status: 'draft', amountDue: 4900, periodStart: T0, periodEnd: T0 + 86_400, currency: 'eur' });
    await deliver(invoiceEvent('invoice.created', draft, T0 + 1));
    expect(await p.app.prisma.invoice.findUniqueOrThrow({ where: { stripeInvoiceId: draft.id } })).toMatchObject({
      tenantId, status: 'draft', number: null, amountDue: 4900, amountPaid: 0, currency: 'EUR', hostedInvoiceUrl: null,
      periodStart: new Date(T0 * 1000), periodEnd: new Date((T0 + 86_400) * 1000),
    });
    const open = stripeInvoice({ id: draft.id, customer: customerId, status: 'open', number: 'ABC123-0001', amountDue: 4900, periodStart: T0, periodEnd: T0 + 86_400, currency: 'eur' });
    await deliver(invoiceEvent('invoice.finalized', open, T0 + 2));
    const paid = stripeInvoice({ ...{ id: draft.id, customer: customerId, number: 'ABC123-0001' }, status: 'paid', amountDue: 4900, amountPaid: 4900, periodStart: T0, periodEnd: T0 + 86_400, currency: 'eur' });
    await deliver(invoiceEvent('invoice.paid', paid, T0 + 3));
    const stored = await p.app.prisma.invoice.findUniqueOrThrow({ where: { stripeInvoiceId: draft.id } });
    expect(stored).toMatchObject({ status: 'paid', number: 'ABC123-0001', amountPaid: 4900, hostedInvoiceUrl: `https://invoice.stripe.com/i/acct_test/${draft.id}` });
    expect(await p.app.prisma.invoice.count({ where: { stripeInvoiceId: draft.id } })).toBe(1);
    expect(await auditCount({ targetId: stored.id, action: 'invoice.sync' })).toBe(3);

    // Out of order: the finalized event arriving again after paid is older and skipped; one in the same
    // second as paid does not move it back either.
    expect(await deliver(invoiceEvent('invoice.finalized', open, T0 + 2))).toMatchObject({ outcome: 'ignored' });
    expect(await deliver(invoiceEvent('invoice.updated', open, T0 + 3))).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('same second') });
    expect((await p.app.prisma.invoice.findUniqueOrThrow({ where: { stripeInvoiceId: draft.id } })).status).toBe('paid');
  });

  it('moves an ACTIVE tenant to PAST_DUE on a failed payment and back to ACTIVE when paid, audited and published', async () => {
    const { tenantId, customerId } = await linkedTenant();
    // The tenant's own creation and activation were published just before: their notifications can still be
    // on their way when this subscription starts, so it hears the payment kinds only.
    const paymentKinds = new Set(['pastDue', 'paymentRecovered']);
    const changes = p.system.subscribe('tenantChanged', (e) => e.tenantId === tenantId && paymentKinds.has(e.kind));
    await p.untilListening('tenantChanged', 1);
    const shape = { customer: customerId, amountDue: 2900, periodStart: T0, periodEnd: T0 + 86_400, number: 'PD-1' };
    const failed = invoiceEvent('invoice.payment_failed', stripeInvoice({ ...shape, status: 'open' }), T0 + 5);
    const invoiceId = (failed.data.object as Stripe.Invoice).id;

    expect(await deliver(failed)).toEqual({ outcome: 'processed', tenantId });
    expect((await p.app.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).status).toBe('PAST_DUE');
    expect((await changes.next()).value).toEqual({ tenantId, kind: 'pastDue', status: 'PAST_DUE' });
    const marked = await p.app.prisma.auditEvent.findFirstOrThrow({ where: { action: 'tenant.markPastDue', targetId: tenantId } });
    expect(marked).toMatchObject({ actorType: 'SYSTEM', before: { status: 'ACTIVE' }, after: { status: 'PAST_DUE', stripeInvoiceId: invoiceId } });

    // A replayed failure of a PAST_DUE tenant is a no-op, not an error.
    expect(await deliver(failed, 'replay')).toEqual({ outcome: 'processed', tenantId });
    expect(await auditCount({ targetId: tenantId, action: 'tenant.markPastDue' })).toBe(1);

    const paid = invoiceEvent('invoice.paid', stripeInvoice({ ...shape, id: invoiceId, status: 'paid', amountPaid: 2900 }), T0 + 9);
    expect(await deliver(paid)).toEqual({ outcome: 'processed', tenantId });
    expect((await p.app.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).status).toBe('ACTIVE');
    expect((await changes.next()).value).toEqual({ tenantId, kind: 'paymentRecovered', status: 'ACTIVE' });
    expect(await auditCount({ targetId: tenantId, action: 'tenant.recoverPayment' })).toBe(1);
    await changes.return?.();

    // The failure arriving late, after the payment, leaves the tenant ACTIVE.
    expect(await deliver(failed, 'retry')).toMatchObject({ outcome: 'ignored' });
    expect((await p.app.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).status).toBe('ACTIVE');
  });

  it('leaves a suspended tenant suspended when a payment fails', async () => {
    const { tenantId, customerId } = await linkedTenant();
    await suspendTenant(p.system, tenantId, 'abuse report');
    const failed = invoiceEvent('invoice.payment_failed', stripeInvoice({ customer: customerId, status: 'open', amountDue: 100, periodStart: T0, periodEnd: T0 + 1 }), T0 + 5);
    expect(await deliver(failed)).toEqual({ outcome: 'processed', tenantId });
    expect((await p.app.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).status).toBe('SUSPENDED');
    expect(await auditCount({ targetId: tenantId, action: 'tenant.markPastDue' })).toBe(0);
  });

  it('applies the same event delivered to two workers at once exactly once', async () => {
    const { tenantId, customerId } = await linkedTenant();
    const failed = invoiceEvent('invoice.payment_failed', stripeInvoice({ customer: customerId, status: 'open', amountDue: 700, periodStart: T0, periodEnd: T0 + 1 }), T0 + 5);
    const outcomes = await Promise.all([deliver(failed), deliver(failed), deliver(failed)]);
    expect(outcomes).toEqual([0, 1, 2].map(() => ({ outcome: 'processed', tenantId })));
    const stored = await p.app.prisma.invoice.findMany({ where: { tenantId } });
    expect(stored).toHaveLength(1);
    expect(await auditCount({ targetId: stored[0]!.id, action: 'invoice.sync' })).toBe(1);
    expect(await auditCount({ targetId: tenantId, action: 'tenant.markPastDue' })).toBe(1);

    // Two first deliveries of one customer link it once.
    const { tenantId: fresh } = await p.makeTenant();
    const customer = stripeCustomer({ tenantId: fresh });
    const created = customerEvent('customer.created', customer, T0);
    await Promise.all([deliver(created), deliver(created)]);
    expect(await auditCount({ targetId: fresh, action: 'tenantBilling.link' })).toBe(1);
  });
});

describe('admin graph', () => {
  it('shows billing and invoices on tenants and lists invoices, in one SQL statement each', async () => {
    const { tenantId: unlinked } = await p.makeTenant();
    const { tenantId, customerId } = await linkedTenant();
    const subscription = stripeSubscription({ customer: customerId, periodStart: T0, periodEnd: T0 + 100 });
    await deliver(subscriptionEvent('customer.subscription.created', subscription, T0 + 1));
    for (let i = 0; i < 3; i += 1) {
      await deliver(invoiceEvent('invoice.finalized', stripeInvoice({ customer: customerId, status: 'open', amountDue: 1000 + i, periodStart: T0, periodEnd: T0 + 1 }), T0 + 2));
    }
    const { token } = await p.login('VIEWER');
    const TENANTS = `{ tenants(first: 50) { edges { node { id billing { stripeCustomerId subscriptionStatus currentPeriodEnd } invoices { number amountDue currency status } } } } }`;
    await p.gql('{ me { id } }', {}, token);
    let data: any;
    const sql = await p.recordQueries(async () => {
      data = (await p.gql(TENANTS, {}, token)).data;
    });
    expect(sql).toHaveLength(1);
    const node = data.tenants.edges.map((e: any) => e.node).find((n: any) => n.id === tenantId);
    expect(node.billing).toEqual({ stripeCustomerId: customerId, subscriptionStatus: 'active', currentPeriodEnd: new Date((T0 + 100) * 1000).toISOString() });
    expect(node.invoices.map((i: any) => i.amountDue).sort()).toEqual([1000, 1001, 1002]);
    expect(node.invoices[0]).toMatchObject({ currency: 'USD', status: 'open' });
    const without = data.tenants.edges.map((e: any) => e.node).find((n: any) => n.id === unlinked);
    expect(without).toEqual({ id: unlinked, billing: null, invoices: [] });

    const LIST = `query($f: InvoiceFilter) { invoices(first: 50, filter: $f) { totalCount edges { node { amountDue tenant { name billing { stripeCustomerId } } } } } }`;
    let list: any;
    const listSql = await p.recordQueries(async () => {
      list = await p.gql(LIST, { f: { tenantId, status: 'open' } }, token);
    });
    expect(list.data.invoices.totalCount).toBe(3);
    expect(listSql).toHaveLength(2);
    const none = await p.gql(LIST, { f: { tenantId, status: 'paid' } }, token);
    expect(none.data!.invoices.totalCount).toBe(0);
    const bad = await p.gql(LIST, { f: { createdFrom: '2030-01-02T00:00:00Z', createdTo: '2030-01-01T00:00:00Z' } }, token);
    expect(bad.errors?.[0]?.message).toMatch(/createdFrom/);

    const csv = await fetch(`${p.url}/exports/invoices.csv?tenantId=${tenantId}`, { headers: { authorization: `Bearer ${token}` } });
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toMatch(/^id,tenantId,tenantName,stripeInvoiceId,number,status,amountDue/);
    expect(lines).toHaveLength(4);
  });
});

describe('demo data', () => {
  it('gives the oldest active and past-due tenants a customer, a subscription and invoices through the handlers', async () => {
    const demo = await startPlatform();
    try {
      await seedDemo(demo.app, {}, { isProduction: false });
      const billed = await demo.app.prisma.tenantBilling.findMany({ include: { tenant: { select: { status: true } } } });
      expect(billed).toHaveLength(12);
      for (const b of billed) expect(b.subscriptionStatus).toBe(b.tenant.status === 'PAST_DUE' ? 'past_due' : 'active');
      expect(await demo.app.prisma.invoice.count()).toBe(36);
      const open = await demo.app.prisma.invoice.findMany({ where: { status: 'open' }, include: { tenant: { select: { status: true } } } });
      expect(open.length).toBeGreaterThan(0);
      for (const invoice of open) expect(invoice.tenant.status).toBe('PAST_DUE');
    } finally {
      await demo.close();
    }
  });
});
