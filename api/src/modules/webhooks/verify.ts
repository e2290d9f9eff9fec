// Signature checks of inbound provider requests, with the providers' own SDKs, on the raw body.
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import Stripe from 'stripe';
import type { IncomingHttpHeaders } from 'node:http';

export type Provider = 'STRIPE' | 'RESEND';
export type RejectionReason = 'missing_signature' | 'bad_signature' | 'stale_signature' | 'unreadable_body';

/** A request whose signature or body is not acceptable; nothing of it is stored. */
export class WebhookRejected extends Error {
  override name = 'WebhookRejected';
  constructor(
    readonly reason: RejectionReason,
    message: string,
  ) {
    super(message);
  }
}

/** What a verified request carries. */
export interface VerifiedEvent {
  externalId: string;
  type: string;
  payload: unknown;
}

// Only its `webhooks` helpers are used: no API key is needed or sent anywhere.
const stripe = new Stripe('sk_unused_for_webhook_verification');

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function eventFields(payload: unknown, externalId?: string): VerifiedEvent {
  const body = payload as { id?: unknown; type?: unknown } | null;
  const id = externalId ?? (typeof body?.id === 'string' ? body.id : undefined);
  if (!body || typeof body !== 'object' || !id || typeof body.type !== 'string' || !body.type || id.length > 255 || body.type.length > 255) {
    throw new WebhookRejected('unreadable_body', 'The body is not an event with an id and a type');
  }
  return { externalId: id, type: body.type, payload };
}

export function verifyStripe(raw: Buffer, headers: IncomingHttpHeaders, secret: string, toleranceSeconds: number): VerifiedEvent {
  const signature = header(headers, 'stripe-signature');
  if (!signature) throw new WebhookRejected('missing_signature', 'Missing Stripe-Signature header');
  let event: unknown;
  try {
    event = stripe.webhooks.constructEvent(raw, signature, secret, toleranceSeconds);
  } catch (err) {
    const message = (err as Error).message ?? '';
    if (/tolerance/i.test(message)) throw new WebhookRejected('stale_signature', 'The signature timestamp is outside the tolerance');
    if (err instanceof SyntaxError) throw new WebhookRejected('unreadable_body', 'The body is not JSON');
    throw new WebhookRejected('bad_signature', 'The signature does not match the body');
  }
  return eventFields(event);
}

export function verifyResend(raw: Buffer, headers: IncomingHttpHeaders, secret: string, toleranceSeconds: number): VerifiedEvent {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signature = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signature) throw new WebhookRejected('missing_signature', 'Missing webhook-id, webhook-timestamp or webhook-signature header');
  const seconds = Number(timestamp);
  if (!Number.isFinite(seconds) || Math.abs(Date.now() / 1000 - seconds) > toleranceSeconds) {
    throw new WebhookRejected('stale_signature', 'The signature timestamp is outside the tolerance');
  }
  let payload: unknown;
  try {
    payload = new Webhook(secret).verify(raw.toString('utf8'), { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature });
  } catch (err) {
    if (err instanceof WebhookVerificationError && /timestamp/i.test(err.message)) throw new WebhookRejected('stale_signature', 'The signature timestamp is outside the tolerance');
    if (err instanceof SyntaxError) throw new WebhookRejected('unreadable_body', 'The body is not JSON');
    throw new WebhookRejected('bad_signature', 'The signature does not match the body');
  }
  return eventFields(payload, id);
}

/** The request headers kept with an event. */
export function keptHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of ['stripe-signature', 'webhook-id', 'webhook-timestamp', 'webhook-signature', 'user-agent', 'content-type', 'x-request-id']) {
    const value = header(headers, name);
    if (value !== undefined) kept[name] = value.slice(0, 2000);
  }
  return kept;
}
