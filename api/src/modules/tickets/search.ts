// Full-text search over tickets: Postgres tsvectors kept by triggers (subject, description and public
// comments in `searchPublic`, internal notes in `searchInternal`), both behind GIN indexes. Prisma cannot
// filter on a tsvector, so a search becomes an id set (best matches first, bounded) that the list ANDs in.
import type { PlatformScope, TenantScope } from '../../scope.ts';
import { asSystem } from '../../scope.ts';

/** Most matches a text search hands to a list: refine the words to narrow it. */
export const MAX_TEXT_MATCHES = 5000;

/** Ids of the tickets whose public text, or internal notes, match `query` (websearch syntax), best first. */
export async function adminTicketSearch(scope: PlatformScope, query: string): Promise<string[]> {
  const rows = await scope.db.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Ticket", websearch_to_tsquery('english', ${query}) q
    WHERE "searchPublic" @@ q OR "searchInternal" @@ q
    ORDER BY greatest(ts_rank("searchPublic", q), ts_rank("searchInternal", q)) DESC, id
    LIMIT ${MAX_TEXT_MATCHES}`;
  return rows.map((r) => r.id);
}

/**
 * Ids of the key's own tickets whose public text matches: internal notes are never searched for a tenant,
 * so a match cannot reveal what they say.
 */
export async function tenantTicketSearch(scope: TenantScope, query: string): Promise<string[]> {
  const system = asSystem(scope, 'ticketSearch');
  const rows = await system.db.$queryRaw<{ id: string }[]>`
    SELECT id FROM "Ticket", websearch_to_tsquery('english', ${query}) q
    WHERE "tenantId" = ${scope.principal.tenantId}::uuid AND "searchPublic" @@ q
    ORDER BY ts_rank("searchPublic", q) DESC, id
    LIMIT ${MAX_TEXT_MATCHES}`;
  return rows.map((r) => r.id);
}
