import type { SystemScope } from '../../scope.ts';
import { createFlag, setFlagRollout, setFlagRules, setFlagTenantOverride } from './service.ts';

/** A few demo flags through the service (audited as the platform): one of each type, with targeting. */
export async function seedFlags(scope: SystemScope): Promise<string[]> {
  if ((await scope.db.flag.count()) > 0) return [];
  const tenants = await scope.db.tenant.findMany({ where: { status: 'ACTIVE' }, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], take: 2, select: { id: true } });
  const checkout = await createFlag(scope, {
    key: 'new-checkout', type: 'BOOLEAN', description: 'The redesigned checkout flow.', owner: 'payments', tags: ['billing', 'ui'], enabled: true,
  });
  await setFlagRules(scope, checkout.id, [
    { description: 'Beta users first', constraints: [{ attribute: 'beta', operator: 'EQ', values: ['true'] }], value: true },
    { description: 'Not on the starter plan yet', constraints: [{ attribute: 'plan', operator: 'IN', values: ['starter'] }], value: false },
  ]);
  await setFlagRollout(scope, checkout.id, 25, 'TENANT');
  const theme = await createFlag(scope, {
    key: 'dashboard-theme', type: 'STRING', description: 'Colour theme of the tenant dashboard.', owner: 'design', tags: ['ui'],
    variants: ['classic', 'light', 'dark'], defaultValue: 'classic', onValue: 'light', enabled: true,
  });
  if (tenants[0]) await setFlagTenantOverride(scope, theme.id, tenants[0].id, 'dark');
  await createFlag(scope, {
    key: 'export-row-limit', type: 'NUMBER', description: 'Rows per CSV export.', owner: 'platform', tags: ['exports'],
    defaultValue: 10_000, onValue: 100_000, entitlement: 'audit-export', enabled: true,
  });
  await createFlag(scope, {
    key: 'search-tuning', type: 'JSON', description: 'Ranking weights of the help-centre search.', owner: 'support', tags: ['search'],
    jsonSchema: { type: 'object', properties: { title: { type: 'number' }, body: { type: 'number' } }, required: ['title', 'body'], additionalProperties: false },
    defaultValue: { title: 2, body: 1 }, onValue: { title: 3, body: 1 },
  });
  await createFlag(scope, { key: 'legacy-reports', type: 'BOOLEAN', description: 'The old reports page (to be removed).', owner: 'analytics', tags: ['cleanup'] });
  return ['5 feature flags'];
}
