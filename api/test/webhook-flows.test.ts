// Provider events end to end: signed requests through the real HTTP endpoints, stored, processed by the real
// worker, and acted on by the modules that own them (emails' delivery timeline, billing and the tenant's status).
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env } from '../src/env.ts';
import { customerEvent, invoiceEvent, stripeCustomer, stripeInvoice } from '../src/modules/billing/fixtures.ts';
import { startResendFake, type ResendFake } from '../src/modules/emails/resend-fake.test-helper.ts';
import { createTemplate, sendEmail } from '../src/modules/emails/service.ts';
import { activateTenant } from '../src/modules/tenants/service.ts';
import type { WorkerHandle } from '../src/worker/runner.ts';
import { startPlatform, type TestPlatform } from './harness.ts';
import { postWebhook, resendEvent, signResend, signStripe, TEST_RESEND_SECRET, TEST_STRIPE_SECRET } from './webhook-signing.ts';
import { until } from './until.ts';

let p: TestPlatform;
let worker: WorkerHandle;
let fake: ResendFake;
let owner: string;
const saved = { emailTransport: env.emailTransport, RESEND_API_KEY: env.RESEND_API_KEY, RESEND_BASE_URL: env.RESEND_BASE_URL };

/** The stored event of a provider id, once its processing has finished. */
const processed = async (externalId: string) =>
  (await until(
    () => p.app.prisma.webhookEvent.findFirst({ where: { externalId }, include: { attemptsLog: true } }),
    (e) => !!e && ['PROCESSED', 'IGNORED', 'DEAD'].includes(e.status) && e.attemptsLog.every((a) => a.finishedAt),
    `event ${externalId} processed`,
  ))!;

beforeAll(async () => {
  fake = await startResendFake();
  Object.assign(env, { emailTransport: 'resend', RESEND_API_KEY: 're_flow_key', RESEND_BASE_URL: fake.url });
  p = await startPlatform();
  owner = (await p.login('OWNER')).token;
  for (const [provider, secret] of [['STRIPE', TEST_STRIPE_SECRET], ['RESEND', TEST_RESEND_SECRET]] as const) {
    const res = await p.gql(`mutation($p: WebhookProvider!, $s: String!) { setWebhookSecret(provider: $p, secret: $s) { __typename } }`, { p: provider, s: secret }, owner);
    expect(res.data!.setWebhookSecret.__typename).toBe('MutationSetWebhookSecretSuccess');
  }
  worker = await p.startWorker();
  await createTemplate(p.system, { key: 'flow', name: 'Flow', subject: 'Hello {{name}}', html: '<p>Hi {{name}}</p>', text: 'Hi {{name}}', variables: [{ name: 'name', sample: 'Ada' }] });
});

afterAll(async () => {
  await worker?.stop();
  await p?.close();
  await fake?.close();
  Object.assign(env, saved);
});

describe('Resend events through /webhooks/resend', () => {
  it("drive an email's status and timeline: out of order, duplicated and replayed, each recorded once", async () => {
    const queued = await sendEmail(p.system, { template: 'flow', to: 'flow@example.com', variables: { name: 'Flo' } });
    const email = await until(() => p.app.prisma.email.findUniqueOrThrow({ where: { id: queued.id } }), (e) => e.status === 'SENT', 'the email sent');
    const data = { email_id: email.providerMessageId, to: [email.toAddress], subject: email.subject, tags: { opsgraph_email_id: email.id } };

    // Opened arrives before delivered.
    const opened = signResend({ ...resendEvent('email.opened', data), created_at: '2026-12-01T10:05:00.000Z' });
    const delivered = signResend({ ...resendEvent('email.delivered', data), created_at: '2026-12-01T10:01:00.000Z' });
    expect((await postWebhook(p.url, 'resend', opened)).status).toBe(200);
    expect((await postWebhook(p.url, 'resend', delivered)).status).toBe(200);
    const openedEvent = await processed(opened.headers['webhook-id']!);
    await processed(delivered.headers['webhook-id']!);
    expect(openedEvent).toMatchObject({ provider: 'RESEND', type: 'email.opened', status: 'PROCESSED' });

    // Resend delivers the same message again: acknowledged, not stored or processed twice.
    const again = await postWebhook(p.url, 'resend', opened);
    expect(again).toMatchObject({ status: 200, body: { duplicate: true } });
    expect(await p.app.prisma.webhookEvent.count({ where: { externalId: opened.headers['webhook-id'] } })).toBe(1);

    // An admin replays it: processed again, nothing new on the timeline.
    const replay = await p.gql(`mutation($id: ID!) { replayWebhookEvent(id: $id) { __typename } }`, { id: openedEvent.id }, owner);
    expect(replay.data!.replayWebhookEvent.__typename).toBe('MutationReplayWebhookEventSuccess');
    await until(
      () => p.app.prisma.webhookAttempt.findMany({ where: { eventId: openedEvent.id } }),
      (attempts) => attempts.length === 2 && attempts.every((a) => a.finishedAt),
      'the replay finished',
    );

    const res = await p.gql(`query($id: ID!) { email(id: $id) { status openedAt deliveredAt events { type status } } }`, { id: email.id }, owner);
    const shown = res.data!.email;
    expect(shown).toMatchObject({ status: 'OPENED', openedAt: '2026-12-01T10:05:00.000Z', deliveredAt: '2026-12-01T10:01:00.000Z' });
    const types = shown.events.map((e: { type: string }) => e.type);
    expect(types.filter((t: string) => t === 'opened')).toHaveLength(1);
    expect(types.filter((t: string) => t === 'delivered')).toHaveLength(1);
  });

  it('refuses a request signed with another secret: 400, nothing stored, the rejection counted', async () => {
    const forged = signResend(resendEvent('email.delivered', { email_id: 're_forged' }), { secret: `whsec_${Buffer.from('not ours at all').toString('base64')}` });
    expect((await postWebhook(p.url, 'resend', forged)).status).toBe(400);
    expect(await p.app.prisma.webhookEvent.count({ where: { externalId: forged.headers['webhook-id'] } })).toBe(0);
    const res = await p.gql(`{ webhookRejections(hours: 1) { provider reason count } }`, {}, owner);
    expect(res.data!.webhookRejections.filter((r: { provider: string }) => r.provider === 'RESEND').reduce((n: number, r: { count: number }) => n + r.count, 0)).toBeGreaterThan(0);
  });
});

describe('Stripe events through /webhooks/stripe', () => {
  it("keep the tenant's billing in sync and move it to PAST_DUE on a failed payment and back when paid", async () => {
    const { tenantId } = await p.makeTenant();
    await activateTenant(p.system, tenantId);
    const customer = stripeCustomer({ tenantId });
    const now = Math.floor(Date.now() / 1000);
    const post = async (event: Stripe.Event) => {
      expect((await postWebhook(p.url, 'stripe', signStripe(event))).status).toBe(200);
      return processed(event.id);
    };

    expect(await post(customerEvent('customer.created', customer, now - 60))).toMatchObject({ status: 'PROCESSED', tenantId });
    const shape = { customer: customer.id, amountDue: 4900, currency: 'eur', periodStart: now - 86_400, periodEnd: now, number: 'FLOW-1' };
    const failed = invoiceEvent('invoice.payment_failed', stripeInvoice({ ...shape, status: 'open' }), now - 30);
    await post(failed);
    const invoiceId = (failed.data.object as Stripe.Invoice).id;
    const tenantQuery = `query($id: ID!) { tenant(id: $id) { status billing { stripeCustomerId } invoices { status amountDue amountPaid currency number } } }`;
    let shown = (await p.gql(tenantQuery, { id: tenantId }, owner)).data!.tenant;
    expect(shown).toMatchObject({ status: 'PAST_DUE', billing: { stripeCustomerId: customer.id }, invoices: [{ status: 'open', amountDue: 4900, amountPaid: 0, currency: 'EUR', number: 'FLOW-1' }] });

    await post(invoiceEvent('invoice.paid', stripeInvoice({ ...shape, id: invoiceId, status: 'paid', amountPaid: 4900 }), now - 10));
    shown = (await p.gql(tenantQuery, { id: tenantId }, owner)).data!.tenant;
    expect(shown).toMatchObject({ status: 'ACTIVE', invoices: [{ status: 'paid', amountPaid: 4900 }] });
    const actions = (await p.app.prisma.auditEvent.findMany({ where: { targetId: tenantId } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['tenant.markPastDue', 'tenant.recoverPayment']));
  });

  it('stores an event for an unknown customer and marks it ignored, with the reason', async () => {
    const event = invoiceEvent('invoice.paid', stripeInvoice({ customer: 'cus_nobody_we_know', status: 'paid', amountDue: 1, amountPaid: 1, periodStart: 1, periodEnd: 2 }), 3);
    expect((await postWebhook(p.url, 'stripe', signStripe(event))).status).toBe(200);
    const stored = await processed(event.id);
    expect(stored.status).toBe('IGNORED');
    expect(stored.ignoredReason).toMatch(/customer/i);
  });
});
