import type { TenantModelSpecs } from '../db/tenant-scope.ts';
import type { ListDefinition } from '../lib/list.ts';
import type { PermissionSpecs } from '../permissions.ts';
import type { SystemScope } from '../scope.ts';
import type { TaskDefinition } from '../worker/task.ts';

export interface SeedOptions {
  /** Queue real onboarding jobs for the newest trials (needs graphile-worker's schema installed). */
  onboardNewTrials?: boolean;
}

/**
 * Everything a module registers, declared once in its `module.ts`; every registry (GraphQL, worker,
 * exports, tenant scope, permissions, demo data) is built from the list in `modules/index.ts`.
 */
export interface ModuleManifest {
  /** The domain's noun, as its folder is named. */
  name: string;
  /** Registers the module's GraphQL types and fields; only processes that serve GraphQL load it. */
  graphql?: () => Promise<unknown>;
  /** Its graphile-worker tasks. */
  tasks?: readonly TaskDefinition[];
  /** Recurring work, in graphile-worker's crontab syntax. */
  crontab?: string;
  /** Its lists: each becomes a GraphQL connection field and a CSV export (see lib/list.ts). */
  lists?: readonly ListDefinition<any, any, any>[];
  /** Models a tenant key's scoped client may reach, and how. */
  tenantModels?: TenantModelSpecs;
  /** The audit actions it records (`<target>.<verb>`) and the type of record each targets. */
  auditActions?: Readonly<Record<string, string>>;
  /** The admin permissions it introduces and the roles that hold them. */
  permissions?: PermissionSpecs;
  /** Demo data for an empty development database; returns lines to print (one-time secrets). */
  seed?: (scope: SystemScope, options: SeedOptions) => Promise<string[] | void>;
}

export function defineModule<const M extends ModuleManifest>(manifest: M): M {
  return manifest;
}
