import type { PermissionNames, PermissionSpecs } from '../../permissions.ts';
import { defineModule } from '../manifest.ts';
import { emailsList } from './lists.ts';
import { seedEmails } from './seed.ts';
import { emailDeliver } from './tasks.ts';
import { resendEmailEvents } from './webhooks.ts';

const permissions = {
  EMAILS_WRITE: { description: 'Edit email templates, send, and retry emails.', roles: ['OWNER', 'ADMIN', 'SUPPORT'] },
} as const satisfies PermissionSpecs;

declare module '../../permissions.ts' {
  interface PermissionRegistry extends PermissionNames<typeof permissions> {}
}

/** Email: templates with versions, sending through a transport, delivery tracking, monthly quota. */
export default defineModule({
  name: 'emails',
  graphql: () => import('./schema.ts'),
  tasks: [emailDeliver],
  lists: [emailsList],
  permissions,
  auditActions: {
    'template.create': 'EmailTemplate',
    'template.update': 'EmailTemplate',
    'email.send': 'Email',
    'email.retry': 'Email',
    'email.bulkRetry': 'Email',
  },
  webhookHandlers: [resendEmailEvents],
  seed: seedEmails,
});
