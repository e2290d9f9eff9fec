// Alerts: applying an evaluation to the stored alerts (open, fire, resolve; one open alert per rule and
// label set), acknowledging and resolving by hand, repeat notifications, the overview.
import { z } from 'zod';
import { alertChanged } from '../../change-hooks.ts';
import type { Prisma } from '../../db/client.ts';
import type { Alert, AlertRule } from '../../generated/prisma/client.ts';
import type { AlertEventKind, AlertSeverity, AlertState } from '../../generated/prisma/enums.ts';
import { InvalidTransitionError, parseInput } from '../../lib/errors.ts';
import { findOrNotFound } from '../../lib/records.ts';
import { text } from '../../lib/strings.ts';
import { transaction, type PlatformScope, type TransactionScope } from '../../scope.ts';
import { runAudited } from '../audit/service.ts';
import { condition, decide, measure, type Measurement, type OpenAlert } from './evaluate.ts';
import { alertLifecycle, OPEN_ALERT_STATES } from './lifecycle.ts';
import type { EvaluableRule } from './rules.ts';
import { notifyAlert } from './channels-notify.ts';

export type Tx = TransactionScope<PlatformScope>;

export type AlertChangeKind = 'PENDING' | 'FIRING' | 'ACKNOWLEDGED' | 'RESOLVED';

/** Published on every transition or acknowledgement of an alert; small (NOTIFY) and free of notes. */
export interface AlertChanged {
  alertId: string;
  ruleId: string;
  ruleName: string;
  tenantId: string | null;
  tenantVisible: boolean;
  kind: AlertChangeKind;
  severity: AlertSeverity;
  state: AlertState;
  /** When it happened (ISO 8601). */
  at: string;
}

export type NotifyReason = 'FIRING' | 'RESOLVED' | 'ACKNOWLEDGED' | 'REPEAT';

/**
 * Queues the alert's notifications in its transition's transaction. The channels part of the module
 * queues one delivery per enabled channel of the rule.
 */
async function notify(tx: Tx, alertId: string, reason: NotifyReason): Promise<void> {
  await notifyAlert(tx, alertId, reason);
}

type RuleForAlerts = EvaluableRule & Pick<AlertRule, 'id' | 'name' | 'severity' | 'tenantVisible' | 'repeatIntervalSeconds' | 'silencedUntil' | 'enabled'>;

const deadlineKey = (alertId: string) => `alert-deadline:${alertId}`;
const repeatKey = (alertId: string) => `alert-repeat:${alertId}`;

async function removeJob(tx: Tx, key: string): Promise<void> {
  await tx.db.$executeRaw`SELECT graphile_worker.remove_job(${key})`;
}

type HistoryEntry = { kind: AlertEventKind; from?: AlertState | null; to?: AlertState | null; value?: number | null; note?: string | null; at: Date };

/** The alert's history entries, in order, in one statement. */
async function recordEvents(tx: Tx, alert: Pick<Alert, 'id' | 'ruleId'>, entries: HistoryEntry[]): Promise<void> {
  const actorId = tx.scope.principal.kind === 'admin' ? tx.scope.principal.userId : null;
  await tx.db.alertEvent.createMany({
    data: entries.map((entry) => ({
      alertId: alert.id, ruleId: alert.ruleId, kind: entry.kind, fromState: entry.from ?? null, toState: entry.to ?? null,
      value: entry.value ?? null, note: entry.note ?? null, actorId, at: entry.at,
    })),
  });
}

const recordEvent = (tx: Tx, alert: Pick<Alert, 'id' | 'ruleId'>, entry: HistoryEntry) => recordEvents(tx, alert, [entry]);

async function publishChange(tx: Tx, alert: Pick<Alert, 'id' | 'ruleId' | 'tenantId' | 'tenantVisible' | 'severity' | 'state'>, ruleName: string, kind: AlertChangeKind, at: Date): Promise<void> {
  await tx.publish('alertChanged', {
    alertId: alert.id, ruleId: alert.ruleId, ruleName, tenantId: alert.tenantId, tenantVisible: alert.tenantVisible, kind,
    severity: alert.severity, state: alert.state, at: at.toISOString(),
  });
  await alertChanged(tx, { alertId: alert.id, ruleId: alert.ruleId, tenantId: alert.tenantId, kind, at });
}

// ─── evaluation ──────────────────────────────────────────────────────────────

export interface EvaluationSummary {
  ruleId: string;
  labelSets: number;
  opened: number;
  fired: number;
  resolved: number;
}

const ruleSelect = {
  id: true, name: true, signal: true, metric: true, task: true, labelFilter: true, groupBy: true, aggregation: true, windowSeconds: true,
  operator: true, threshold: true, pendingSeconds: true, keepFiringSeconds: true, repeatIntervalSeconds: true, severity: true, noData: true,
  enabled: true, tenantId: true, tenantVisible: true, silencedUntil: true,
} as const;

export async function loadRule(db: PlatformScope['db'], ruleId: string): Promise<RuleForAlerts | null> {
  const rule = await db.alertRule.findUnique({ where: { id: ruleId }, select: ruleSelect });
  return rule ? { ...rule, labelFilter: rule.labelFilter as Record<string, string> } : null;
}

export async function enabledRules(db: PlatformScope['db'], where: Prisma.AlertRuleWhereInput = {}): Promise<RuleForAlerts[]> {
  const rules = await db.alertRule.findMany({ where: { enabled: true, ...where }, select: ruleSelect, orderBy: { id: 'asc' } });
  return rules.map((rule) => ({ ...rule, labelFilter: rule.labelFilter as Record<string, string> }));
}

/**
 * Evaluates one rule at `at`: measures it; the open alerts that stay as they are take their new values in
 * one guarded statement, and each label set whose alert opens, fires or resolves moves in its own
 * transaction. Safe to run concurrently with itself: a moving alert is re-read under its row lock, a quiet
 * update skips an alert that moved since it was read (which then goes the locked way), and a concurrent
 * opener's insert is skipped by the one-open-alert index (the loser continues with the winner's alert).
 */
export async function evaluateRule(scope: PlatformScope, ruleOrId: string | RuleForAlerts, at: Date = new Date()): Promise<EvaluationSummary | null> {
  const rule = typeof ruleOrId === 'string' ? await loadRule(scope.db, ruleOrId) : ruleOrId;
  if (!rule || !rule.enabled) return null;
  const summary: EvaluationSummary = { ruleId: rule.id, labelSets: 0, opened: 0, fired: 0, resolved: 0 };
  const measured = await measure(scope.db, rule, at);
  const open = await scope.db.alert.findMany({
    where: { ruleId: rule.id, state: { in: [...OPEN_ALERT_STATES] } },
    select: { id: true, labelsKey: true, labels: true, tenantId: true, state: true, startedAt: true, lastTrueAt: true },
  });
  const openByKey = new Map(open.map((a) => [a.labelsKey, a]));
  const targets = new Map<string, Measurement>(measured.map((m) => [m.key, m]));
  // Open alerts whose label set the window no longer shows: no data for them.
  for (const a of open) {
    if (!targets.has(a.labelsKey)) targets.set(a.labelsKey, { key: a.labelsKey, labels: a.labels as Record<string, string>, tenantId: a.tenantId, value: null });
  }
  const quiet: QuietUpdate[] = [];
  const moving: Measurement[] = [];
  for (const target of targets.values()) {
    summary.labelSets += 1;
    const seen = openByKey.get(target.key);
    const holds = condition(rule, target.value);
    if (!seen && !holds) continue;
    if (seen && isQuiet(rule, seen, holds, at)) quiet.push({ id: seen.id, seen, value: target.value, conditionTrue: holds === true, target });
    else moving.push(target);
  }
  // Alerts that stay as they are only take the new value, together; one that moved meanwhile (the guard
  // did not match) goes the locked way with the others.
  moving.push(...(await updateQuietly(scope, quiet, at)));
  for (const target of moving) {
    const outcome = await applyMeasurement(scope, rule, target, at);
    if (outcome.opened) summary.opened += 1;
    if (outcome.fired) summary.fired += 1;
    if (outcome.resolved) summary.resolved += 1;
  }
  await scope.db.alertRule.updateMany({ where: { id: rule.id }, data: { lastEvaluatedAt: at } });
  return summary;
}

type SeenAlert = Pick<Alert, 'id' | 'state' | 'startedAt' | 'lastTrueAt'>;

interface QuietUpdate {
  id: string;
  seen: SeenAlert;
  value: number | null;
  conditionTrue: boolean;
  target: Measurement;
}

/**
 * Whether the evaluation leaves the open alert as it is (no transition, and no deadline to queue): only its
 * value and evaluation time change. A pending alert's deadline was queued when it opened. A firing alert
 * counting down its keep-firing period goes the locked way, which queues that deadline: the stored times
 * cannot tell whether an earlier evaluation already did (a no-data evaluation in between queues none).
 */
export function isQuiet(rule: Pick<EvaluableRule, 'pendingSeconds' | 'keepFiringSeconds'>, seen: SeenAlert, holds: boolean | null, at: Date): boolean {
  const decision = decide(rule, asOpen(seen), holds, at);
  if (decision.open || decision.fire || decision.resolve) return false;
  return !decision.deadline || seen.state === 'PENDING';
}

/**
 * The quiet alerts' new values in one statement, each guarded by the state and last-true time it was
 * decided on. Returns the measurements of the alerts that changed meanwhile (not updated here).
 */
async function updateQuietly(scope: PlatformScope, quiet: QuietUpdate[], at: Date): Promise<Measurement[]> {
  if (quiet.length === 0) return [];
  const updated = await scope.db.$queryRaw<{ id: string }[]>`
    UPDATE "Alert" AS a
       SET "value" = u.value,
           "lastEvaluatedAt" = ${at},
           "lastTrueAt" = CASE WHEN u.condition_true THEN ${at}::timestamptz ELSE a."lastTrueAt" END,
           "updatedAt" = now()
      FROM unnest(${quiet.map((q) => q.id)}::uuid[], ${quiet.map((q) => q.value)}::float8[], ${quiet.map((q) => q.conditionTrue)}::boolean[],
                  ${quiet.map((q) => q.seen.state)}::text[], ${quiet.map((q) => q.seen.lastTrueAt)}::timestamptz[])
           AS u(id, value, condition_true, seen_state, seen_last_true)
     WHERE a.id = u.id AND a.state::text = u.seen_state AND a."lastTrueAt" IS NOT DISTINCT FROM u.seen_last_true
    RETURNING a.id`;
  const done = new Set(updated.map((row) => row.id));
  return quiet.filter((q) => !done.has(q.id)).map((q) => q.target);
}

type OpenRow = Alert;

/** The open alert of the label set, locked for the rest of the transaction (null when there is none). */
async function lockedOpenAlert(tx: Tx, ruleId: string, key: string): Promise<OpenRow | null> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const found = await tx.db.alert.findFirst({ where: { ruleId, labelsKey: key, state: { in: [...OPEN_ALERT_STATES] } }, select: { id: true } });
    if (!found) return null;
    await tx.lock('Alert', found.id);
    const row = await tx.db.alert.findUnique({ where: { id: found.id } });
    if (row && OPEN_ALERT_STATES.includes(row.state)) return row;
  }
  return null;
}

const asOpen = (row: Pick<Alert, 'state' | 'startedAt' | 'lastTrueAt'> | null): OpenAlert | null =>
  row ? { state: row.state as OpenAlert['state'], startedAt: row.startedAt, lastTrueAt: row.lastTrueAt } : null;

async function applyMeasurement(scope: PlatformScope, rule: RuleForAlerts, m: Measurement, at: Date): Promise<{ opened: boolean; fired: boolean; resolved: boolean }> {
  const outcome = { opened: false, fired: false, resolved: false };
  await transaction(scope, async (tx) => {
    const holds = condition(rule, m.value);
    let alert = await lockedOpenAlert(tx, rule.id, m.key);
    let decision = decide(rule, asOpen(alert), holds, at);
    if (decision.open) {
      // Without a pending period the alert opens FIRING (as Alertmanager's `for: 0` and Grafana's zero
      // pending period do): one statement, one history entry and one event, never PENDING.
      const firesAtOnce = decision.fire === true;
      const [created] = await tx.db.alert.createManyAndReturn({
        data: [{
          ruleId: rule.id, labels: m.labels, labelsKey: m.key, tenantId: m.tenantId, tenantVisible: rule.tenantVisible && m.tenantId !== null,
          severity: rule.severity, state: firesAtOnce ? 'FIRING' : 'PENDING', value: m.value, startedAt: at, lastTrueAt: at, lastEvaluatedAt: at,
          ...(firesAtOnce ? { firedAt: at } : {}),
        }],
        skipDuplicates: true,
      });
      if (created && firesAtOnce) {
        outcome.opened = true;
        outcome.fired = true;
        await recordEvent(tx, created, { kind: 'FIRING', to: 'FIRING', value: m.value, at });
        await publishChange(tx, created, rule.name, 'FIRING', at);
        await notify(tx, created.id, 'FIRING');
        if (rule.repeatIntervalSeconds > 0) {
          await tx.enqueue('alertRepeat', { alertId: created.id }, { jobKey: repeatKey(created.id), runAt: new Date(at.getTime() + rule.repeatIntervalSeconds * 1000) });
        }
        // A new alert has no deadline job to remove.
        return;
      }
      if (created) {
        alert = created;
        outcome.opened = true;
        await recordEvent(tx, created, { kind: 'PENDING', to: 'PENDING', value: m.value, at });
        await publishChange(tx, created, rule.name, 'PENDING', at);
      } else {
        // Opened by a concurrent evaluation meanwhile: continue with that alert.
        alert = await lockedOpenAlert(tx, rule.id, m.key);
        if (!alert) return;
        decision = decide(rule, asOpen(alert), holds, at);
      }
    }
    if (!alert) return;
    if (decision.fire) {
      alertLifecycle.assert(alert.state, 'fire');
      const fired = await tx.db.alert.update({ where: { id: alert.id }, data: { state: 'FIRING', firedAt: at, value: m.value, lastTrueAt: at, lastEvaluatedAt: at } });
      outcome.fired = true;
      await recordEvent(tx, fired, { kind: 'FIRING', from: alert.state, to: 'FIRING', value: m.value, at });
      await publishChange(tx, fired, rule.name, 'FIRING', at);
      await notify(tx, fired.id, 'FIRING');
      if (rule.repeatIntervalSeconds > 0) {
        await tx.enqueue('alertRepeat', { alertId: fired.id }, { jobKey: repeatKey(fired.id), runAt: new Date(at.getTime() + rule.repeatIntervalSeconds * 1000) });
      }
      await removeJob(tx, deadlineKey(fired.id));
    } else if (decision.resolve) {
      await closeAlert(tx, alert, rule.name, { at, value: m.value, note: null });
      outcome.resolved = true;
      return;
    } else if (!outcome.opened) {
      await tx.db.alert.update({
        where: { id: alert.id },
        data: { value: m.value, lastEvaluatedAt: at, ...(decision.conditionTrue ? { lastTrueAt: at } : {}) },
        select: { id: true },
      });
    }
    if (decision.deadline) {
      await tx.enqueue('alertRuleEvaluate', { ruleId: rule.id, at: decision.deadline.toISOString() }, { jobKey: deadlineKey(alert.id), runAt: decision.deadline });
    }
  });
  return outcome;
}

/** RESOLVED, with its history entry, event and notification (a pending alert that never fired notifies nobody). */
async function closeAlert(tx: Tx, alert: Alert, ruleName: string, entry: { at: Date; value?: number | null; note: string | null }): Promise<Alert> {
  alertLifecycle.assert(alert.state, 'resolve');
  const resolvedById = tx.scope.principal.kind === 'admin' ? tx.scope.principal.userId : null;
  const resolved = await tx.db.alert.update({
    where: { id: alert.id },
    data: { state: 'RESOLVED', resolvedAt: entry.at, resolvedById, lastEvaluatedAt: entry.at, ...(entry.value !== undefined ? { value: entry.value } : {}) },
  });
  await recordEvent(tx, resolved, { kind: 'RESOLVED', from: alert.state, to: 'RESOLVED', value: entry.value ?? null, note: entry.note, at: entry.at });
  await publishChange(tx, resolved, ruleName, 'RESOLVED', entry.at);
  if (alert.firedAt) await notify(tx, resolved.id, 'RESOLVED');
  await removeJob(tx, deadlineKey(alert.id));
  await removeJob(tx, repeatKey(alert.id));
  return resolved;
}

/** Resolves every open alert of a rule (disabled or redefined), in the caller's transaction. */
export async function resolveOpenAlertsOfRule(tx: Tx, ruleId: string, note: string): Promise<number> {
  const rule = await tx.db.alertRule.findUnique({ where: { id: ruleId }, select: { name: true } });
  const open = await tx.db.alert.findMany({ where: { ruleId, state: { in: [...OPEN_ALERT_STATES] } }, select: { id: true }, orderBy: { id: 'asc' } });
  let count = 0;
  for (const { id } of open) {
    await tx.lock('Alert', id);
    const alert = await tx.db.alert.findUnique({ where: { id } });
    if (!alert || !OPEN_ALERT_STATES.includes(alert.state)) continue;
    await closeAlert(tx, alert, rule?.name ?? '', { at: new Date(), note });
    count += 1;
  }
  return count;
}

// ─── by hand ─────────────────────────────────────────────────────────────────

const noteSchema = z.object({ note: text({ max: 2000 }).nullish().transform((v) => v || null) });

const findAlert = (tx: Tx) => (alertId: string) => tx.db.alert.findUnique({ where: { id: alertId }, include: { rule: { select: { name: true } } } });

/**
 * Records who acknowledged the alert and when; stops its repeat notifications. An alert is acknowledged
 * once: a second acknowledgement (or one racing the first) is refused.
 */
export async function acknowledgeAlert(scope: PlatformScope, id: string, note?: string | null): Promise<Alert> {
  const { note: why } = parseInput(noteSchema, { note }, []);
  return runAudited(scope, async (tx) => {
    const before = await findOrNotFound('Alert', id, findAlert(tx), { lock: tx });
    if (before.state === 'RESOLVED') throw new InvalidTransitionError('Alert', 'RESOLVED', 'ACKNOWLEDGED');
    if (before.acknowledgedAt) throw new InvalidTransitionError('Alert', 'ACKNOWLEDGED', 'ACKNOWLEDGED');
    const at = new Date();
    const acknowledgedById = scope.principal.kind === 'admin' ? scope.principal.userId : null;
    const after = await tx.db.alert.update({ where: { id }, data: { acknowledgedAt: at, acknowledgedById, acknowledgeNote: why } });
    await recordEvent(tx, after, { kind: 'ACKNOWLEDGED', note: why, at });
    await publishChange(tx, after, before.rule.name, 'ACKNOWLEDGED', at);
    await notify(tx, id, 'ACKNOWLEDGED');
    await removeJob(tx, repeatKey(id));
    const { rule: _rule, ...snapshot } = before;
    await tx.audit({ action: 'alert.acknowledge', targetType: 'Alert', targetId: id, tenantId: after.tenantId, before: snapshot, after });
    return after;
  });
}

/** Resolves an open alert by hand; if the condition still holds, the next evaluation opens a new one. */
export async function resolveAlert(scope: PlatformScope, id: string, note?: string | null): Promise<Alert> {
  const { note: why } = parseInput(noteSchema, { note }, []);
  return runAudited(scope, async (tx) => {
    const { before } = await alertLifecycle.begin(tx, id, 'resolve', findAlert(tx));
    const { rule, ...snapshot } = before;
    const after = await closeAlert(tx, snapshot, rule.name, { at: new Date(), note: why });
    await tx.audit({ action: 'alert.resolve', targetType: 'Alert', targetId: id, tenantId: after.tenantId, before: snapshot, after });
    return after;
  });
}

// ─── repeats ─────────────────────────────────────────────────────────────────

/**
 * One repeat notification of a firing, unacknowledged alert, then the next one scheduled. An
 * acknowledged or resolved alert stops here (its job is removed too); a silenced rule skips the
 * notification and keeps the schedule.
 */
export async function repeatAlert(scope: PlatformScope, alertId: string, at: Date = new Date()): Promise<'repeated' | 'silenced' | 'stopped'> {
  return transaction(scope, async (tx) => {
    if (!(await tx.lock('Alert', alertId))) return 'stopped';
    const alert = await tx.db.alert.findUnique({ where: { id: alertId }, include: { rule: { select: { repeatIntervalSeconds: true, silencedUntil: true } } } });
    if (!alert || alert.state !== 'FIRING' || alert.acknowledgedAt || alert.rule.repeatIntervalSeconds === 0) return 'stopped';
    const next = new Date(at.getTime() + alert.rule.repeatIntervalSeconds * 1000);
    const silenced = !!alert.rule.silencedUntil && alert.rule.silencedUntil > at;
    if (!silenced) {
      await recordEvent(tx, alert, { kind: 'REPEATED', value: alert.value, at });
      await tx.db.alert.update({ where: { id: alertId }, data: { lastNotifiedAt: at }, select: { id: true } });
      await notify(tx, alertId, 'REPEAT');
    }
    await tx.enqueue('alertRepeat', { alertId }, { jobKey: repeatKey(alertId), runAt: next });
    return silenced ? 'silenced' : 'repeated';
  });
}

// ─── overview ────────────────────────────────────────────────────────────────

export type MonitoringHealth = 'HEALTHY' | 'WARNING' | 'CRITICAL';

export interface MonitoringOverview {
  health: MonitoringHealth;
  firing: number;
  pending: number;
  bySeverity: { severity: AlertSeverity; count: number }[];
}

/** Health from the open alerts: CRITICAL when a critical alert fires, WARNING when any other does. */
export async function monitoringOverview(scope: PlatformScope): Promise<MonitoringOverview> {
  const groups = await scope.db.alert.groupBy({ by: ['state', 'severity'], where: { state: { in: [...OPEN_ALERT_STATES] } }, _count: { _all: true } });
  const count = (state: AlertState, severity?: AlertSeverity) =>
    groups.filter((g) => g.state === state && (!severity || g.severity === severity)).reduce((sum, g) => sum + g._count._all, 0);
  const severities: AlertSeverity[] = ['CRITICAL', 'WARNING', 'INFO'];
  const health: MonitoringHealth = count('FIRING', 'CRITICAL') > 0 ? 'CRITICAL' : count('FIRING', 'WARNING') > 0 ? 'WARNING' : 'HEALTHY';
  return {
    health,
    firing: count('FIRING'),
    pending: count('PENDING'),
    bySeverity: severities.map((severity) => ({ severity, count: count('FIRING', severity) })),
  };
}
