// The downloadable system report: everything of the System page, as JSON or as one flat CSV
// (section, item, field, value) that a spreadsheet opens as is.
import { stringify } from 'csv-stringify/sync';
import { csvCell } from '../../lib/csv-export.ts';
import type { SystemStatus } from './service.ts';

export function reportJson(status: SystemStatus): string {
  return JSON.stringify(status, null, 2);
}

type Row = [section: string, item: string, field: string, value: unknown];

/** One row per leaf value: nested objects become dotted field names, arrays are JSON. */
function leaves(section: string, item: string, value: unknown, prefix = ''): Row[] {
  if (value !== null && typeof value === 'object' && !(value instanceof Date) && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([key, inner]) => leaves(section, item, inner, prefix ? `${prefix}.${key}` : key));
  }
  return [[section, item, prefix, value]];
}

export function reportCsv(status: SystemStatus): string {
  const rows: Row[] = [
    ['report', 'system', 'generatedAt', status.generatedAt],
    ['report', 'system', 'overall', status.overall],
    ...status.health.flatMap((h) => leaves('health', h.key, { name: h.name, status: h.status, message: h.message })),
    ...leaves('database', 'database', status.database),
    ...leaves('worker', 'worker', status.worker),
    ...leaves('email', 'email', status.email),
    ...status.webhookProviders.flatMap((p) => leaves('webhooks', p.provider, p)),
    ...(status.migrations ? leaves('migrations', 'migrations', status.migrations) : []),
    ...status.tables.flatMap((t) => leaves('tables', t.name, { rows: t.rows, estimated: t.estimated, sizeBytes: t.sizeBytes, growth: t.growth })),
    ...leaves('versions', 'versions', status.versions),
    ...leaves('environment', 'environment', { ...status.environment, features: undefined }).filter((r) => r[2] !== 'features'),
    ...status.environment.features.flatMap((f) => leaves('features', f.name, { enabled: f.enabled, detail: f.detail })),
  ];
  return stringify([['section', 'item', 'field', 'value'], ...rows.map(([s, i, f, v]) => [s, i, f, typeof v === 'boolean' ? String(v) : csvCell(v)])]);
}
