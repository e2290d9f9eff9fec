import type { PermissionNames, PermissionSpecs } from '../../permissions.ts';
import { defineModule } from '../manifest.ts';
import { webhookEventsList } from './lists.ts';
import { webhookRoutes } from './routes.ts';
import { seedWebhooks } from './seed.ts';
import { webhookProcess } from './tasks.ts';

const permissions = {
  WEBHOOKS_WRITE: { description: 'Retry and replay inbound webhook events.', roles: ['OWNER', 'ADMIN', 'SUPPORT'] },
  WEBHOOK_SECRETS_WRITE: { description: 'Set and clear the signing secrets of webhook providers.', roles: ['OWNER', 'ADMIN'] },
} as const satisfies PermissionSpecs;

declare module '../../permissions.ts' {
  interface PermissionRegistry extends PermissionNames<typeof permissions> {}
}
declare module '../../events.ts' {
  interface EventMap {
    /** An attempt of a webhook event started (RUNNING) or ended. */
    webhookAttemptRecorded: {
      eventId: string;
      attemptId: string;
      number: number;
      outcome: 'RUNNING' | 'SUCCEEDED' | 'IGNORED' | 'FAILED';
      /** The event's status after the attempt (RUNNING: before it ends). */
      status: 'PENDING' | 'PROCESSED' | 'IGNORED' | 'FAILED' | 'DEAD';
    };
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
    'webhookEvent.retryMany': 'WebhookEvent',
    'webhookSecret.set': 'WebhookSecret',
    'webhookSecret.clear': 'WebhookSecret',
  },
  seed: seedWebhooks,
});
