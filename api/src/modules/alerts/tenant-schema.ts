// The tenant graph's live alerts: tenant-visible alerts of the key's own tenant, in a tenant-safe shape
// (no notes, no admin ids, no label values beyond the rule's name).
import { builder } from '../../graphql/builder.ts';
import { tenantScope } from '../../graphql/helpers.ts';
import { AlertChangeKindEnum, AlertSeverityEnum, AlertStateEnum } from './schema.ts';
import type { AlertChanged } from './service.ts';

const tenantOnly = { subGraphs: ['tenant'] as ['tenant'] };

const ViewerAlertEvent = builder.objectRef<AlertChanged>('ViewerAlertEvent').implement({
  ...tenantOnly,
  description: "One of the tenant's alerts opened, fired, was acknowledged or resolved.",
  fields: (t) => ({
    kind: t.field({ ...tenantOnly, type: AlertChangeKindEnum, resolve: (e) => e.kind }),
    alertId: t.exposeID('alertId', tenantOnly),
    ruleName: t.exposeString('ruleName', tenantOnly),
    severity: t.field({ ...tenantOnly, type: AlertSeverityEnum, resolve: (e) => e.severity }),
    state: t.field({ ...tenantOnly, type: AlertStateEnum, resolve: (e) => e.state }),
    at: t.field({ ...tenantOnly, type: 'DateTime', resolve: (e) => new Date(e.at) }),
  }),
});

builder.subscriptionField('viewerAlertEvents', (t) =>
  t.field({
    type: ViewerAlertEvent,
    ...tenantOnly,
    authScopes: { tenant: true },
    description: "The tenant's alerts of rules it may see, as they open, fire, are acknowledged and resolve.",
    // The tenant scope hears only events with its own tenantId; alerts of hidden rules are dropped here.
    subscribe: (_root, _args, ctx) => tenantScope(ctx).subscribe('alertChanged', (e) => e.tenantVisible),
    resolve: (event) => event,
  }),
);
