// Signed inbound webhook requests, made with the providers' own SDK helpers, for tests and benchmarks of any
// module that receives provider events (webhooks, billing, emails).
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';

/** A Stripe endpoint secret (`whsec_…`) for tests. */
export const TEST_STRIPE_SECRET = 'whsec_test_stripe_signing_secret_0123456789';
/** A Standard Webhooks secret (`whsec_` + base64) for Resend tests. */
export const TEST_RESEND_SECRET = `whsec_${Buffer.from('test resend signing secret 0123456789').toString('base64')}`;

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

/** A Stripe event body: `{ id, object: 'event', type, data: { object } , … }`. */
export function stripeEvent(type: string, object: Record<string, unknown> = {}, id = `evt_${randomUUID().replaceAll('-', '')}`) {
  return { id, object: 'event', api_version: '2025-01-27', created: Math.floor(Date.now() / 1000), type, livemode: false, data: { object } };
}

/**
 * A Stripe request as Stripe sends it: `Stripe-Signature` made by `stripe.webhooks.generateTestHeaderString`.
 * `timestamp` (seconds) in the past makes a stale signature; another `secret` a wrong one.
 */
export function signStripe(event: unknown, options: { secret?: string; timestamp?: number } = {}): SignedRequest {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret: options.secret ?? TEST_STRIPE_SECRET,
    timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
  });
  return { body, headers: { 'content-type': 'application/json', 'stripe-signature': signature } };
}

/** A Resend event body: `{ type, created_at, data }`. */
export function resendEvent(type: string, data: Record<string, unknown> = {}) {
  return { type, created_at: new Date().toISOString(), data };
}

/**
 * A Resend (Standard Webhooks) request: `webhook-id`, `webhook-timestamp` and `webhook-signature` from
 * `new Webhook(secret).sign(id, date, body)`.
 */
export function signResend(event: unknown, options: { secret?: string; id?: string; date?: Date } = {}): SignedRequest {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  const id = options.id ?? `msg_${randomUUID()}`;
  const date = options.date ?? new Date();
  const signature = new Webhook(options.secret ?? TEST_RESEND_SECRET).sign(id, date, body);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(date.getTime() / 1000)),
      'webhook-signature': signature,
    },
  };
}

/** POSTs a signed request to /webhooks/<provider> of `baseUrl`. */
export async function postWebhook(baseUrl: string, provider: 'stripe' | 'resend' | string, request: SignedRequest): Promise<{ status: number; body: any }> {
  const res = await fetch(`${baseUrl}/webhooks/${provider}`, { method: 'POST', headers: request.headers, body: request.body });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: res.status, body };
}
