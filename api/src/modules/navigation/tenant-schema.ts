// The tenant graph's navigation: the calling tenant's resolved tree, and the tree again whenever it may
// have changed. Nothing of the defaults' internals (requirements, invisible items) or of the overrides shows.
import { builder } from '../../graphql/builder.ts';
import { tenantScope } from '../../graphql/helpers.ts';
import { navigationChanges, type NavigationChange } from './live.ts';
import { NavigationChangeReasonEnum, NavigationNodeRef } from './schema.ts';
import { tenantNavigation } from './service.ts';

const tenantOnly = { subGraphs: ['tenant'] as ['tenant'] };

const NavigationChangeRef = builder.objectRef<NavigationChange>('NavigationChange').implement({
  ...tenantOnly,
  description: "The tenant's navigation after a change that may have altered it.",
  fields: (t) => ({
    reason: t.field({ ...tenantOnly, type: NavigationChangeReasonEnum, resolve: (c) => c.reason }),
    navigation: t.field({ ...tenantOnly, type: [NavigationNodeRef], resolve: (c) => c.navigation }),
  }),
});

builder.queryField('navigation', (t) =>
  t.field({
    ...tenantOnly,
    type: [NavigationNodeRef],
    authScopes: { tenant: true },
    description: "The tenant app's navigation for the calling tenant: its plan's entitlements, its flags and its overrides applied.",
    resolve: async (_root, _args, ctx) => {
      const scope = tenantScope(ctx);
      return (await tenantNavigation(scope, scope.principal.tenantId))?.tree ?? [];
    },
  }),
);

builder.subscriptionField('navigationChanged', (t) =>
  t.field({
    ...tenantOnly,
    type: NavigationChangeRef,
    authScopes: { tenant: true },
    description: "The tenant's navigation after each change to the defaults or its overrides, and after a plan or flag change that altered it.",
    subscribe: (_root, _args, ctx) => {
      const scope = tenantScope(ctx);
      return navigationChanges(scope, scope.principal.tenantId);
    },
    resolve: (change) => change,
  }),
);
