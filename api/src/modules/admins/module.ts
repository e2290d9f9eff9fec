import { z } from 'zod';
import { env } from '../../env.ts';
import { defineModule } from '../manifest.ts';
import type { PermissionNames, PermissionSpecs } from '../../permissions.ts';
import { defineSetting, type SettingTypes } from '../settings/registry.ts';
import { adminsList } from './lists.ts';
import { seedAdmins } from './seed.ts';
import { crontab, loginThrottlePrune } from './tasks.ts';

const permissions = {
  READ: { description: 'Read everything in the admin graph.', roles: ['OWNER', 'ADMIN', 'SUPPORT', 'BILLING', 'VIEWER'] },
  ADMINS_MANAGE: { description: 'Create admins, change their roles, deactivate them and end their sessions.', roles: ['OWNER'] },
} as const satisfies PermissionSpecs;

const settings = {
  'security.sessionTtlHours': defineSetting({
    category: 'SECURITY',
    description: 'How long a console session lasts from sign-in, in hours (default: SESSION_TTL_HOURS); applies to sessions opened from now on.',
    schema: z.number('a number of hours').positive('more than 0 hours').max(8760, 'at most 8760 hours (a year)'),
    default: () => env.SESSION_TTL_HOURS,
    input: 'NUMBER',
  }),
};

declare module '../settings/registry.ts' {
  interface SettingRegistry extends SettingTypes<typeof settings> {}
}
declare module '../../permissions.ts' {
  interface PermissionRegistry extends PermissionNames<typeof permissions> {}
}

/** Platform admins: accounts, roles, sessions and signing in. */
export default defineModule({
  name: 'admins',
  graphql: () => import('./schema.ts'),
  tasks: [loginThrottlePrune],
  crontab,
  lists: [adminsList],
  auditActions: {
    'admin.login': 'AdminSession',
    'admin.logout': 'AdminSession',
    'admin.revokeSession': 'AdminSession',
    'admin.loginFailed': 'AdminUser',
    'admin.loginThrottled': 'AdminUser',
    'admin.create': 'AdminUser',
    'admin.changeRole': 'AdminUser',
    'admin.deactivate': 'AdminUser',
    'admin.reactivate': 'AdminUser',
  },
  permissions,
  settings,
  seed: seedAdmins,
});
