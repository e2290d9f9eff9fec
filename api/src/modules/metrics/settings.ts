// Monitoring's settings: one row (id 1), the defaults until an admin first saves them. Ingestion checks
// every point against the raw retention, so the row is cached briefly in process rather than read per batch.
import { z } from 'zod';
import type { MonitoringSettings } from '../../generated/prisma/client.ts';
import { InputError, parseInput } from '../../lib/errors.ts';
import type { PlatformScope, TransactionScope } from '../../scope.ts';
import { changedFields } from '../audit/diff.ts';
import { runAudited } from '../audit/service.ts';

type Db = PlatformScope['db'] | TransactionScope<PlatformScope>['db'];

const SETTINGS_ID = 1;
export const SETTINGS_BOUNDS = {
  rawRetentionDays: { min: 1, max: 90 },
  rollupRetentionDays: { min: 7, max: 1825 },
  evaluationIntervalSecs: { min: 5, max: 3600 },
} as const;

const DEFAULTS = { rawRetentionDays: 7, rollupRetentionDays: 400, evaluationIntervalSecs: 15 };
/** How long a process trusts its copy (another instance's change is seen within this). */
const CACHE_MS = 10_000;

let cached: { value: MonitoringSettings; until: number } | null = null;

/** The settings, from the database. */
export async function monitoringSettings(db: Db): Promise<MonitoringSettings> {
  const row = await db.monitoringSettings.findUnique({ where: { id: SETTINGS_ID } });
  const value = row ?? { id: SETTINGS_ID, ...DEFAULTS, updatedAt: new Date(0), updatedById: null };
  cached = { value, until: Date.now() + CACHE_MS };
  return value;
}

/** The settings as this process last read them (at most CACHE_MS old). */
export async function cachedMonitoringSettings(db: Db): Promise<MonitoringSettings> {
  if (cached && cached.until > Date.now()) return cached.value;
  return monitoringSettings(db);
}

const days = (bounds: { min: number; max: number }, what: string) =>
  z.number().int('a whole number').min(bounds.min, `at least ${bounds.min} ${what}`).max(bounds.max, `at most ${bounds.max} ${what}`);

const settingsInput = z
  .object({
    rawRetentionDays: days(SETTINGS_BOUNDS.rawRetentionDays, 'days').optional(),
    rollupRetentionDays: days(SETTINGS_BOUNDS.rollupRetentionDays, 'days').optional(),
    evaluationIntervalSecs: days(SETTINGS_BOUNDS.evaluationIntervalSecs, 'seconds').optional(),
  })
  .strict();

export type MonitoringSettingsInput = z.input<typeof settingsInput>;

/** Changes the retention periods or the evaluation cadence; omitted fields stay. Audited. */
export async function updateMonitoringSettings(scope: PlatformScope, input: MonitoringSettingsInput): Promise<MonitoringSettings> {
  const data = parseInput(settingsInput, input);
  const updated = await runAudited(scope, async (tx) => {
    await tx.db.$executeRaw`INSERT INTO "MonitoringSettings" (id, "updatedAt") VALUES (${SETTINGS_ID}, now()) ON CONFLICT (id) DO NOTHING`;
    const [before] = await tx.db.$queryRaw<MonitoringSettings[]>`SELECT * FROM "MonitoringSettings" WHERE id = ${SETTINGS_ID} FOR UPDATE`;
    const next = { ...before!, ...data };
    if (next.rollupRetentionDays < next.rawRetentionDays) {
      throw InputError.field(['input', 'rollupRetentionDays'], `at least the raw retention (${next.rawRetentionDays} days)`);
    }
    if (!changedFields(before!, data).length) return tx.unchanged(before!);
    const after = await tx.db.monitoringSettings.update({
      where: { id: SETTINGS_ID },
      data: { ...data, updatedById: scope.principal.kind === 'admin' ? scope.principal.userId : null },
    });
    await tx.audit({ action: 'monitoringSettings.update', targetType: 'MonitoringSettings', targetId: null, before, after });
    return after;
  });
  cached = { value: updated, until: Date.now() + CACHE_MS };
  return updated;
}
