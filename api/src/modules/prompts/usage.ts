// Renders are counted in this process's memory and written as one upsert per flush (every few seconds,
// when the server stops, and before usage is read here), never a row per render.
import type { Env } from '../../env.ts';
import type { PlatformScope, SystemScope } from '../../scope.ts';
import type { RequestObserver } from '../manifest.ts';

const FLUSH_INTERVAL_MS = 5_000;

/** `${versionId}|${tenantId}|${YYYY-MM-DD}` → renders not yet written. */
let pending = new Map<string, number>();

/** Counts one render of a version for a tenant on the UTC day of `at`. */
export function countRender(versionId: string, tenantId: string, at = new Date()): void {
  const key = `${versionId}|${tenantId}|${at.toISOString().slice(0, 10)}`;
  pending.set(key, (pending.get(key) ?? 0) + 1);
}

// Rows of a tenant or version deleted meanwhile are left out rather than failing the batch.
const FLUSH_SQL = `
INSERT INTO "PromptUsageDaily" ("versionId", "tenantId", day, count)
SELECT u.version_id, u.tenant_id, u.day, u.count
FROM unnest($1::uuid[], $2::uuid[], $3::date[], $4::int[]) AS u(version_id, tenant_id, day, count)
WHERE EXISTS (SELECT 1 FROM "Tenant" t WHERE t.id = u.tenant_id)
  AND EXISTS (SELECT 1 FROM "PromptVersion" v WHERE v.id = u.version_id)
ON CONFLICT ("versionId", "tenantId", day) DO UPDATE SET count = "PromptUsageDaily".count + EXCLUDED.count`;

let flushing: Promise<unknown> = Promise.resolve();

/** Writes the counted renders in one statement; on failure they are kept for the next flush. */
export function flushPromptUsage(scope: PlatformScope): Promise<number> {
  const run = flushing.then(async () => {
    if (!pending.size) return 0;
    const batch = pending;
    pending = new Map();
    const columns: [string[], string[], string[], number[]] = [[], [], [], []];
    for (const [key, count] of batch) {
      const [versionId, tenantId, day] = key.split('|') as [string, string, string];
      columns[0].push(versionId);
      columns[1].push(tenantId);
      columns[2].push(day);
      columns[3].push(count);
    }
    try {
      await scope.db.$executeRawUnsafe(FLUSH_SQL, ...columns);
      return batch.size;
    } catch (error) {
      for (const [key, count] of batch) pending.set(key, (pending.get(key) ?? 0) + count);
      throw error;
    }
  });
  flushing = run.catch(() => undefined);
  return run;
}

/** The API process's flusher, started with its server (the manifest's request observer hook). */
export function promptUsageFlusher(scope: SystemScope, _env: Env): RequestObserver {
  const flush = () => flushPromptUsage(scope).catch((err: unknown) => scope.logger.warn({ err }, 'could not record prompt usage'));
  const timer = setInterval(() => void flush(), FLUSH_INTERVAL_MS);
  timer.unref();
  return {
    observe() {},
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
