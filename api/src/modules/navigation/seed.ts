import type { SystemScope } from '../../scope.ts';
import { createNavigationItem, type CreateNavigationItemInput } from './service.ts';

type SeedItem = Omit<CreateNavigationItemInput, 'parentId'> & { children?: SeedItem[] };

/** The tenant app's demo navigation; tickets and webhooks follow the demo plans' entitlements. */
const ITEMS: SeedItem[] = [
  { key: 'home', label: 'Home', icon: 'home', path: '/' },
  {
    key: 'support', label: 'Support', icon: 'life-buoy', path: '/support', requiredEntitlement: 'tickets',
    children: [
      { key: 'support.tickets', label: 'Tickets', icon: 'inbox', path: '/support/tickets' },
      { key: 'support.sla', label: 'SLA reports', icon: 'clock', path: '/support/sla', requiredEntitlement: 'sla' },
    ],
  },
  { key: 'integrations', label: 'Integrations', icon: 'plug', path: '/integrations', requiredEntitlement: 'webhooks' },
  {
    key: 'settings', label: 'Settings', icon: 'settings', path: '/settings',
    children: [
      { key: 'settings.team', label: 'Team', icon: 'users', path: '/settings/team' },
      { key: 'settings.billing', label: 'Billing', icon: 'credit-card', path: '/settings/billing' },
      { key: 'settings.sso', label: 'Single sign-on', icon: 'key', path: '/settings/sso', requiredEntitlement: 'sso' },
    ],
  },
];

/** Default navigation items through the service (audited like an admin's). */
export async function seedNavigation(scope: SystemScope): Promise<string[]> {
  let count = 0;
  const create = async (items: SeedItem[], parentId: string | null) => {
    for (const { children, ...item } of items) {
      const created = await createNavigationItem(scope, { ...item, parentId });
      count += 1;
      if (children) await create(children, created.id);
    }
  };
  await create(ITEMS, null);
  return [`${count} navigation items`];
}
