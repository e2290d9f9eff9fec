// Navigation items (the defaults) and tenants' overrides: validation, the tree's invariants (known parent,
// no cycle, at most MAX_DEPTH levels, siblings numbered 0..n-1) and a tenant's resolved tree.
//
// Every write takes the one named lock `navigation:tree` before it reads the tree: the invariants span
// rows (a move checks the whole chain of parents), writes are rare, and two admins reordering at once are
// applied one after the other to the tree as the first left it.
import { z } from 'zod';
import type { NavigationItem, NavigationTenantOverride } from '../../generated/prisma/client.ts';
import type { NavigationOverrideAction } from '../../generated/prisma/enums.ts';
import { ConflictError, InputError, parseInput } from '../../lib/errors.ts';
import { enumValues } from '../../lib/list.ts';
import { findOrNotFound } from '../../lib/records.ts';
import { id as idSchema, name, text } from '../../lib/strings.ts';
import type { PlatformScope, TenantScope } from '../../scope.ts';
import { changedFields } from '../audit/diff.ts';
import { runAudited, type AuditedTransaction } from '../audit/service.ts';
import { flagValuesFor } from './flags.ts';
import { MAX_DEPTH, requiredFlags, resolveNavigation, type DefaultItem, type Resolution, type TenantOverride } from './resolve.ts';

/** Most default items, and most overrides of one tenant. */
export const MAX_ITEMS = 100;
export const MAX_OVERRIDES = 100;

export const NAVIGATION_OVERRIDE_ACTIONS = enumValues('NavigationOverrideAction');

const TREE_LOCK = 'navigation:tree';

export const itemKey = text({ min: 1, max: 64 }).regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'lowercase letters, digits, _ . -, starting with a letter');
const icon = text({ min: 1, max: 64 }).regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'an icon name: lowercase letters, digits and -');
const path = text({ min: 1, max: 500 }).regex(/^\/[^\s]*$/, 'a path of the tenant app, starting with / and without spaces');
const entitlement = text({ min: 1, max: 64 }).regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'an entitlement: lowercase letters, digits, _ . -');
const flagKey = text({ min: 1, max: 100 }).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'a flag key: letters, digits, and . _ : - (not first)');
const positionSchema = z.number('a whole number').int('a whole number').min(0, 'must not be negative').max(MAX_ITEMS, `at most ${MAX_ITEMS}`);

const itemFields = {
  label: name(100),
  icon: icon.nullable(),
  path,
  requiredEntitlement: entitlement.nullable(),
  requiredFlag: flagKey.nullable(),
  visible: z.boolean('true or false'),
};

const createItemSchema = z.object({
  key: itemKey,
  ...itemFields,
  icon: itemFields.icon.default(null),
  requiredEntitlement: itemFields.requiredEntitlement.default(null),
  requiredFlag: itemFields.requiredFlag.default(null),
  visible: itemFields.visible.default(true),
  parentId: idSchema.nullable().default(null),
  /** Position among the siblings; default last. */
  order: positionSchema.nullable().default(null),
});
/** The key is the item's identity for tenants' overrides and the tenant app: it does not change. */
const updateItemSchema = z.object(itemFields).partial();

export type CreateNavigationItemInput = z.input<typeof createItemSchema>;
export type UpdateNavigationItemInput = z.input<typeof updateItemSchema>;

const overrideSchema = z
  .object({
    tenantId: idSchema,
    itemKey,
    action: z.enum(NAVIGATION_OVERRIDE_ACTIONS as [NavigationOverrideAction, ...NavigationOverrideAction[]], `one of ${NAVIGATION_OVERRIDE_ACTIONS.join(', ')}`),
    label: name(100).nullable().default(null),
    icon: icon.nullable().default(null),
    path: path.nullable().default(null),
    parentKey: itemKey.nullable().default(null),
    order: positionSchema.nullable().default(null),
  })
  .superRefine((o, ctx) => {
    const need = (field: 'label' | 'path' | 'order') => {
      if (o[field] === null) ctx.addIssue({ code: 'custom', path: [field], message: `required to ${o.action.toLowerCase()} an item` });
    };
    const refuse = (field: 'label' | 'icon' | 'path' | 'parentKey' | 'order') => {
      if (o[field] !== null) ctx.addIssue({ code: 'custom', path: [field], message: `not used to ${o.action.toLowerCase()} an item` });
    };
    if (o.action === 'HIDE') (['label', 'icon', 'path', 'parentKey', 'order'] as const).forEach(refuse);
    if (o.action === 'RENAME') {
      need('label');
      (['icon', 'path', 'parentKey', 'order'] as const).forEach(refuse);
    }
    if (o.action === 'REORDER') {
      need('order');
      (['label', 'icon', 'path', 'parentKey'] as const).forEach(refuse);
    }
    if (o.action === 'ADD') {
      need('label');
      need('path');
      if (o.parentKey === o.itemKey) ctx.addIssue({ code: 'custom', path: ['parentKey'], message: 'an item cannot be its own parent' });
    }
  });

export type NavigationOverrideInput = z.input<typeof overrideSchema>;

type Tx = AuditedTransaction<PlatformScope>;
type TreeRow = Pick<NavigationItem, 'id' | 'key' | 'parentId' | 'order'>;

/** Every default item's place in the tree, read after the tree lock. */
async function lockedTree(tx: Tx): Promise<Map<string, TreeRow>> {
  await tx.lockNamed(TREE_LOCK);
  const rows = await tx.db.navigationItem.findMany({ select: { id: true, key: true, parentId: true, order: true } });
  return new Map(rows.map((r) => [r.id, r]));
}

/** Levels from the top down to `id` (a top-level item is at depth 1). */
function depthOf(tree: Map<string, TreeRow>, id: string | null): number {
  let depth = 0;
  for (let at = id; at !== null && depth <= MAX_DEPTH + 1; at = tree.get(at)?.parentId ?? null) depth += 1;
  return depth;
}

/** Levels of the subtree under `id`, itself included (a leaf is 1). */
function heightOf(tree: Map<string, TreeRow>, id: string): number {
  const children = [...tree.values()].filter((r) => r.parentId === id);
  return 1 + Math.max(0, ...children.map((c) => heightOf(tree, c.id)));
}

function isUnder(tree: Map<string, TreeRow>, id: string, ancestor: string): boolean {
  for (let at = tree.get(id)?.parentId ?? null; at !== null; at = tree.get(at)?.parentId ?? null) if (at === ancestor) return true;
  return false;
}

/** The children of `parentId` in order, without `exceptId`. */
function siblings(tree: Map<string, TreeRow>, parentId: string | null, exceptId?: string): TreeRow[] {
  return [...tree.values()]
    .filter((r) => r.parentId === parentId && r.id !== exceptId)
    .sort((a, b) => a.order - b.order || (a.key < b.key ? -1 : 1));
}

/** Writes 0..n-1 onto the siblings in the given order, touching only the rows whose order changes. */
async function renumber(tx: Tx, rows: TreeRow[]): Promise<void> {
  for (const [index, row] of rows.entries()) {
    if (row.order !== index) await tx.db.navigationItem.update({ where: { id: row.id }, data: { order: index } });
  }
}

function checkParent(tree: Map<string, TreeRow>, parentId: string | null, height: number): void {
  if (parentId === null) return;
  if (!tree.has(parentId)) throw InputError.field(['input', 'parentId'], 'no such navigation item');
  if (depthOf(tree, parentId) + height > MAX_DEPTH) throw new ConflictError(`Navigation is at most ${MAX_DEPTH} levels deep`, 'parentId');
}

async function publishItem(tx: Tx, item: Pick<NavigationItem, 'id' | 'key'>, kind: NavigationDefaultsChanged['kind']): Promise<void> {
  await tx.publish('navigationDefaultsChanged', { itemId: item.id, key: item.key, kind });
}

export interface NavigationDefaultsChanged {
  itemId: string;
  key: string;
  kind: 'created' | 'updated' | 'moved' | 'deleted';
}

export interface NavigationOverrideChanged {
  tenantId: string;
  overrideId: string;
  itemKey: string;
  kind: 'set' | 'removed';
}

export async function createNavigationItem(scope: PlatformScope, input: CreateNavigationItemInput): Promise<NavigationItem> {
  const { parentId, order, ...data } = parseInput(createItemSchema, input);
  return runAudited(scope, async (tx) => {
    const tree = await lockedTree(tx);
    if (tree.size >= MAX_ITEMS) throw new ConflictError(`At most ${MAX_ITEMS} navigation items`, 'key');
    checkParent(tree, parentId, 1);
    const added = await tx.db.navigationTenantOverride.findFirst({ where: { action: 'ADD', itemKey: data.key }, select: { tenantId: true } });
    if (added) throw new ConflictError(`A tenant has added an item with the key ${data.key}`, 'key');
    const others = siblings(tree, parentId);
    const at = Math.min(order ?? others.length, others.length);
    const created = await tx.db.navigationItem.create({ data: { ...data, parentId, order: at } });
    others.splice(at, 0, { id: created.id, key: created.key, parentId, order: at });
    await renumber(tx, others);
    await tx.audit({ action: 'navigationItem.create', targetType: 'NavigationItem', targetId: created.id, after: created });
    await publishItem(tx, created, 'created');
    return created;
  });
}

export async function updateNavigationItem(scope: PlatformScope, id: string, input: UpdateNavigationItemInput): Promise<NavigationItem> {
  const data = parseInput(updateItemSchema, input);
  return runAudited(scope, async (tx) => {
    await lockedTree(tx);
    const before = await findOrNotFound('NavigationItem', id, (id) => tx.db.navigationItem.findUnique({ where: { id } }));
    if (changedFields(before, data).length === 0) return tx.unchanged(before);
    const after = await tx.db.navigationItem.update({ where: { id }, data });
    await tx.audit({ action: 'navigationItem.update', targetType: 'NavigationItem', targetId: id, before, after });
    await publishItem(tx, after, 'updated');
    return after;
  });
}

/** Puts the item at `position` among the children of `parentId` (null: the top level); both levels are renumbered. */
export async function moveNavigationItem(scope: PlatformScope, id: string, parentId: string | null, position: number): Promise<NavigationItem> {
  const { parentId: to, position: at } = parseInput(z.object({ parentId: idSchema.nullable(), position: positionSchema }), { parentId, position }, []);
  return runAudited(scope, async (tx) => {
    const tree = await lockedTree(tx);
    const before = await findOrNotFound('NavigationItem', id, (id) => tx.db.navigationItem.findUnique({ where: { id } }));
    if (to !== null) {
      if (!tree.has(to)) throw InputError.field('parentId', 'no such navigation item');
      if (to === id || isUnder(tree, to, id)) throw new ConflictError('An item cannot move under itself or one of its children', 'parentId');
      if (depthOf(tree, to) + heightOf(tree, id) > MAX_DEPTH) throw new ConflictError(`Navigation is at most ${MAX_DEPTH} levels deep`, 'parentId');
    }
    const target = siblings(tree, to, id);
    const index = Math.min(at, target.length);
    const moved = to !== before.parentId;
    if (!moved && siblings(tree, to).findIndex((r) => r.id === id) === index) return tx.unchanged(before);
    if (moved) {
      await renumber(tx, siblings(tree, before.parentId, id));
      await tx.db.navigationItem.update({ where: { id }, data: { parentId: to, order: index } });
    }
    target.splice(index, 0, { ...tree.get(id)!, parentId: to, order: moved ? index : before.order });
    await renumber(tx, target);
    const after = await tx.db.navigationItem.findUniqueOrThrow({ where: { id } });
    await tx.audit({
      action: 'navigationItem.move', targetType: 'NavigationItem', targetId: id,
      before: { parentId: before.parentId, order: before.order }, after: { parentId: after.parentId, order: after.order },
    });
    await publishItem(tx, after, 'moved');
    return after;
  });
}

/** Deletes a leaf item with the tenants' overrides of it; an item with children must be emptied first. */
export async function deleteNavigationItem(scope: PlatformScope, id: string): Promise<NavigationItem> {
  return runAudited(scope, async (tx) => {
    const tree = await lockedTree(tx);
    const before = await findOrNotFound('NavigationItem', id, (id) => tx.db.navigationItem.findUnique({ where: { id } }));
    const children = siblings(tree, id).length;
    if (children > 0) throw new ConflictError(`${before.key} has ${children} child item(s): move or delete them first`, 'id');
    const { count: overrides } = await tx.db.navigationTenantOverride.deleteMany({ where: { itemKey: before.key, action: { not: 'ADD' } } });
    await tx.db.navigationItem.delete({ where: { id } });
    await renumber(tx, siblings(tree, before.parentId, id));
    await tx.audit({ action: 'navigationItem.delete', targetType: 'NavigationItem', targetId: id, before: { ...before, tenantOverrides: overrides } });
    await publishItem(tx, before, 'deleted');
    return before;
  });
}

// ─── tenant overrides ────────────────────────────────────────────────────────

const overrideData = (o: z.output<typeof overrideSchema>) => ({ label: o.label, icon: o.icon, path: o.path, parentKey: o.parentKey, order: o.order });

/**
 * Sets the tenant's override of one kind for one item (creating or replacing it). HIDE, RENAME and
 * REORDER name a default item; ADD names a key of the tenant's own, under a default item or another of
 * its added items.
 */
export async function setNavigationOverride(scope: PlatformScope, input: NavigationOverrideInput): Promise<NavigationTenantOverride> {
  const o = parseInput(overrideSchema, input);
  return runAudited(scope, async (tx) => {
    const tree = await lockedTree(tx);
    await findOrNotFound('Tenant', o.tenantId, (id) => tx.db.tenant.findUnique({ where: { id }, select: { id: true } }), { field: 'input.tenantId' });
    const own = await tx.db.navigationTenantOverride.findMany({ where: { tenantId: o.tenantId } });
    const defaults = new Map([...tree.values()].map((r) => [r.key, r]));
    if (o.action !== 'ADD' && !defaults.has(o.itemKey)) throw InputError.field(['input', 'itemKey'], 'no default navigation item has this key');
    if (o.action === 'ADD') checkAddedItem(o, defaults, tree, own);
    const before = own.find((r) => r.itemKey === o.itemKey && r.action === o.action) ?? null;
    const data = overrideData(o);
    if (before && changedFields(before, data).length === 0) return tx.unchanged(before);
    if (!before && own.length >= MAX_OVERRIDES) throw new ConflictError(`At most ${MAX_OVERRIDES} overrides per tenant`, 'itemKey');
    const after = before
      ? await tx.db.navigationTenantOverride.update({ where: { id: before.id }, data })
      : await tx.db.navigationTenantOverride.create({ data: { tenantId: o.tenantId, itemKey: o.itemKey, action: o.action, ...data } });
    await tx.audit({ action: 'navigationOverride.set', targetType: 'NavigationTenantOverride', targetId: after.id, tenantId: o.tenantId, before, after });
    await tx.publish('navigationOverrideChanged', { tenantId: o.tenantId, overrideId: after.id, itemKey: after.itemKey, kind: 'set' });
    return after;
  });
}

/** An added item's key is its own, its parent exists for the tenant, and it stays within MAX_DEPTH without a cycle. */
function checkAddedItem(
  o: z.output<typeof overrideSchema>, defaults: Map<string, TreeRow>, tree: Map<string, TreeRow>, own: NavigationTenantOverride[],
): void {
  if (defaults.has(o.itemKey)) throw new ConflictError(`A default navigation item has the key ${o.itemKey}`, 'itemKey');
  // The tenant's added items by key, with this one as it will be saved.
  const parents = new Map(own.filter((r) => r.action === 'ADD').map((r) => [r.itemKey, r.parentKey]));
  parents.set(o.itemKey, o.parentKey);
  let above = 0;
  const seen = new Set<string>();
  for (let key = o.parentKey; key !== null; ) {
    if (key === o.itemKey || seen.has(key)) throw new ConflictError('An added item cannot be nested under itself', 'parentKey');
    seen.add(key);
    if (parents.has(key)) {
      above += 1;
      key = parents.get(key)!;
      continue;
    }
    const item = defaults.get(key);
    if (!item) throw InputError.field(['input', 'parentKey'], 'no default or added navigation item has this key');
    above += depthOf(tree, item.id);
    break;
  }
  // Items the tenant already nested under this one move down with it.
  const height = (key: string): number => 1 + Math.max(0, ...[...parents].filter(([, parent]) => parent === key).map(([child]) => height(child)));
  if (above + height(o.itemKey) > MAX_DEPTH) throw new ConflictError(`Navigation is at most ${MAX_DEPTH} levels deep`, 'parentKey');
}

/** Removes an override; an added item with the tenant's items nested under it must be emptied first. */
export async function removeNavigationOverride(scope: PlatformScope, id: string): Promise<NavigationTenantOverride> {
  return runAudited(scope, async (tx) => {
    await tx.lockNamed(TREE_LOCK);
    const before = await findOrNotFound('NavigationTenantOverride', id, (id) => tx.db.navigationTenantOverride.findUnique({ where: { id } }));
    if (before.action === 'ADD') {
      const nested = await tx.db.navigationTenantOverride.count({ where: { tenantId: before.tenantId, action: 'ADD', parentKey: before.itemKey } });
      if (nested > 0) throw new ConflictError(`${nested} added item(s) are nested under ${before.itemKey}: remove or move them first`, 'id');
    }
    await tx.db.navigationTenantOverride.delete({ where: { id } });
    await tx.audit({ action: 'navigationOverride.remove', targetType: 'NavigationTenantOverride', targetId: id, tenantId: before.tenantId, before });
    await tx.publish('navigationOverrideChanged', { tenantId: before.tenantId, overrideId: id, itemKey: before.itemKey, kind: 'removed' });
    return before;
  });
}

// ─── resolution ──────────────────────────────────────────────────────────────

/**
 * A tenant's resolved navigation (null: no such tenant), read through the caller's scope: a tenant key reads its own overrides
 * and plan (the tenant-scoped client), an admin any tenant's. Three statements, and the flags module's
 * evaluation only when some item requires a flag.
 */
export async function tenantNavigation(scope: TenantScope | PlatformScope, tenantId: string): Promise<Resolution | null> {
  const db = scope.db;
  const [items, overrides, tenant] = await Promise.all([
    db.navigationItem.findMany({
      select: { id: true, key: true, label: true, icon: true, path: true, order: true, parentId: true, requiredEntitlement: true, requiredFlag: true, visible: true },
    }),
    db.navigationTenantOverride.findMany({
      where: { tenantId },
      select: { itemKey: true, action: true, label: true, icon: true, path: true, parentKey: true, order: true },
    }),
    db.tenant.findUnique({ where: { id: tenantId }, select: { plan: { select: { entitlements: true } } } }),
  ]);
  if (!tenant) return null;
  const keys = new Map(items.map((i) => [i.id, i.key]));
  const defaults: DefaultItem[] = items.map(({ id: _id, parentId, ...item }) => ({ ...item, parentKey: parentId === null ? null : (keys.get(parentId) ?? null) }));
  const flagKeys = requiredFlags(defaults);
  const flags = flagKeys.length ? await flagValuesFor(scope, tenantId, flagKeys) : new Map<string, unknown>();
  return resolveNavigation(defaults, overrides as TenantOverride[], { entitlements: tenant.plan.entitlements, flags });
}
