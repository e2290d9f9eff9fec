// Live navigation: the events that can change a tenant's tree, merged into one stream. Changes to the
// defaults concern every tenant; a tenant's overrides and plan concern that tenant; a flag change concerns
// it when the flags module says so (a global change or its own override), and changes its tree only if an
// item needs the flag.
import { asSystem, type PlatformScope, type TenantScope } from '../../scope.ts';
import { affectsTenant, flagChangesForTenant } from '../flags/service.ts';
import { filtered, mapped, merged } from '../../lib/streams.ts';
import type { NavigationNode } from './resolve.ts';
import { tenantNavigation } from './service.ts';

export type NavigationChangeReason = 'DEFAULTS' | 'OVERRIDES' | 'PLAN' | 'FLAGS';
export const NAVIGATION_CHANGE_REASONS = ['DEFAULTS', 'OVERRIDES', 'PLAN', 'FLAGS'] as const satisfies readonly NavigationChangeReason[];

export interface NavigationTrigger {
  reason: NavigationChangeReason;
  /** The tenant it concerns; null for a change to the defaults or a global flag. */
  tenantId: string | null;
  /** The item or flag key that changed. */
  key: string | null;
}

export interface NavigationChange {
  reason: NavigationChangeReason;
  navigation: NavigationNode[];
}

type Scope = TenantScope | PlatformScope;

/**
 * What can change one tenant's tree, or (for an admin without a tenant) any change to the defaults or to
 * any tenant's overrides.
 */
export function navigationTriggers(scope: Scope, tenantId: string | null): AsyncIterableIterator<NavigationTrigger> {
  // A tenant scope hears only events carrying its own tenant id; the defaults' events carry none. The
  // elevation only listens: the tenant's tree is then resolved through its own scope.
  const everyone = scope.principal.kind === 'tenant' ? asSystem(scope, 'navigationLive') : scope;
  const concerns = (e: { tenantId?: string | null }) => tenantId === null || e.tenantId === tenantId;
  const sources = [
    mapped(everyone.subscribe('navigationDefaultsChanged'), (e): NavigationTrigger => ({ reason: 'DEFAULTS', tenantId: null, key: e.key })),
    mapped(scope.subscribe('navigationOverrideChanged', concerns), (e): NavigationTrigger => ({ reason: 'OVERRIDES', tenantId: e.tenantId, key: e.itemKey })),
    mapped(scope.subscribe('tenantChanged', (e) => e.kind === 'planChanged' && concerns(e)), (e): NavigationTrigger => ({ reason: 'PLAN', tenantId: e.tenantId, key: null })),
    // A plan's entitlements edited in place: it concerns the tenant if that is its plan now.
    mapped(
      filtered(everyone.subscribe('planChanged'), async (e) =>
        tenantId === null ? true : (await scope.db.tenant.findUnique({ where: { id: tenantId }, select: { planId: true } }))?.planId === e.planId,
      ),
      (): NavigationTrigger => ({ reason: 'PLAN', tenantId, key: null }),
    ),
  ];
  // Flag changes matter for one tenant's tree: the flags module says which concern it.
  const flags =
    scope.principal.kind === 'tenant'
      ? flagChangesForTenant(scope as TenantScope)
      : tenantId === null
        ? null
        : scope.subscribe('flagChanged', (e) => affectsTenant(e, tenantId));
  if (flags) sources.push(mapped(flags, (e): NavigationTrigger => ({ reason: 'FLAGS', tenantId: e.tenantId ?? null, key: e.key })));
  return merged(sources);
}

/**
 * The tenant's resolved tree each time it may have changed: always after a change to the defaults or to
 * its overrides, and after a plan or flag change only when the tree came out different.
 */
export function navigationChanges(scope: TenantScope | PlatformScope, tenantId: string): AsyncIterableIterator<NavigationChange> {
  const triggers = navigationTriggers(scope, tenantId);
  let last: Promise<string | null> = tenantNavigation(scope, tenantId).then(
    (r) => JSON.stringify(r?.tree ?? null),
    () => null,
  );
  const iterator: AsyncIterableIterator<NavigationChange> = {
    async next() {
      for (;;) {
        const trigger = await triggers.next();
        if (trigger.done) return { value: undefined, done: true };
        const resolution = await tenantNavigation(scope, tenantId);
        const tree = resolution?.tree ?? [];
        const json = JSON.stringify(tree);
        const changed = (await last) !== json;
        last = Promise.resolve(json);
        const direct = trigger.value.reason === 'DEFAULTS' || trigger.value.reason === 'OVERRIDES';
        if (changed || direct) return { value: { reason: trigger.value.reason, navigation: tree }, done: false };
      }
    },
    async return() {
      await triggers.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
