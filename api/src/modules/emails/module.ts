import { z } from 'zod';
import { env } from '../../env.ts';
import { text } from '../../lib/strings.ts';
import type { PermissionNames, PermissionSpecs } from '../../permissions.ts';
import { defineModule } from '../manifest.ts';
import { defineSetting, type SettingTypes } from '../settings/registry.ts';
import { emailsList } from './lists.ts';
import { seedEmails } from './seed.ts';
import { emailDeliver } from './tasks.ts';
import { resendEmailEvents } from './webhooks.ts';

const permissions = {
  EMAILS_WRITE: { description: 'Edit email templates, send, and retry emails.', roles: ['OWNER', 'ADMIN', 'SUPPORT'] },
} as const satisfies PermissionSpecs;

const address = z.email();

/** A From header: a bare address, or a display name and `<address>`. */
const fromHeader = text({ min: 1, max: 320 }).pipe(z.string().refine((value) => {
  const match = /^(?:[^<>"]*<([^<>\s]+)>|([^<>\s]+))$/.exec(value);
  return !!match && address.safeParse(match[1] ?? match[2]).success;
}, 'an address, or a name and <address>: Opsgraph <no-reply@example.com>'));

const settings = {
  'email.fromAddress': defineSetting({
    category: 'EMAIL',
    description: 'The From of every email queued from now on (default: EMAIL_FROM); a tenant may have its own.',
    schema: fromHeader,
    default: () => env.EMAIL_FROM,
    input: 'TEXT',
    tenantOverridable: true,
    tenantVisible: true,
  }),
  'email.resendApiKey': defineSetting({
    category: 'EMAIL',
    description: "Resend API key used by sends from now on (default: RESEND_API_KEY), so a key rotates without a restart.",
    schema: text({ min: 1, max: 200 }).regex(/^re_[A-Za-z0-9_]+$/, 'a Resend API key (re_…)').nullable(),
    default: () => env.RESEND_API_KEY ?? null,
    input: 'TEXT',
    secret: true,
  }),
};

declare module '../settings/registry.ts' {
  interface SettingRegistry extends SettingTypes<typeof settings> {}
}
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
  settings,
  seed: seedEmails,
});
