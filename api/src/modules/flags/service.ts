// Feature flags: definitions and their changes (each one locked, audited and published), overrides,
// scheduled changes, and the evaluation of every flag for one tenant.
import type { Evaluation, EvaluationContext, FlagDefinition, FlagSnapshot, JsonValue } from '@opsgraph/flag-evaluator';
import { evaluateSnapshot, matchesConstraint, type FlagRule, type TenantFacts } from '@opsgraph/flag-evaluator';
import { z } from 'zod';
import type { PlanChange, TenantChange } from '../../change-hooks.ts';
import { Prisma } from '../../db/client.ts';
import type { Flag, FlagScheduledChange } from '../../generated/prisma/client.ts';
import type { FlagScheduledChangeKind, FlagStickiness } from '../../generated/prisma/enums.ts';
import { InputError, InvalidTransitionError, NotFoundError, parseInput } from '../../lib/errors.ts';
import { enumValues } from '../../lib/list.ts';
import { findOrNotFound } from '../../lib/records.ts';
import { filtered, mapped, merged } from '../../lib/streams.ts';
import { id as idSchema, text } from '../../lib/strings.ts';
import { asSystem, type PlatformScope, type Scope, type SystemScope, type TenantScope } from '../../scope.ts';
import { changedFields, jsonEqual } from '../audit/diff.ts';
import { runAudited, type AuditedTransaction } from '../audit/service.ts';
import { cachedDefinitions, forgetDefinitions, recordEvaluations } from './evaluations.ts';
import { syncPauses } from './safeguard.ts';
import {
  checkContext, checkJsonSchema, checkRules, checkValue, fromBasisPoints, percentageSchema, storedAttributes, storedRules, STICKINESS,
  toBasisPoints, type ContextInput, type RuleInput, type ValueSpec,
} from './values.ts';

export const FLAG_TYPES = enumValues('FlagType');

export const FLAG_CHANGE_KINDS = [
  'created', 'updated', 'enabled', 'disabled', 'rulesChanged', 'rolloutChanged', 'tenantOverrideSet', 'tenantOverrideRemoved',
  'userOverrideSet', 'userOverrideRemoved', 'changeScheduled', 'changeCancelled', 'paused', 'resumed', 'deleted',
] as const;
export type FlagChangeKind = (typeof FLAG_CHANGE_KINDS)[number];

/** Changes that concern one tenant only (its overrides, its pauses): they carry its id. */
export const TENANT_CHANGE_KINDS: readonly FlagChangeKind[] = ['tenantOverrideSet', 'tenantOverrideRemoved', 'userOverrideSet', 'userOverrideRemoved', 'paused', 'resumed'];
/** Changes that do not change any evaluation (the schedule of a future change). */
const SCHEDULE_KINDS: readonly FlagChangeKind[] = ['changeScheduled', 'changeCancelled'];

/** Published on every change; `tenantId` when only that tenant's evaluation changed. */
export interface FlagChanged {
  flagId: string;
  key: string;
  kind: FlagChangeKind;
  tenantId?: string | null;
}

/** Whether the change can change what this tenant is served. */
export const affectsTenant = (e: FlagChanged, tenantId: string): boolean =>
  !SCHEDULE_KINDS.includes(e.kind) && (e.tenantId ? e.tenantId === tenantId : !TENANT_CHANGE_KINDS.includes(e.kind));

type Tx = AuditedTransaction<PlatformScope>;
type TxDb = Tx['db'];

// ─── input ───────────────────────────────────────────────────────────────────

const flagKey = text({ min: 1, max: 100 }).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits, and . _ : - (not first)');
const tags = z
  .array(text({ min: 1, max: 50 }))
  .max(20, 'at most 20 tags')
  .transform((list) => [...new Set(list)]);
const variants = z
  .array(text({ min: 1, max: 200 }))
  .max(100, 'at most 100 variants')
  .refine((list) => new Set(list).size === list.length, 'each variant once');
const staleAfterDays = z.number().int('a whole number of days').min(1, 'at least 1 day').max(3650, 'at most 3650 days');
const safeguardRuleIds = z
  .array(idSchema)
  .max(20, 'at most 20 alert rules')
  .transform((list) => [...new Set(list)]);
const owner = text({ max: 200 }).nullish().transform((o) => o || null);
const entitlement = text({ max: 100 }).nullish().transform((e) => e || null);

const createSchema = z.object({
  key: flagKey,
  type: z.enum(FLAG_TYPES, `one of ${FLAG_TYPES.join(', ')}`),
  description: text({ max: 2000 }).nullish().transform((d) => d ?? ''),
  owner,
  tags: tags.nullish().transform((t) => t ?? []),
  variants: variants.nullish().transform((v) => v ?? []),
  jsonSchema: z.unknown().optional(),
  defaultValue: z.unknown().optional(),
  onValue: z.unknown().optional(),
  entitlement,
  safeguardRuleIds: safeguardRuleIds.nullish().transform((ids) => ids ?? []),
  staleAfterDays: staleAfterDays.nullish().transform((d) => d ?? 30),
  enabled: z.boolean().nullish().transform((e) => e ?? false),
});

const updateSchema = z
  .object({
    description: text({ max: 2000 }),
    owner,
    tags,
    variants,
    jsonSchema: z.unknown(),
    defaultValue: z.unknown(),
    onValue: z.unknown(),
    entitlement,
    safeguardRuleIds,
    staleAfterDays,
  })
  .partial();

export type CreateFlagInput = z.input<typeof createSchema>;
export type UpdateFlagInput = z.input<typeof updateSchema>;

/** What a flag's values are checked against. */
const specOf = (flag: Pick<Flag, 'type' | 'variants' | 'jsonSchema'>): ValueSpec => ({
  type: flag.type,
  variants: flag.variants,
  jsonSchema: (flag.jsonSchema ?? null) as JsonValue | null,
});

/** Variants belong to STRING flags and JSON schemas to JSON flags. */
function checkShape(spec: { type: Flag['type']; variants: string[]; jsonSchema: unknown }, given: { variants?: unknown; jsonSchema?: unknown }): void {
  if (spec.type !== 'STRING' && spec.variants.length > 0 && given.variants !== undefined) throw InputError.field(['input', 'variants'], 'only STRING flags have variants');
  if (spec.type !== 'JSON' && spec.jsonSchema !== null && given.jsonSchema !== undefined) throw InputError.field(['input', 'jsonSchema'], 'only JSON flags have a JSON schema');
}

/** The default and "on" value of a new flag: BOOLEAN flags default to false and turn on to true. */
function initialValue(type: Flag['type'], value: unknown, fallback: boolean, field: string): unknown {
  if (value !== undefined && value !== null) return value;
  if (type === 'BOOLEAN') return fallback;
  if (value === null && type === 'JSON') return null;
  throw InputError.field(['input', field], `required for ${type} flags`);
}

/** The alert rules by id, every one of them existing. */
async function checkAlertRules(db: TxDb, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const found = new Set((await db.alertRule.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((r) => r.id));
  const missing = ids.findIndex((id) => !found.has(id));
  if (missing >= 0) throw InputError.field(['input', 'safeguardRuleIds', String(missing)], 'no such alert rule');
}

// ─── revisions and events ────────────────────────────────────────────────────

/** Bumps the revision a snapshot's version counts: the global one, or the tenant's own. */
async function bumpRevision(db: TxDb, tenantId: string | null): Promise<void> {
  if (tenantId) {
    await db.flagTenantState.upsert({ where: { tenantId }, create: { tenantId, revision: 1 }, update: { revision: { increment: 1 } }, select: { tenantId: true } });
  } else {
    await db.flagCatalog.upsert({ where: { id: 1 }, create: { id: 1, revision: 1 }, update: { revision: { increment: 1 } }, select: { id: true } });
  }
}

/** Records a change: the revision it moves and the event, both delivered only if the transaction commits. */
export async function flagChanged(
  tx: Pick<Tx, 'db' | 'publish'>,
  flag: Pick<Flag, 'id' | 'key'>,
  kind: FlagChangeKind,
  tenantId: string | null = null,
): Promise<void> {
  if (!SCHEDULE_KINDS.includes(kind)) await bumpRevision(tx.db, tenantId);
  await tx.publish('flagChanged', { flagId: flag.id, key: flag.key, kind, tenantId });
}

/** The flag, locked for the rest of the transaction: concurrent changes to one flag queue up. */
function lockFlag(tx: Tx, id: string, field = 'id'): Promise<Flag> {
  return findOrNotFound('Flag', id, (id) => tx.db.flag.findUnique({ where: { id } }), { lock: tx, field });
}

/** Audited change of one flag; the definitions this process caches are dropped once it commits. */
async function flagChange<T>(scope: PlatformScope, work: (tx: Tx) => Promise<T>): Promise<T> {
  const result = await runAudited(scope, work);
  forgetDefinitions(scope.db);
  return result;
}

/** A value for a Json column: JSON null is stored as JSON null, not as a missing value. */
const jsonInput = (value: JsonValue): Prisma.InputJsonValue | typeof Prisma.JsonNull => (value === null ? Prisma.JsonNull : (value as Prisma.InputJsonValue));

const staleAtFor = (flag: Pick<Flag, 'lastEvaluatedAt' | 'createdAt'>, days: number) =>
  new Date((flag.lastEvaluatedAt ?? flag.createdAt).getTime() + days * 86_400_000);

// ─── definitions ─────────────────────────────────────────────────────────────

export async function createFlag(scope: PlatformScope, input: CreateFlagInput): Promise<Flag> {
  const data = parseInput(createSchema, input);
  checkShape({ type: data.type, variants: data.variants, jsonSchema: data.jsonSchema ?? null }, input);
  const jsonSchema = data.jsonSchema === undefined || data.jsonSchema === null ? null : checkJsonSchema(data.jsonSchema, ['input', 'jsonSchema']);
  const spec: ValueSpec = { type: data.type, variants: data.variants, jsonSchema };
  const defaultValue = checkValue(spec, initialValue(data.type, data.defaultValue, false, 'defaultValue'), ['input', 'defaultValue']);
  const onValue = checkValue(spec, initialValue(data.type, data.onValue, true, 'onValue'), ['input', 'onValue']);
  return flagChange(scope, async (tx) => {
    await checkAlertRules(tx.db, data.safeguardRuleIds);
    const now = new Date();
    const flag = await tx.db.flag.create({
      data: {
        key: data.key, type: data.type, description: data.description, owner: data.owner, tags: data.tags, variants: data.variants,
        jsonSchema: jsonSchema === null ? undefined : (jsonSchema as Prisma.InputJsonValue), defaultValue: jsonInput(defaultValue),
        onValue: jsonInput(onValue), entitlement: data.entitlement, staleAfterDays: data.staleAfterDays, enabled: data.enabled,
        createdAt: now, staleAt: staleAtFor({ lastEvaluatedAt: null, createdAt: now }, data.staleAfterDays),
        safeguardRules: { create: data.safeguardRuleIds.map((alertRuleId) => ({ alertRuleId })) },
      },
    });
    await syncPauses(tx, flag, data.safeguardRuleIds);
    await tx.audit({ action: 'flag.create', targetType: 'Flag', targetId: flag.id, after: { ...flag, safeguardRuleIds: data.safeguardRuleIds } });
    await flagChanged(tx, flag, 'created');
    return flag;
  });
}

/** Every stored value of the flag (default, on, rules, overrides) checked against a changed spec. */
async function recheckValues(tx: Tx, flag: Flag, spec: ValueSpec, changed: { defaultValue: unknown; onValue: unknown; rules: unknown }): Promise<void> {
  checkValue(spec, changed.defaultValue, ['input', 'defaultValue']);
  checkValue(spec, changed.onValue, ['input', 'onValue']);
  storedRules(changed.rules).forEach((rule, i) => {
    try {
      checkValue(spec, rule.value, ['rules', String(i), 'value']);
    } catch (error) {
      throw InputError.field(['input', flag.type === 'JSON' ? 'jsonSchema' : 'variants'], `rule ${i + 1} serves a value this would refuse: ${(error as InputError).message}`);
    }
  });
  const [tenantOverrides, userOverrides] = await Promise.all([
    tx.db.flagTenantOverride.findMany({ where: { flagId: flag.id }, select: { value: true, tenant: { select: { name: true } } } }),
    tx.db.flagUserOverride.findMany({ where: { flagId: flag.id }, select: { value: true, externalUserId: true } }),
  ]);
  for (const override of [...tenantOverrides.map((o) => ({ value: o.value, who: `the override of ${o.tenant.name}` })), ...userOverrides.map((o) => ({ value: o.value, who: `the override of user ${o.externalUserId}` }))]) {
    try {
      checkValue(spec, override.value, ['value']);
    } catch {
      throw InputError.field(['input', flag.type === 'JSON' ? 'jsonSchema' : 'variants'], `${override.who} holds a value this would refuse`);
    }
  }
}

export async function updateFlag(scope: PlatformScope, id: string, input: UpdateFlagInput): Promise<Flag> {
  const data = parseInput(updateSchema, input);
  return flagChange(scope, async (tx) => {
    const before = await lockFlag(tx, id);
    checkShape({ type: before.type, variants: data.variants ?? [], jsonSchema: data.jsonSchema ?? null }, input);
    const jsonSchema = data.jsonSchema === undefined ? undefined : data.jsonSchema === null ? null : checkJsonSchema(data.jsonSchema, ['input', 'jsonSchema']);
    const spec: ValueSpec = { type: before.type, variants: data.variants ?? before.variants, jsonSchema: jsonSchema === undefined ? (before.jsonSchema as JsonValue | null) : jsonSchema };
    const defaultValue = data.defaultValue === undefined ? before.defaultValue : checkValue(spec, data.defaultValue, ['input', 'defaultValue']);
    const onValue = data.onValue === undefined ? before.onValue : checkValue(spec, data.onValue, ['input', 'onValue']);
    if (data.variants !== undefined || jsonSchema !== undefined) await recheckValues(tx, before, spec, { defaultValue, onValue, rules: before.rules });
    const currentRules = (await tx.db.flagSafeguardRule.findMany({ where: { flagId: id }, select: { alertRuleId: true }, orderBy: { alertRuleId: 'asc' } })).map((r) => r.alertRuleId);
    const changes = {
      description: data.description, owner: data.owner, tags: data.tags, variants: data.variants, entitlement: data.entitlement, staleAfterDays: data.staleAfterDays,
      defaultValue: data.defaultValue === undefined ? undefined : defaultValue, onValue: data.onValue === undefined ? undefined : onValue,
      jsonSchema,
    };
    const fields = changedFields(before, changes);
    const rulesChanged = data.safeguardRuleIds !== undefined && !jsonEqual([...data.safeguardRuleIds].sort(), currentRules);
    if (fields.length === 0 && !rulesChanged) return tx.unchanged(before);
    if (rulesChanged) {
      await checkAlertRules(tx.db, data.safeguardRuleIds!);
      await tx.db.flagSafeguardRule.deleteMany({ where: { flagId: id } });
      await tx.db.flagSafeguardRule.createMany({ data: data.safeguardRuleIds!.map((alertRuleId) => ({ flagId: id, alertRuleId })) });
      await syncPauses(tx, before, data.safeguardRuleIds!);
    }
    const after = await tx.db.flag.update({
      where: { id },
      data: {
        ...Object.fromEntries(fields.map((f) => [f, (changes as Record<string, unknown>)[f]])),
        ...(fields.includes('defaultValue') ? { defaultValue: jsonInput(defaultValue as JsonValue) } : {}),
        ...(fields.includes('onValue') ? { onValue: jsonInput(onValue as JsonValue) } : {}),
        ...(fields.includes('jsonSchema') && jsonSchema === null ? { jsonSchema: Prisma.DbNull } : {}),
        ...(fields.includes('staleAfterDays') ? { staleAt: staleAtFor(before, data.staleAfterDays!) } : {}),
      } as Prisma.FlagUpdateInput,
    });
    await tx.audit({
      action: 'flag.update', targetType: 'Flag', targetId: id,
      before: { ...before, safeguardRuleIds: currentRules }, after: { ...after, safeguardRuleIds: rulesChanged ? data.safeguardRuleIds : currentRules },
    });
    await flagChanged(tx, after, 'updated');
    return after;
  });
}

export async function setFlagEnabled(scope: PlatformScope, id: string, enabled: boolean): Promise<Flag> {
  if (typeof enabled !== 'boolean') throw InputError.field('enabled', 'true or false');
  return flagChange(scope, async (tx) => {
    const before = await lockFlag(tx, id);
    if (before.enabled === enabled) return tx.unchanged(before);
    const after = await tx.db.flag.update({ where: { id }, data: { enabled } });
    await tx.audit({ action: 'flag.setEnabled', targetType: 'Flag', targetId: id, before: { enabled: before.enabled }, after: { enabled } });
    await flagChanged(tx, after, enabled ? 'enabled' : 'disabled');
    return after;
  });
}

export async function setFlagRules(scope: PlatformScope, id: string, rules: RuleInput[]): Promise<Flag> {
  return flagChange(scope, async (tx) => {
    const before = await lockFlag(tx, id);
    const checked = checkRules(specOf(before), rules);
    if (jsonEqual(checked as never, before.rules as never)) return tx.unchanged(before);
    const after = await tx.db.flag.update({ where: { id }, data: { rules: checked as unknown as Prisma.InputJsonValue } });
    await tx.audit({ action: 'flag.setRules', targetType: 'Flag', targetId: id, before: { rules: before.rules }, after: { rules: after.rules } });
    await flagChanged(tx, after, 'rulesChanged');
    return after;
  });
}

const rolloutInput = z.object({
  percentage: percentageSchema.nullable(),
  stickiness: z.enum(STICKINESS, 'TENANT or USER').nullish(),
});

/** A null percentage removes the rollout; the stickiness stays unless given. */
export async function setFlagRollout(scope: PlatformScope, id: string, percentage: number | null, stickiness?: FlagStickiness | null): Promise<Flag> {
  const data = parseInput(rolloutInput, { percentage, stickiness }, []);
  return flagChange(scope, async (tx) => {
    const before = await lockFlag(tx, id);
    const next = { rolloutBasisPoints: data.percentage === null ? null : toBasisPoints(data.percentage), rolloutStickiness: data.stickiness ?? before.rolloutStickiness };
    if (changedFields(before, next).length === 0) return tx.unchanged(before);
    const after = await tx.db.flag.update({ where: { id }, data: next });
    await tx.audit({
      action: 'flag.setRollout', targetType: 'Flag', targetId: id,
      before: { rolloutBasisPoints: before.rolloutBasisPoints, rolloutStickiness: before.rolloutStickiness }, after: next,
    });
    await flagChanged(tx, after, 'rolloutChanged');
    return after;
  });
}

export async function deleteFlag(scope: PlatformScope, id: string): Promise<Flag> {
  return flagChange(scope, async (tx) => {
    const before = await lockFlag(tx, id);
    const pending = await tx.db.flagScheduledChange.findMany({ where: { flagId: id, status: 'PENDING' }, select: { id: true } });
    for (const change of pending) await tx.db.$executeRaw`SELECT graphile_worker.remove_job(${scheduledJobKey(change.id)})`;
    await tx.db.flag.delete({ where: { id } });
    await tx.audit({ action: 'flag.delete', targetType: 'Flag', targetId: id, before });
    await flagChanged(tx, before, 'deleted');
    return before;
  });
}

// ─── overrides ───────────────────────────────────────────────────────────────

const externalUserId = z.object({ externalUserId: text({ min: 1, max: 200 }) });

async function existingTenant(tx: Tx, tenantId: string): Promise<{ id: string; name: string }> {
  return findOrNotFound('Tenant', tenantId, (id) => tx.db.tenant.findUnique({ where: { id }, select: { id: true, name: true } }), { field: 'tenantId' });
}

export async function setFlagTenantOverride(scope: PlatformScope, flagId: string, tenantId: string, value: unknown): Promise<Flag> {
  return flagChange(scope, async (tx) => {
    const flag = await lockFlag(tx, flagId, 'flagId');
    await existingTenant(tx, tenantId);
    const checked = checkValue(specOf(flag), value, ['value']);
    const before = await tx.db.flagTenantOverride.findUnique({ where: { flagId_tenantId: { flagId, tenantId } }, select: { value: true } });
    if (before && jsonEqual(before.value as JsonValue, checked)) return tx.unchanged(flag);
    await tx.db.flagTenantOverride.upsert({ where: { flagId_tenantId: { flagId, tenantId } }, create: { flagId, tenantId, value: jsonInput(checked) }, update: { value: jsonInput(checked) } });
    await tx.audit({ action: 'flag.setTenantOverride', targetType: 'Flag', targetId: flagId, tenantId, before: before ? { tenantId, value: before.value } : undefined, after: { tenantId, value: checked } });
    await flagChanged(tx, flag, 'tenantOverrideSet', tenantId);
    return flag;
  });
}

export async function removeFlagTenantOverride(scope: PlatformScope, flagId: string, tenantId: string): Promise<Flag> {
  if (!idSchema.safeParse(tenantId).success) throw InputError.field('tenantId', 'not a valid id');
  return flagChange(scope, async (tx) => {
    const flag = await lockFlag(tx, flagId, 'flagId');
    // The flag's lock serialises every change to its overrides: read, then delete.
    const where = { flagId_tenantId: { flagId, tenantId } };
    const removed = await tx.db.flagTenantOverride.findUnique({ where, select: { value: true } });
    if (!removed) throw new NotFoundError('FlagTenantOverride', `${flagId}/${tenantId}`);
    await tx.db.flagTenantOverride.delete({ where });
    await tx.audit({ action: 'flag.removeTenantOverride', targetType: 'Flag', targetId: flagId, tenantId, before: { tenantId, value: removed.value } });
    await flagChanged(tx, flag, 'tenantOverrideRemoved', tenantId);
    return flag;
  });
}

export async function setFlagUserOverride(scope: PlatformScope, flagId: string, tenantId: string, userId: string, value: unknown): Promise<Flag> {
  const { externalUserId: user } = parseInput(externalUserId, { externalUserId: userId }, []);
  return flagChange(scope, async (tx) => {
    const flag = await lockFlag(tx, flagId, 'flagId');
    await existingTenant(tx, tenantId);
    const checked = checkValue(specOf(flag), value, ['value']);
    const where = { flagId_tenantId_externalUserId: { flagId, tenantId, externalUserId: user } };
    const before = await tx.db.flagUserOverride.findUnique({ where, select: { value: true } });
    if (before && jsonEqual(before.value as JsonValue, checked)) return tx.unchanged(flag);
    await tx.db.flagUserOverride.upsert({ where, create: { flagId, tenantId, externalUserId: user, value: jsonInput(checked) }, update: { value: jsonInput(checked) } });
    await tx.audit({
      action: 'flag.setUserOverride', targetType: 'Flag', targetId: flagId, tenantId,
      before: before ? { tenantId, externalUserId: user, value: before.value } : undefined, after: { tenantId, externalUserId: user, value: checked },
    });
    await flagChanged(tx, flag, 'userOverrideSet', tenantId);
    return flag;
  });
}

export async function removeFlagUserOverride(scope: PlatformScope, flagId: string, tenantId: string, userId: string): Promise<Flag> {
  if (!idSchema.safeParse(tenantId).success) throw InputError.field('tenantId', 'not a valid id');
  const { externalUserId: user } = parseInput(externalUserId, { externalUserId: userId }, []);
  return flagChange(scope, async (tx) => {
    const flag = await lockFlag(tx, flagId, 'flagId');
    const where = { flagId_tenantId_externalUserId: { flagId, tenantId, externalUserId: user } };
    const removed = await tx.db.flagUserOverride.findUnique({ where, select: { value: true } });
    if (!removed) throw new NotFoundError('FlagUserOverride', `${flagId}/${tenantId}/${user}`);
    await tx.db.flagUserOverride.delete({ where });
    await tx.audit({ action: 'flag.removeUserOverride', targetType: 'Flag', targetId: flagId, tenantId, before: { tenantId, externalUserId: user, value: removed.value } });
    await flagChanged(tx, flag, 'userOverrideRemoved', tenantId);
    return flag;
  });
}

// ─── scheduled changes ───────────────────────────────────────────────────────

export const scheduledJobKey = (changeId: string) => `flag-change:${changeId}`;

const scheduleSchema = z
  .object({
    kind: z.enum(enumValues('FlagScheduledChangeKind'), 'ENABLE, DISABLE or SET_ROLLOUT'),
    runAt: z.date('a date and time').refine((d) => d.getTime() > Date.now(), 'in the future'),
    percentage: percentageSchema.nullish(),
    stickiness: z.enum(STICKINESS, 'TENANT or USER').nullish(),
  })
  .superRefine((s, ctx) => {
    if (s.kind !== 'SET_ROLLOUT' && s.percentage != null) ctx.addIssue({ code: 'custom', path: ['percentage'], message: `${s.kind} takes no percentage` });
    if (s.kind !== 'SET_ROLLOUT' && s.stickiness != null) ctx.addIssue({ code: 'custom', path: ['stickiness'], message: `${s.kind} takes no stickiness` });
  });

/** Schedules an enable, disable or rollout change; a keyed job applies it at `runAt`. */
export async function scheduleFlagChange(
  scope: PlatformScope,
  flagId: string,
  input: { kind: FlagScheduledChangeKind; runAt: Date; percentage?: number | null; stickiness?: FlagStickiness | null },
): Promise<FlagScheduledChange> {
  const data = parseInput(scheduleSchema, input, []);
  return runAudited(scope, async (tx) => {
    const flag = await lockFlag(tx, flagId, 'flagId');
    const change = await tx.db.flagScheduledChange.create({
      data: {
        flagId, kind: data.kind, runAt: data.runAt,
        basisPoints: data.kind === 'SET_ROLLOUT' && data.percentage != null ? toBasisPoints(data.percentage) : null,
        stickiness: data.kind === 'SET_ROLLOUT' ? (data.stickiness ?? null) : null,
        createdById: scope.principal.kind === 'admin' ? scope.principal.userId : null,
      },
    });
    await tx.enqueue('flagScheduledChange', { changeId: change.id }, { jobKey: scheduledJobKey(change.id), runAt: data.runAt });
    await tx.audit({ action: 'flag.scheduleChange', targetType: 'Flag', targetId: flagId, after: change });
    await flagChanged(tx, flag, 'changeScheduled');
    return change;
  });
}

/** Cancels a pending change (one that was applied, failed or cancelled already is refused). */
export async function cancelFlagChange(scope: PlatformScope, id: string): Promise<FlagScheduledChange> {
  return runAudited(scope, async (tx) => {
    const before = await findOrNotFound('FlagScheduledChange', id, (id) => tx.db.flagScheduledChange.findUnique({ where: { id }, include: { flag: { select: { id: true, key: true } } } }), { lock: tx });
    if (before.status !== 'PENDING') throw new InvalidTransitionError('FlagScheduledChange', before.status, 'CANCELLED');
    const after = await tx.db.flagScheduledChange.update({ where: { id }, data: { status: 'CANCELLED' } });
    await tx.db.$executeRaw`SELECT graphile_worker.remove_job(${scheduledJobKey(id)})`;
    const { flag, ...snapshot } = before;
    await tx.audit({ action: 'flag.cancelChange', targetType: 'Flag', targetId: flag.id, before: snapshot, after });
    await flagChanged(tx, flag, 'changeCancelled');
    return after;
  });
}

/**
 * Applies a scheduled change as the platform (audited as SYSTEM). Idempotent: a change that is no
 * longer pending (applied by an earlier attempt, cancelled, its flag deleted) is left as it is.
 */
export async function applyScheduledChange(scope: SystemScope, changeId: string): Promise<FlagScheduledChange | null> {
  const result = await runAudited(scope, async (tx) => {
    if (!(await tx.lock('FlagScheduledChange', changeId))) return tx.unchanged(null);
    const change = await tx.db.flagScheduledChange.findUnique({ where: { id: changeId } });
    if (!change || change.status !== 'PENDING') return tx.unchanged(change);
    const before = await lockFlag(tx, change.flagId);
    const data: Prisma.FlagUpdateInput =
      change.kind === 'SET_ROLLOUT'
        ? { rolloutBasisPoints: change.basisPoints, rolloutStickiness: change.stickiness ?? before.rolloutStickiness }
        : { enabled: change.kind === 'ENABLE' };
    const applied = await tx.db.flagScheduledChange.update({ where: { id: changeId }, data: { status: 'APPLIED', appliedAt: new Date() } });
    // Already so (enabled by hand before its time): applied, but nothing changed, recorded or announced.
    if (changedFields(before, data).length === 0) return tx.unchanged(applied);
    const after = await tx.db.flag.update({ where: { id: before.id }, data });
    const fields = change.kind === 'SET_ROLLOUT' ? (['rolloutBasisPoints', 'rolloutStickiness'] as const) : (['enabled'] as const);
    await tx.audit({
      action: 'flag.applyScheduledChange', targetType: 'Flag', targetId: before.id,
      before: { scheduledChangeId: changeId, ...Object.fromEntries(fields.map((f) => [f, before[f]])) },
      after: { scheduledChangeId: changeId, ...Object.fromEntries(fields.map((f) => [f, after[f]])) },
    });
    const kind: FlagChangeKind = change.kind === 'SET_ROLLOUT' ? 'rolloutChanged' : change.kind === 'ENABLE' ? 'enabled' : 'disabled';
    await flagChanged(tx, after, kind);
    return applied;
  });
  forgetDefinitions(scope.db);
  return result;
}

/** Marks a change that could not be applied (after the job's last attempt). */
export async function failScheduledChange(scope: SystemScope, changeId: string, reason: string): Promise<void> {
  await scope.db.flagScheduledChange.updateMany({ where: { id: changeId, status: 'PENDING' }, data: { status: 'FAILED', error: reason.slice(0, 1000) } });
}

// ─── evaluation ──────────────────────────────────────────────────────────────

/** What a snapshot of one tenant is built from, read in one statement through the scope's client. */
async function tenantFacts(scope: Scope, tenantId: string, userId: string | null, allUsers: boolean) {
  if (scope.principal.kind === 'anonymous') throw new NotFoundError('Tenant', tenantId);
  if (scope.principal.kind === 'tenant' && scope.principal.tenantId !== tenantId) throw new NotFoundError('Tenant', tenantId);
  if (!idSchema.safeParse(tenantId).success) throw InputError.field('tenantId', 'not a valid id');
  const db = scope.db as unknown as Pick<PlatformScope['db'], 'tenant'>;
  const tenant = await db.tenant.findUnique({
    where: { id: tenantId },
    select: {
      id: true,
      status: true,
      plan: { select: { code: true, entitlements: true } },
      flagState: { select: { revision: true } },
      flagTenantOverrides: { select: { flagId: true, value: true } },
      flagUserOverrides: allUsers || userId ? { where: allUsers ? {} : { externalUserId: userId! }, select: { flagId: true, externalUserId: true, value: true } } : false,
      flagSafeguardPauses: { where: { endedAt: null }, select: { flagId: true, alertRuleId: true } },
      users: userId ? { where: { externalId: userId }, select: { attributes: true }, take: 1 } : false,
    },
  });
  if (!tenant) throw new NotFoundError('Tenant', tenantId);
  return tenant;
}

/** The definitions cache belongs to the platform; a tenant key reaches it only through this evaluation. */
const platformOf = (scope: Scope): PlatformScope =>
  scope.principal.kind === 'admin' || scope.principal.kind === 'system' ? (scope as PlatformScope) : asSystem(scope, 'flagDefinitions');

interface BuiltSnapshot {
  snapshot: FlagSnapshot;
  /** Flag ids by key, for counting evaluations. */
  ids: Map<string, string>;
  /** The caller's context with the user's stored attributes under its own. */
  context: EvaluationContext;
  platform: PlatformScope;
}

/**
 * The rules as one tenant's key may see them. A rule's `tenantId` constraints are decided here, for this
 * tenant: a rule one of them excludes can never match and is left out, and those that hold are dropped.
 * So no tenant's snapshot names another tenant, and evaluation is unchanged (the evaluator never lets the
 * context override `tenantId`). Descriptions are the admins' notes: left out too.
 */
export function rulesForTenant(rules: readonly FlagRule[], tenant: TenantFacts): FlagRule[] {
  const out: FlagRule[] = [];
  for (const rule of rules) {
    const onTenant = rule.constraints.filter((c) => c.attribute === 'tenantId');
    if (!onTenant.every((c) => matchesConstraint(c, tenant, {}))) continue;
    out.push({ ...rule, description: '', constraints: onTenant.length ? rule.constraints.filter((c) => c.attribute !== 'tenantId') : rule.constraints });
  }
  return out;
}

async function buildSnapshot(scope: Scope, tenantId: string, context: EvaluationContext, allUsers: boolean): Promise<BuiltSnapshot> {
  const platform = platformOf(scope);
  const [definitions, tenant] = await Promise.all([cachedDefinitions(platform), tenantFacts(scope, tenantId, context.userId ?? null, allUsers)]);
  const overrides = new Map(tenant.flagTenantOverrides.map((o) => [o.flagId, o.value as JsonValue]));
  const userOverrides = new Map<string, Record<string, JsonValue>>();
  for (const o of tenant.flagUserOverrides ?? []) {
    const byUser = userOverrides.get(o.flagId) ?? {};
    byUser[o.externalUserId] = o.value as JsonValue;
    userOverrides.set(o.flagId, byUser);
  }
  const pauses = new Map<string, Set<string>>();
  for (const p of tenant.flagSafeguardPauses) pauses.set(p.flagId, (pauses.get(p.flagId) ?? new Set()).add(p.alertRuleId));
  const facts: TenantFacts = { id: tenant.id, plan: tenant.plan.code, status: tenant.status, entitlements: tenant.plan.entitlements };
  const forTenantKey = scope.principal.kind === 'tenant';
  const flags: FlagDefinition[] = definitions.flags.map(({ id, definition }) => ({
    ...definition,
    rules: forTenantKey ? rulesForTenant(definition.rules, facts) : definition.rules,
    tenantOverride: overrides.has(id) ? { value: overrides.get(id)! } : null,
    userOverrides: userOverrides.get(id) ?? {},
    pausedBy: [...(pauses.get(id) ?? [])].sort(),
  }));
  const stored = storedAttributes(tenant.users?.[0]?.attributes);
  return {
    snapshot: {
      version: String(definitions.revision + (tenant.flagState?.revision ?? 0n)),
      tenant: facts,
      flags,
    },
    ids: definitions.ids,
    context: { userId: context.userId ?? null, attributes: { ...stored, ...context.attributes } },
    platform,
  };
}

/**
 * What a client needs to evaluate every flag locally for one tenant: the global definitions with only
 * that tenant's overrides (its users' included), its plan, status and entitlements, and the safeguard
 * rules firing for it now. Scope: that tenant's own, or the platform's.
 */
export async function flagSnapshotForTenant(scope: Scope, tenantId: string): Promise<FlagSnapshot> {
  return (await buildSnapshot(scope, tenantId, {}, true)).snapshot;
}

/** Every flag evaluated for one tenant (+ optional user/attributes). Scope: tenant scope (its own tenant) or admin/system (any tenant). */
export async function evaluateFlagsForTenant(
  scope: Scope,
  tenantId: string,
  context?: EvaluationContext,
  options: { keys?: readonly string[] } = {},
): Promise<Evaluation[]> {
  const checked = checkContext(context ?? null);
  const built = await buildSnapshot(scope, tenantId, checked, false);
  // Only the flags asked about are evaluated, and so counted: a caller that needs three flags must not
  // mark every other flag as in use (stale detection reads the counts).
  const wanted = options.keys ? new Set(options.keys) : null;
  const snapshot = wanted ? { ...built.snapshot, flags: built.snapshot.flags.filter((f) => wanted.has(f.key)) } : built.snapshot;
  const evaluations = evaluateSnapshot(snapshot, built.context);
  recordEvaluations(built.platform, tenantId, evaluations.map((e) => built.ids.get(e.key)!).filter(Boolean));
  return evaluations;
}

/** One flag for one tenant with the evaluator's trace (admin preview: not counted as an evaluation). */
export async function explainFlag(scope: PlatformScope, key: string, tenantId: string, context?: ContextInput | null): Promise<Evaluation> {
  const checked = checkContext(context ?? null);
  const built = await buildSnapshot(scope, tenantId, checked, false);
  const flag = built.snapshot.flags.find((f) => f.key === key);
  if (!flag) throw new NotFoundError('Flag', key);
  const [evaluation] = evaluateSnapshot({ ...built.snapshot, flags: [flag] }, built.context, { explain: true });
  return evaluation!;
}

/** A flag's evaluations per UTC day in [from, to] (all tenants), zero days left out. */
export async function evaluationCounts(scope: PlatformScope, flagId: string, from: Date, to: Date): Promise<{ day: string; count: number }[]> {
  if (!(from <= to)) throw InputError.field('from', 'not after `to`');
  if (to.getTime() - from.getTime() > 400 * 86_400_000) throw InputError.field('to', 'at most 400 days after `from`');
  const rows = await scope.db.flagEvaluationDaily.groupBy({
    by: ['day'],
    where: { flagId, day: { gte: dayOf(from), lte: dayOf(to) } },
    _sum: { count: true },
    orderBy: { day: 'asc' },
  });
  return rows.map((r) => ({ day: r.day.toISOString().slice(0, 10), count: Number(r._sum.count ?? 0n) }));
}

const dayOf = (at: Date) => new Date(`${at.toISOString().slice(0, 10)}T00:00:00.000Z`);

export { fromBasisPoints };

/**
 * The changes that can change what this tenant is served: global changes and its own overrides and
 * pauses. Global events carry no tenant id, so the tenant's own scope (which hears only events naming
 * it) cannot hear them; other tenants' events are dropped here, before they reach a resolver.
 */
export function flagChangesForTenant(scope: TenantScope): AsyncIterableIterator<FlagChanged> {
  const { tenantId } = scope.principal;
  return asSystem(scope, 'flagDefinitions').subscribe('flagChanged', (e) => affectsTenant(e, tenantId));
}

/** Tenant changes that change what its flags are evaluated on: its plan (and so entitlements) or its status. */
export const TENANT_FACT_KINDS: readonly string[] = ['planChanged', 'suspended', 'activated', 'onboarded', 'pastDue', 'paymentRecovered'];

/** The manifest hook: a tenant's new plan or status moves its snapshot's version, in the tenant's own transaction. */
export async function onTenantChanged(tx: Pick<Tx, 'db'>, change: TenantChange): Promise<void> {
  if (TENANT_FACT_KINDS.includes(change.kind)) await bumpRevision(tx.db, change.tenantId);
}

/** The manifest hook: new entitlements of a plan move the snapshot version of every tenant on it, in one statement. */
export async function onPlanChanged(tx: Pick<Tx, 'db'>, change: PlanChange): Promise<void> {
  await tx.db.$executeRaw`
    INSERT INTO "FlagTenantState" ("tenantId", revision)
    SELECT id, 1 FROM "Tenant" WHERE "planId" = ${change.planId}::uuid
    ON CONFLICT ("tenantId") DO UPDATE SET revision = "FlagTenantState".revision + 1`;
}

/**
 * What the tenant graph's `flagsChanged` reports: the keys of changed flags, or no keys when the tenant's
 * own plan or status, or its plan's entitlements, changed (every flag may evaluate differently; the
 * snapshot says how).
 */
export function snapshotChangesForTenant(scope: TenantScope): AsyncIterableIterator<{ keys: string[] }> {
  const { tenantId } = scope.principal;
  // Plan events carry no tenant id: heard through the elevation, kept only for the tenant's own plan now.
  const onItsPlan = async (e: { planId: string }) =>
    (await scope.db.tenant.findUnique({ where: { id: tenantId }, select: { planId: true } }))?.planId === e.planId;
  return merged([
    mapped(flagChangesForTenant(scope), (e) => ({ keys: [e.key] })),
    mapped(scope.subscribe('tenantChanged', (e) => TENANT_FACT_KINDS.includes(e.kind)), () => ({ keys: [] })),
    mapped(filtered(asSystem(scope, 'flagDefinitions').subscribe('planChanged'), onItsPlan), () => ({ keys: [] })),
  ]);
}

/** The version a tenant's snapshot has now (what `flagsChanged` reports). */
export async function snapshotVersion(scope: TenantScope): Promise<string> {
  const [definitions, state] = await Promise.all([
    cachedDefinitions(platformOf(scope)),
    scope.db.flagTenantState.findUnique({ where: { tenantId: scope.principal.tenantId }, select: { revision: true } }),
  ]);
  return String(definitions.revision + (state?.revision ?? 0n));
}
