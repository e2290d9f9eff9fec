// What the channels part of the alerts module registers; alerts/module.ts spreads it into the manifest.
import { alertChannelsList } from './channels-list.ts';
import { alertDeliver } from './deliveries.ts';

export const channelTasks = [alertDeliver];
export const channelLists = [alertChannelsList];
export const channelAuditActions = {
  'alertChannel.create': 'AlertChannel',
  'alertChannel.update': 'AlertChannel',
  'alertChannel.delete': 'AlertChannel',
  'alertChannel.test': 'AlertChannel',
} as const;
/** The admin permission channel changes need. */
export const CHANNELS_WRITE = 'MONITORING_WRITE' as const;
