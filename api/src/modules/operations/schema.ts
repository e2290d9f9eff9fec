import { builder } from '../../graphql/builder.ts';
import { adminScope } from '../../graphql/helpers.ts';
import { operationsOverview, type OperationsOverview } from './service.ts';

const OperationsOverviewRef = builder.objectRef<OperationsOverview>('OperationsOverview').implement({
  description: 'Email and inbound-webhook numbers over (since, until].',
  fields: (t) => ({
    since: t.expose('since', { type: 'DateTime' }),
    until: t.expose('until', { type: 'DateTime' }),
    emailsSent: t.exposeInt('emailsSent', { description: 'Emails created in the window that the transport took (sent, delivered, opened, bounced, …).' }),
    emailsFailed: t.exposeInt('emailsFailed', { description: 'Emails created in the window that failed for good.' }),
    emailsBounced: t.exposeInt('emailsBounced', { description: 'Emails created in the window that bounced.' }),
    webhookEventsReceived: t.exposeInt('webhookEventsReceived', { description: 'Provider events verified and stored in the window.' }),
    webhookEventsFailed: t.exposeInt('webhookEventsFailed', { description: 'Events received in the window whose last attempt failed (another is scheduled).' }),
    webhookEventsDead: t.exposeInt('webhookEventsDead', { description: 'Events received in the window that used up every attempt.' }),
  }),
});

builder.queryField('operationsOverview', (t) =>
  t.field({
    type: OperationsOverviewRef,
    authScopes: { permission: 'READ' },
    description: 'Emails sent, failed and bounced and webhook events received, failed and dead over the last `hours` hours (1 to 168).',
    args: { hours: t.arg.int({ required: false, defaultValue: 24 }) },
    resolve: (_root, { hours }, ctx) => operationsOverview(adminScope(ctx), { hours: hours ?? 24 }),
  }),
);
