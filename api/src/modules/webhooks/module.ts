import type { PermissionNames, PermissionSpecs } from '../../permissions.ts';
import { defineModule } from '../manifest.ts';
import { webhookEventsList } from './lists.ts';
import { webhookRoutes } from './routes.ts';
import { webhookProcess } from './tasks.ts';

const permissions = {
  WEBHOOKS_WRITE: { description: 'Retry and replay inbound webhook events and set providers’ signing secrets.', roles: ['OWNER', 'ADMIN'] },
} as const satisfies PermissionSpecs;

declare module '../../permissions.ts' {
  interface PermissionRegistry extends PermissionNames<typeof permissions> {}
}
declare module '../../events.ts' {
  interface EventMap {
    /** An attempt of a webhook event started (RUNNING) or ended. */
    webhookAttemptRecorded: { eventId: string; attemptId: string; number: number; outcome: 'RUNNING' | 'SUCCEEDED' | 'IGNORED' | 'FAILED' };
    /** A webhook event failed its last attempt: for alerting. */
    webhookEventDead: { eventId: string; provider: string; type: string; attempts: number; lastError: string };
  }
}

/** Inbound webhooks: verified, stored before acknowledged, processed and retried by jobs, replayable. */
export default defineModule({
  name: 'webhooks',
  graphql: () => import('./schema.ts'),
  routes: webhookRoutes,
  tasks: [webhookProcess],
  lists: [webhookEventsList],
  permissions,
  auditActions: {
    'webhookEvent.retry': 'WebhookEvent',
    'webhookEvent.replay': 'WebhookEvent',
    'webhookEvent.bulkRetry': 'WebhookEvent',
    'webhookSecret.set': 'WebhookSecret',
    'webhookSecret.clear': 'WebhookSecret',
  },
});
