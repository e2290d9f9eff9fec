// How a notice goes out per channel kind: a Slack incoming webhook (text + blocks), a generic webhook signed
// with Standard Webhooks headers, or email through the emails module (an editable template, made on first use).
import { Webhook } from 'standardwebhooks';
import { env } from '../../env.ts';
import type { AlertChannel } from '../../generated/prisma/client.ts';
import { ConflictError, DomainError } from '../../lib/errors.ts';
import type { SystemScope } from '../../scope.ts';
import { createTemplate, findTemplate, sendEmail, type CreateTemplateInput } from '../emails/service.ts';
import { channelSecret, readConfig } from './channels.ts';
import type { AlertNotice, SendResult } from './deliveries.ts';

/** 408 and 429 ask to come back later; any other 4xx is final; 5xx and network failures are retried. */
export function isFinalStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<SendResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Opsgraph-Alerts/1', ...headers },
      body,
      // A receiver that redirects is not followed (the URL was checked when saved, its target was not).
      redirect: 'manual',
      signal: AbortSignal.timeout(env.ALERT_DELIVERY_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = error instanceof Error ? (error.name === 'TimeoutError' ? `no answer within ${env.ALERT_DELIVERY_TIMEOUT_MS} ms` : error.message) : String(error);
    return { ok: false, final: false, error: `request failed: ${cause}` };
  }
  const text = (await res.text().catch(() => '')).slice(0, 500);
  if (res.status >= 200 && res.status < 300) return { ok: true, responseStatus: res.status };
  if (res.status >= 300 && res.status < 400) return { ok: false, final: true, responseStatus: res.status, error: `HTTP ${res.status}: redirects are not followed` };
  return { ok: false, final: isFinalStatus(res.status), responseStatus: res.status, error: `HTTP ${res.status}${text ? `: ${text}` : ''}` };
}

function secretOf(channel: AlertChannel): { url: string; signingSecret?: string } | SendResult {
  const secret = channelSecret(channel);
  return secret ? secret : { ok: false, final: true, error: 'the channel has no URL' };
}

// ─── Slack ───────────────────────────────────────────────────────────────────

const SEVERITY_EMOJI: Record<string, string> = { CRITICAL: ':red_circle:', WARNING: ':large_orange_circle:', INFO: ':large_blue_circle:' };

/** Slack's incoming-webhook message: `text` (notifications, fallbacks) and blocks for the message itself. */
export function slackMessage(notice: AlertNotice) {
  const emoji = notice.reason === 'RESOLVED' ? ':white_check_mark:' : notice.alert ? (SEVERITY_EMOJI[notice.alert.severity] ?? '') : ':wave:';
  const context = notice.alert
    ? [`Alert ${notice.alert.id}`, `started ${notice.alert.startedAt}`, ...(notice.alert.resolvedAt ? [`resolved ${notice.alert.resolvedAt}`] : [])]
    : [`Channel ${notice.channel.name}`];
  return {
    text: `${notice.title} (${notice.summary})`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: notice.title.slice(0, 150), emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: `${emoji} ${notice.summary}` } },
      { type: 'context', elements: context.map((text) => ({ type: 'mrkdwn', text })) },
    ],
  };
}

export async function sendSlackNotice(channel: AlertChannel, notice: AlertNotice): Promise<SendResult> {
  const secret = secretOf(channel);
  if ('ok' in secret) return secret;
  return post(secret.url, JSON.stringify(slackMessage(notice)), {});
}

// ─── generic webhook ─────────────────────────────────────────────────────────

/** The body a webhook receives: a type, when, and the notice's data. */
export function webhookBody(notice: AlertNotice, at: Date) {
  return {
    type: `alert.${notice.reason.toLowerCase()}`,
    timestamp: at.toISOString(),
    data: { deliveryId: notice.deliveryId, reason: notice.reason, title: notice.title, summary: notice.summary, channel: notice.channel, alert: notice.alert },
  };
}

/**
 * Signed as Standard Webhooks says: `webhook-id` is the delivery's id (the same on every retry, so a
 * receiver can drop duplicates), `webhook-timestamp` in seconds, `webhook-signature` `v1,<base64 HMAC>`.
 */
export async function sendWebhookNotice(channel: AlertChannel, notice: AlertNotice): Promise<SendResult> {
  const secret = secretOf(channel);
  if ('ok' in secret) return secret;
  if (!secret.signingSecret) return { ok: false, final: true, error: 'the channel has no signing secret' };
  const at = new Date();
  const body = JSON.stringify(webhookBody(notice, at));
  const signature = new Webhook(secret.signingSecret).sign(notice.deliveryId, at, body);
  return post(secret.url, body, {
    'webhook-id': notice.deliveryId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signature,
  });
}

// ─── email ───────────────────────────────────────────────────────────────────

const v = (name: string, sample: string, description: string) => ({ name, sample, description });

/** The alert email: exists in every install once used, and stays editable in the email templates. */
export const ALERT_EMAIL_TEMPLATE: CreateTemplateInput = {
  key: 'alert-notification',
  name: 'Alert notification',
  description: 'Sent to the recipients of an EMAIL alert channel when an alert fires, repeats, is acknowledged or resolves (and for a test).',
  subject: '[Opsgraph] {{title}}',
  html: '<p><strong>{{title}}</strong></p>\n<p>{{summary}}</p>\n{{#if alertId}}<p style="color:#666">Alert {{alertId}}, started {{startedAt}}. Channel: {{channelName}}.</p>{{/if}}',
  text: '{{title}}\n\n{{summary}}\n{{#if alertId}}\nAlert {{alertId}}, started {{startedAt}}. Channel: {{channelName}}.{{/if}}',
  variables: [
    v('title', 'Firing: High error rate', 'What happened, in one line.'),
    v('summary', 'CRITICAL · value 0.12 · {service="api"}', 'Severity, value, labels and tenant.'),
    v('reason', 'FIRING', 'FIRING, RESOLVED, ACKNOWLEDGED, REPEAT or TEST.'),
    v('severity', 'CRITICAL', "The alert's severity (empty for a test)."),
    v('ruleName', 'High error rate', 'The alert rule (empty for a test).'),
    v('alertId', '00000000-0000-0000-0000-000000000000', 'The alert (empty for a test).'),
    v('startedAt', '2026-12-07T15:00:00.000Z', 'When the alert started, UTC.'),
    v('channelName', 'On-call email', 'The channel.'),
  ],
};

async function ensureAlertTemplate(scope: SystemScope): Promise<void> {
  if (await findTemplate(scope, { key: ALERT_EMAIL_TEMPLATE.key }, { select: { id: true } })) return;
  try {
    await createTemplate(scope, ALERT_EMAIL_TEMPLATE);
  } catch (error) {
    // Another delivery or the seed made it at the same moment.
    if (!(error instanceof ConflictError)) throw error;
  }
}

/**
 * Queues one email per recipient through the emails module (which sends and retries it). The idempotency
 * key per delivery and address means a retried delivery queues nothing twice.
 */
export async function sendEmailNotice(scope: SystemScope, channel: AlertChannel, notice: AlertNotice): Promise<SendResult> {
  const to = readConfig(channel.config).emailTo ?? [];
  if (!to.length) return { ok: false, final: true, error: 'the channel has no recipients' };
  await ensureAlertTemplate(scope);
  const variables = {
    title: notice.title, summary: notice.summary, reason: notice.reason, severity: notice.alert?.severity ?? '',
    ruleName: notice.alert?.ruleName ?? '', alertId: notice.alert?.id ?? '', startedAt: notice.alert?.startedAt ?? '', channelName: notice.channel.name,
  };
  for (const address of to) {
    try {
      await sendEmail(scope, { template: ALERT_EMAIL_TEMPLATE.key, to: address, variables, idempotencyKey: `alert-delivery:${notice.deliveryId}:${address}` });
    } catch (error) {
      // An edited template that needs other variables, say: retrying changes nothing.
      if (error instanceof DomainError) return { ok: false, final: true, error: `email to ${address}: ${error.message}` };
      throw error;
    }
  }
  return { ok: true, responseStatus: null };
}
