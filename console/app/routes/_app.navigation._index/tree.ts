// The defaults as the editor shows them: a tree built from the flat list, each item with its place
// (siblings, depth) so its buttons know where up, down and "add a child" lead.

export type ItemRow = {
  id: string;
  key: string;
  label: string;
  icon?: string | null;
  path: string;
  order: number;
  parentId?: string | null;
  requiredEntitlement?: string | null;
  requiredFlag?: string | null;
  visible: boolean;
};

export type TreeItem<T extends ItemRow = ItemRow> = T & {
  depth: number;
  /** Index among its siblings, and how many siblings there are. */
  index: number;
  siblings: number;
  children: TreeItem<T>[];
};

/** The API's limit: top-level items, children, grandchildren. */
export const MAX_DEPTH = 3;

export function buildTree<T extends ItemRow>(rows: readonly T[]): TreeItem<T>[] {
  const byParent = new Map<string | null, T[]>();
  const ids = new Set(rows.map((r) => r.id));
  for (const row of rows) {
    const parent = row.parentId && ids.has(row.parentId) ? row.parentId : null;
    byParent.set(parent, [...(byParent.get(parent) ?? []), row]);
  }
  const level = (parentId: string | null, depth: number): TreeItem<T>[] => {
    const siblings = (byParent.get(parentId) ?? []).slice().sort((a, b) => a.order - b.order || a.key.localeCompare(b.key));
    return siblings.map((row, index) => ({ ...row, depth, index, siblings: siblings.length, children: level(row.id, depth + 1) }));
  };
  return level(null, 1);
}

/** Every item depth first, in order: the order of the editor's rows and of the parent pickers. */
export function flatten<T extends ItemRow>(tree: TreeItem<T>[]): TreeItem<T>[] {
  return tree.flatMap((item) => [item, ...flatten(item.children)]);
}

/** Levels of the subtree under an item, itself included. */
export function heightOf(item: TreeItem): number {
  return 1 + Math.max(0, ...item.children.map(heightOf));
}

/** The items `item` may move under: not itself or its own subtree, and deep enough room for its subtree. */
export function parentChoices<T extends ItemRow>(tree: TreeItem<T>[], item: TreeItem<T> | null): TreeItem<T>[] {
  const height = item ? heightOf(item) : 1;
  const own = new Set(item ? flatten([item]).map((i) => i.id) : []);
  return flatten(tree).filter((candidate) => !own.has(candidate.id) && candidate.depth + height <= MAX_DEPTH);
}
