// The tenant graph's prompts: rendering only. Nothing about other tenants' labels, authors or usage is
// reachable from here.
import { builder } from '../../graphql/builder.ts';
import { tenantScope } from '../../graphql/helpers.ts';
import { RENDER_ERRORS } from './schema.ts';
import { PromptInactiveError, renderPrompt, type RenderedPrompt } from './service.ts';
import { ErrorInterface } from '../../graphql/errors.ts';

const tenantOnly = { subGraphs: ['tenant'] as ['tenant'] };
const both = { subGraphs: ['admin', 'tenant'] as ['admin', 'tenant'] };

builder.objectType(PromptInactiveError, {
  ...both,
  name: 'PromptInactiveError',
  description: 'The prompt is switched off and renders for nobody.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof PromptInactiveError,
  fields: (t) => ({ key: t.exposeString('key', both) }),
});

const RenderedVersionRef = builder.objectRef<RenderedPrompt['version']>('RenderedPromptVersion').implement({
  ...tenantOnly,
  fields: (t) => ({ number: t.exposeInt('number', { ...tenantOnly, description: '1, 2, … per prompt.' }) }),
});

const RenderedPromptRef = builder.objectRef<RenderedPrompt>('RenderedPrompt').implement({
  ...tenantOnly,
  fields: (t) => ({
    text: t.exposeString('text', tenantOnly),
    label: t.exposeString('label', { ...tenantOnly, description: 'The label rendered (the tenant\'s own when it has one, else the global one).' }),
    version: t.field({ ...tenantOnly, type: RenderedVersionRef, resolve: (r) => r.version }),
    parameters: t.field({ ...tenantOnly, type: 'JSON', description: "The version's model parameters.", resolve: (r) => r.parameters }),
  }),
});

builder.queryField('renderPrompt', (t) =>
  t.field({
    ...tenantOnly,
    type: RenderedPromptRef,
    authScopes: { tenant: true },
    description: "Renders a prompt by key and label (`latest`: the newest version); the tenant's own label wins over the global one.",
    errors: { types: [...RENDER_ERRORS, PromptInactiveError], union: tenantOnly, result: tenantOnly },
    args: {
      key: t.arg.string(),
      label: t.arg.string({ defaultValue: 'production' }),
      variables: t.arg({ type: 'JSON', required: false }),
    },
    resolve: (_root, { key, label, variables }, ctx) => renderPrompt(tenantScope(ctx), { key, label, variables }),
  }),
);
