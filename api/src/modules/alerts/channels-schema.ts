// Notification channels and their deliveries in the admin graph. A channel never shows its URL or signing
// secret: `urlHint` (the host) and `hasSigningSecret` stand for them.
import { z } from 'zod';
import { builder } from '../../graphql/builder.ts';
import type { Context } from '../../graphql/context.ts';
import { prismaEnum } from '../../graphql/enums.ts';
import { adminMutation, adminScope, withoutNulls } from '../../graphql/helpers.ts';
import { ConflictError, InputError, NotFoundError } from '../../lib/errors.ts';
import { CHANNELS_WRITE } from './channel-manifest.ts';
import {
  createAlertChannel, deleteAlertChannel, readConfig, testAlertChannel, updateAlertChannel, type SavedChannel,
} from './channels.ts';

const AlertChannelKindEnum = prismaEnum('AlertChannelKind');
const AlertDeliveryStatusEnum = prismaEnum('AlertDeliveryStatus');
const TicketPriorityEnum = prismaEnum('TicketPriority');

/** Most deliveries one read of a channel returns. */
export const MAX_DELIVERIES = 200;
const bounded = (first: number | null | undefined, fallback: number) => Math.max(0, Math.min(first ?? fallback, MAX_DELIVERIES));

export const AlertDeliveryRef = builder.prismaObject('AlertDelivery', {
  description: 'One notification of an alert (or a test) through one channel, with its attempts.',
  select: { id: true, alertId: true, reason: true, status: true, attempts: true, lastError: true, responseStatus: true, createdAt: true, sentAt: true, nextAttemptAt: true },
  fields: (t) => ({
    id: t.id({ resolve: (d) => d.id }),
    alertId: t.id({ nullable: true, description: 'Null for a test.', resolve: (d) => d.alertId }),
    reason: t.string({ description: 'FIRING, RESOLVED, ACKNOWLEDGED, REPEAT or TEST.', resolve: (d) => d.reason }),
    status: t.field({ type: AlertDeliveryStatusEnum, resolve: (d) => d.status }),
    attempts: t.int({ resolve: (d) => d.attempts }),
    lastError: t.string({ nullable: true, resolve: (d) => d.lastError }),
    responseStatus: t.int({ nullable: true, description: "The receiver's HTTP status on the last attempt (Slack, webhook).", resolve: (d) => d.responseStatus }),
    createdAt: t.field({ type: 'DateTime', resolve: (d) => d.createdAt }),
    sentAt: t.field({ type: 'DateTime', nullable: true, resolve: (d) => d.sentAt }),
    nextAttemptAt: t.field({ type: 'DateTime', nullable: true, description: 'When a FAILED delivery is tried again.', resolve: (d) => d.nextAttemptAt }),
    channel: t.relation('channel'),
  }),
});

interface TenantBatch {
  ids: Set<string>;
  rows: Promise<Map<string, unknown>>;
}
const tenantBatches = new WeakMap<Context, Map<string, TenantBatch>>();

/**
 * The fallback tenant sits in the channel's config, not in a relation the Prisma plugin could join: the
 * tenants of every channel in one response are read in one statement (per selection), once the sibling
 * fields have asked.
 */
function loadTenant(ctx: Context, query: object, id: string): Promise<unknown> {
  let byQuery = tenantBatches.get(ctx);
  if (!byQuery) tenantBatches.set(ctx, (byQuery = new Map()));
  const key = JSON.stringify(query);
  let batch = byQuery.get(key);
  if (!batch) {
    const ids = new Set<string>();
    const queries = byQuery;
    const rows = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      queries.delete(key);
      const found = await adminScope(ctx).db.tenant.findMany({ ...query, where: { id: { in: [...ids] } } });
      return new Map(found.map((row) => [row.id, row]));
    });
    byQuery.set(key, (batch = { ids, rows }));
  }
  batch.ids.add(id);
  return batch.rows.then((rows) => rows.get(id) ?? null);
}

export const AlertChannelRef = builder.prismaObject('AlertChannel', {
  description: 'Where alert notifications go: email, Slack, a signed webhook, or a support ticket. Its URL and secret are never returned.',
  select: { id: true, name: true, kind: true, enabled: true, config: true, lastTestedAt: true, createdAt: true, updatedAt: true },
  fields: (t) => ({
    id: t.id({ resolve: (c) => c.id }),
    name: t.string({ resolve: (c) => c.name }),
    kind: t.field({ type: AlertChannelKindEnum, resolve: (c) => c.kind }),
    enabled: t.boolean({ resolve: (c) => c.enabled }),
    emailTo: t.stringList({ description: 'EMAIL: the recipients.', resolve: (c) => readConfig(c.config).emailTo ?? [] }),
    urlHint: t.string({ nullable: true, description: 'SLACK, WEBHOOK: the host of the URL (the URL itself is secret).', resolve: (c) => readConfig(c.config).urlHint ?? null }),
    hasSigningSecret: t.boolean({ description: 'WEBHOOK: requests are signed (Standard Webhooks).', resolve: (c) => !!readConfig(c.config).hasSigningSecret }),
    ticketTenantId: t.id({ nullable: true, description: 'TICKET: where alerts without a tenant open their ticket.', resolve: (c) => readConfig(c.config).ticketTenantId ?? null }),
    ticketTenant: t.prismaField({
      type: 'Tenant',
      nullable: true,
      description: 'TICKET: the fallback tenant.',
      resolve: (query, c, _args, ctx) => {
        const id = readConfig(c.config).ticketTenantId;
        return id ? (loadTenant(ctx, query, id) as never) : null;
      },
    }),
    ticketPriority: t.field({
      type: TicketPriorityEnum,
      nullable: true,
      description: 'TICKET: the priority of its tickets; null: from the severity (CRITICAL → URGENT, WARNING → HIGH, INFO → NORMAL).',
      resolve: (c) => readConfig(c.config).ticketPriority ?? null,
    }),
    lastTestedAt: t.field({ type: 'DateTime', nullable: true, resolve: (c) => c.lastTestedAt }),
    createdAt: t.field({ type: 'DateTime', resolve: (c) => c.createdAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: (c) => c.updatedAt }),
    deliveries: t.relation('deliveries', {
      description: `Its deliveries, newest first (up to ${MAX_DELIVERIES}).`,
      args: { first: t.arg.int({ required: false, defaultValue: 20 }) },
      query: ({ first }) => ({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: bounded(first, 20) }),
    }),
  }),
});

const SavedChannelRef = builder.objectRef<SavedChannel>('AlertChannelSaved').implement({
  description: 'A saved channel, and the signing secret the call generated (shown this once; never again).',
  fields: (t) => ({
    channel: t.field({ type: AlertChannelRef, resolve: (s) => s.channel }),
    signingSecret: t.string({
      nullable: true,
      description: 'WEBHOOK: the generated `whsec_…` secret, when this call made one (created without a secret, or rotated). Store it now.',
      resolve: (s) => s.signingSecret,
    }),
  }),
});

const CreateInput = builder.inputType('AlertChannelInput', {
  fields: (t) => ({
    name: t.string(),
    kind: t.field({ type: AlertChannelKindEnum }),
    enabled: t.boolean({ required: false }),
    emailTo: t.stringList({ required: false, description: 'EMAIL: the recipients (1 to 20).' }),
    url: t.string({ required: false, description: 'SLACK (https://hooks.slack.com/services/…), WEBHOOK (http or https). Secret: never returned.' }),
    signingSecret: t.string({ required: false, description: 'WEBHOOK: a `whsec_…` secret; generated (and returned once) when absent.' }),
    ticketTenantId: t.id({ required: false, description: 'TICKET: where alerts without a tenant open their ticket.' }),
    ticketPriority: t.field({ type: TicketPriorityEnum, required: false, description: 'TICKET: overrides the priority from severity.' }),
  }),
});

const UpdateInput = builder.inputType('AlertChannelUpdateInput', {
  description: 'Omitted fields are kept; the kind never changes.',
  fields: (t) => ({
    name: t.string({ required: false }),
    enabled: t.boolean({ required: false }),
    emailTo: t.stringList({ required: false }),
    url: t.string({ required: false }),
    signingSecret: t.string({ required: false }),
    rotateSigningSecret: t.boolean({ required: false, description: 'WEBHOOK: generate a new signing secret (returned once).' }),
    ticketTenantId: t.id({ required: false }),
    clearTicketTenant: t.boolean({ required: false }),
    ticketPriority: t.field({ type: TicketPriorityEnum, required: false }),
    clearTicketPriority: t.boolean({ required: false, description: 'Back to the priority from severity.' }),
  }),
});

builder.queryFields((t) => ({
  alertChannel: t.prismaField({
    type: 'AlertChannel',
    nullable: true,
    authScopes: { permission: 'READ' },
    args: { id: t.arg.id({ validate: z.uuid('not a valid id') }) },
    resolve: (query, _root, { id }, ctx) => adminScope(ctx).db.alertChannel.findUnique({ ...query, where: { id } }),
  }),
}));

builder.mutationFields((t) => ({
  createAlertChannel: t.field({
    type: SavedChannelRef,
    ...adminMutation(CHANNELS_WRITE, 'alertChannel.create', [InputError, NotFoundError, ConflictError]),
    args: { input: t.arg({ type: CreateInput }) },
    resolve: (_root, { input }, ctx) => createAlertChannel(adminScope(ctx), withoutNulls(input) as never),
  }),
  updateAlertChannel: t.field({
    type: SavedChannelRef,
    ...adminMutation(CHANNELS_WRITE, 'alertChannel.update', [InputError, NotFoundError, ConflictError]),
    args: { id: t.arg.id(), input: t.arg({ type: UpdateInput }) },
    resolve: (_root, { id, input }, ctx) => {
      const { clearTicketTenant, clearTicketPriority, ...rest } = withoutNulls(input);
      return updateAlertChannel(adminScope(ctx), id, {
        ...rest, ...(clearTicketTenant ? { ticketTenantId: null } : {}), ...(clearTicketPriority ? { ticketPriority: null } : {}),
      } as never);
    },
  }),
  deleteAlertChannel: t.prismaField({
    type: 'AlertChannel',
    ...adminMutation(CHANNELS_WRITE, 'alertChannel.delete', [InputError, NotFoundError]),
    description: 'Deletes the channel; rules stop using it and its deliveries go with it.',
    args: { id: t.arg.id() },
    resolve: (_q, _root, { id }, ctx) => deleteAlertChannel(adminScope(ctx), id),
  }),
  testAlertChannel: t.prismaField({
    type: 'AlertDelivery',
    ...adminMutation(CHANNELS_WRITE, 'alertChannel.test', [InputError, NotFoundError]),
    description: 'Sends a test notification through the delivery job; poll the delivery (or the channel\'s deliveries) for the outcome.',
    args: { id: t.arg.id() },
    resolve: (_q, _root, { id }, ctx) => testAlertChannel(adminScope(ctx), id),
  }),
}));
