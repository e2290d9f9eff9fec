import { z } from 'zod';
import type { PlatformScope } from '../../scope.ts';
import { defineTask } from '../../worker/task.ts';
import { enabledRules, evaluateRule, repeatAlert } from './service.ts';

export const DEFAULT_EVALUATION_INTERVAL_SECS = 15;
/** The scheduled evaluation's job key: one pending evaluation round at a time. */
export const EVALUATE_JOB_KEY = 'alerts-evaluate';

/** How often the scheduled evaluation runs (MonitoringSettings; 15 s when unset). */
export async function evaluationIntervalSecs(scope: PlatformScope): Promise<number> {
  const settings = await scope.db.monitoringSettings.findUnique({ where: { id: 1 }, select: { evaluationIntervalSecs: true } });
  return settings?.evaluationIntervalSecs ?? DEFAULT_EVALUATION_INTERVAL_SECS;
}

export const alertRuleEvaluatePayload = z.object({ ruleId: z.uuid(), at: z.iso.datetime({ offset: true }).optional() });
export const alertRepeatPayload = z.object({ alertId: z.uuid() });
const emptyPayload = z.object({}).loose();

declare global {
  namespace GraphileWorker {
    interface Tasks {
      alertRuleEvaluate: z.input<typeof alertRuleEvaluatePayload>;
      alertRepeat: z.input<typeof alertRepeatPayload>;
      alertsEvaluate: Record<string, never>;
      alertsEvaluateSeed: Record<string, never>;
    }
  }
}

/**
 * One rule evaluated now: after a change to the rule, and at an alert's deadline (end of its pending
 * period or of keep-firing; keyed `alert-deadline:<alertId>`). Never evaluates before the deadline it
 * was scheduled for.
 */
export const alertRuleEvaluate = defineTask('alertRuleEvaluate', alertRuleEvaluatePayload, async ({ ruleId, at }, { scope, logger }) => {
  const now = new Date(Math.max(Date.now(), at ? Date.parse(at) : 0));
  const summary = await evaluateRule(scope, ruleId, now);
  logger.debug({ ruleId, summary }, 'alert rule evaluated');
});

/**
 * Every enabled rule evaluated, then the next round scheduled `evaluationIntervalSecs` later under the same
 * key (graphile-worker's cron is per minute; this keeps the 15 s cadence). The per-minute seed re-creates
 * it if it is ever lost.
 */
export const alertsEvaluate = defineTask('alertsEvaluate', emptyPayload, async (_payload, { scope, helpers, logger }) => {
  try {
    const at = new Date();
    for (const rule of await enabledRules(scope.db)) {
      try {
        await evaluateRule(scope, rule, at);
      } catch (error) {
        logger.error({ err: error, ruleId: rule.id }, 'alert rule evaluation failed');
      }
    }
  } finally {
    const interval = await evaluationIntervalSecs(scope);
    await helpers.addJob('alertsEvaluate', {}, { jobKey: EVALUATE_JOB_KEY, runAt: new Date(Date.now() + interval * 1000) });
  }
});

/** Per minute: starts the evaluation loop if it is not scheduled (keeps a pending round's time). */
export const alertsEvaluateSeed = defineTask('alertsEvaluateSeed', emptyPayload, async (_payload, { helpers }) => {
  await helpers.addJob('alertsEvaluate', {}, { jobKey: EVALUATE_JOB_KEY, jobKeyMode: 'preserve_run_at' });
});

export const alertsCrontab = '* * * * * alertsEvaluateSeed';

/** A repeat notification of a firing, unacknowledged alert (keyed `alert-repeat:<alertId>`). */
export const alertRepeat = defineTask('alertRepeat', alertRepeatPayload, async ({ alertId }, { scope, logger }) => {
  const outcome = await repeatAlert(scope, alertId);
  logger.debug({ alertId, outcome }, 'alert repeat');
});
