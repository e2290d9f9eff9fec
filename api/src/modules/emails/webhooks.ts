// Resend's `email.*` events (https://resend.com/docs/dashboard/webhooks/event-types) on the email's timeline.
import { z } from 'zod';
import type { EmailStatus } from '../../generated/prisma/enums.ts';
import type { WebhookHandler } from '../manifest.ts';
import { recordDeliveryEvent } from './service.ts';
import { EMAIL_ID_TAG } from './transport.ts';

const STATUS_OF: Record<string, EmailStatus> = {
  'email.sent': 'SENT',
  'email.delivered': 'DELIVERED',
  'email.delivery_delayed': 'DELAYED',
  'email.bounced': 'BOUNCED',
  'email.complained': 'COMPLAINED',
  'email.opened': 'OPENED',
  'email.clicked': 'CLICKED',
  'email.failed': 'FAILED',
};

const payloadSchema = z.object({
  type: z.string(),
  created_at: z.string().optional(),
  data: z.looseObject({
    email_id: z.string().min(1),
    created_at: z.string().optional(),
    bounce: z.looseObject({ message: z.string().optional(), type: z.string().optional(), subType: z.string().optional() }).optional(),
    click: z.looseObject({ link: z.string().optional(), ipAddress: z.string().optional() }).optional(),
    failed: z.looseObject({ reason: z.string().optional() }).optional(),
    // Resend has sent tags both as an object and as a list of { name, value }.
    tags: z.union([z.record(z.string(), z.unknown()), z.array(z.looseObject({ name: z.string(), value: z.unknown() }))]).optional(),
  }),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Our email id from the send's tag, when the event carries a well-formed one. */
function taggedEmailId(tags: z.infer<typeof payloadSchema>['data']['tags']): string | undefined {
  const value = Array.isArray(tags) ? tags.find((t) => t.name === EMAIL_ID_TAG)?.value : tags?.[EMAIL_ID_TAG];
  return typeof value === 'string' && UUID.test(value) ? value : undefined;
}

function when(...candidates: (string | undefined)[]): Date {
  for (const c of candidates) {
    const d = c ? new Date(c) : null;
    if (d && !Number.isNaN(d.getTime())) return d;
  }
  return new Date();
}

export const resendEmailEvents: WebhookHandler = {
  provider: 'RESEND',
  types: ['email.*'],
  async handle(scope, event) {
    const status = STATUS_OF[event.type];
    if (!status) return { outcome: 'ignored', reason: `${event.type} does not change an email's delivery` };
    const parsed = payloadSchema.safeParse(event.payload);
    if (!parsed.success) return { outcome: 'ignored', reason: 'no data.email_id in the payload' };
    const { data } = parsed.data;
    const reason = data.bounce?.message ?? data.failed?.reason;
    const result = await recordDeliveryEvent(scope, {
      providerMessageId: data.email_id,
      emailId: taggedEmailId(data.tags),
      status,
      type: event.type.slice('email.'.length),
      // A webhook's own created_at is when the event happened; data.created_at is when the email was.
      occurredAt: when(parsed.data.created_at, event.receivedAt.toISOString()),
      source: `webhook:${event.externalId}`,
      detail: { webhookEventId: event.id, ...(reason ? { reason } : {}), ...(data.bounce ? { bounce: data.bounce } : {}), ...(data.click ? { click: data.click } : {}) },
    });
    if (result === 'unknown') return { outcome: 'ignored', reason: `no email with provider id ${data.email_id}` };
    return { outcome: 'processed' };
  },
};
