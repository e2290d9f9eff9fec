// The stats screen's range and chart series, from `ticketStats`.

export const STATS_RANGES = {
  '7d': { label: 'Last 7 days', days: 7, bucket: 'DAY' },
  '30d': { label: 'Last 30 days', days: 30, bucket: 'DAY' },
  '90d': { label: 'Last 90 days', days: 90, bucket: 'WEEK' },
} as const;
export type StatsRange = keyof typeof STATS_RANGES;
export const STATS_RANGE_KEYS = Object.keys(STATS_RANGES) as StatsRange[];
const DEFAULT_RANGE: StatsRange = '30d';

export function statsRange(params: URLSearchParams): StatsRange {
  const value = params.get('range');
  return STATS_RANGE_KEYS.includes(value as StatsRange) ? (value as StatsRange) : DEFAULT_RANGE;
}

/** The UTC days the range covers, ending today. */
export function rangeBounds(range: StatsRange, now: number): { from: string; to: string } {
  const today = new Date(now);
  const start = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - (STATS_RANGES[range].days - 1) * 86_400_000;
  return { from: new Date(start).toISOString(), to: new Date(now).toISOString() };
}

/** Median seconds in words: "42 s", "18 min", "3.5 h", "2.1 d"; "—" without replies. */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

type Period = { start: string; created: number; resolved: number; medianFirstResponseSeconds?: number | null };

/** Axis labels ("Mar 07") and the per-period series the charts draw. */
export function periodSeries(periods: readonly Period[]) {
  const label = (day: string) => new Date(`${day}T00:00:00Z`).toLocaleDateString('en-US', { month: 'short', day: '2-digit', timeZone: 'UTC' });
  return {
    labels: periods.map((p) => label(p.start)),
    titles: periods.map((p) => p.start),
    created: periods.map((p) => p.created),
    resolved: periods.map((p) => p.resolved),
    // Minutes read better on an axis than seconds; a period without replies draws no bar.
    firstResponseMinutes: periods.map((p) => (p.medianFirstResponseSeconds == null ? 0 : Math.round(p.medianFirstResponseSeconds / 6) / 10)),
  };
}

/** "42 created, 37 resolved": the created-vs-resolved chart's accessible summary. */
export function flowSummary(series: { created: number[]; resolved: number[] }): string {
  const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
  return `${sum(series.created)} created, ${sum(series.resolved)} resolved`;
}

type AgentRow = { agentId?: string | null; agentName?: string | null; sla: { firstResponsePercentMet?: number | null; resolutionPercentMet?: number | null } };

/** Agents with any SLA outcome, as bars: % of first responses and resolutions met (0 where none). */
export function agentSeries(agents: readonly AgentRow[]) {
  const rows = agents.filter((a) => a.sla.firstResponsePercentMet != null || a.sla.resolutionPercentMet != null);
  return {
    labels: rows.map((a) => (a.agentId ? (a.agentName ?? 'agent') : 'Unassigned')),
    firstResponse: rows.map((a) => a.sla.firstResponsePercentMet ?? 0),
    resolution: rows.map((a) => a.sla.resolutionPercentMet ?? 0),
  };
}

/** A percentage the API gives as 0–100 (or null), as "96.5%" or "—". */
export function formatPercentMet(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${value.toFixed(1)}%`;
}
