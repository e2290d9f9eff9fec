// One evaluation of a rule at an instant: what it measures (`measure`) and what that means for each label
// set's alert (`decide`). The scheduled evaluation, the ingest hook, deadline jobs and the backtest all run
// these two functions; only where the alert state lives differs (the database, or the backtest's memory).
import type { AlertOperator, AlertState } from '../../generated/prisma/enums.ts';
import { jobSignal, type JobSignal } from './job-signals.ts';
import { aggregateMetric } from '../metrics/queries.ts';
import type { EvaluableRule } from './rules.ts';
import type { Prisma } from '../../db/client.ts';
import type { PlatformScope } from '../../scope.ts';

type RawDb = Pick<Prisma.TransactionClient, '$queryRaw'>;

/** One label set's measurement: its value, or null when the window had no data. */
export interface Measurement {
  key: string;
  labels: Record<string, string>;
  tenantId: string | null;
  value: number | null;
}

/** Canonical text of a label set and its tenant: the alert's dedupe key. */
export function labelsKey(labels: Record<string, string>, tenantId: string | null): string {
  const sorted = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const text = JSON.stringify(sorted);
  return tenantId ? `${text}@${tenantId}` : text;
}

/**
 * What the rule measures at `at`, one entry per label set seen in the window. A rule without groupBy
 * over a window without data gives one entry with a null value (no data).
 */
export async function measure(db: RawDb, rule: EvaluableRule, at: Date): Promise<Measurement[]> {
  const from = new Date(at.getTime() - rule.windowSeconds * 1000);
  if (rule.signal !== 'METRIC') {
    const value = await jobSignal(db, rule.signal as JobSignal, rule.task!, from, at);
    return [{ key: labelsKey({}, null), labels: {}, tenantId: null, value }];
  }
  const rows = await aggregateMetric(db as PlatformScope['db'], {
    name: rule.metric!,
    labelFilter: rule.labelFilter,
    tenantId: rule.tenantId ?? undefined,
    from,
    to: at,
    aggregation: rule.aggregation,
    groupBy: rule.groupBy,
  });
  const measured = rows.map((row) => {
    // A tenant's rule names its alerts' tenant; a platform rule over tenants' series splits per tenant.
    const tenantId = rule.tenantId ?? row.tenantId;
    return { key: labelsKey(row.labels, tenantId), labels: row.labels, tenantId, value: row.value };
  });
  if (measured.length === 0 && rule.groupBy.length === 0) return [{ key: labelsKey({}, rule.tenantId), labels: {}, tenantId: rule.tenantId, value: null }];
  return measured;
}

export function compare(value: number, operator: AlertOperator, threshold: number): boolean {
  switch (operator) {
    case 'GT': return value > threshold;
    case 'GTE': return value >= threshold;
    case 'LT': return value < threshold;
    case 'LTE': return value <= threshold;
    case 'EQ': return value === threshold;
    case 'NEQ': return value !== threshold;
  }
}

/** Whether the condition holds: true, false, or null for "no data, keep the state". */
export function condition(rule: Pick<EvaluableRule, 'operator' | 'threshold' | 'noData'>, value: number | null): boolean | null {
  if (value === null) return rule.noData === 'ALERTING' ? true : rule.noData === 'OK' ? false : null;
  return compare(value, rule.operator, rule.threshold);
}

/** The open alert of a label set, as evaluation needs it. */
export interface OpenAlert {
  state: Extract<AlertState, 'PENDING' | 'FIRING'>;
  startedAt: Date;
  lastTrueAt: Date | null;
}

/** What an evaluation does to one label set's alert. */
export interface Decision {
  /** Open a new alert (PENDING). */
  open?: true;
  /** PENDING → FIRING (right after opening, when the rule has no pending period). */
  fire?: true;
  /** Close it (RESOLVED). */
  resolve?: true;
  /** The condition held now: keep-firing counts from here. */
  conditionTrue?: true;
  /** Evaluate again at this instant (end of the pending period, or of keep-firing). */
  deadline?: Date;
}

/**
 * The state machine of one label set at `now`: PENDING while the condition holds for less than the
 * pending period, FIRING once it held that long, RESOLVED when it clears (a firing alert only after
 * keep-firing has passed since it was last true). A pending alert whose condition clears resolves
 * without ever firing; the next breach opens a new alert.
 */
export function decide(rule: Pick<EvaluableRule, 'pendingSeconds' | 'keepFiringSeconds'>, open: OpenAlert | null, holds: boolean | null, now: Date): Decision {
  if (holds === null) return {};
  const pendingMs = rule.pendingSeconds * 1000;
  if (holds) {
    if (!open) return pendingMs === 0 ? { open: true, fire: true, conditionTrue: true } : { open: true, conditionTrue: true, deadline: new Date(now.getTime() + pendingMs) };
    if (open.state === 'PENDING') {
      const due = open.startedAt.getTime() + pendingMs;
      return now.getTime() >= due ? { fire: true, conditionTrue: true } : { conditionTrue: true, deadline: new Date(due) };
    }
    return { conditionTrue: true };
  }
  if (!open) return {};
  if (open.state === 'PENDING') return { resolve: true };
  const lastTrue = (open.lastTrueAt ?? open.startedAt).getTime();
  const until = lastTrue + rule.keepFiringSeconds * 1000;
  return now.getTime() >= until ? { resolve: true } : { deadline: new Date(until) };
}
