// Words for what the ticket page shows: sizes, history entries.

/** "512 B", "3.4 KB", "12 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export type HistoryEntry = {
  kind: string;
  actorType: string;
  actorAdmin?: { name: string } | null;
  actorUser?: { name?: string | null } | null;
  from?: unknown;
  to?: unknown;
  message?: string | null;
};

const VERBS: Record<string, string> = {
  CREATED: 'opened the ticket',
  STATUS_CHANGED: 'changed the status',
  PRIORITY_CHANGED: 'changed the priority',
  ASSIGNED: 'assigned the ticket',
  UNASSIGNED: 'unassigned the ticket',
  TAGS_CHANGED: 'changed the tags',
  CATEGORY_CHANGED: 'changed the category',
  SUBJECT_CHANGED: 'changed the subject',
  COMMENTED: 'replied',
  INTERNAL_NOTE: 'added an internal note',
  SLA_POLICY_APPLIED: 'applied an SLA policy',
  SLA_AT_RISK: 'flagged an SLA target at risk',
  SLA_BREACHED: 'recorded an SLA breach',
  SLA_MET: 'recorded an SLA target met',
};

/** Entries whose from/to are a before and after worth showing. */
const CHANGES = new Set(['STATUS_CHANGED', 'PRIORITY_CHANGED', 'ASSIGNED', 'UNASSIGNED', 'TAGS_CHANGED', 'CATEGORY_CHANGED', 'SUBJECT_CHANGED']);

/**
 * A history value in words: `{ status: 'ON_HOLD' }` reads "on hold", a list is joined, an admin id is the
 * agent's name when `names` knows it; ids of other things (comments) say nothing.
 */
export function describeValue(value: unknown, names: ReadonlyMap<string, string> = new Map()): string {
  if (value === null || value === undefined || value === '') return 'none';
  if (Array.isArray(value)) return value.length ? value.map((v) => describeValue(v, names)).join(', ') : 'none';
  if (typeof value === 'object') {
    const parts = Object.entries(value as Record<string, unknown>).flatMap(([key, v]) => {
      if (key === 'assigneeId' || key === 'adminId') return [typeof v === 'string' ? (names.get(v) ?? 'an agent') : 'nobody'];
      if (key.endsWith('Id')) return [];
      return [describeValue(v, names)];
    });
    return parts.join(', ') || 'none';
  }
  return typeof value === 'string' && /^[A-Z_]+$/.test(value) ? value.toLowerCase().replace(/_/g, ' ') : String(value);
}

/** "Ada Admin changed the priority: normal → urgent (escalated on breach)". */
export function describeHistory(entry: HistoryEntry, names: ReadonlyMap<string, string> = new Map()): string {
  const who = entry.actorType === 'ADMIN' ? (entry.actorAdmin?.name ?? 'An admin') : entry.actorType === 'REQUESTER' ? (entry.actorUser?.name ?? 'The requester') : 'Opsgraph';
  const verb = VERBS[entry.kind] ?? entry.kind.toLowerCase().replace(/_/g, ' ');
  let detail = '';
  if (CHANGES.has(entry.kind)) detail = `: ${describeValue(entry.from, names)} → ${describeValue(entry.to, names)}`;
  else if (entry.kind.startsWith('SLA_') && entry.to) detail = `: ${describeValue(entry.to, names)}`;
  return `${who} ${verb}${detail}${entry.message ? ` (${entry.message})` : ''}`;
}

/** Tags typed as "billing, VIP  login": each once, in the order given (the API lower-cases them). */
export function readTags(text: string): string[] {
  return [...new Set(text.split(/[,\s]+/).map((t) => t.trim().replace(/^#/, '')).filter(Boolean))];
}
