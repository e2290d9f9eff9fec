import { z } from 'zod';
import type { Prisma } from '../../db/client.ts';
import { env } from '../../env.ts';
import type { Email, EmailTemplate, EmailTemplateVersion } from '../../generated/prisma/client.ts';
import type { EmailStatus } from '../../generated/prisma/enums.ts';
import { ConflictError, DomainError, InputError, InvalidTransitionError, NotFoundError, parseInput } from '../../lib/errors.ts';
import { findOrNotFound } from '../../lib/records.ts';
import { email as emailSchema, id as idSchema, name, text } from '../../lib/strings.ts';
import type { PlatformScope, SystemScope } from '../../scope.ts';
import { changedFields } from '../audit/diff.ts';
import { runAudited } from '../audit/service.ts';
import { getSetting } from '../settings/service.ts';
import { emailsList } from './lists.ts';
import {
  assertValidTemplate, renderTemplate, sampleValues, templateVariableSchema, type TemplateBodies, type TemplateVariable,
} from './templates.ts';
import { sendThroughResend } from './transport.ts';
import { retryDelayMs } from '../../lib/backoff.ts';

// ─── errors ──────────────────────────────────────────────────────────────────

/** The tenant's plan includes `quota` emails a month, all used, and does not allow overage. */
export class EmailQuotaExceededError extends DomainError {
  override name = 'EmailQuotaExceededError';
  constructor(
    readonly tenantId: string,
    readonly quota: number,
  ) {
    super(`The tenant's plan includes ${quota} emails a month and they are used; its plan does not allow overage`);
  }
}

/** The user is blocked and the template is not transactional-required: nothing is sent. */
export class RecipientBlockedError extends DomainError {
  override name = 'RecipientBlockedError';
  constructor(readonly userId: string) {
    super(`User ${userId} is blocked: only transactional-required templates reach them`);
  }
}

// ─── templates ───────────────────────────────────────────────────────────────

const templateKey = text({ max: 64 }).regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, dots, dashes and underscores');
const bodies = {
  subject: text({ min: 1, max: 998 }),
  html: text({ max: 500_000, trim: false }),
  text: text({ max: 200_000, trim: false }),
  variables: z.array(templateVariableSchema).max(100).default([]).refine(
    (vars) => new Set(vars.map((v) => v.name)).size === vars.length,
    'each variable is declared once',
  ),
};
export const createTemplateSchema = z.object({
  key: templateKey,
  name: name(),
  description: text({ max: 2000 }).default(''),
  transactionalRequired: z.boolean().default(false),
  ...bodies,
});
export const updateTemplateSchema = z.object({
  name: name().optional(),
  description: text({ max: 2000 }).optional(),
  transactionalRequired: z.boolean().optional(),
  ...bodies,
});
export type CreateTemplateInput = z.input<typeof createTemplateSchema>;
export type UpdateTemplateInput = z.input<typeof updateTemplateSchema>;

function adminId(scope: PlatformScope): string | null {
  return scope.principal.kind === 'admin' ? scope.principal.userId : null;
}

export function readVariables(json: unknown): TemplateVariable[] {
  const parsed = z.array(templateVariableSchema).safeParse(json);
  return parsed.success ? parsed.data : [];
}

export async function createTemplate(scope: PlatformScope, input: CreateTemplateInput): Promise<EmailTemplate> {
  const data = parseInput(createTemplateSchema, input);
  assertValidTemplate(data, data.variables);
  return runAudited(scope, async (tx) => {
    const template = await tx.db.emailTemplate.create({
      data: {
        key: data.key, name: data.name, description: data.description, transactionalRequired: data.transactionalRequired, latestVersion: 1,
        versions: {
          create: { version: 1, subject: data.subject, html: data.html, text: data.text, variables: data.variables as Prisma.InputJsonArray, createdById: adminId(scope) },
        },
      },
    });
    await tx.audit({ action: 'template.create', targetType: 'EmailTemplate', targetId: template.id, after: { ...template, ...data } });
    return template;
  });
}

/** Saves a new version (the old ones stay as they were) and the template's own fields. */
export async function updateTemplate(scope: PlatformScope, id: string, input: UpdateTemplateInput): Promise<EmailTemplate> {
  const data = parseInput(updateTemplateSchema, input);
  assertValidTemplate(data, data.variables);
  return runAudited(scope, async (tx) => {
    const before = await findOrNotFound('EmailTemplate', id, (id) => tx.db.emailTemplate.findUnique({ where: { id } }), { lock: tx });
    const latest = await tx.db.emailTemplateVersion.findUniqueOrThrow({ where: { templateId_version: { templateId: id, version: before.latestVersion } } });
    const own = { name: data.name, description: data.description, transactionalRequired: data.transactionalRequired };
    const body = { subject: data.subject, html: data.html, text: data.text, variables: data.variables };
    const bodyChanged = changedFields({ ...latest, variables: readVariables(latest.variables) }, body).length > 0;
    if (!bodyChanged && changedFields(before, own).length === 0) return tx.unchanged(before);
    const version = bodyChanged ? before.latestVersion + 1 : before.latestVersion;
    if (bodyChanged) {
      await tx.db.emailTemplateVersion.create({
        data: { templateId: id, version, ...body, variables: body.variables as Prisma.InputJsonArray, createdById: adminId(scope) },
      });
    }
    const after = await tx.db.emailTemplate.update({ where: { id }, data: { ...withoutUndefined(own), latestVersion: version } });
    await tx.audit({
      action: 'template.update', targetType: 'EmailTemplate', targetId: id,
      before: { ...before, subject: latest.subject, html: latest.html, text: latest.text, variables: latest.variables },
      after: { ...after, ...body },
    });
    return after;
  });
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export const templateRefSchema = z.object({ id: idSchema.optional(), key: templateKey.optional() }).refine((r) => !!r.id !== !!r.key, 'give id or key');

/** A template by id or key. */
export async function findTemplate(scope: PlatformScope, ref: { id?: string | null; key?: string | null }, args: object = {}) {
  const { id, key } = parseInput(templateRefSchema, { id: ref.id ?? undefined, key: ref.key ?? undefined }, []);
  return scope.db.emailTemplate.findUnique({ ...args, where: id ? { id } : { key: key! } });
}

async function versionOf(db: PlatformScope['db'] | Prisma.TransactionClient, template: EmailTemplate, version: number | undefined | null): Promise<EmailTemplateVersion> {
  const wanted = version ?? template.latestVersion;
  const row = await db.emailTemplateVersion.findUnique({ where: { templateId_version: { templateId: template.id, version: wanted } } });
  if (!row) throw InputError.field('version', `template ${template.key} has no version ${wanted}`);
  return row;
}

const valuesSchema = z.record(z.string(), z.unknown());

/** Renders a saved version with its samples, overridden by `values`. */
export async function previewTemplate(
  scope: PlatformScope,
  ref: { id?: string | null; key?: string | null },
  options: { version?: number | null; values?: unknown } = {},
): Promise<TemplateBodies & { version: number }> {
  const template = await findTemplate(scope, ref);
  if (!template) throw new NotFoundError('EmailTemplate', ref.id ?? ref.key ?? '');
  const version = await versionOf(scope.db, template, options.version);
  const values = parseInput(valuesSchema, options.values ?? {}, ['values']);
  return { ...renderTemplate(version, sampleValues(readVariables(version.variables), values)), version: version.version };
}

/** Renders unsaved bodies (the editor's live preview); refused with the same problems a save would be. */
export function previewDraft(input: { subject: string; html: string; text: string; variables?: unknown; values?: unknown }): TemplateBodies {
  const data = parseInput(z.object(bodies), input);
  assertValidTemplate(data, data.variables);
  return renderTemplate(data, sampleValues(data.variables, parseInput(valuesSchema, input.values ?? {}, ['values'])));
}

// ─── sending ─────────────────────────────────────────────────────────────────

export const sendEmailSchema = z.object({
  template: templateKey,
  version: z.number().int().min(1).optional(),
  to: emailSchema,
  variables: valuesSchema.default({}),
  tenantId: idSchema.optional(),
  userId: idSchema.optional(),
  idempotencyKey: text({ min: 1, max: 200 }).optional(),
});
export type SendEmailInput = z.input<typeof sendEmailSchema>;

/** First day of the UTC month of `at`. */
function monthOf(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/**
 * Counts one email against the tenant's month in one statement: the row is created or incremented only
 * while under the quota, or beyond it when the plan allows overage. The row lock of the upsert
 * serialises concurrent sends, so the quota is never overshot.
 */
async function countAgainstQuota(db: Prisma.TransactionClient, tenantId: string, at: Date): Promise<{ overage: boolean }> {
  const plan = await db.tenant.findUnique({ where: { id: tenantId }, select: { plan: { select: { emailsPerMonth: true, emailOverage: true } } } });
  if (!plan) throw new NotFoundError('Tenant', tenantId);
  const { emailsPerMonth: quota, emailOverage: allowOverage } = plan.plan;
  const rows = await db.$queryRaw<{ count: number }[]>`
    INSERT INTO "EmailUsage" ("tenantId", month, count, overage)
    SELECT ${tenantId}::uuid, ${monthOf(at)}::date, 1, CASE WHEN ${quota}::int < 1 THEN 1 ELSE 0 END
    WHERE ${quota}::int >= 1 OR ${allowOverage}::boolean
    ON CONFLICT ("tenantId", month) DO UPDATE
      SET count = "EmailUsage".count + 1,
          overage = "EmailUsage".overage + CASE WHEN "EmailUsage".count >= ${quota}::int THEN 1 ELSE 0 END
      WHERE "EmailUsage".count < ${quota}::int OR ${allowOverage}::boolean
    RETURNING count`;
  if (rows.length === 0) throw new EmailQuotaExceededError(tenantId, quota);
  return { overage: rows[0]!.count > quota };
}

function deliverJob(emailId: string, runAt?: Date) {
  return ['emailDeliver', { emailId }, { jobKey: `email-deliver:${emailId}`, maxAttempts: 3, runAt }] as const;
}

/**
 * Queues an email: the record (QUEUED), its first timeline entry and its delivery job are written in one
 * transaction. With an idempotency key already used, the email it created is returned and nothing new
 * is sent, also when two calls race (the unique key decides).
 */
export async function sendEmail(scope: PlatformScope, input: SendEmailInput): Promise<Email> {
  const data = parseInput(sendEmailSchema, input);
  if (data.idempotencyKey) {
    const existing = await scope.db.email.findUnique({ where: { idempotencyKey: data.idempotencyKey } });
    if (existing) return existing;
  }
  try {
    return await runAudited(scope, async (tx) => {
      const template = await tx.db.emailTemplate.findUnique({ where: { key: data.template } });
      if (!template) throw InputError.field(['input', 'template'], `no template with key ${data.template}`);
      const version = await versionOf(tx.db, template, data.version);
      const declared = readVariables(version.variables);
      const unknown = Object.keys(data.variables).filter((k) => !declared.some((v) => v.name === k));
      if (unknown.length) throw InputError.field(['input', 'variables', unknown[0]!], `not a variable of template ${template.key}`);
      const missing = declared.filter((v) => !(v.name in data.variables));
      if (missing.length) throw InputError.field(['input', 'variables', missing[0]!.name], 'required');
      let tenantId = data.tenantId ?? null;
      if (data.userId) {
        const user = await tx.db.user.findUnique({ where: { id: data.userId }, select: { tenantId: true, blockedAt: true } });
        if (!user) throw new NotFoundError('User', data.userId);
        if (tenantId && tenantId !== user.tenantId) throw InputError.field(['input', 'userId'], 'the user belongs to another tenant');
        tenantId = user.tenantId;
        if (user.blockedAt && !template.transactionalRequired) throw new RecipientBlockedError(data.userId);
      }
      const now = new Date();
      const { overage } = tenantId ? await countAgainstQuota(tx.db, tenantId, now) : { overage: false };
      const fromAddress = await getSetting(tx, 'email.fromAddress', { tenantId });
      const created = await tx.db.email.create({
        data: {
          tenantId, userId: data.userId ?? null, templateId: template.id, templateVersionId: version.id,
          toAddress: data.to, fromAddress, variables: data.variables as Prisma.InputJsonObject,
          transport: env.emailTransport, idempotencyKey: data.idempotencyKey ?? null, overage, createdById: adminId(scope),
          events: { create: { type: 'queued', status: 'QUEUED', occurredAt: now, source: 'queue', detail: { version: version.version, overage } } },
        },
      });
      await tx.enqueue(...deliverJob(created.id));
      await tx.audit({ action: 'email.send', targetType: 'Email', targetId: created.id, tenantId, after: created });
      return created;
    });
  } catch (error) {
    if (error instanceof ConflictError && error.field === 'idempotencyKey' && data.idempotencyKey) {
      const winner = await scope.db.email.findUnique({ where: { idempotencyKey: data.idempotencyKey } });
      if (winner) return winner;
    }
    throw error;
  }
}

/** Sends a template to a tenant's owner, or to one of its users. */
export async function sendTemplateEmail(
  scope: PlatformScope,
  input: { template: string; version?: number; tenantId?: string; userId?: string; variables?: Record<string, unknown>; idempotencyKey?: string },
): Promise<Email> {
  if (!input.userId && !input.tenantId) throw InputError.field(['input', 'tenantId'], 'give a tenant (its owner is emailed) or a user');
  let to: string | null;
  if (input.userId) {
    const user = await findOrNotFound('User', input.userId, (id) => scope.db.user.findUnique({ where: { id }, select: { email: true } }), { field: 'input.userId' });
    to = user.email;
    if (!to) throw InputError.field(['input', 'userId'], 'the user has no email address');
  } else {
    const tenant = await findOrNotFound('Tenant', input.tenantId!, (id) => scope.db.tenant.findUnique({ where: { id }, select: { ownerEmail: true } }), { field: 'input.tenantId' });
    to = tenant.ownerEmail;
  }
  return sendEmail(scope, { ...input, to, variables: input.variables ?? {} });
}

// ─── delivery (the emailDeliver job) ─────────────────────────────────────────

/** Longest wait between two send attempts. */
const MAX_SEND_RETRY_DELAY_MS = 3_600_000;

type Outcome = 'sent' | 'retry' | 'failed' | 'skipped';

async function fail(scope: SystemScope, id: string, reason: string, detail: Record<string, unknown>): Promise<Outcome> {
  const now = new Date();
  await runAudited(scope, async (tx) => {
    const n = await tx.db.email.updateMany({ where: { id, status: 'QUEUED' }, data: { status: 'FAILED', error: reason, failedAt: now } });
    if (n.count) await tx.db.emailEvent.create({ data: { emailId: id, type: 'failed', status: 'FAILED', occurredAt: now, detail: { reason, ...detail } as Prisma.InputJsonObject } });
    return tx.unchanged(null);
  });
  return 'failed';
}

/**
 * Renders and sends one queued email. Idempotent: an email no longer QUEUED is left alone, and a send
 * that reached the provider before a crash is not repeated by the provider (same Idempotency-Key).
 */
export async function deliverEmail(scope: SystemScope, emailId: string): Promise<Outcome> {
  const email = await scope.db.email.findUnique({
    where: { id: emailId },
    include: { templateVersion: true, template: { select: { transactionalRequired: true } }, user: { select: { blockedAt: true } } },
  });
  if (!email || email.status !== 'QUEUED') return 'skipped';
  if (email.user?.blockedAt && !email.template.transactionalRequired) return fail(scope, emailId, 'recipient blocked', {});
  const rendered = renderTemplate(email.templateVersion, email.variables as Record<string, unknown>);
  const claimed = await scope.db.email.updateManyAndReturn({
    where: { id: emailId, status: 'QUEUED' },
    data: { ...rendered, attempts: { increment: 1 } },
    select: { attempts: true },
  });
  if (!claimed.length) return 'skipped';
  const attempt = claimed[0]!.attempts;
  const now = new Date();
  if (email.transport === 'outbox') return markSent(scope, emailId, null, attempt);
  const result = await sendThroughResend({
    emailId: email.id, from: email.fromAddress, to: email.toAddress, ...rendered, idempotencyKey: email.idempotencyKey ?? `email:${email.id}`,
  }, await getSetting(scope, 'email.resendApiKey'));
  if (result.ok) return markSent(scope, emailId, result.id, attempt);
  const detail = { attempt, statusCode: result.statusCode, reason: result.message };
  if (!result.transient) return fail(scope, emailId, result.message, detail);
  if (attempt >= env.EMAIL_MAX_ATTEMPTS) return fail(scope, emailId, `${result.message} (after ${attempt} attempts)`, detail);
  const runAt = new Date(now.getTime() + retryDelayMs(attempt, env.EMAIL_RETRY_BASE_MS, Math.random, MAX_SEND_RETRY_DELAY_MS));
  await runAudited(scope, async (tx) => {
    await tx.db.email.update({ where: { id: emailId }, data: { error: result.message } });
    await tx.db.emailEvent.create({ data: { emailId, type: 'retry_scheduled', occurredAt: now, detail: { ...detail, runAt: runAt.toISOString() } } });
    await tx.enqueue(...deliverJob(emailId, runAt));
    return tx.unchanged(null);
  });
  return 'retry';
}

async function markSent(scope: SystemScope, id: string, providerMessageId: string | null, attempt: number): Promise<Outcome> {
  const now = new Date();
  await runAudited(scope, async (tx) => {
    const n = await tx.db.email.updateMany({ where: { id, status: 'QUEUED' }, data: { status: 'SENT', sentAt: now, providerMessageId, error: null } });
    if (n.count) await tx.db.emailEvent.create({ data: { emailId: id, type: 'sent', status: 'SENT', occurredAt: now, detail: { providerMessageId, attempt } } });
    // A provider event (found by its tag) got here first and moved the status on: keep the message id all the same.
    else if (providerMessageId) await tx.db.email.updateMany({ where: { id, providerMessageId: null }, data: { providerMessageId } });
    return tx.unchanged(null);
  });
  return 'sent';
}

// ─── retry ───────────────────────────────────────────────────────────────────

/** Queues a FAILED email again (attempts start over); any other status is an InvalidTransitionError. */
export async function retryEmail(scope: PlatformScope, id: string): Promise<Email> {
  return runAudited(scope, async (tx) => {
    const before = await findOrNotFound('Email', id, (id) => tx.db.email.findUnique({ where: { id } }), { lock: tx });
    if (before.status !== 'FAILED') throw new InvalidTransitionError('Email', before.status, 'QUEUED');
    const after = await tx.db.email.update({ where: { id }, data: { status: 'QUEUED', attempts: 0, error: null, failedAt: null } });
    await tx.db.emailEvent.create({ data: { emailId: id, type: 'retried', status: 'QUEUED', occurredAt: new Date(), detail: { previousError: before.error } } });
    await tx.enqueue(...deliverJob(id));
    await tx.audit({ action: 'email.retry', targetType: 'Email', targetId: id, tenantId: before.tenantId, before, after });
    return after;
  });
}

export type EmailFilter = Record<string, unknown>;
export const BULK_RETRY_LIMIT = 1000;

function failedWhere(filter: EmailFilter): Prisma.EmailWhereInput {
  return { AND: [emailsList.whereFor(filter) as Prisma.EmailWhereInput, { status: 'FAILED' }] };
}

/** How many FAILED emails a bulk retry with this filter would queue again. */
export function retryableEmailCount(scope: PlatformScope, filter: EmailFilter): Promise<number> {
  return scope.db.email.count({ where: failedWhere(filter) });
}

/** Queues again the FAILED emails matching the filter (up to 1000, oldest first); one audit entry. */
export async function retryEmails(scope: PlatformScope, filter: EmailFilter): Promise<{ count: number; ids: string[] }> {
  return runAudited(scope, async (tx) => {
    const ids = (
      await tx.db.email.findMany({ where: failedWhere(filter), select: { id: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: BULK_RETRY_LIMIT })
    ).map((e) => e.id);
    if (!ids.length) return tx.unchanged({ count: 0, ids });
    // The status condition again: an email retried meanwhile is not queued twice.
    const retried = await tx.db.email.updateManyAndReturn({
      where: { id: { in: ids }, status: 'FAILED' },
      data: { status: 'QUEUED', attempts: 0, error: null, failedAt: null },
      select: { id: true },
    });
    const now = new Date();
    await tx.db.emailEvent.createMany({ data: retried.map((e) => ({ emailId: e.id, type: 'retried', status: 'QUEUED' as const, occurredAt: now, detail: { bulk: true } })) });
    for (const e of retried) await tx.enqueue(...deliverJob(e.id));
    const done = retried.map((e) => e.id);
    await tx.audit({ action: 'email.bulkRetry', targetType: 'Email', targetId: done[0]!, after: { count: done.length, ids: done, filter } });
    return { count: done.length, ids: done };
  });
}

// ─── tracking ────────────────────────────────────────────────────────────────

/** Forward order of delivery; BOUNCED, COMPLAINED and FAILED are final (nothing moves an email out of them). */
export const STATUS_RANK: Record<EmailStatus, number> = {
  QUEUED: 0, SENT: 1, DELAYED: 2, DELIVERED: 3, OPENED: 4, CLICKED: 5, BOUNCED: 9, COMPLAINED: 9, FAILED: 9,
};
const FINAL = 9;

const rankSql = (column: string) =>
  `CASE ${column} ${Object.entries(STATUS_RANK).map(([s, r]) => `WHEN '${s}'::"EmailStatus" THEN ${r}`).join(' ')} END`;

const TIMESTAMP_OF: Partial<Record<EmailStatus, string>> = {
  SENT: 'sentAt', DELIVERED: 'deliveredAt', OPENED: 'openedAt', CLICKED: 'clickedAt', BOUNCED: 'bouncedAt', FAILED: 'failedAt',
};

/**
 * Records a provider event on an email's timeline and moves its status forward only: once per `source`
 * (a replayed webhook changes nothing), in one conditional UPDATE, the first time of each kind kept.
 */
export async function recordDeliveryEvent(
  scope: SystemScope,
  event: {
    providerMessageId: string;
    /** Our id, from the tag the send carried: finds the email before its provider id is stored. */
    emailId?: string;
    status: EmailStatus; type: string; occurredAt: Date; source: string; detail: Record<string, unknown>;
  },
): Promise<'recorded' | 'duplicate' | 'unknown'> {
  return runAudited(scope, async (tx) => {
    const email =
      (await tx.db.email.findUnique({ where: { providerMessageId: event.providerMessageId }, select: { id: true } })) ??
      (event.emailId ? await tx.db.email.findUnique({ where: { id: event.emailId }, select: { id: true } }) : null);
    if (!email) return tx.unchanged('unknown' as const);
    const inserted = await tx.db.$executeRaw`
      INSERT INTO "EmailEvent" (id, "emailId", type, status, "occurredAt", detail, source)
      VALUES (gen_random_uuid(), ${email.id}::uuid, ${event.type}, ${event.status}::"EmailStatus", ${event.occurredAt}, ${JSON.stringify(event.detail)}::jsonb, ${event.source})
      ON CONFLICT ("emailId", source) DO NOTHING`;
    if (!inserted) return tx.unchanged('duplicate' as const);
    const stamp = TIMESTAMP_OF[event.status];
    const rank = STATUS_RANK[event.status];
    await tx.db.$executeRawUnsafe(
      `UPDATE "Email" SET
         status = CASE WHEN ${rankSql('status')} < ${FINAL} AND ${rankSql('status')} < $2 THEN $3::"EmailStatus" ELSE status END,
         ${stamp ? `"${stamp}" = COALESCE("${stamp}", $4),` : ''}
         error = CASE WHEN $3::"EmailStatus" IN ('BOUNCED', 'COMPLAINED', 'FAILED') AND ${rankSql('status')} < ${FINAL} THEN $5 ELSE error END,
         "updatedAt" = now()
       WHERE id = $1::uuid`,
      email.id, rank, event.status, event.occurredAt, (event.detail.reason as string | undefined) ?? null,
    );
    return tx.unchanged('recorded' as const);
  });
}

// ─── reads ───────────────────────────────────────────────────────────────────

export interface EmailDayStats {
  day: string;
  sent: number;
  delivered: number;
  bounced: number;
  opened: number;
  clicked: number;
}

export const statsRangeSchema = z
  .object({ from: z.date('not a valid date'), to: z.date('not a valid date') })
  .refine((r) => r.from <= r.to, { message: 'must not be before from', path: ['to'] })
  .refine((r) => (r.to.getTime() - r.from.getTime()) / 86_400_000 < 366, { message: 'the range is at most 366 days', path: ['to'] });

/**
 * Per UTC day from `from` to `to` (both included): emails sent, delivered, bounced, opened and clicked
 * that day (by the time of each first event), zero-filled, in one SQL statement.
 */
export async function emailStats(scope: PlatformScope, range: { from: Date; to: Date }): Promise<EmailDayStats[]> {
  const { from, to } = parseInput(statsRangeSchema, range, []);
  return scope.db.$queryRaw<EmailDayStats[]>`
    WITH days AS (
      SELECT d::date AS day FROM generate_series(
        (${from}::timestamptz AT TIME ZONE 'UTC')::date, (${to}::timestamptz AT TIME ZONE 'UTC')::date, interval '1 day') AS d
    ),
    bounds AS (SELECT min(day)::timestamp AT TIME ZONE 'UTC' AS lo, (max(day) + 1)::timestamp AT TIME ZONE 'UTC' AS hi FROM days),
    facts AS (
      SELECT ("sentAt" AT TIME ZONE 'UTC')::date AS day, 'sent' AS kind FROM "Email", bounds WHERE "sentAt" >= lo AND "sentAt" < hi
      UNION ALL SELECT ("deliveredAt" AT TIME ZONE 'UTC')::date, 'delivered' FROM "Email", bounds WHERE "deliveredAt" >= lo AND "deliveredAt" < hi
      UNION ALL SELECT ("bouncedAt" AT TIME ZONE 'UTC')::date, 'bounced' FROM "Email", bounds WHERE "bouncedAt" >= lo AND "bouncedAt" < hi
      UNION ALL SELECT ("openedAt" AT TIME ZONE 'UTC')::date, 'opened' FROM "Email", bounds WHERE "openedAt" >= lo AND "openedAt" < hi
      UNION ALL SELECT ("clickedAt" AT TIME ZONE 'UTC')::date, 'clicked' FROM "Email", bounds WHERE "clickedAt" >= lo AND "clickedAt" < hi
    )
    SELECT to_char(days.day, 'YYYY-MM-DD') AS day,
      count(*) FILTER (WHERE kind = 'sent')::int AS sent,
      count(*) FILTER (WHERE kind = 'delivered')::int AS delivered,
      count(*) FILTER (WHERE kind = 'bounced')::int AS bounced,
      count(*) FILTER (WHERE kind = 'opened')::int AS opened,
      count(*) FILTER (WHERE kind = 'clicked')::int AS clicked
    FROM days LEFT JOIN facts USING (day)
    GROUP BY days.day ORDER BY days.day`;
}

/** What an email says: as sent, or (still queued, or failed before rendering) rendered now from its version. */
export function renderedEmail(email: Pick<Email, 'subject' | 'html' | 'text' | 'variables'> & { templateVersion: TemplateBodies }): TemplateBodies {
  if (email.subject !== null && email.html !== null && email.text !== null) return { subject: email.subject, html: email.html, text: email.text };
  return renderTemplate(email.templateVersion, email.variables as Record<string, unknown>);
}
