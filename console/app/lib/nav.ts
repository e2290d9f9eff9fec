// The sidebar: every screen that exists, and the permission it needs. A role sees only what it may use.
// Permissions are the API's `Permission` enum (each API module declares its own), typed here by codegen.
import type { Permission } from '../gql/graphql.ts';

export type { Permission };

export type NavItem = { to: string; label: string; permission: Permission };

export const NAV: NavItem[] = [
  { to: '/', label: 'Dashboard', permission: 'READ' },
  { to: '/tenants', label: 'Tenants', permission: 'READ' },
  { to: '/users', label: 'Users', permission: 'READ' },
  { to: '/plans', label: 'Plans', permission: 'READ' },
  { to: '/operations', label: 'Operations', permission: 'READ' },
  { to: '/tickets', label: 'Tickets', permission: 'READ' },
  { to: '/tickets/stats', label: 'Ticket stats', permission: 'READ' },
  { to: '/tickets/settings', label: 'Ticket settings', permission: 'READ' },
  { to: '/emails', label: 'Emails', permission: 'READ' },
  { to: '/emails/templates', label: 'Email templates', permission: 'READ' },
  { to: '/webhooks', label: 'Webhooks', permission: 'READ' },
  { to: '/audit', label: 'Audit log', permission: 'READ' },
  { to: '/jobs', label: 'Jobs', permission: 'READ' },
  { to: '/monitoring', label: 'Monitoring', permission: 'MONITORING_READ' },
  { to: '/flags', label: 'Feature flags', permission: 'READ' },
  { to: '/prompts', label: 'Prompts', permission: 'READ' },
  { to: '/navigation', label: 'Navigation', permission: 'READ' },
  { to: '/system', label: 'System', permission: 'READ' },
  { to: '/settings', label: 'Settings', permission: 'READ' },
  { to: '/admins', label: 'Admins', permission: 'ADMINS_MANAGE' },
];

export function navFor(permissions: readonly string[]): NavItem[] {
  return NAV.filter((item) => permissions.includes(item.permission));
}
