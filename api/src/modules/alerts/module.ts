import { defineModule } from '../manifest.ts';
import { channelAuditActions, channelLists, channelTasks } from './channel-manifest.ts';

/** Monitoring: alert rules, alerts and their notification channels. */
export default defineModule({
  name: 'alerts',
  graphql: () => import('./channels-schema.ts'),
  tasks: [...channelTasks],
  lists: [...channelLists],
  auditActions: { ...channelAuditActions },
});
