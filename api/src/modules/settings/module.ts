import { z } from 'zod';
import type { TenantModelAccess, TenantModelSpecs } from '../../db/tenant-scope.ts';
import { text } from '../../lib/strings.ts';
import type { PermissionNames, PermissionSpecs } from '../../permissions.ts';
import { defineModule } from '../manifest.ts';
import { defineSetting, type SettingTypes } from './registry.ts';
import type { SettingChanged } from './service.ts';

const permissions = {
  SETTINGS_WRITE: { description: 'Change system settings and per-tenant overrides.', roles: ['OWNER', 'ADMIN'] },
} as const satisfies PermissionSpecs;

/** A tenant key reads the global values (secrets have their own table, out of reach) and its own overrides. */
const tenantModels = {
  Setting: { access: 'read' },
  TenantSetting: { access: 'owned', column: 'tenantId' },
} as const satisfies TenantModelSpecs;

const settings = {
  'general.statusPageUrl': defineSetting({
    category: 'GENERAL',
    description: 'Public status page that tenant apps link to (none when empty).',
    schema: text({ max: 2000 }).pipe(z.union([z.literal(''), z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' })])),
    default: '',
    input: 'TEXT',
    tenantOverridable: true,
    tenantVisible: true,
  }),
};

declare module '../../permissions.ts' {
  interface PermissionRegistry extends PermissionNames<typeof permissions> {}
}
declare module '../../db/tenant-scope.ts' {
  interface TenantModels extends TenantModelAccess<typeof tenantModels> {}
}
declare module './registry.ts' {
  interface SettingRegistry extends SettingTypes<typeof settings> {}
}
declare module '../../events.ts' {
  interface EventMap {
    /** A setting's global value or one tenant's override was set or reset. */
    settingChanged: SettingChanged;
  }
}

/** System settings: the typed registry's values, global and per tenant. */
export default defineModule({
  name: 'settings',
  graphql: () => import('./schema.ts'),
  auditActions: {
    'setting.set': 'Setting',
    'setting.reset': 'Setting',
    'tenantSetting.set': 'TenantSetting',
    'tenantSetting.reset': 'TenantSetting',
  },
  permissions,
  tenantModels,
  settings,
});
