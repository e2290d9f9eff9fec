// The flags navigation items depend on, evaluated for one tenant by the flags module (no user context:
// the navigation is the tenant's, not one user's).
import type { PlatformScope, TenantScope } from '../../scope.ts';
import { evaluateFlagsForTenant } from '../flags/service.ts';

/** The values of `keys` for the tenant; a key the flags module does not know is absent (off). */
export async function flagValuesFor(scope: TenantScope | PlatformScope, tenantId: string, keys: readonly string[]): Promise<Map<string, unknown>> {
  if (keys.length === 0) return new Map();
  const evaluations = await evaluateFlagsForTenant(scope, tenantId, undefined, { keys });
  return new Map(evaluations.map((e) => [e.key, e.value]));
}
