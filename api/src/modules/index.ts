// The one list of modules. Every registry (GraphQL, worker tasks and crontab, CSV exports, the tenant
// scope, permissions, demo data) is built from it; adding a domain means adding one line here.
import type { TenantModelSpecs } from '../db/tenant-scope.ts';
import { listExport, type ListExport } from '../lib/csv-export.ts';
import { registerChangeHooks } from '../change-hooks.ts';
import { registerAuditActions } from '../audit-actions.ts';
import { registerPermissions } from '../permissions.ts';
import { registerWebhookHandlers } from '../webhook-handlers.ts';
import admins from './admins/module.ts';
import alerts from './alerts/module.ts';
import audit from './audit/module.ts';
import jobs from './jobs/module.ts';
import metrics from './metrics/module.ts';
import billing from './billing/module.ts';
import emails from './emails/module.ts';
import flags from './flags/module.ts';
import type { HttpRoute, ModuleManifest } from './manifest.ts';
import operations from './operations/module.ts';
import plans from './plans/module.ts';
import system from './system/module.ts';
import tenants from './tenants/module.ts';
import tickets from './tickets/module.ts';
import users from './users/module.ts';
import webhooks from './webhooks/module.ts';

/** In dependency order: demo data is seeded in this order (plans before the tenants on them). */
export const modules: readonly ModuleManifest[] = [audit, admins, plans, tenants, users, emails, billing, webhooks, tickets, metrics, alerts, flags, operations, jobs, system];

for (const module of modules) {
  registerPermissions(module.name, module.permissions ?? {});
  registerAuditActions(module.name, module.auditActions ?? {});
  registerWebhookHandlers(module.name, module.webhookHandlers ?? []);
  registerChangeHooks(module);
}

/** Every module's observer of served HTTP requests, in module order. */
export const requestObservers = modules.flatMap((m) => (m.requestObserver ? [m.requestObserver] : []));

/** Every module's HTTP endpoints outside GraphQL, in module order. */
export const httpRoutes: readonly HttpRoute[] = modules.flatMap((m) => m.routes ?? []);

function mergeOnce<V>(what: string, entries: [string, V][]): Record<string, V> {
  const merged: Record<string, V> = {};
  for (const [key, value] of entries) {
    if (key in merged) throw new Error(`${what} ${key} is declared by two modules`);
    merged[key] = value;
  }
  return merged;
}

/** Every model a tenant key's scoped client may reach, from the modules that own them. */
export const tenantModelSpecs: TenantModelSpecs = mergeOnce(
  'Tenant model',
  modules.flatMap((m) => Object.entries(m.tenantModels ?? {})),
);

/** Every list's CSV export by the name in its URL: /exports/<name>.csv */
export const csvExports = mergeOnce(
  'CSV export',
  modules.flatMap((m) => (m.lists ?? []).map((list) => [list.csv.name, listExport(list)] as [string, ListExport])),
);

/** Registers every module's GraphQL types and fields on the builder, then its lists' connection fields. */
export async function registerGraphql(): Promise<void> {
  const { registerList } = await import('../graphql/list.ts');
  for (const module of modules) {
    await module.graphql?.();
    for (const list of module.lists ?? []) registerList(list);
  }
}
