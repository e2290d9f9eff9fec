// The per-process side of evaluation: the global flag definitions, cached and dropped on every
// `flagChanged` (from any instance, through the Postgres pub/sub), and evaluation counts, kept in memory
// and added to the daily rows in one statement every few seconds and when the server stops.
import type { FlagDefinition, JsonValue } from '@opsgraph/flag-evaluator';
import type { Env } from '../../env.ts';
import type { PlatformScope, SystemScope } from '../../scope.ts';
import type { RequestObserver } from '../manifest.ts';
import { fromBasisPoints, storedRules } from './values.ts';

/** A flag's definition without the tenant's parts (overrides, pauses), which each request reads. */
type GlobalDefinition = Omit<FlagDefinition, 'tenantOverride' | 'userOverrides' | 'pausedBy'>;

export interface Definitions {
  /** The catalogue's revision when these were read. */
  revision: bigint;
  flags: { id: string; definition: GlobalDefinition }[];
  ids: Map<string, string>;
}

/** A backstop: a change whose event this process missed (a dropped connection) is seen within this. */
const CACHE_TTL_MS = 60_000;
/** How often the counts kept in memory are written. */
export const FLUSH_INTERVAL_MS = 5_000;

interface Cache {
  loading: Promise<Definitions> | null;
  loadedAt: number;
  /** Bumped on every invalidation: a load that started before one is not kept. */
  generation: number;
  listening: boolean;
}

/** Per client (one per platform instance in this process). */
const caches = new WeakMap<object, Cache>();

function cacheOf(db: object): Cache {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = { loading: null, loadedAt: 0, generation: 0, listening: false }));
  return cache;
}

/** Drops the cached definitions (after a change committed here; other instances hear the event). */
export function forgetDefinitions(db: PlatformScope['db']): void {
  const cache = cacheOf(db);
  cache.generation += 1;
  cache.loading = null;
}

function listen(scope: PlatformScope, cache: Cache): void {
  if (cache.listening) return;
  cache.listening = true;
  void (async () => {
    try {
      // Tenant-only changes (overrides, pauses) are read per request: they leave the cache alone.
      for await (const _change of scope.subscribe('flagChanged', (e) => !e.tenantId)) forgetDefinitions(scope.db);
    } catch (error) {
      scope.logger.warn({ err: error }, 'flag definitions cache stopped listening');
    } finally {
      cache.listening = false;
      forgetDefinitions(scope.db);
    }
  })();
}

async function loadDefinitions(scope: PlatformScope): Promise<Definitions> {
  const [catalog, rows] = await Promise.all([
    scope.db.flagCatalog.findUnique({ where: { id: 1 }, select: { revision: true } }),
    scope.db.flag.findMany({
      select: {
        id: true, key: true, type: true, enabled: true, defaultValue: true, onValue: true, rules: true, rolloutBasisPoints: true,
        rolloutStickiness: true, entitlement: true,
      },
      orderBy: { key: 'asc' },
    }),
  ]);
  return {
    revision: catalog?.revision ?? 0n,
    flags: rows.map((f) => ({
      id: f.id,
      definition: {
        key: f.key,
        type: f.type,
        enabled: f.enabled,
        defaultValue: f.defaultValue as JsonValue,
        onValue: f.onValue as JsonValue,
        rules: storedRules(f.rules),
        rollout: f.rolloutBasisPoints === null ? null : { percentage: fromBasisPoints(f.rolloutBasisPoints), stickiness: f.rolloutStickiness },
        entitlement: f.entitlement,
      },
    })),
    ids: new Map(rows.map((f) => [f.key, f.id])),
  };
}

/** Every flag's global definition, as this process last read it. */
export async function cachedDefinitions(scope: PlatformScope): Promise<Definitions> {
  const cache = cacheOf(scope.db);
  listen(scope, cache);
  if (cache.loading && Date.now() - cache.loadedAt < CACHE_TTL_MS) return cache.loading;
  const generation = cache.generation;
  const loading = loadDefinitions(scope);
  cache.loading = loading;
  cache.loadedAt = Date.now();
  loading.then(
    () => {
      // A change committed while this was reading: the next request reads again.
      if (cache.generation !== generation && cache.loading === loading) cache.loading = null;
    },
    () => {
      if (cache.loading === loading) cache.loading = null;
    },
  );
  return loading;
}

// ─── evaluation counts ───────────────────────────────────────────────────────

interface Counter {
  /** `${flagId} ${tenantId} ${day}` → evaluations since the last flush. */
  counts: Map<string, number>;
  timer: NodeJS.Timeout | null;
  flushing: Promise<void>;
  scope: PlatformScope;
}

const counters = new WeakMap<object, Counter>();

function counterOf(scope: PlatformScope): Counter {
  let counter = counters.get(scope.db);
  if (!counter) counters.set(scope.db, (counter = { counts: new Map(), timer: null, flushing: Promise.resolve(), scope }));
  return counter;
}

/** Counts one evaluation of each flag for the tenant, in memory (no statement). */
export function recordEvaluations(scope: PlatformScope, tenantId: string, flagIds: readonly string[], at = new Date()): void {
  if (flagIds.length === 0) return;
  const counter = counterOf(scope);
  const day = at.toISOString().slice(0, 10);
  for (const flagId of flagIds) {
    const key = `${flagId} ${tenantId} ${day}`;
    counter.counts.set(key, (counter.counts.get(key) ?? 0) + 1);
  }
  if (!counter.timer) {
    counter.timer = setTimeout(() => {
      counter.timer = null;
      void flushFlagEvaluations(counter.scope);
    }, FLUSH_INTERVAL_MS);
    counter.timer.unref();
  }
}

/**
 * Adds the counts kept in memory to the daily rows and moves the flags' last evaluation (and with it the
 * time they go stale), in one statement. Counts of a flag deleted meanwhile are dropped.
 */
export async function flushFlagEvaluations(scope: PlatformScope): Promise<void> {
  const counter = counterOf(scope);
  if (counter.timer) {
    clearTimeout(counter.timer);
    counter.timer = null;
  }
  const batch = counter.counts;
  counter.counts = new Map();
  counter.flushing = counter.flushing.then(async () => {
    if (batch.size === 0) return;
    const flagIds: string[] = [];
    const tenantIds: string[] = [];
    const days: string[] = [];
    const counts: number[] = [];
    for (const [key, count] of batch) {
      const [flagId, tenantId, day] = key.split(' ') as [string, string, string];
      flagIds.push(flagId);
      tenantIds.push(tenantId);
      days.push(day);
      counts.push(count);
    }
    const at = new Date();
    try {
      await scope.db.$executeRaw`
        WITH counted AS (
          INSERT INTO "FlagEvaluationDaily" ("flagId", "tenantId", "day", "count")
          SELECT u.flag_id, u.tenant_id, u.day, u.n
            FROM unnest(${flagIds}::uuid[], ${tenantIds}::uuid[], ${days}::date[], ${counts}::bigint[]) AS u(flag_id, tenant_id, day, n)
           WHERE EXISTS (SELECT 1 FROM "Flag" f WHERE f.id = u.flag_id)
          ON CONFLICT ("flagId", "tenantId", "day") DO UPDATE SET "count" = "FlagEvaluationDaily"."count" + EXCLUDED."count"
          RETURNING "flagId"
        )
        UPDATE "Flag" f
           SET "lastEvaluatedAt" = GREATEST(f."lastEvaluatedAt", ${at}::timestamptz),
               "staleAt" = GREATEST(f."lastEvaluatedAt", ${at}::timestamptz) + f."staleAfterDays" * interval '1 day'
         WHERE f.id IN (SELECT DISTINCT "flagId" FROM counted)`;
    } catch (err) {
      scope.logger.warn({ err, rows: batch.size }, 'could not record flag evaluations');
    }
  });
  return counter.flushing;
}

/**
 * Not an observer of requests: the server closes its observers when it stops, which is when the counts
 * still in memory must be written.
 */
export function flagEvaluationRecorder(scope: SystemScope, _env: Env): RequestObserver {
  return {
    observe() {},
    close: () => flushFlagEvaluations(scope),
  };
}
