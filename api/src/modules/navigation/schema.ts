// Navigation in the admin graph: the default items, tenants' overrides, a tenant's resolved tree as a
// preview, mutations and the live `navigationEvents`. tenant-schema.ts adds the tenant graph's fields.
import { z } from 'zod';
import { bothGraphs as both, builder } from '../../graphql/builder.ts';
import type { Context } from '../../graphql/context.ts';
import { prismaEnum } from '../../graphql/enums.ts';
import { adminMutation, adminScope } from '../../graphql/helpers.ts';
import { ConflictError, InputError, NotFoundError } from '../../lib/errors.ts';
import { NAVIGATION_CHANGE_REASONS, navigationTriggers, type NavigationTrigger } from './live.ts';
import type { DroppedItem, NavigationNode, Resolution } from './resolve.ts';
import {
  createNavigationItem, deleteNavigationItem, moveNavigationItem, removeNavigationOverride, setNavigationOverride, tenantNavigation,
  updateNavigationItem,
} from './service.ts';

const NavigationOverrideActionEnum = prismaEnum('NavigationOverrideAction');

export const NavigationChangeReasonEnum = builder.enumType('NavigationChangeReason', {
  ...both,
  description: 'What changed a navigation: the defaults, the tenant\'s overrides, its plan, or a flag.',
  values: NAVIGATION_CHANGE_REASONS,
});

export const NavigationNodeRef = builder.objectRef<NavigationNode>('NavigationNode');
NavigationNodeRef.implement({
  ...both,
  description: "One item of a tenant's resolved navigation, with its children in order.",
  fields: (t) => ({
    key: t.exposeString('key', both),
    label: t.exposeString('label', both),
    icon: t.exposeString('icon', { ...both, nullable: true }),
    path: t.exposeString('path', both),
    children: t.field({ ...both, type: [NavigationNodeRef], resolve: (n) => n.children }),
  }),
});

const DropReasonEnum = builder.enumType('NavigationDropReason', {
  description: "Why an item is not in a tenant's tree.",
  values: {
    HIDDEN: { description: "The tenant's override hides it." },
    INVISIBLE: { description: 'The default item is not visible.' },
    ENTITLEMENT: { description: "The tenant's plan lacks the entitlement it requires." },
    FLAG: { description: 'The flag it requires is off for the tenant (or does not exist).' },
    PARENT_DROPPED: { description: 'Its parent is left out.' },
    PARENT_MISSING: { description: 'Its parent does not exist (an added item under a removed one).' },
    TOO_DEEP: { description: 'It would be deeper than the navigation allows.' },
    KEY_TAKEN: { description: 'An added item whose key a default item has since taken.' },
  } as const,
});

const DroppedItemRef = builder.objectRef<DroppedItem>('NavigationDroppedItem').implement({
  fields: (t) => ({
    key: t.exposeString('key'),
    label: t.exposeString('label'),
    reason: t.field({ type: DropReasonEnum, resolve: (d) => d.reason }),
    detail: t.exposeString('detail'),
  }),
});

const PreviewRef = builder.objectRef<Resolution & { tenantId: string }>('NavigationPreview').implement({
  description: "A tenant's navigation as its tenant graph resolves it, with the items left out and why.",
  fields: (t) => ({
    tenantId: t.exposeID('tenantId'),
    tree: t.field({ type: [NavigationNodeRef], resolve: (r) => r.tree }),
    dropped: t.field({ type: [DroppedItemRef], resolve: (r) => r.dropped }),
  }),
});

builder.prismaObject('NavigationItem', {
  description: "A default item of the tenant app's navigation.",
  select: { id: true, key: true, label: true, icon: true, path: true, order: true, parentId: true, requiredEntitlement: true, requiredFlag: true, visible: true },
  fields: (t) => ({
    id: t.id({ resolve: (i) => i.id }),
    key: t.string({ description: 'Stable: tenants\' overrides and the tenant app refer to it.', resolve: (i) => i.key }),
    label: t.string({ resolve: (i) => i.label }),
    icon: t.string({ nullable: true, resolve: (i) => i.icon }),
    path: t.string({ resolve: (i) => i.path }),
    order: t.int({ description: 'Position among its siblings, 0 first.', resolve: (i) => i.order }),
    parentId: t.id({ nullable: true, resolve: (i) => i.parentId }),
    parent: t.relation('parent', { nullable: true }),
    children: t.relation('children', { query: { orderBy: [{ order: 'asc' }, { id: 'asc' }] } }),
    requiredEntitlement: t.string({ nullable: true, description: 'Shown only to tenants whose plan has it.', resolve: (i) => i.requiredEntitlement }),
    requiredFlag: t.string({ nullable: true, description: 'Shown only to tenants for whom this flag is on.', resolve: (i) => i.requiredFlag }),
    visible: t.boolean({ resolve: (i) => i.visible }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.prismaObject('NavigationTenantOverride', {
  name: 'NavigationOverride',
  description: "One tenant's change to the navigation: hide, rename or reorder a default item, or add one of its own.",
  select: { id: true, tenantId: true, itemKey: true, action: true, label: true, icon: true, path: true, parentKey: true, order: true },
  fields: (t) => ({
    id: t.id({ resolve: (o) => o.id }),
    tenantId: t.id({ resolve: (o) => o.tenantId }),
    tenant: t.relation('tenant'),
    itemKey: t.string({ description: "The default item's key, or the added item's own.", resolve: (o) => o.itemKey }),
    action: t.field({ type: NavigationOverrideActionEnum, resolve: (o) => o.action }),
    label: t.string({ nullable: true, resolve: (o) => o.label }),
    icon: t.string({ nullable: true, resolve: (o) => o.icon }),
    path: t.string({ nullable: true, resolve: (o) => o.path }),
    parentKey: t.string({ nullable: true, resolve: (o) => o.parentKey }),
    order: t.int({ nullable: true, description: 'REORDER and ADD: position among the siblings the tenant sees.', resolve: (o) => o.order }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

// ─── queries ─────────────────────────────────────────────────────────────────

const idArg = z.uuid('not a valid id');

builder.queryFields((t) => ({
  navigationItem: t.prismaField({
    type: 'NavigationItem',
    nullable: true,
    authScopes: { permission: 'READ' },
    args: { id: t.arg.id({ validate: idArg }) },
    resolve: (query, _root, { id }, ctx) => adminScope(ctx).db.navigationItem.findUnique({ ...query, where: { id } }),
  }),
  resolvedNavigation: t.field({
    type: PreviewRef,
    nullable: true,
    authScopes: { permission: 'READ' },
    description: "The tenant's navigation as its tenant graph resolves it (null: no such tenant).",
    args: { tenantId: t.arg.id({ validate: idArg }) },
    resolve: async (_root, { tenantId }, ctx) => {
      const resolution = await tenantNavigation(adminScope(ctx), tenantId);
      return resolution && { ...resolution, tenantId };
    },
  }),
}));

// ─── mutations ───────────────────────────────────────────────────────────────

const CreateNavigationItemInput = builder.inputType('CreateNavigationItemInput', {
  fields: (t) => ({
    key: t.string({ description: 'Lowercase letters, digits, _ . -; unique, and fixed once created.' }),
    label: t.string(),
    icon: t.string({ required: false }),
    path: t.string({ description: 'A path of the tenant app, starting with /.' }),
    parentId: t.id({ required: false, description: 'Null: a top-level item.' }),
    order: t.int({ required: false, description: 'Position among its siblings; default last.' }),
    requiredEntitlement: t.string({ required: false }),
    requiredFlag: t.string({ required: false }),
    visible: t.boolean({ required: false, description: 'Default true.' }),
  }),
});

const UpdateNavigationItemInput = builder.inputType('UpdateNavigationItemInput', {
  description: 'Omitted fields keep their values; null clears icon, requiredEntitlement and requiredFlag. Moves go through moveNavigationItem.',
  fields: (t) => ({
    label: t.string({ required: false }),
    icon: t.string({ required: false }),
    path: t.string({ required: false }),
    requiredEntitlement: t.string({ required: false }),
    requiredFlag: t.string({ required: false }),
    visible: t.boolean({ required: false }),
  }),
});

const NavigationOverrideInput = builder.inputType('NavigationOverrideInput', {
  description: 'HIDE needs only the key; RENAME a label; REORDER an order; ADD a label and a path (icon, parentKey and order optional).',
  fields: (t) => ({
    tenantId: t.id(),
    itemKey: t.string({ description: "The default item's key (HIDE, RENAME, REORDER) or the new item's own (ADD)." }),
    action: t.field({ type: NavigationOverrideActionEnum }),
    label: t.string({ required: false }),
    icon: t.string({ required: false }),
    path: t.string({ required: false }),
    parentKey: t.string({ required: false, description: 'ADD: a default item or another added item of the tenant; null for the top level.' }),
    order: t.int({ required: false, description: 'Position among the siblings the tenant sees, 0 first.' }),
  }),
});

/** Explicit nulls of the clearable fields are kept; other nulls mean "omitted". */
function updateInput(input: Record<string, unknown>) {
  const clearable = new Set(['icon', 'requiredEntitlement', 'requiredFlag']);
  return Object.fromEntries(Object.entries(input).filter(([k, v]) => v !== undefined && (v !== null || clearable.has(k))));
}

// A selection of `__typename` alone plans an empty `select`, which Prisma refuses: the id is always read.
const withId = (query: { select?: object }) => (query.select ? { ...query, select: { id: true, ...query.select } } : query);
const rereadItem = (ctx: Context, query: object, item: { id: string }) =>
  adminScope(ctx).db.navigationItem.findUniqueOrThrow({ ...withId(query), where: { id: item.id } });
const rereadOverride = (ctx: Context, query: object, o: { id: string }) =>
  adminScope(ctx).db.navigationTenantOverride.findUniqueOrThrow({ ...withId(query), where: { id: o.id } });

builder.mutationFields((t) => ({
  createNavigationItem: t.prismaField({
    type: 'NavigationItem',
    ...adminMutation('NAVIGATION_WRITE', 'navigationItem.create', [InputError, ConflictError]),
    description: 'Adds a default item, at `order` among its siblings (default last); at most three levels deep.',
    args: { input: t.arg({ type: CreateNavigationItemInput }) },
    resolve: async (query, _root, { input }, ctx) => rereadItem(ctx, query, await createNavigationItem(adminScope(ctx), updateInput(input) as never)),
  }),
  updateNavigationItem: t.prismaField({
    type: 'NavigationItem',
    ...adminMutation('NAVIGATION_WRITE', 'navigationItem.update', [InputError, NotFoundError]),
    args: { id: t.arg.id(), input: t.arg({ type: UpdateNavigationItemInput }) },
    resolve: async (query, _root, { id, input }, ctx) => rereadItem(ctx, query, await updateNavigationItem(adminScope(ctx), id, updateInput(input) as never)),
  }),
  moveNavigationItem: t.prismaField({
    type: 'NavigationItem',
    ...adminMutation('NAVIGATION_WRITE', 'navigationItem.move', [InputError, NotFoundError, ConflictError]),
    description: 'Puts the item at `position` among the children of `parentId` (null: the top level); the siblings are renumbered.',
    args: { id: t.arg.id(), parentId: t.arg.id({ required: false }), position: t.arg.int() },
    resolve: async (query, _root, { id, parentId, position }, ctx) =>
      rereadItem(ctx, query, await moveNavigationItem(adminScope(ctx), id, parentId ?? null, position)),
  }),
  deleteNavigationItem: t.prismaField({
    type: 'NavigationItem',
    ...adminMutation('NAVIGATION_WRITE', 'navigationItem.delete', [InputError, NotFoundError, ConflictError]),
    description: "Deletes an item without children, and tenants' overrides of it.",
    args: { id: t.arg.id() },
    resolve: (_query, _root, { id }, ctx) => deleteNavigationItem(adminScope(ctx), id),
  }),
  setNavigationOverride: t.prismaField({
    type: 'NavigationTenantOverride',
    ...adminMutation('NAVIGATION_WRITE', 'navigationOverride.set', [InputError, NotFoundError, ConflictError]),
    description: "Creates or replaces the tenant's override of this kind for this item.",
    args: { input: t.arg({ type: NavigationOverrideInput }) },
    resolve: async (query, _root, { input }, ctx) => rereadOverride(ctx, query, await setNavigationOverride(adminScope(ctx), input as never)),
  }),
  removeNavigationOverride: t.prismaField({
    type: 'NavigationTenantOverride',
    ...adminMutation('NAVIGATION_WRITE', 'navigationOverride.remove', [InputError, NotFoundError, ConflictError]),
    args: { id: t.arg.id() },
    resolve: (_query, _root, { id }, ctx) => removeNavigationOverride(adminScope(ctx), id),
  }),
}));

// ─── subscriptions ───────────────────────────────────────────────────────────

const NavigationEventRef = builder.objectRef<NavigationTrigger>('NavigationEvent').implement({
  description: 'Something that may change tenants\' navigation.',
  fields: (t) => ({
    reason: t.field({ type: NavigationChangeReasonEnum, resolve: (e) => e.reason }),
    tenantId: t.exposeID('tenantId', { nullable: true, description: 'Null: the defaults or a global flag.' }),
    key: t.exposeString('key', { nullable: true, description: 'The item or flag key.' }),
  }),
});

builder.subscriptionField('navigationEvents', (t) =>
  t.field({
    type: NavigationEventRef,
    authScopes: { permission: 'READ' },
    description: "Changes to the defaults and to every tenant's overrides; with `tenantId`, what can change that tenant's tree.",
    args: { tenantId: t.arg.id({ required: false, validate: idArg.nullish() }) },
    subscribe: (_root, { tenantId }, ctx) => navigationTriggers(adminScope(ctx), tenantId ?? null),
    resolve: (event) => event,
  }),
);
