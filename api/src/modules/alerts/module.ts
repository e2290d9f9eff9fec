import { defineModule } from '../manifest.ts';
import { channelAuditActions, channelLists, channelTasks } from './channel-manifest.ts';
import { onMetricsRecorded } from './ingest.ts';
import { alertRulesList, alertsList } from './lists.ts';
import type { AlertChanged } from './service.ts';
import { alertRepeat, alertRuleEvaluate, alertsCrontab, alertsEvaluate, alertsEvaluateSeed } from './tasks.ts';

declare module '../../events.ts' {
  interface EventMap {
    /** An alert opened (PENDING), fired, was acknowledged or resolved. */
    alertChanged: AlertChanged;
    /** An alert rule was created, changed, silenced or deleted. */
    alertRuleChanged: { ruleId: string };
  }
}

/** Monitoring: alert rules, their evaluation, alerts with their history, notification channels and deliveries. */
export default defineModule({
  name: 'alerts',
  graphql: async () => {
    await import('./schema.ts');
    await import('./tenant-schema.ts');
    await import('./channels-schema.ts');
    await import('./channels-alert-fields.ts');
  },
  lists: [alertRulesList, alertsList, ...channelLists],
  tasks: [alertRuleEvaluate, alertsEvaluate, alertsEvaluateSeed, alertRepeat, ...channelTasks],
  crontab: alertsCrontab,
  auditActions: {
    'alertRule.create': 'AlertRule',
    'alertRule.update': 'AlertRule',
    'alertRule.delete': 'AlertRule',
    'alertRule.setEnabled': 'AlertRule',
    'alertRule.silence': 'AlertRule',
    'alertRule.unsilence': 'AlertRule',
    'alert.acknowledge': 'Alert',
    'alert.resolve': 'Alert',
    ...channelAuditActions,
  },
  onMetricsRecorded,
});
