// An audit entry's `diff` ({ field: { from, to } }) as rows a table can show. Values stay as they were
// stored; nested objects and arrays are shown as compact JSON rather than expanded into sub-rows, so one
// row is one field of the record.

/** Added: the field had no value before (or the record was created); removed: the reverse. */
export type ChangeKind = 'added' | 'removed' | 'changed';

export type DiffRow = {
  field: string;
  from: string | null;
  to: string | null;
  kind: ChangeKind;
};

/** A stored JSON value as one line of text; null and undefined are "no value" (null). */
export function compactValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value === '' ? '""' : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isChange(value: unknown): value is { from?: unknown; to?: unknown } {
  return isRecord(value) && ('from' in value || 'to' in value) && Object.keys(value).every((k) => k === 'from' || k === 'to');
}

/** Deep equality of JSON values, ignoring the order of object keys. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && sameJson(a[k], b[k]));
  }
  return false;
}

/**
 * One row per changed field, sorted by field name. A field whose two values are equal except for key
 * order is no change and is left out. `before` and `after` tell a created record (no before)
 * or a deleted one (no after) apart from a field that merely became empty.
 */
export function diffRows(diff: unknown, { before, after }: { before?: unknown; after?: unknown } = {}): DiffRow[] {
  if (!isRecord(diff)) return [];
  const created = before === null && after !== null && after !== undefined;
  const deleted = after === null && before !== null && before !== undefined;
  return Object.keys(diff)
    .sort((a, b) => a.localeCompare(b))
    .flatMap((field) => {
      const change = diff[field];
      // A malformed entry still shows what it holds, as the new value.
      const { from, to } = isChange(change) ? change : { from: undefined, to: change };
      if (sameJson(from, to)) return [];
      const fromText = compactValue(from);
      const toText = compactValue(to);
      let kind: ChangeKind = 'changed';
      if (created || (fromText === null && toText !== null && !deleted)) kind = 'added';
      else if (deleted || (toText === null && fromText !== null)) kind = 'removed';
      return [{ field, from: fromText, to: toText, kind }];
    });
}

/** Pretty JSON for the raw before/after panels; null when there is no snapshot. */
export function prettyJson(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return JSON.stringify(value, null, 2);
}
