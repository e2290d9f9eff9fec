// The tenant graph's flags: every flag evaluated for the calling tenant, the snapshot a client evaluates
// locally (that tenant's overrides only), and a signal when either changes.
import type { Evaluation, EvaluationContext } from '@opsgraph/flag-evaluator';
import { builder } from '../../graphql/builder.ts';
import { tenantScope } from '../../graphql/helpers.ts';
import { FlagContextInput, FlagEvaluationReasonEnum } from './schema.ts';
import { evaluateFlagsForTenant, flagSnapshotForTenant, snapshotChangesForTenant, snapshotVersion } from './service.ts';

const tenantOnly = { subGraphs: ['tenant'] as ['tenant'] };

const FlagEvaluationRef = builder.objectRef<Evaluation>('FlagEvaluation').implement({
  ...tenantOnly,
  description: 'One flag evaluated for the calling tenant.',
  fields: (t) => ({
    key: t.exposeString('key', tenantOnly),
    value: t.field({ ...tenantOnly, type: 'JSON', nullable: true, resolve: (e) => e.value }),
    reason: t.field({ ...tenantOnly, type: FlagEvaluationReasonEnum, resolve: (e) => e.reason }),
    ruleId: t.exposeString('ruleId', { ...tenantOnly, nullable: true, description: 'The targeting rule that decided (reason RULE).' }),
    bucket: t.exposeInt('bucket', { ...tenantOnly, nullable: true, description: '0..9999 when a rollout was consulted.' }),
  }),
});

const FlagSnapshotRef = builder.objectRef<{ version: string; snapshot: unknown }>('FlagSnapshot').implement({
  ...tenantOnly,
  description: "What a client needs to evaluate every flag locally for this tenant (the flag-evaluator's FlagSnapshot).",
  fields: (t) => ({
    version: t.exposeString('version', { ...tenantOnly, description: 'Increases with every change that affects this tenant.' }),
    snapshot: t.field({ ...tenantOnly, type: 'JSON', resolve: (s) => s.snapshot }),
  }),
});

const FlagsChangedRef = builder.objectRef<{ version: string; keys: string[] }>('FlagsChanged').implement({
  ...tenantOnly,
  fields: (t) => ({
    version: t.exposeString('version', tenantOnly),
    keys: t.exposeStringList('keys', { ...tenantOnly, description: 'The flags whose evaluation may have changed.' }),
  }),
});

builder.queryFields((t) => ({
  flags: t.field({
    ...tenantOnly,
    type: [FlagEvaluationRef],
    authScopes: { tenant: true },
    description: 'Every flag evaluated for the calling tenant, and for a user and attributes when given.',
    args: { context: t.arg({ type: FlagContextInput, required: false }) },
    resolve: (_root, { context }, ctx) => {
      const scope = tenantScope(ctx);
      // The service validates the context (attributes arrive as untyped JSON).
      return evaluateFlagsForTenant(scope, scope.principal.tenantId, (context ?? undefined) as EvaluationContext | undefined);
    },
  }),
  flagSnapshot: t.field({
    ...tenantOnly,
    type: FlagSnapshotRef,
    authScopes: { tenant: true },
    resolve: async (_root, _args, ctx) => {
      const scope = tenantScope(ctx);
      const snapshot = await flagSnapshotForTenant(scope, scope.principal.tenantId);
      return { version: snapshot.version, snapshot };
    },
  }),
}));

builder.subscriptionField('flagsChanged', (t) =>
  t.field({
    ...tenantOnly,
    type: FlagsChangedRef,
    authScopes: { tenant: true },
    description:
      "A change that can change this tenant's flags (a flag's definition, its own overrides, or its plan or status: then `keys` is empty); fetch the snapshot again.",
    subscribe: (_root, _args, ctx) => snapshotChangesForTenant(tenantScope(ctx)),
    resolve: async (event, _args, ctx) => ({ version: await snapshotVersion(tenantScope(ctx)), keys: event.keys }),
  }),
);
