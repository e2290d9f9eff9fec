import { defineList, filters, searchAny } from '../../lib/list.ts';

export const navigationItemsList = defineList({
  name: 'navigationItems',
  model: 'NavigationItem',
  description: 'The default navigation items: top-level ones first, then children grouped by parent, each group in its order (unless sorted otherwise).',
  filterType: 'NavigationItemFilter',
  sortType: 'NavigationItemSort',
  filter: {
    search: filters.text({ description: 'Part of the key, label or path.' }),
    parentId: filters.id('Children of this item.'),
    visible: filters.boolean(),
    requiredEntitlement: filters.text({ max: 64, description: 'Items shown only with this plan entitlement.' }),
    requiredFlag: filters.text({ max: 100, description: 'Items shown only while this flag is on.' }),
  },
  where: (f) => ({
    parentId: f.parentId,
    visible: f.visible,
    requiredEntitlement: f.requiredEntitlement,
    requiredFlag: f.requiredFlag,
    OR: searchAny(['key', 'label', 'path'], f.search),
  }),
  sorts: {
    ORDER_ASC: [{ parentId: { sort: 'asc', nulls: 'first' } }, { order: 'asc' }, { id: 'asc' }],
    KEY_ASC: [{ key: 'asc' }, { id: 'asc' }],
    UPDATED_AT_DESC: [{ updatedAt: 'desc' }, { id: 'desc' }],
  },
  defaultSort: 'ORDER_ASC',
  csv: {
    name: 'navigation-items',
    columns: ['id', 'key', 'label', 'icon', 'path', 'order', 'parentId', 'requiredEntitlement', 'requiredFlag', 'visible', 'createdAt', 'updatedAt'],
  },
});

export const navigationOverridesList = defineList({
  name: 'navigationOverrides',
  model: 'NavigationTenantOverride',
  description: "Tenants' overrides of the navigation, by tenant and item key unless sorted otherwise.",
  filterType: 'NavigationOverrideFilter',
  sortType: 'NavigationOverrideSort',
  filter: {
    tenantId: filters.id(),
    action: filters.enumList('NavigationOverrideAction'),
    itemKey: filters.text({ max: 64, description: 'Overrides of (or adding) this key.' }),
  },
  where: (f) => ({
    tenantId: f.tenantId,
    action: f.action?.length ? { in: f.action } : undefined,
    itemKey: f.itemKey,
  }),
  sorts: {
    TENANT_KEY_ASC: [{ tenantId: 'asc' }, { itemKey: 'asc' }, { action: 'asc' }, { id: 'asc' }],
    UPDATED_AT_DESC: [{ updatedAt: 'desc' }, { id: 'desc' }],
  },
  defaultSort: 'TENANT_KEY_ASC',
  csv: {
    name: 'navigation-overrides',
    columns: ['id', 'tenantId', 'itemKey', 'action', 'label', 'icon', 'path', 'parentKey', 'order', 'createdAt', 'updatedAt'],
  },
});
