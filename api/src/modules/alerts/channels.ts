// Notification channels of alert rules: email recipients, a Slack incoming webhook, a signed generic webhook,
// or "open a support ticket". URLs and signing secrets are encrypted at rest (bound to the channel's id) and
// never leave the API: reads show the URL's host and whether a signing secret is set. A generated signing
// secret is returned once, by the create or rotate call that made it.
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Prisma } from '../../db/client.ts';
import { env } from '../../env.ts';
import type { AlertChannel, AlertDelivery } from '../../generated/prisma/client.ts';
import type { AlertChannelKind, TicketPriority } from '../../generated/prisma/enums.ts';
import { InputError, parseInput } from '../../lib/errors.ts';
import { enumValues } from '../../lib/list.ts';
import { findOrNotFound } from '../../lib/records.ts';
import { secrets } from '../../lib/secrets.ts';
import { email, id as idSchema, name, text } from '../../lib/strings.ts';
import type { PlatformScope } from '../../scope.ts';
import { runAudited, type AuditedTransaction } from '../audit/service.ts';
import { queueDelivery } from './deliveries.ts';

export const CHANNEL_KINDS = enumValues('AlertChannelKind');
const TICKET_PRIORITIES = enumValues('TicketPriority');
export const MAX_EMAIL_RECIPIENTS = 20;

// ─── stored shape ────────────────────────────────────────────────────────────

/** The channel's settings that are not secret (the `config` column). */
export interface ChannelConfig {
  emailTo?: string[];
  /** Host of the Slack or webhook URL, shown instead of the URL. */
  urlHint?: string;
  hasSigningSecret?: boolean;
  /** TICKET: where an alert without a tenant opens its ticket. */
  ticketTenantId?: string;
  /** TICKET: the priority of every ticket it opens (default: from the alert's severity). */
  ticketPriority?: TicketPriority;
}

/** The encrypted part (the `secretEncrypted` column). */
export interface ChannelSecret {
  url: string;
  signingSecret?: string;
}

const secretContext = (channelId: string) => `alert-channel:${channelId}`;

export function readConfig(json: unknown): ChannelConfig {
  return json && typeof json === 'object' && !Array.isArray(json) ? (json as ChannelConfig) : {};
}

/** The channel's URL and signing secret, decrypted (for the delivery job only). */
export function channelSecret(channel: Pick<AlertChannel, 'id' | 'secretEncrypted'>): ChannelSecret | null {
  if (!channel.secretEncrypted) return null;
  return JSON.parse(secrets().decrypt(channel.secretEncrypted, secretContext(channel.id))) as ChannelSecret;
}

/** A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64. */
export function generateSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

// ─── input ───────────────────────────────────────────────────────────────────

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/** Loopback, private and link-local addresses written as such (names that resolve there are not caught). */
function isInternalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1' || host === '::' || /^f[cd]/.test(host) || host.startsWith('fe80:')) return true;
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  if (!v4) return false;
  const [a, b] = [Number(v4[1]), Number(v4[2])];
  return a === 127 || a === 10 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

/** An http(s) URL without credentials in it; in production, not an internal address. */
const webUrl = text({ min: 1, max: 2000 }).superRefine((value, ctx) => {
  const url = parseUrl(value);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    ctx.addIssue({ code: 'custom', message: 'an http:// or https:// URL' });
  } else if (url.username || url.password) {
    ctx.addIssue({ code: 'custom', message: 'must not carry a user name or password' });
  } else if (env.isProduction && isInternalHost(url.hostname)) {
    ctx.addIssue({ code: 'custom', message: 'must not point at a loopback, private or link-local address' });
  }
});

/**
 * Slack incoming webhooks are `https://hooks.slack.com/services/T…/B…/<token>`. Outside production a
 * loopback host (a local stand-in) is accepted too, over http.
 */
function slackProblem(value: string): string | null {
  const url = parseUrl(value)!;
  const local = !env.isProduction && LOOPBACK.has(url.hostname);
  if (!local && (url.protocol !== 'https:' || url.hostname !== 'hooks.slack.com')) return 'a Slack incoming webhook URL (https://hooks.slack.com/services/…)';
  if (!/^\/services\/[A-Z0-9]+\/[A-Z0-9]+\/[A-Za-z0-9]+$/.test(url.pathname)) return 'a Slack incoming webhook URL: /services/<team>/<channel>/<token>';
  return null;
}

const signingSecret = text({ min: 1, max: 200 }).refine(
  (value) => /^whsec_[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value.slice(6), 'base64').length >= 24,
  'a Standard Webhooks secret: whsec_ followed by at least 24 bytes in base64',
);

const channelFields = {
  name: name(100),
  enabled: z.boolean(),
  emailTo: z.array(email).min(1, 'at least one address').max(MAX_EMAIL_RECIPIENTS, `at most ${MAX_EMAIL_RECIPIENTS} addresses`),
  url: webUrl,
  signingSecret,
  ticketTenantId: idSchema,
  ticketPriority: z.enum(TICKET_PRIORITIES as [TicketPriority, ...TicketPriority[]], `one of ${TICKET_PRIORITIES.join(', ')}`),
};

export const createChannelSchema = z.object({
  name: channelFields.name,
  kind: z.enum(CHANNEL_KINDS as [AlertChannelKind, ...AlertChannelKind[]], `one of ${CHANNEL_KINDS.join(', ')}`),
  enabled: channelFields.enabled.default(true),
  emailTo: channelFields.emailTo.optional(),
  url: channelFields.url.optional(),
  signingSecret: channelFields.signingSecret.optional(),
  ticketTenantId: channelFields.ticketTenantId.nullish(),
  ticketPriority: channelFields.ticketPriority.nullish(),
});
export type CreateChannelInput = z.input<typeof createChannelSchema>;

/** Omitted fields are kept; `ticketTenantId`/`ticketPriority` null clears them; the kind never changes. */
export const updateChannelSchema = z.object({
  name: channelFields.name.optional(),
  enabled: channelFields.enabled.optional(),
  emailTo: channelFields.emailTo.optional(),
  url: channelFields.url.optional(),
  signingSecret: channelFields.signingSecret.optional(),
  rotateSigningSecret: z.boolean().optional(),
  ticketTenantId: channelFields.ticketTenantId.nullish(),
  ticketPriority: channelFields.ticketPriority.nullish(),
});
export type UpdateChannelInput = z.input<typeof updateChannelSchema>;

/** Which fields each kind takes: any other given is a field error. */
const KIND_FIELDS: Record<AlertChannelKind, readonly string[]> = {
  EMAIL: ['emailTo'],
  SLACK: ['url'],
  WEBHOOK: ['url', 'signingSecret', 'rotateSigningSecret'],
  TICKET: ['ticketTenantId', 'ticketPriority'],
};
const KIND_SPECIFIC = ['emailTo', 'url', 'signingSecret', 'rotateSigningSecret', 'ticketTenantId', 'ticketPriority'] as const;

function assertFieldsOfKind(kind: AlertChannelKind, data: Record<string, unknown>): void {
  for (const field of KIND_SPECIFIC) {
    if (data[field] !== undefined && data[field] !== null && !KIND_FIELDS[kind].includes(field)) {
      throw InputError.field(['input', field], `not used by ${kind} channels`);
    }
  }
  if (kind === 'SLACK' && typeof data.url === 'string') {
    const problem = slackProblem(data.url);
    if (problem) throw InputError.field(['input', 'url'], problem);
  }
}

async function assertTicketTenant(tx: AuditedTransaction<PlatformScope>, tenantId: string | null | undefined): Promise<void> {
  if (!tenantId) return;
  await findOrNotFound('Tenant', tenantId, (id) => tx.db.tenant.findUnique({ where: { id }, select: { id: true } }), { field: 'input.ticketTenantId' });
}

// ─── views ───────────────────────────────────────────────────────────────────

/** What the audit log keeps of a channel: never the URL or secret, not even encrypted. */
function auditView(channel: AlertChannel) {
  const { secretEncrypted: _secret, ...rest } = channel;
  return rest;
}

const hostOf = (url: string) => new URL(url).host;

export interface SavedChannel {
  channel: AlertChannel;
  /** The signing secret this call generated (create without one, or rotate): shown once. */
  signingSecret: string | null;
}

function adminId(scope: PlatformScope): string | null {
  return scope.principal.kind === 'admin' ? scope.principal.userId : null;
}

// ─── mutations ───────────────────────────────────────────────────────────────

export async function createAlertChannel(scope: PlatformScope, input: CreateChannelInput): Promise<SavedChannel> {
  const data = parseInput(createChannelSchema, input);
  assertFieldsOfKind(data.kind, data);
  if (data.kind === 'EMAIL' && !data.emailTo) throw InputError.field(['input', 'emailTo'], 'required for EMAIL channels');
  if ((data.kind === 'SLACK' || data.kind === 'WEBHOOK') && !data.url) throw InputError.field(['input', 'url'], `required for ${data.kind} channels`);
  const generated = data.kind === 'WEBHOOK' && !data.signingSecret ? generateSigningSecret() : null;
  const id = randomUUID();
  const config: ChannelConfig = {};
  if (data.emailTo) config.emailTo = [...new Set(data.emailTo)];
  if (data.url) config.urlHint = hostOf(data.url);
  if (data.kind === 'WEBHOOK') config.hasSigningSecret = true;
  if (data.ticketTenantId) config.ticketTenantId = data.ticketTenantId;
  if (data.ticketPriority) config.ticketPriority = data.ticketPriority;
  const secret: ChannelSecret | null = data.url ? { url: data.url, ...(data.kind === 'WEBHOOK' ? { signingSecret: data.signingSecret ?? generated! } : {}) } : null;
  return runAudited(scope, async (tx) => {
    await assertTicketTenant(tx, data.ticketTenantId);
    const channel = await tx.db.alertChannel.create({
      data: {
        id, name: data.name, kind: data.kind, enabled: data.enabled, config: config as Prisma.InputJsonObject,
        secretEncrypted: secret ? secrets().encrypt(JSON.stringify(secret), secretContext(id)) : null,
        createdById: adminId(scope),
      },
    });
    await tx.audit({ action: 'alertChannel.create', targetType: 'AlertChannel', targetId: id, after: auditView(channel) });
    return { channel, signingSecret: generated };
  });
}

export async function updateAlertChannel(scope: PlatformScope, id: string, input: UpdateChannelInput): Promise<SavedChannel> {
  const data = parseInput(updateChannelSchema, input);
  return runAudited(scope, async (tx) => {
    const before = await findOrNotFound('AlertChannel', id, (id) => tx.db.alertChannel.findUnique({ where: { id } }), { lock: tx });
    assertFieldsOfKind(before.kind, data);
    if (data.signingSecret && data.rotateSigningSecret) throw InputError.field(['input', 'rotateSigningSecret'], 'give signingSecret or rotateSigningSecret, not both');
    await assertTicketTenant(tx, data.ticketTenantId);
    const config = { ...readConfig(before.config) };
    if (data.emailTo) config.emailTo = [...new Set(data.emailTo)];
    if (data.ticketTenantId !== undefined) config.ticketTenantId = data.ticketTenantId ?? undefined;
    if (data.ticketPriority !== undefined) config.ticketPriority = data.ticketPriority ?? undefined;
    const generated = data.rotateSigningSecret ? generateSigningSecret() : null;
    let secretEncrypted = before.secretEncrypted;
    const secretChanged = data.url !== undefined || data.signingSecret !== undefined || generated !== null;
    if (secretChanged) {
      const current = channelSecret(before);
      const next: ChannelSecret = { url: data.url ?? current!.url, signingSecret: data.signingSecret ?? generated ?? current?.signingSecret };
      if (before.kind !== 'WEBHOOK') delete next.signingSecret;
      secretEncrypted = secrets().encrypt(JSON.stringify(next), secretContext(id));
      config.urlHint = hostOf(next.url);
    }
    const changes = {
      name: data.name ?? before.name,
      enabled: data.enabled ?? before.enabled,
      config: JSON.parse(JSON.stringify(config)) as Prisma.InputJsonObject,
    };
    const same =
      !secretChanged && changes.name === before.name && changes.enabled === before.enabled && JSON.stringify(changes.config) === JSON.stringify(before.config);
    if (same) return tx.unchanged({ channel: before, signingSecret: null });
    const after = await tx.db.alertChannel.update({ where: { id }, data: { ...changes, secretEncrypted } });
    await tx.audit({
      action: 'alertChannel.update', targetType: 'AlertChannel', targetId: id,
      before: auditView(before), after: { ...auditView(after), ...(secretChanged ? { secretChanged: true } : {}) },
    });
    return { channel: after, signingSecret: generated };
  });
}

export async function deleteAlertChannel(scope: PlatformScope, id: string): Promise<AlertChannel> {
  return runAudited(scope, async (tx) => {
    const before = await findOrNotFound('AlertChannel', id, (id) => tx.db.alertChannel.findUnique({ where: { id } }), { lock: tx });
    await tx.db.alertChannel.delete({ where: { id } });
    await tx.audit({ action: 'alertChannel.delete', targetType: 'AlertChannel', targetId: id, before: auditView(before) });
    return before;
  });
}

/**
 * Sends a test notification through the delivery job (reason TEST, no alert), disabled channel or not,
 * and stamps `lastTestedAt`. Returns the delivery; its status follows as the job runs.
 */
export async function testAlertChannel(scope: PlatformScope, id: string): Promise<AlertDelivery> {
  return runAudited(scope, async (tx) => {
    const channel = await findOrNotFound('AlertChannel', id, (id) => tx.db.alertChannel.findUnique({ where: { id } }), { lock: tx });
    const delivery = await queueDelivery(tx, { channelId: channel.id, alertId: null, reason: 'TEST' });
    const after = await tx.db.alertChannel.update({ where: { id }, data: { lastTestedAt: delivery.createdAt } });
    await tx.audit({
      action: 'alertChannel.test', targetType: 'AlertChannel', targetId: id,
      before: { lastTestedAt: channel.lastTestedAt }, after: { lastTestedAt: after.lastTestedAt, deliveryId: delivery.id },
    });
    return delivery;
  });
}
