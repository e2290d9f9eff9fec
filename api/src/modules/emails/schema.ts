import { z } from 'zod';
import { builder } from '../../graphql/builder.ts';
import { ErrorInterface } from '../../graphql/errors.ts';
import { prismaEnum } from '../../graphql/enums.ts';
import { adminMutation, adminScope, withoutNulls } from '../../graphql/helpers.ts';
import { ConflictError, InputError, InvalidTransitionError, NotFoundError, parseInput } from '../../lib/errors.ts';
import {
  createTemplate, EmailQuotaExceededError, emailStats, findTemplate, previewDraft, previewTemplate, readVariables, RecipientBlockedError,
  renderedEmail, retryableEmailCount, retryEmail, retryEmails, sendTemplateEmail, updateTemplate, type EmailDayStats,
} from './service.ts';
import { TemplateError, type TemplateBodies, type TemplateProblem, type TemplateVariable } from './templates.ts';

const EmailStatusEnum = prismaEnum('EmailStatus');

// ─── errors ──────────────────────────────────────────────────────────────────

const TemplateProblemRef = builder.objectRef<TemplateProblem>('TemplateProblem').implement({
  description: 'Where a template body goes wrong.',
  fields: (t) => ({
    field: t.exposeString('field', { description: 'subject, html or text.' }),
    line: t.exposeInt('line', { description: '1-based.' }),
    column: t.exposeInt('column', { description: '1-based.' }),
    message: t.exposeString('message'),
  }),
});

builder.objectType(TemplateError, {
  name: 'TemplateError',
  description: 'A template body that does not parse, uses an undeclared variable, or prints unescaped HTML.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof TemplateError,
  fields: (t) => ({ problems: t.field({ type: [TemplateProblemRef], resolve: (e) => e.problems }) }),
});

builder.objectType(EmailQuotaExceededError, {
  name: 'EmailQuotaExceededError',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof EmailQuotaExceededError,
  fields: (t) => ({ tenantId: t.exposeID('tenantId'), quota: t.exposeInt('quota') }),
});

builder.objectType(RecipientBlockedError, {
  name: 'RecipientBlockedError',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof RecipientBlockedError,
  fields: (t) => ({ userId: t.exposeID('userId') }),
});

// ─── templates ───────────────────────────────────────────────────────────────

const TemplateVariableRef = builder.objectRef<TemplateVariable>('EmailTemplateVariable').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    sample: t.field({ type: 'JSON', nullable: true, resolve: (v) => v.sample ?? null }),
    description: t.exposeString('description'),
  }),
});

const RenderedRef = builder.objectRef<TemplateBodies>('RenderedEmail').implement({
  fields: (t) => ({
    subject: t.exposeString('subject'),
    html: t.exposeString('html', { description: 'Every value escaped: show it in a sandboxed frame.' }),
    text: t.exposeString('text'),
  }),
});

builder.prismaObject('EmailTemplateVersion', {
  select: { id: true, version: true },
  fields: (t) => ({
    id: t.id({ resolve: (v) => v.id }),
    version: t.int({ resolve: (v) => v.version }),
    subject: t.exposeString('subject'),
    html: t.exposeString('html'),
    text: t.exposeString('text'),
    variables: t.field({ type: [TemplateVariableRef], select: { variables: true }, resolve: (v) => readVariables(v.variables) }),
    createdBy: t.relation('createdBy', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

/** Bounds of the reads without pagination: a template's history, an email's timeline, the template list. */
const MAX_TIMELINE_EVENTS = 500;
const MAX_TEMPLATES = 1000;
/** Versions one read returns at most: a template's history stays a bounded read. */
const MAX_VERSIONS = 100;
const versionsArgs = z.object({ first: z.number().int('a whole number').min(1, 'at least 1').max(MAX_VERSIONS, `at most ${MAX_VERSIONS}`) });

builder.prismaObject('EmailTemplate', {
  select: { id: true, key: true, name: true, latestVersion: true, transactionalRequired: true },
  fields: (t) => ({
    id: t.id({ resolve: (r) => r.id }),
    key: t.string({ resolve: (r) => r.key }),
    name: t.string({ resolve: (r) => r.name }),
    description: t.exposeString('description'),
    transactionalRequired: t.boolean({ description: 'Sent even to blocked users.', resolve: (r) => r.transactionalRequired }),
    latestVersion: t.int({ resolve: (r) => r.latestVersion }),
    versions: t.relation('versions', {
      description: `The newest \`first\` versions (1 to ${MAX_VERSIONS}, default ${MAX_VERSIONS}), newest first.`,
      args: { first: t.arg.int({ required: false }) },
      query: (args) => ({ orderBy: { version: 'desc' }, take: parseInput(versionsArgs, { first: args.first ?? MAX_VERSIONS }, []).first }),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

// ─── emails ──────────────────────────────────────────────────────────────────

builder.prismaObject('EmailEvent', {
  select: { id: true, type: true, status: true, occurredAt: true },
  fields: (t) => ({
    id: t.id({ resolve: (e) => e.id }),
    type: t.string({ resolve: (e) => e.type }),
    status: t.field({ type: EmailStatusEnum, nullable: true, resolve: (e) => e.status }),
    occurredAt: t.field({ type: 'DateTime', resolve: (e) => e.occurredAt }),
    detail: t.expose('detail', { type: 'JSON' }),
    source: t.exposeString('source', { nullable: true }),
  }),
});

builder.prismaObject('Email', {
  select: { id: true, status: true, toAddress: true, createdAt: true, transport: true },
  fields: (t) => ({
    id: t.id({ resolve: (e) => e.id }),
    status: t.field({ type: EmailStatusEnum, resolve: (e) => e.status }),
    toAddress: t.string({ resolve: (e) => e.toAddress }),
    transport: t.string({ description: '`resend` or `outbox`.', resolve: (e) => e.transport }),
    createdAt: t.field({ type: 'DateTime', resolve: (e) => e.createdAt }),
    fromAddress: t.exposeString('fromAddress'),
    subject: t.exposeString('subject', { nullable: true, description: 'As sent (null until rendered).' }),
    variables: t.expose('variables', { type: 'JSON' }),
    tenantId: t.exposeID('tenantId', { nullable: true }),
    userId: t.exposeID('userId', { nullable: true }),
    tenant: t.relation('tenant', { nullable: true }),
    template: t.relation('template'),
    templateVersion: t.relation('templateVersion', { description: 'The version this email was (or will be) rendered from.' }),
    rendered: t.field({
      type: RenderedRef,
      description: 'Subject and bodies as sent, or as they will be while queued.',
      select: { subject: true, html: true, text: true, variables: true, templateVersion: { select: { subject: true, html: true, text: true } } },
      resolve: (e) => renderedEmail(e),
    }),
    idempotencyKey: t.exposeString('idempotencyKey', { nullable: true }),
    providerMessageId: t.exposeString('providerMessageId', { nullable: true }),
    error: t.exposeString('error', { nullable: true, description: "The provider's reason for the last failure." }),
    attempts: t.exposeInt('attempts'),
    overage: t.exposeBoolean('overage', { description: "Counted beyond the plan's monthly quota." }),
    createdBy: t.relation('createdBy', { nullable: true }),
    sentAt: t.expose('sentAt', { type: 'DateTime', nullable: true }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true }),
    openedAt: t.expose('openedAt', { type: 'DateTime', nullable: true }),
    clickedAt: t.expose('clickedAt', { type: 'DateTime', nullable: true }),
    bouncedAt: t.expose('bouncedAt', { type: 'DateTime', nullable: true }),
    failedAt: t.expose('failedAt', { type: 'DateTime', nullable: true }),
    events: t.relation('events', {
      description: `The timeline, in the order things happened (its first ${MAX_TIMELINE_EVENTS} events).`,
      query: { orderBy: [{ occurredAt: 'asc' }, { createdAt: 'asc' }], take: MAX_TIMELINE_EVENTS },
    }),
  }),
});

const EmailDayStatsRef = builder.objectRef<EmailDayStats>('EmailDayStats').implement({
  fields: (t) => ({
    day: t.exposeString('day', { description: 'UTC day, YYYY-MM-DD.' }),
    sent: t.exposeInt('sent'),
    delivered: t.exposeInt('delivered'),
    bounced: t.exposeInt('bounced'),
    opened: t.exposeInt('opened'),
    clicked: t.exposeInt('clicked'),
  }),
});

// Implemented by the emails list (registered after this file): referred to by name.
const EmailFilterRef = 'EmailFilter' as unknown as ReturnType<typeof builder.inputRef<Record<string, unknown>>>;

const TemplateVariableInput = builder.inputType('EmailTemplateVariableInput', {
  fields: (t) => ({
    name: t.string(),
    sample: t.field({ type: 'JSON', required: false }),
    description: t.string({ required: false }),
  }),
});

const TemplateBodiesInput = builder.inputType('EmailTemplateBodiesInput', {
  fields: (t) => ({
    subject: t.string(),
    html: t.string(),
    text: t.string(),
    variables: t.field({ type: [TemplateVariableInput], required: false }),
  }),
});

builder.queryFields((t) => ({
  emailTemplates: t.prismaField({
    type: ['EmailTemplate'],
    authScopes: { permission: 'READ' },
    description: `Every template, by key (at most ${MAX_TEMPLATES}).`,
    resolve: (query, _root, _args, ctx) => adminScope(ctx).db.emailTemplate.findMany({ ...query, orderBy: { key: 'asc' }, take: MAX_TEMPLATES }),
  }),
  emailTemplate: t.prismaField({
    type: 'EmailTemplate',
    nullable: true,
    authScopes: { permission: 'READ' },
    description: 'One template by id or by key.',
    args: { id: t.arg.id({ required: false }), key: t.arg.string({ required: false }) },
    resolve: (query, _root, args, ctx) => findTemplate(adminScope(ctx), args, query),
  }),
  email: t.prismaField({
    type: 'Email',
    nullable: true,
    authScopes: { permission: 'READ' },
    args: { id: t.arg.id({ validate: z.uuid('not a valid id') }) },
    resolve: (query, _root, { id }, ctx) => adminScope(ctx).db.email.findUnique({ ...query, where: { id } }),
  }),
  emailStats: t.field({
    type: [EmailDayStatsRef],
    authScopes: { permission: 'READ' },
    description: 'Per UTC day from `from` to `to` (at most 366 days): emails sent, delivered, bounced, opened, clicked.',
    args: { from: t.arg({ type: 'DateTime' }), to: t.arg({ type: 'DateTime' }) },
    resolve: (_root, { from, to }, ctx) => emailStats(adminScope(ctx), { from, to }),
  }),
  retryableEmailCount: t.int({
    authScopes: { permission: 'READ' },
    description: 'How many FAILED emails `retryEmails` would queue again with this filter (ask before confirming).',
    args: { filter: t.arg({ type: EmailFilterRef, required: false }) },
    resolve: (_root, { filter }, ctx) => retryableEmailCount(adminScope(ctx), filter ?? {}),
  }),
  emailTemplatePreview: t.field({
    type: RenderedRef,
    authScopes: { permission: 'READ' },
    description: 'A saved version (the latest unless given) rendered with its sample values, overridden by `values`.',
    errors: { types: [InputError, NotFoundError] },
    args: { id: t.arg.id({ required: false }), key: t.arg.string({ required: false }), version: t.arg.int({ required: false }), values: t.arg({ type: 'JSON', required: false }) },
    resolve: (_root, args, ctx) => previewTemplate(adminScope(ctx), args, args),
  }),
  emailTemplateDraftPreview: t.field({
    type: RenderedRef,
    authScopes: { permission: 'READ' },
    description: "Unsaved bodies rendered with their variables' samples (the editor's live preview), checked as a save would be.",
    errors: { types: [InputError, TemplateError] },
    args: { input: t.arg({ type: TemplateBodiesInput }), values: t.arg({ type: 'JSON', required: false }) },
    resolve: (_root, { input, values }, ctx) => {
      adminScope(ctx);
      return previewDraft({ ...input, variables: input.variables ?? [], values });
    },
  }),
}));

type InputFields = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];
/** The template's own fields (optional) and the version's bodies and variables. */
const templateFields = (t: InputFields) => ({
  name: t.string({ required: false }),
  description: t.string({ required: false }),
  transactionalRequired: t.boolean({ required: false }),
  subject: t.string(),
  html: t.string(),
  text: t.string(),
  variables: t.field({ type: [TemplateVariableInput], required: false }),
});

const CreateTemplateInput = builder.inputType('CreateEmailTemplateInput', {
  fields: (t) => ({ ...templateFields(t), key: t.string(), name: t.string() }),
});

const UpdateTemplateInput = builder.inputType('UpdateEmailTemplateInput', {
  description: 'Bodies and variables are the new version (a new version is saved only when they change).',
  fields: (t) => templateFields(t),
});

const SendTemplateEmailInput = builder.inputType('SendTemplateEmailInput', {
  fields: (t) => ({
    template: t.string({ description: "The template's key." }),
    version: t.int({ required: false, description: 'Default: the latest.' }),
    tenantId: t.id({ required: false, description: "Without a user: the tenant's owner is emailed." }),
    userId: t.id({ required: false }),
    variables: t.field({ type: 'JSON', required: false }),
    idempotencyKey: t.string({ required: false }),
  }),
});

const BulkRetryResult = builder.objectRef<{ count: number; ids: string[] }>('EmailBulkRetryResult').implement({
  fields: (t) => ({ count: t.exposeInt('count'), ids: t.exposeIDList('ids') }),
});

function cleanVariables<T extends { variables?: readonly { name: string; sample?: unknown; description?: string | null }[] | null }>(input: T) {
  return { ...withoutNulls(input), variables: (input.variables ?? []).map((v) => withoutNulls(v)) };
}

builder.mutationFields((t) => ({
  createEmailTemplate: t.prismaField({
    type: 'EmailTemplate',
    ...adminMutation('EMAILS_WRITE', 'template.create', [InputError, TemplateError, ConflictError]),
    description: 'Creates a template with its first version.',
    args: { input: t.arg({ type: CreateTemplateInput }) },
    resolve: (_q, _root, { input }, ctx) => createTemplate(adminScope(ctx), cleanVariables(input) as never),
  }),
  updateEmailTemplate: t.prismaField({
    type: 'EmailTemplate',
    ...adminMutation('EMAILS_WRITE', 'template.update', [InputError, TemplateError, NotFoundError]),
    description: 'Saves a new version; earlier versions stay as they were.',
    args: { id: t.arg.id(), input: t.arg({ type: UpdateTemplateInput }) },
    resolve: (_q, _root, { id, input }, ctx) => updateTemplate(adminScope(ctx), id, cleanVariables(input) as never),
  }),
  sendTemplateEmail: t.prismaField({
    type: 'Email',
    ...adminMutation('EMAILS_WRITE', 'email.send', [InputError, NotFoundError, EmailQuotaExceededError, RecipientBlockedError]),
    description: "Emails a tenant's owner, or a user, from a template.",
    args: { input: t.arg({ type: SendTemplateEmailInput }) },
    resolve: (_q, _root, { input }, ctx) => sendTemplateEmail(adminScope(ctx), withoutNulls(input) as never),
  }),
  retryEmail: t.prismaField({
    type: 'Email',
    ...adminMutation('EMAILS_WRITE', 'email.retry', [InputError, NotFoundError, InvalidTransitionError]),
    description: 'Queues a FAILED email again.',
    args: { id: t.arg.id() },
    resolve: (_q, _root, { id }, ctx) => retryEmail(adminScope(ctx), id),
  }),
  retryEmails: t.field({
    type: BulkRetryResult,
    ...adminMutation('EMAILS_WRITE', 'email.bulkRetry', [InputError]),
    description: 'Queues again the FAILED emails matching the filter (up to 1000); see retryableEmailCount first.',
    args: { filter: t.arg({ type: EmailFilterRef, required: false }) },
    resolve: (_root, { filter }, ctx) => retryEmails(adminScope(ctx), filter ?? {}),
  }),
}));
