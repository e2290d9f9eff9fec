// The audit log's filters, links and labels. Times in filters are read as UTC, like every time the
// console shows, whatever the browser's or the server's own time zone.

import type { ResultOf } from '@graphql-typed-document-node/core';
import { graphql } from '../../gql/index.ts';
import { AuditEventFilterFields } from '../../gql/lists.ts';
import { isUuid } from '../../lib/ids.ts';
import { exportHref, readFilter } from '../../lib/list.ts';

/**
 * The action filter's suggestions and the target types to choose from, from the actions the API's modules
 * declare (`auditActions`): each `<target>.` prefix, which matches every action of that kind, then each
 * action.
 */
export function auditVocabulary(actions: readonly { action: string; targetType: string }[]) {
  const names = actions.map((a) => a.action);
  return {
    suggestions: [...new Set(names.map((a) => `${a.split('.')[0]}.`)), ...names],
    targetTypes: [...new Set(actions.map((a) => a.targetType))].sort(),
  };
}

/** A UUID's first block, enough to tell rows apart in a table; other ids are kept whole. */
export function shortId(id: string): string {
  return isUuid(id) ? `${id.slice(0, 8)}…` : id;
}

/** The audit log's filter from the URL (see `readFilter`): ids that are not UUIDs are left out, `to` covers the day or minute it names. */
export function auditFilter(params: URLSearchParams) {
  return readFilter(params, AuditEventFilterFields);
}

/** The CSV export of the filtered log: the same filter, times resolved to UTC instants. */
export function auditExportHref(params: URLSearchParams): string {
  return exportHref('audit-events', auditFilter(params));
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
