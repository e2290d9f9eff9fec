export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface FieldChange {
  from: JsonValue;
  to: JsonValue;
}

/** Converts Dates, bigints and undefined so that a record can be stored as JSON. */
export function toJson(value: unknown): JsonValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, toJson(v)]),
    );
  }
  return value as JsonValue;
}

/** Top-level field changes between two snapshots; fields equal in both are left out. */
export function diffRecords(before: unknown, after: unknown): Record<string, FieldChange> {
  const a = (toJson(before) ?? {}) as Record<string, JsonValue>;
  const b = (toJson(after) ?? {}) as Record<string, JsonValue>;
  const changes: Record<string, FieldChange> = {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (key === 'updatedAt') continue;
    const from = a[key] ?? null;
    const to = b[key] ?? null;
    if (!jsonEqual(from, to)) changes[key] = { from, to };
  }
  return changes;
}

/** Deep equality of JSON values; object key order does not matter (Postgres jsonb does not keep it). */
export function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]!));
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => k in b && jsonEqual(a[k]!, b[k]!));
}

/** The fields of `data` whose values differ from `before` (JSON-equal values are no change). */
export function changedFields(before: object, data: object): string[] {
  const current = before as Record<string, unknown>;
  return Object.entries(data)
    .filter(([key, value]) => value !== undefined && !jsonEqual(toJson(current[key]), toJson(value)))
    .map(([key]) => key);
}
