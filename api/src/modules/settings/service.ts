// System settings: the values of the registry's keys, global and per tenant. Other modules read them with
// `getSetting`, which answers from an in-process cache that every `settingChanged` (from any instance,
// through the Postgres pub/sub) invalidates, so a change applies without a restart. Secrets are stored
// encrypted in their own table and leave this file only through `getSetting` on the platform's scopes.
import { Prisma } from '../../db/client.ts';
import { DomainError, InputError, NotFoundError, parseInput } from '../../lib/errors.ts';
import { findOrNotFound } from '../../lib/records.ts';
import { secrets } from '../../lib/secrets.ts';
import { text, textProblem } from '../../lib/strings.ts';
import type { PlatformScope, TenantScope, TransactionScope } from '../../scope.ts';
import { runAudited, type AuditedTransaction } from '../audit/service.ts';
import { allSettings, defaultOf, settingSpec, type RegisteredSetting, type SettingCategory, type SettingKey, type SettingRegistry } from './registry.ts';

/** A per-tenant value for a key that has none. */
export class SettingNotOverridableError extends DomainError {
  override name = 'SettingNotOverridableError';
  constructor(readonly key: string) {
    super(`${key} has no per-tenant values`);
  }
}

export interface SettingChanged {
  key: string;
  /** The tenant whose override changed; null for the global value. */
  tenantId: string | null;
  kind: 'set' | 'reset';
}

type Values = ReadonlyMap<string, unknown>;

const secretContext = (key: string) => `setting:${key}`;

/** The value a key has for a tenant (its override) or globally (its stored value), else its default. */
function effective(scope: PlatformScope | TenantScope, spec: RegisteredSetting, globals: Values, overrides: Values | null): unknown {
  if (spec.tenantOverridable && overrides?.has(spec.key)) return readStored(scope, spec, overrides.get(spec.key));
  if (globals.has(spec.key)) return readStored(scope, spec, globals.get(spec.key));
  return defaultOf(spec);
}

/** A stored value as the schema reads it today; the default when it no longer passes (a changed schema). */
function readStored(scope: PlatformScope | TenantScope, spec: RegisteredSetting, stored: unknown): unknown {
  const parsed = spec.schema.safeParse(stored);
  if (parsed.success) return parsed.data;
  scope.logger.warn({ key: spec.key }, 'stored setting no longer passes its schema: its default applies');
  return defaultOf(spec);
}

function known(key: string): RegisteredSetting {
  const spec = settingSpec(key);
  if (!spec) throw new NotFoundError('Setting', key);
  return spec;
}

// ─── the cache (platform scopes) ─────────────────────────────────────────────

/** Another instance's change is heard at once; this bounds staleness while the LISTEN connection is down. */
const CACHE_TTL_MS = 60_000;
const MAX_CACHED_TENANTS = 5_000;

interface Cached {
  at: number;
  values: Promise<Values>;
}
interface Cache {
  globals: Cached | null;
  tenants: Map<string, Cached>;
}

/** Per client: one per platform instance in this process. */
const caches = new WeakMap<object, Cache>();
const listening = new WeakSet<object>();
/** Transactions (their clients) that wrote a setting: until they commit, what they read is not everyone's. */
const dirty = new WeakSet<object>();

function cacheOf(db: object): Cache {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = { globals: null, tenants: new Map() }));
  return cache;
}

/** Drops what a change made stale: one tenant's overrides, or the global values. */
function forget(db: object, tenantId: string | null): void {
  const cache = caches.get(db);
  if (!cache) return;
  if (tenantId) cache.tenants.delete(tenantId);
  else cache.globals = null;
}

function listen(scope: PlatformScope): void {
  if (listening.has(scope.db)) return;
  listening.add(scope.db);
  void (async () => {
    try {
      for await (const change of scope.subscribe('settingChanged')) forget(scope.db, change.tenantId);
    } catch (error) {
      scope.logger.warn({ err: error }, 'settings cache stopped listening');
    } finally {
      listening.delete(scope.db);
      caches.delete(scope.db);
    }
  })();
}

function fresh(entry: Cached | null | undefined): entry is Cached {
  return !!entry && Date.now() - entry.at < CACHE_TTL_MS;
}

function remember(load: () => Promise<Values>, drop: () => void): Cached {
  const entry = { at: Date.now(), values: load() };
  entry.values.catch(drop);
  return entry;
}

function decryptSecret(scope: PlatformScope, key: string, encrypted: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(secrets().decrypt(encrypted, secretContext(key))) };
  } catch (error) {
    scope.logger.error({ key, err: error }, 'stored secret setting cannot be decrypted: its default applies');
    return { ok: false };
  }
}

/** The platform's client, or a transaction's: a read inside a transaction must not wait for a second connection. */
type Db = PlatformScope['db'] | TransactionScope<PlatformScope>['db'];

async function loadGlobals(scope: PlatformScope, db: Db): Promise<Values> {
  const [rows, secretRows] = await Promise.all([db.setting.findMany(), db.settingSecret.findMany()]);
  const values = new Map<string, unknown>(rows.map((row) => [row.key, row.value]));
  for (const row of secretRows) {
    const secret = decryptSecret(scope, row.key, row.encryptedValue);
    if (secret.ok) values.set(row.key, secret.value);
  }
  return values;
}

async function loadOverrides(db: Db, tenantId: string): Promise<Values> {
  const rows = await db.tenantSetting.findMany({ where: { tenantId }, select: { key: true, value: true } });
  return new Map(rows.map((row) => [row.key, row.value]));
}

function cachedGlobals(scope: PlatformScope, db: Db): Promise<Values> {
  const cache = cacheOf(scope.db);
  if (!fresh(cache.globals)) {
    const entry: Cached = remember(() => loadGlobals(scope, db), () => cache.globals === entry && (cache.globals = null));
    cache.globals = entry;
  }
  return cache.globals!.values;
}

function cachedOverrides(scope: PlatformScope, db: Db, tenantId: string): Promise<Values> {
  const cache = cacheOf(scope.db);
  let entry = cache.tenants.get(tenantId);
  if (!fresh(entry)) {
    if (cache.tenants.size >= MAX_CACHED_TENANTS) cache.tenants.delete(cache.tenants.keys().next().value!);
    const made: Cached = remember(() => loadOverrides(db, tenantId), () => cache.tenants.get(tenantId) === made && cache.tenants.delete(tenantId));
    cache.tenants.set(tenantId, (entry = made));
  }
  return entry!.values;
}

// ─── tenant keys: read through the scoped client, once per request ──────────

/** A subscription's context lives as long as it does: its reads are fresh again after this. */
const REQUEST_READ_MS = 1_000;
const perRequest = new WeakMap<object, { at: number; values: Promise<{ globals: Values; overrides: Values }> }>();

/** The non-secret global values and the key's own overrides (the scoped client reaches no other tenant's). */
function tenantValues(scope: TenantScope): Promise<{ globals: Values; overrides: Values }> {
  const memo = perRequest.get(scope);
  if (memo && Date.now() - memo.at < REQUEST_READ_MS) return memo.values;
  const values = (async () => {
    const [rows, own] = await Promise.all([scope.db.setting.findMany(), scope.db.tenantSetting.findMany({ select: { key: true, value: true } })]);
    return { globals: new Map(rows.map((r) => [r.key, r.value])), overrides: new Map(own.map((r) => [r.key, r.value])) };
  })();
  perRequest.set(scope, { at: Date.now(), values });
  return values;
}

// ─── reading ─────────────────────────────────────────────────────────────────

/** Who reads: a scope, or a transaction of the platform (its own connection serves a cache miss). */
export type SettingReader = PlatformScope | TenantScope | TransactionScope<PlatformScope>;

/**
 * A setting's effective value: the tenant's override (keys that allow one, with `tenantId`), else the global
 * value, else the registered default. Typed by its key. A tenant key reads its own tenant's values of
 * non-secret settings only.
 */
export async function getSetting<K extends SettingKey>(
  reader: SettingReader,
  key: K,
  /** `fresh`: read the stored value now, past the cache (a job that must act on the value just committed). */
  options: { tenantId?: string | null; fresh?: boolean } = {},
): Promise<SettingRegistry[K]> {
  const spec = known(key);
  const inTransaction = 'scope' in reader;
  const scope = inTransaction ? reader.scope : reader;
  if (scope.principal.kind === 'tenant') {
    if (spec.secret) throw new Error(`Setting ${key} is secret: tenant keys never read it`);
    if (options.tenantId && options.tenantId !== scope.principal.tenantId) throw new Error('A tenant key reads its own settings only');
    const { globals, overrides } = await tenantValues(scope as TenantScope);
    return effective(scope, spec, globals, overrides) as SettingRegistry[K];
  }
  const platform = scope as PlatformScope;
  // A transaction that changed settings reads its own writes: those never go into the cache.
  if ((inTransaction && dirty.has(reader.db)) || options.fresh) {
    const db = inTransaction ? reader.db : platform.db;
    const [globals, overrides] = await Promise.all([loadGlobals(platform, db), options.tenantId ? loadOverrides(db, options.tenantId) : null]);
    return effective(platform, spec, globals, overrides) as SettingRegistry[K];
  }
  listen(platform);
  const db = inTransaction ? reader.db : platform.db;
  const [globals, overrides] = await Promise.all([
    cachedGlobals(platform, db),
    spec.tenantOverridable && options.tenantId ? cachedOverrides(platform, db, options.tenantId) : null,
  ]);
  return effective(platform, spec, globals, overrides) as SettingRegistry[K];
}

/** A registered setting as admins see it: never a secret's value, only whether one is stored. */
export interface SettingEntry {
  spec: RegisteredSetting;
  /** The global value (stored, else the default); null for secrets. */
  value: unknown;
  isSet: boolean;
  updatedAt: Date | null;
  updatedById: string | null;
  overridesCount: number;
}

/** The registry's settings (of one category), each with its global value and how many tenants override it. */
export async function listSettings(scope: PlatformScope, category?: SettingCategory | null, keys?: string[]): Promise<SettingEntry[]> {
  const specs = allSettings().filter((s) => (!category || s.category === category) && (!keys || keys.includes(s.key)));
  const where = { key: { in: specs.map((s) => s.key) } };
  const [rows, secretRows, counts] = await Promise.all([
    scope.db.setting.findMany({ where }),
    scope.db.settingSecret.findMany({ where, select: { key: true, updatedAt: true, updatedById: true } }),
    scope.db.tenantSetting.groupBy({ by: ['key'], where, _count: { _all: true } }),
  ]);
  const stored = new Map<string, { value?: unknown; updatedAt: Date; updatedById: string | null }>([...rows, ...secretRows].map((r) => [r.key, r]));
  const overrides = new Map(counts.map((c) => [c.key, c._count._all]));
  return specs.map((spec) => {
    const row = stored.get(spec.key);
    return {
      spec,
      value: spec.secret ? null : row ? readStored(scope, spec, row.value) : defaultOf(spec),
      isSet: !!row,
      updatedAt: row?.updatedAt ?? null,
      updatedById: row?.updatedById ?? null,
      overridesCount: overrides.get(spec.key) ?? 0,
    };
  });
}

export async function settingEntry(scope: PlatformScope, key: string): Promise<SettingEntry | null> {
  if (!settingSpec(key)) return null;
  return (await listSettings(scope, null, [key]))[0] ?? null;
}

/** One non-secret setting as it applies to one tenant. */
export interface TenantSettingEntry {
  spec: RegisteredSetting;
  value: unknown;
  /** The global value (stored, else the default) the tenant has without an override. */
  globalValue: unknown;
  overridden: boolean;
  updatedAt: Date | null;
}

/** Every non-secret setting's effective value for a tenant, and which the tenant overrides; null: no such tenant. */
export async function tenantSettings(scope: PlatformScope, tenantId: string): Promise<TenantSettingEntry[] | null> {
  const [tenant, rows, own] = await Promise.all([
    scope.db.tenant.findUnique({ where: { id: tenantId }, select: { id: true } }),
    scope.db.setting.findMany(),
    scope.db.tenantSetting.findMany({ where: { tenantId } }),
  ]);
  if (!tenant) return null;
  const globals = new Map(rows.map((r) => [r.key, r.value]));
  const overrides = new Map(own.map((r) => [r.key, r]));
  return allSettings()
    .filter((spec) => !spec.secret)
    .map((spec) => {
      const override = spec.tenantOverridable ? overrides.get(spec.key) : undefined;
      const globalValue = effective(scope, spec, globals, null);
      return {
        spec, globalValue, overridden: !!override, updatedAt: override?.updatedAt ?? null,
        value: override ? readStored(scope, spec, override.value) : globalValue,
      };
    });
}

/** The calling tenant's effective values of the settings marked tenant-visible (never a secret). */
export async function visibleTenantSettings(scope: TenantScope): Promise<{ spec: RegisteredSetting; value: unknown }[]> {
  const { globals, overrides } = await tenantValues(scope);
  return allSettings()
    .filter((spec) => spec.tenantVisible && !spec.secret)
    .map((spec) => ({ spec, value: effective(scope, spec, globals, overrides) }));
}

// ─── input ───────────────────────────────────────────────────────────────────

const keySchema = text({ min: 1, max: 100 });

function parseKey(key: string): RegisteredSetting {
  return known(parseInput(keySchema, key, ['key']));
}

/** Text Postgres cannot hold (NUL) or that is not text anywhere in a JSON value, strings and object keys alike. */
function assertJsonText(value: unknown, path: string[]): void {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    if (problem) throw InputError.field(path, problem);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => assertJsonText(item, [...path, String(i)]));
  } else if (value && typeof value === 'object') {
    for (const [name, item] of Object.entries(value)) {
      const problem = textProblem(name);
      if (problem) throw InputError.field(path, `key ${JSON.stringify(name.replaceAll('\u0000', ''))}: ${problem}`);
      assertJsonText(item, [...path, name]);
    }
  }
}

/** A value for `spec`, parsed by its schema; a failure names the problem's path under `value`. */
export function parseSettingValue(spec: RegisteredSetting, value: unknown): unknown {
  if (value === undefined) throw InputError.field(['value'], 'required');
  assertJsonText(value, ['value']);
  return parseInput(spec.schema, value, ['value']);
}

/** Key order does not make two JSON values different (jsonb does not keep it). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const asJson = (value: unknown) => (value === null ? Prisma.JsonNull : (value as Prisma.InputJsonValue));
const adminId = (scope: PlatformScope) => (scope.principal.kind === 'admin' ? scope.principal.userId : null);

type Tx = AuditedTransaction<PlatformScope>;

// ─── global values ───────────────────────────────────────────────────────────

async function writeGlobal(tx: Tx, spec: RegisteredSetting, value: unknown): Promise<void> {
  // One writer per key at a time: the loser of a race reads the winner's value (and records nothing if equal).
  await tx.lockNamed(`settings:${spec.key}`);
  dirty.add(tx.db);
  const updatedById = adminId(tx.scope);
  if (spec.secret) {
    const row = await tx.db.settingSecret.findUnique({ where: { key: spec.key } });
    const current = row ? decryptSecret(tx.scope, spec.key, row.encryptedValue) : null;
    if (current?.ok && canonical(current.value) === canonical(value)) return void tx.unchanged(null);
    await spec.onChange?.(tx, { before: current?.ok ? current.value : defaultOf(spec), after: value });
    const encryptedValue = secrets().encrypt(JSON.stringify(value), secretContext(spec.key));
    await tx.db.settingSecret.upsert({ where: { key: spec.key }, create: { key: spec.key, encryptedValue, updatedById }, update: { encryptedValue, updatedById } });
    // The audit log keeps that a secret changed, never the secret (not even encrypted).
    await tx.audit({ action: 'setting.set', targetType: 'Setting', targetId: spec.key, before: { key: spec.key, secret: true, isSet: !!row }, after: { key: spec.key, secret: true, isSet: true, changed: true } });
  } else {
    const row = await tx.db.setting.findUnique({ where: { key: spec.key } });
    if (row && canonical(row.value) === canonical(value)) return void tx.unchanged(null);
    await spec.onChange?.(tx, { before: row ? readStored(tx.scope, spec, row.value) : defaultOf(spec), after: value });
    await tx.db.setting.upsert({ where: { key: spec.key }, create: { key: spec.key, value: asJson(value), updatedById }, update: { value: asJson(value), updatedById } });
    await tx.audit({
      action: 'setting.set', targetType: 'Setting', targetId: spec.key,
      before: { key: spec.key, value: row ? row.value : defaultOf(spec), isSet: !!row }, after: { key: spec.key, value, isSet: true },
    });
  }
  await tx.publish('settingChanged', { key: spec.key, tenantId: null, kind: 'set' });
}

/** Sets a setting's global value (validated by its schema). Audited, published. */
export async function setSetting(scope: PlatformScope, key: string, value: unknown): Promise<SettingEntry> {
  const spec = parseKey(key);
  const parsed = parseSettingValue(spec, value);
  await runAudited(scope, (tx) => writeGlobal(tx, spec, parsed));
  forget(scope.db, null);
  return (await settingEntry(scope, spec.key))!;
}

/**
 * Sets a global value inside another module's audited transaction (the support desk's form sets the
 * assignment strategy this way): the same checks, audit entry and event as `setSetting`.
 */
export async function setSettingIn(tx: Tx, key: SettingKey, value: unknown): Promise<void> {
  const spec = known(key);
  await writeGlobal(tx, spec, parseSettingValue(spec, value));
  forget(tx.scope.db, null);
}

/** Removes the global value: the default applies again. Audited, published; nothing stored changes nothing. */
export async function resetSetting(scope: PlatformScope, key: string): Promise<SettingEntry> {
  const spec = parseKey(key);
  await runAudited(scope, async (tx) => {
    await tx.lockNamed(`settings:${spec.key}`);
    dirty.add(tx.db);
    let before: Record<string, unknown>;
    let after: Record<string, unknown>;
    if (spec.secret) {
      const row = await tx.db.settingSecret.findUnique({ where: { key: spec.key } });
      if (!row) return tx.unchanged(null);
      await tx.db.settingSecret.delete({ where: { key: spec.key } });
      [before, after] = [{ key: spec.key, secret: true, isSet: true }, { key: spec.key, secret: true, isSet: false }];
      const current = decryptSecret(tx.scope, spec.key, row.encryptedValue);
      await spec.onChange?.(tx, { before: current.ok ? current.value : defaultOf(spec), after: defaultOf(spec) });
    } else {
      const row = await tx.db.setting.findUnique({ where: { key: spec.key } });
      if (!row) return tx.unchanged(null);
      await tx.db.setting.delete({ where: { key: spec.key } });
      [before, after] = [{ key: spec.key, value: row.value, isSet: true }, { key: spec.key, value: defaultOf(spec), isSet: false }];
      await spec.onChange?.(tx, { before: readStored(tx.scope, spec, row.value), after: defaultOf(spec) });
    }
    await tx.audit({ action: 'setting.reset', targetType: 'Setting', targetId: spec.key, before, after });
    await tx.publish('settingChanged', { key: spec.key, tenantId: null, kind: 'reset' });
    return null;
  });
  forget(scope.db, null);
  return (await settingEntry(scope, spec.key))!;
}

// ─── per-tenant overrides ────────────────────────────────────────────────────

async function overridable(tx: Tx, tenantId: string, key: string): Promise<RegisteredSetting> {
  const spec = parseKey(key);
  await findOrNotFound('Tenant', tenantId, (id) => tx.db.tenant.findUnique({ where: { id }, select: { id: true } }), { field: 'tenantId' });
  if (!spec.tenantOverridable) throw new SettingNotOverridableError(spec.key);
  await tx.lockNamed(`settings:${tenantId}:${spec.key}`);
  dirty.add(tx.db);
  return spec;
}

/** Gives one tenant its own value of a key that allows it. Audited, published. */
export async function setTenantSetting(scope: PlatformScope, tenantId: string, key: string, value: unknown): Promise<TenantSettingEntry> {
  const spec = parseKey(key);
  const parsed = parseSettingValue(spec, value);
  await runAudited(scope, async (tx) => {
    await overridable(tx, tenantId, key);
    const row = await tx.db.tenantSetting.findUnique({ where: { tenantId_key: { tenantId, key: spec.key } } });
    if (row && canonical(row.value) === canonical(parsed)) return tx.unchanged(null);
    const updatedById = adminId(scope);
    await tx.db.tenantSetting.upsert({
      where: { tenantId_key: { tenantId, key: spec.key } },
      create: { tenantId, key: spec.key, value: asJson(parsed), updatedById },
      update: { value: asJson(parsed), updatedById },
    });
    await tx.audit({
      action: 'tenantSetting.set', targetType: 'TenantSetting', targetId: spec.key, tenantId,
      before: { key: spec.key, value: row ? row.value : null, overridden: !!row }, after: { key: spec.key, value: parsed, overridden: true },
    });
    await tx.publish('settingChanged', { key: spec.key, tenantId, kind: 'set' });
    return null;
  });
  forget(scope.db, tenantId);
  return (await tenantSettings(scope, tenantId))!.find((e) => e.spec.key === spec.key)!;
}

/** Removes a tenant's own value: the global one applies again. Audited, published. */
export async function resetTenantSetting(scope: PlatformScope, tenantId: string, key: string): Promise<TenantSettingEntry> {
  const spec = parseKey(key);
  await runAudited(scope, async (tx) => {
    await overridable(tx, tenantId, key);
    const row = await tx.db.tenantSetting.findUnique({ where: { tenantId_key: { tenantId, key: spec.key } } });
    if (!row) return tx.unchanged(null);
    await tx.db.tenantSetting.delete({ where: { id: row.id } });
    await tx.audit({
      action: 'tenantSetting.reset', targetType: 'TenantSetting', targetId: spec.key, tenantId,
      before: { key: spec.key, value: row.value, overridden: true }, after: { key: spec.key, value: null, overridden: false },
    });
    await tx.publish('settingChanged', { key: spec.key, tenantId, kind: 'reset' });
    return null;
  });
  forget(scope.db, tenantId);
  return (await tenantSettings(scope, tenantId))!.find((e) => e.spec.key === spec.key)!;
}
