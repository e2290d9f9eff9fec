// Reading a `flagSnapshot` answer. The snapshot as a whole must have its shape (else it is refused and the
// last good one stays); a flag this version cannot read (an operator it does not know, a value of the wrong
// type) is kept as unreadable, so resolving it is a PARSE_ERROR while every other flag still works.
import type { FlagDefinition, FlagSnapshot, FlagType, JsonValue, TenantFacts } from '@opsgraph/flag-evaluator';
import { z } from 'zod';

export interface ReadSnapshot {
  version: string;
  tenant: TenantFacts;
  flags: Map<string, FlagDefinition | { unreadable: string }>;
  /** Each flag's definition as received, as JSON: what tells which flags a new snapshot changed. */
  fingerprints: Map<string, string>;
}

const stringList = z.array(z.string());
const json: z.ZodType<JsonValue> = z.json();
const rollout = z.object({ percentage: z.number().min(0).max(100), stickiness: z.enum(['TENANT', 'USER']) }).nullable();

const valueOf: Record<FlagType, z.ZodType<JsonValue>> = {
  BOOLEAN: z.boolean(),
  STRING: z.string(),
  NUMBER: z.number(),
  JSON: json,
};

function flagSchema(type: FlagType) {
  const value = valueOf[type];
  return z.object({
    key: z.string(),
    type: z.literal(type),
    enabled: z.boolean(),
    defaultValue: value,
    onValue: value,
    rules: z.array(
      z.object({
        id: z.string(),
        description: z.string(),
        constraints: z.array(
          z.object({
            attribute: z.string(),
            operator: z.enum(['IN', 'NOT_IN', 'EQ', 'NEQ', 'GT', 'LT', 'CONTAINS', 'STARTS_WITH', 'SEMVER_GT', 'SEMVER_LT']),
            values: stringList,
          }),
        ),
        value,
        rollout,
      }),
    ),
    rollout,
    entitlement: z.string().nullable(),
    tenantOverride: z.object({ value }).nullable(),
    userOverrides: z.record(z.string(), value),
    pausedBy: stringList,
  });
}

const flagSchemas = Object.fromEntries((['BOOLEAN', 'STRING', 'NUMBER', 'JSON'] as const).map((type) => [type, flagSchema(type)])) as Record<
  FlagType,
  ReturnType<typeof flagSchema>
>;

const snapshotSchema = z.object({
  version: z.string().min(1),
  tenant: z.object({ id: z.string(), plan: z.string().nullable(), status: z.string(), entitlements: stringList }),
  flags: z.array(z.looseObject({ key: z.string() })),
});

/** Reads `snapshot`; throws (with what is wrong) when its outer shape is not a flag snapshot. */
export function readSnapshot(snapshot: unknown): ReadSnapshot {
  const outer = snapshotSchema.safeParse(snapshot);
  if (!outer.success) throw new Error(`not a flag snapshot: ${z.prettifyError(outer.error)}`);
  const flags = new Map<string, FlagDefinition | { unreadable: string }>();
  const fingerprints = new Map<string, string>();
  for (const raw of outer.data.flags) {
    fingerprints.set(raw.key, JSON.stringify(raw));
    const type = raw.type as FlagType;
    const schema = Object.hasOwn(flagSchemas, type) ? flagSchemas[type] : null;
    if (schema === null) {
      flags.set(raw.key, { unreadable: `flag "${raw.key}" has a type this provider does not know: ${JSON.stringify(raw.type)}` });
      continue;
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      flags.set(raw.key, { unreadable: `flag "${raw.key}" cannot be read: ${z.prettifyError(parsed.error).replaceAll('\n', ' ')}` });
      continue;
    }
    flags.set(raw.key, parsed.data satisfies FlagDefinition);
  }
  return { version: outer.data.version, tenant: outer.data.tenant, flags, fingerprints };
}

/** The keys whose definitions differ between two snapshots (added, removed, changed); all of them when the tenant's facts changed. */
export function changedKeys(before: ReadSnapshot | null, after: ReadSnapshot): string[] {
  if (before === null || JSON.stringify(before.tenant) !== JSON.stringify(after.tenant)) return [...new Set([...(before?.flags.keys() ?? []), ...after.flags.keys()])];
  const changed: string[] = [];
  for (const [key, fingerprint] of after.fingerprints) if (before.fingerprints.get(key) !== fingerprint) changed.push(key);
  for (const key of before.flags.keys()) if (!after.flags.has(key)) changed.push(key);
  return changed;
}

/** Whether version `a` is later than `b`: numerically when both are whole numbers, else as strings. */
export function isLater(a: string, b: string): boolean {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) > BigInt(b);
  return a > b;
}

export type { FlagSnapshot };
