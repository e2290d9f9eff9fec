import { z } from 'zod';
import type { EventMap } from '../../events.ts';
import { builder } from '../../graphql/builder.ts';
import { prismaEnum } from '../../graphql/enums.ts';
import { adminMutation, adminScope } from '../../graphql/helpers.ts';
import { listFilterRef } from '../../graphql/list.ts';
import { webhookEventsList } from './lists.ts';
import { InputError, InvalidTransitionError, NotFoundError } from '../../lib/errors.ts';
import { secretStatuses, setWebhookSecret, type SecretStatus } from './secrets.ts';
import { rejectionCounts, replayWebhookEvent, retryableCount, retryWebhookEvent, retryWebhookEvents, type RejectionCount } from './service.ts';

const WebhookProviderEnum = prismaEnum('WebhookProvider');
const WebhookEventStatusEnum = prismaEnum('WebhookEventStatus');
const WebhookAttemptOutcomeEnum = prismaEnum('WebhookAttemptOutcome');

builder.prismaObject('WebhookAttempt', {
  select: { id: true, number: true, trigger: true, startedAt: true, finishedAt: true, outcome: true, error: true, durationMs: true },
  fields: (t) => ({
    id: t.id({ resolve: (a) => a.id }),
    number: t.int({ resolve: (a) => a.number }),
    trigger: t.string({ resolve: (a) => a.trigger }),
    startedAt: t.field({ type: 'DateTime', resolve: (a) => a.startedAt }),
    finishedAt: t.field({ type: 'DateTime', nullable: true, resolve: (a) => a.finishedAt }),
    outcome: t.field({ type: WebhookAttemptOutcomeEnum, resolve: (a) => a.outcome }),
    error: t.string({ nullable: true, resolve: (a) => a.error }),
    durationMs: t.int({ nullable: true, resolve: (a) => a.durationMs }),
  }),
});

/** Attempts one read of an event returns at most. */
const MAX_ATTEMPTS_SHOWN = 200;

builder.prismaObject('WebhookEvent', {
  select: { id: true, provider: true, externalId: true, type: true, status: true, attempts: true, receivedAt: true },
  fields: (t) => ({
    id: t.id({ resolve: (e) => e.id }),
    provider: t.field({ type: WebhookProviderEnum, resolve: (e) => e.provider }),
    externalId: t.string({ resolve: (e) => e.externalId }),
    type: t.string({ resolve: (e) => e.type }),
    status: t.field({ type: WebhookEventStatusEnum, resolve: (e) => e.status }),
    attempts: t.int({ description: 'Attempts made so far.', resolve: (e) => e.attempts }),
    receivedAt: t.field({ type: 'DateTime', resolve: (e) => e.receivedAt }),
    payload: t.expose('payload', { type: 'JSON' }),
    headers: t.expose('headers', { type: 'JSON' }),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', nullable: true }),
    processedAt: t.expose('processedAt', { type: 'DateTime', nullable: true }),
    lastError: t.exposeString('lastError', { nullable: true }),
    ignoredReason: t.exposeString('ignoredReason', { nullable: true }),
    tenantId: t.exposeID('tenantId', { nullable: true }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    attemptsLog: t.relation('attemptsLog', {
      description: `The attempts, newest first (the latest ${MAX_ATTEMPTS_SHOWN}: replays can add any number).`,
      query: { orderBy: [{ number: 'desc' }], take: MAX_ATTEMPTS_SHOWN },
    }),
    tenant: t.relation('tenant', { nullable: true, description: 'The tenant the event turned out to concern, once a handler knows.' }),
  }),
});

const SecretSourceEnum = builder.enumType('WebhookSecretSource', {
  description: 'Where the signing secret in use comes from: the console (encrypted), the environment, or nowhere.',
  values: ['SETTINGS', 'ENV', 'NONE'] as const,
});
const WebhookSecretStatusRef = builder.objectRef<SecretStatus>('WebhookSecretStatus').implement({
  description: 'Whether a provider has a signing secret, and where it comes from. The secret itself is never returned.',
  fields: (t) => ({
    provider: t.field({ type: WebhookProviderEnum, resolve: (s) => s.provider }),
    configured: t.exposeBoolean('configured'),
    source: t.field({ type: SecretSourceEnum, resolve: (s) => s.source }),
    updatedAt: t.field({ type: 'DateTime', nullable: true, description: 'When the console secret was last set.', resolve: (s) => s.updatedAt }),
  }),
});

const WebhookRejectionCountRef = builder.objectRef<RejectionCount>('WebhookRejectionCount').implement({
  fields: (t) => ({
    provider: t.field({ type: WebhookProviderEnum, resolve: (r) => r.provider as 'STRIPE' | 'RESEND' }),
    reason: t.exposeString('reason'),
    count: t.exposeInt('count'),
  }),
});

const filterArg = { type: listFilterRef(webhookEventsList), required: false, description: 'The webhookEvents list filter.' } as const;

builder.queryFields((t) => ({
  webhookEvent: t.prismaField({
    type: 'WebhookEvent',
    nullable: true,
    authScopes: { permission: 'READ' },
    args: { id: t.arg.id({ validate: z.uuid('not a valid id') }) },
    resolve: (query, _root, { id }, ctx) => adminScope(ctx).db.webhookEvent.findUnique({ ...query, where: { id } }),
  }),
  webhookRejections: t.field({
    type: [WebhookRejectionCountRef],
    authScopes: { permission: 'READ' },
    description: 'Requests refused in the last `hours` hours (bad, stale or missing signature, unreadable body), per provider and reason.',
    args: { hours: t.arg.int({ required: false, defaultValue: 24 }) },
    resolve: (_root, { hours }, ctx) => rejectionCounts(adminScope(ctx), hours ?? 24),
  }),
  webhookSecrets: t.field({
    type: [WebhookSecretStatusRef],
    authScopes: { permission: 'READ' },
    resolve: (_root, _args, ctx) => secretStatuses(adminScope(ctx)),
  }),
  webhookEventsRetryCount: t.int({
    authScopes: { permission: 'READ' },
    description: 'How many FAILED or DEAD events `retryWebhookEvents` with this filter would run again.',
    args: { filter: t.arg(filterArg) },
    resolve: (_root, { filter }, ctx) => retryableCount(adminScope(ctx), filter ?? {}),
  }),
}));

builder.mutationFields((t) => ({
  retryWebhookEvent: t.prismaField({
    type: 'WebhookEvent',
    ...adminMutation('WEBHOOKS_WRITE', 'webhookEvent.retry', [InputError, NotFoundError, InvalidTransitionError]),
    description: 'Runs a FAILED or DEAD event again now.',
    args: { id: t.arg.id() },
    resolve: (_q, _root, { id }, ctx) => retryWebhookEvent(adminScope(ctx), id),
  }),
  replayWebhookEvent: t.prismaField({
    type: 'WebhookEvent',
    ...adminMutation('WEBHOOKS_WRITE', 'webhookEvent.replay', [InputError, NotFoundError, InvalidTransitionError]),
    description: 'Processes an event again, even one already processed (handlers are idempotent).',
    args: { id: t.arg.id() },
    resolve: (_q, _root, { id }, ctx) => replayWebhookEvent(adminScope(ctx), id),
  }),
  retryWebhookEvents: t.int({
    ...adminMutation('WEBHOOKS_WRITE', 'webhookEvent.retryMany', [InputError]),
    description: 'Retries every FAILED or DEAD event matching the filter (count them first with webhookEventsRetryCount); returns how many.',
    args: { filter: t.arg(filterArg) },
    resolve: (_root, { filter }, ctx) => retryWebhookEvents(adminScope(ctx), filter ?? {}),
  }),
  setWebhookSecret: t.field({
    type: WebhookSecretStatusRef,
    ...adminMutation('WEBHOOK_SECRETS_WRITE', 'webhookSecret.set', [InputError]),
    description: "Sets a provider's signing secret (stored encrypted; it wins over the environment's). Never returned.",
    args: { provider: t.arg({ type: WebhookProviderEnum }), secret: t.arg.string() },
    resolve: (_root, { provider, secret }, ctx) => setWebhookSecret(adminScope(ctx), provider, secret),
  }),
  clearWebhookSecret: t.field({
    type: WebhookSecretStatusRef,
    ...adminMutation('WEBHOOK_SECRETS_WRITE', 'webhookSecret.clear', [InputError]),
    description: "Removes the console's signing secret of a provider (the environment's applies again, if any).",
    args: { provider: t.arg({ type: WebhookProviderEnum }) },
    resolve: (_root, { provider }, ctx) => setWebhookSecret(adminScope(ctx), provider, null),
  }),
}));

const WebhookAttemptRecordedRef = builder.objectRef<EventMap['webhookAttemptRecorded']>('WebhookAttemptRecorded').implement({
  fields: (t) => ({
    eventId: t.exposeID('eventId'),
    attemptId: t.exposeID('attemptId'),
    number: t.exposeInt('number'),
    outcome: t.field({ type: WebhookAttemptOutcomeEnum, resolve: (e) => e.outcome }),
    status: t.field({ type: WebhookEventStatusEnum, resolve: (e) => e.status }),
  }),
});

builder.subscriptionFields((t) => ({
  webhookAttemptRecorded: t.field({
    type: WebhookAttemptRecordedRef,
    authScopes: { permission: 'READ' },
    description: 'Attempts of webhook events as they start and end; of one event when `eventId` is given.',
    args: { eventId: t.arg.id({ required: false }) },
    subscribe: (_root, { eventId }, ctx) => ctx.subscribe('webhookAttemptRecorded', (e) => !eventId || e.eventId === eventId),
    resolve: (event) => event,
  }),
}));
