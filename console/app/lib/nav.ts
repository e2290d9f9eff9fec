// The sidebar: every screen that exists, and the permission it needs. A role sees only what it may use.

export type Permission = 'read' | 'tenants:write' | 'tenants:plan' | 'apiKeys:write' | 'plans:write' | 'admins:manage';

export type NavItem = { to: string; label: string; permission: Permission };

export const NAV: NavItem[] = [
  { to: '/', label: 'Dashboard', permission: 'read' },
  { to: '/tenants', label: 'Tenants', permission: 'read' },
  { to: '/plans', label: 'Plans', permission: 'read' },
  { to: '/audit', label: 'Audit log', permission: 'read' },
  { to: '/jobs', label: 'Jobs', permission: 'read' },
  { to: '/admins', label: 'Admins', permission: 'admins:manage' },
];

export function navFor(permissions: readonly string[]): NavItem[] {
  return NAV.filter((item) => permissions.includes(item.permission));
}
