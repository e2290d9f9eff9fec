// A tenant's navigation from the defaults, its overrides and its plan and flags. Pure: the service loads
// the rows and the facts, the tenant graph, the admin preview and the tests all resolve through here.
import type { NavigationOverrideAction } from '../../generated/prisma/enums.ts';

/** Levels of the tree: top-level items, their children and grandchildren. */
export const MAX_DEPTH = 3;

export interface DefaultItem {
  key: string;
  label: string;
  icon: string | null;
  path: string;
  order: number;
  parentKey: string | null;
  requiredEntitlement: string | null;
  requiredFlag: string | null;
  visible: boolean;
}

export interface TenantOverride {
  itemKey: string;
  action: NavigationOverrideAction;
  label: string | null;
  icon: string | null;
  path: string | null;
  parentKey: string | null;
  order: number | null;
}

export interface TenantFacts {
  /** The entitlements of the tenant's plan. */
  entitlements: readonly string[];
  /** Flag values for the tenant, by key; an absent flag counts as off. */
  flags: ReadonlyMap<string, unknown>;
}

export interface NavigationNode {
  key: string;
  label: string;
  icon: string | null;
  path: string;
  children: NavigationNode[];
}

export type DropReason = 'HIDDEN' | 'INVISIBLE' | 'ENTITLEMENT' | 'FLAG' | 'PARENT_DROPPED' | 'PARENT_MISSING' | 'TOO_DEEP' | 'KEY_TAKEN';

export interface DroppedItem {
  key: string;
  label: string;
  reason: DropReason;
  detail: string;
}

export interface Resolution {
  tree: NavigationNode[];
  /** Items left out of the tree and why, in key order (the admin preview shows them). */
  dropped: DroppedItem[];
}

interface Working {
  key: string;
  label: string;
  icon: string | null;
  path: string;
  parentKey: string | null;
  order: number;
  /** A tenant's position among the siblings it sees (REORDER, or an ADD's order). */
  position: number | null;
  requiredEntitlement: string | null;
  requiredFlag: string | null;
  visible: boolean;
  hidden: boolean;
}

type Status = { included: true; depth: number } | { included: false; reason: DropReason; detail: string };

const byOrderThenKey = (a: Working, b: Working) => a.order - b.order || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
const byPositionThenKey = (a: Working, b: Working) => a.position! - b.position! || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * Defaults, then the tenant's overrides (add, hide, rename, reorder), then items whose entitlement is not
 * in the plan or whose flag is off are dropped, then invisible items and everything under a dropped item;
 * what is left is the tree, siblings by order (a tenant's positions count among the siblings it sees).
 */
export function resolveNavigation(defaults: readonly DefaultItem[], overrides: readonly TenantOverride[], facts: TenantFacts): Resolution {
  const nodes = new Map<string, Working>();
  for (const item of defaults) nodes.set(item.key, { ...item, position: null, hidden: false });
  const dropped: DroppedItem[] = [];

  // Added items first, so a tenant's other overrides never depend on the order the rows came in.
  const sorted = [...overrides].sort((a, b) => Number(b.action === 'ADD') - Number(a.action === 'ADD'));
  for (const o of sorted) {
    if (o.action === 'ADD') {
      if (nodes.has(o.itemKey)) {
        dropped.push({ key: o.itemKey, label: o.label ?? o.itemKey, reason: 'KEY_TAKEN', detail: 'a default item has this key' });
        continue;
      }
      nodes.set(o.itemKey, {
        key: o.itemKey, label: o.label ?? o.itemKey, icon: o.icon, path: o.path ?? '/', parentKey: o.parentKey,
        // Without a position, an added item comes after its default siblings.
        order: o.order === null ? Number.POSITIVE_INFINITY : 0, position: o.order,
        requiredEntitlement: null, requiredFlag: null, visible: true, hidden: false,
      });
      continue;
    }
    const node = nodes.get(o.itemKey);
    if (!node) continue; // an override of an item that no longer exists changes nothing
    if (o.action === 'HIDE') node.hidden = true;
    else if (o.action === 'RENAME' && o.label) node.label = o.label;
    else if (o.action === 'REORDER' && o.order !== null) node.position = o.order;
  }

  const entitlements = new Set(facts.entitlements);
  const ownReason = (node: Working): Status | null => {
    if (node.hidden) return { included: false, reason: 'HIDDEN', detail: "hidden by the tenant's override" };
    if (node.requiredEntitlement && !entitlements.has(node.requiredEntitlement)) {
      return { included: false, reason: 'ENTITLEMENT', detail: `the plan does not include ${node.requiredEntitlement}` };
    }
    if (node.requiredFlag && !facts.flags.get(node.requiredFlag)) {
      const detail = facts.flags.has(node.requiredFlag) ? `flag ${node.requiredFlag} is off for this tenant` : `no flag ${node.requiredFlag}`;
      return { included: false, reason: 'FLAG', detail };
    }
    if (!node.visible) return { included: false, reason: 'INVISIBLE', detail: 'the item is not visible' };
    return null;
  };

  const statuses = new Map<string, Status>();
  const statusOf = (node: Working, path: Set<string>): Status => {
    const known = statuses.get(node.key);
    if (known) return known;
    let status = ownReason(node);
    if (!status) {
      const parent = node.parentKey === null ? null : nodes.get(node.parentKey);
      if (node.parentKey === null) status = { included: true, depth: 1 };
      else if (!parent || path.has(parent.key)) status = { included: false, reason: 'PARENT_MISSING', detail: `no parent item ${node.parentKey}` };
      else {
        const up = statusOf(parent, new Set(path).add(node.key));
        if (!up.included) status = { included: false, reason: 'PARENT_DROPPED', detail: `its parent ${parent.key} is left out` };
        else if (up.depth >= MAX_DEPTH) status = { included: false, reason: 'TOO_DEEP', detail: `deeper than ${MAX_DEPTH} levels` };
        else status = { included: true, depth: up.depth + 1 };
      }
    }
    statuses.set(node.key, status);
    return status;
  };

  const children = new Map<string | null, Working[]>();
  for (const node of nodes.values()) {
    const status = statusOf(node, new Set([node.key]));
    if (!status.included) {
      dropped.push({ key: node.key, label: node.label, reason: status.reason, detail: status.detail });
      continue;
    }
    const siblings = children.get(node.parentKey) ?? [];
    siblings.push(node);
    children.set(node.parentKey, siblings);
  }

  const ordered = (siblings: Working[]): Working[] => {
    const list = siblings.filter((n) => n.position === null).sort(byOrderThenKey);
    // In ascending position, each insert lands at its index and never moves the ones placed before it.
    for (const node of siblings.filter((n) => n.position !== null).sort(byPositionThenKey)) {
      list.splice(Math.min(Math.max(node.position!, 0), list.length), 0, node);
    }
    return list;
  };
  const build = (parentKey: string | null): NavigationNode[] =>
    ordered(children.get(parentKey) ?? []).map((n) => ({ key: n.key, label: n.label, icon: n.icon, path: n.path, children: build(n.key) }));

  dropped.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { tree: build(null), dropped };
}

/** The flag keys the defaults depend on: only these need evaluating for a tenant. */
export function requiredFlags(defaults: readonly Pick<DefaultItem, 'requiredFlag'>[]): string[] {
  return [...new Set(defaults.flatMap((d) => (d.requiredFlag ? [d.requiredFlag] : [])))].sort();
}
