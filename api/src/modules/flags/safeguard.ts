// Safeguards: while an alert of one of a flag's safeguard rules fires for a tenant, the flag's rules,
// rollout and entitlement are paused for that tenant. Each pause is recorded (one row per flag and
// alert, from firing to resolved) inside the alert's own transaction, through the alerts module's hook.
import type { AlertChange } from '../../change-hooks.ts';
import type { Flag } from '../../generated/prisma/client.ts';
import type { PlatformScope, TransactionScope } from '../../scope.ts';
import { flagChanged } from './service.ts';

type Tx = TransactionScope<PlatformScope>;

/** The manifest hook: opens the pauses of a firing alert, ends them when it resolves. */
export async function onAlertChanged(tx: Tx, change: AlertChange): Promise<void> {
  if (!change.tenantId || (change.kind !== 'FIRING' && change.kind !== 'RESOLVED')) return;
  const flags = await tx.db.flag.findMany({ where: { safeguardRules: { some: { alertRuleId: change.ruleId } } }, select: { id: true, key: true } });
  if (flags.length === 0) return;
  if (change.kind === 'FIRING') {
    const opened = await tx.db.flagSafeguardPause.createManyAndReturn({
      data: flags.map((flag) => ({ flagId: flag.id, tenantId: change.tenantId!, alertRuleId: change.ruleId, alertId: change.alertId, startedAt: change.at })),
      skipDuplicates: true,
      select: { flagId: true },
    });
    const ids = new Set(opened.map((p) => p.flagId));
    for (const flag of flags.filter((f) => ids.has(f.id))) await flagChanged(tx, flag, 'paused', change.tenantId);
  } else {
    const ended = await tx.db.flagSafeguardPause.updateManyAndReturn({
      where: { alertId: change.alertId, endedAt: null },
      data: { endedAt: change.at },
      select: { flagId: true },
    });
    const ids = new Set(ended.map((p) => p.flagId));
    for (const flag of flags.filter((f) => ids.has(f.id))) await flagChanged(tx, flag, 'resumed', change.tenantId);
  }
}

/**
 * After a flag's safeguard rules change: the pauses of rules it no longer names end now, and the alerts
 * firing now for tenants under rules it newly names open theirs.
 */
export async function syncPauses(tx: Tx, flag: Pick<Flag, 'id' | 'key'>, ruleIds: readonly string[]): Promise<void> {
  const now = new Date();
  const ended = await tx.db.flagSafeguardPause.updateManyAndReturn({
    where: { flagId: flag.id, endedAt: null, alertRuleId: { notIn: [...ruleIds] } },
    data: { endedAt: now },
    select: { tenantId: true },
  });
  const firing = ruleIds.length
    ? await tx.db.alert.findMany({
        where: { ruleId: { in: [...ruleIds] }, state: 'FIRING', tenantId: { not: null } },
        select: { id: true, ruleId: true, tenantId: true, firedAt: true },
      })
    : [];
  // A rule named again while its alert still fires: the pause its removal ended opens again (one row per
  // flag and alert, so the insert below would skip it).
  const reopened = firing.length
    ? await tx.db.flagSafeguardPause.updateManyAndReturn({
        where: { flagId: flag.id, alertId: { in: firing.map((a) => a.id) }, endedAt: { not: null } },
        data: { endedAt: null, startedAt: now },
        select: { tenantId: true },
      })
    : [];
  const created = firing.length
    ? await tx.db.flagSafeguardPause.createManyAndReturn({
        data: firing.map((a) => ({ flagId: flag.id, tenantId: a.tenantId!, alertRuleId: a.ruleId, alertId: a.id, startedAt: a.firedAt ?? now })),
        skipDuplicates: true,
        select: { tenantId: true },
      })
    : [];
  const opened = [...reopened, ...created];
  for (const tenantId of new Set(ended.map((p) => p.tenantId))) await flagChanged(tx, flag, 'resumed', tenantId);
  for (const tenantId of new Set(opened.map((p) => p.tenantId))) await flagChanged(tx, flag, 'paused', tenantId);
}
