// The audit log's filters, links and labels. Times in filters are read as UTC, like every time the
// console shows, whatever the browser's or the server's own time zone.

import type { ResultOf } from '@graphql-typed-document-node/core';
import { graphql } from '../../gql/index.ts';
import type { AuditEventFilter } from '../../gql/graphql.ts';
import { isUuid } from '../../lib/ids.ts';
import { dateParam, param } from '../../lib/list.ts';

/** Every action the API records, for the action filter's suggestions. */
export const KNOWN_ACTIONS = [
  'admin.changeRole',
  'admin.create',
  'admin.deactivate',
  'admin.login',
  'admin.logout',
  'admin.reactivate',
  'admin.revokeSession',
  'apiKey.create',
  'apiKey.revoke',
  'plan.archive',
  'plan.create',
  'plan.delete',
  'plan.unarchive',
  'plan.update',
  'tenant.activate',
  'tenant.changePlan',
  'tenant.create',
  'tenant.delete',
  'tenant.onboard',
  'tenant.suspend',
  'tenant.update',
] as const;

/** `tenant.` and the like: a filter ending in a dot matches every action of that kind. */
export const ACTION_PREFIXES = [...new Set(KNOWN_ACTIONS.map((a) => `${a.split('.')[0]}.`))];

export const TARGET_TYPES = ['AdminSession', 'AdminUser', 'Plan', 'Tenant', 'TenantApiKey'] as const;

/** A UUID's first block, enough to tell rows apart in a table; other ids are kept whole. */
export function shortId(id: string): string {
  return isUuid(id) ? `${id.slice(0, 8)}…` : id;
}

/** The audit log's filter as the URL gives it: the API's `AuditEventFilter`, each field a string or left out. */
export type AuditFilterVariables = { [Field in keyof AuditEventFilter]?: string };

/**
 * The GraphQL filter from the URL. Ids that are not UUIDs are dropped rather than sent (the API would
 * refuse the whole query); `to` includes the whole of a bare date or the whole minute of a date-time.
 */
export function auditFilter(params: URLSearchParams): AuditFilterVariables {
  const id = (name: string) => {
    const value = param(params, name);
    return value && isUuid(value) ? value : undefined;
  };
  const time = (name: string, endOfDay: boolean) => dateParam(params, name, { endOfDay });
  const filter: AuditFilterVariables = {
    actorId: id('actorId'),
    action: param(params, 'action'),
    tenantId: id('tenantId'),
    targetType: param(params, 'targetType'),
    targetId: param(params, 'targetId'),
    from: time('from', false),
    to: time('to', true),
  };
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) as AuditFilterVariables;
}

/** The CSV export of the filtered log: same parameter names as the filter, times resolved to UTC instants. */
export function auditExportHref(params: URLSearchParams): string {
  const query = new URLSearchParams(auditFilter(params) as Record<string, string>);
  const text = query.toString();
  return `/exports/audit-events.csv${text ? `?${text}` : ''}`;
}

/** The console page of an audit target, for the kinds of record that have one. */
export function targetHref(targetType: string, targetId: string | null | undefined): string | null {
  if (!targetId) return null;
  const base = { Tenant: '/tenants', Plan: '/plans', AdminUser: '/admins' }[targetType];
  return base ? `${base}/${encodeURIComponent(targetId)}` : null;
}

/** What `actorLabel` reads from an entry; spread it wherever entries are listed. */
export const AuditActorFragment = graphql(`
  fragment AuditActor on AuditEvent {
    actorType
    actorEmail
    actorRole
  }
`);

/** Who did it: an admin's email (with the role held at the time), or the system, or a tenant's API key. */
export function actorLabel(event: ResultOf<typeof AuditActorFragment>): { name: string; role: string | null } {
  if (event.actorType === 'ADMIN') return { name: event.actorEmail ?? 'Unknown admin', role: event.actorRole ?? null };
  return { name: event.actorType, role: null };
}
