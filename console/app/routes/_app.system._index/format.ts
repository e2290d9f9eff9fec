import { formatCount } from '../../lib/format.ts';

/** A table's row count: exact, or the planner's estimate said as one. */
export function formatRows(rows: number, estimated: boolean): string {
  return estimated ? `≈ ${formatCount(rows)}` : formatCount(rows);
}

/** A capped growth count is a lower bound. */
export function formatGrowth(growth: { count: number; capped: boolean } | null | undefined): string {
  if (!growth) return '—';
  return growth.capped ? `≥ ${formatCount(growth.count)}` : formatCount(growth.count);
}

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** 1536 → "1.5 kB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}
