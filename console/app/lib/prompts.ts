// The prompt screens' form parsing and chart shaping, shared by the new-prompt form and the editor.

export type TemplateProblem = { line: number; column: number; message: string };
type VariableType = 'STRING' | 'NUMBER' | 'BOOLEAN' | 'LIST' | 'OBJECT';
export type VariableInput = { name: string; type?: VariableType; required?: boolean; description?: string; default?: unknown };
export type VersionInput = { template: string; variables: VariableInput[]; parameters: Record<string, unknown>; changelog: string };

function parseJson(raw: string, fallback: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw.trim() || fallback) };
  } catch {
    return { ok: false };
  }
}

/** The editor's fields as a version input; a field that is not the JSON it should be is named. */
export function readVersionForm(form: FormData): { input: VersionInput } | { field: string; error: string } {
  const variables = parseJson(String(form.get('variables') ?? ''), '[]');
  if (!variables.ok || !Array.isArray(variables.value)) return { field: 'variables', error: 'Not a JSON list of { name, type, required, description, default }.' };
  const parameters = parseJson(String(form.get('parameters') ?? ''), '{}');
  if (!parameters.ok || typeof parameters.value !== 'object' || parameters.value === null || Array.isArray(parameters.value)) {
    return { field: 'parameters', error: 'Not a JSON object.' };
  }
  return {
    input: {
      template: String(form.get('template') ?? ''),
      variables: (variables.value as Record<string, unknown>[]).map((v) => ({
        name: String(v?.name ?? ''),
        ...(typeof v?.type === 'string' ? { type: v.type.toUpperCase() as VariableType } : {}),
        ...(typeof v?.required === 'boolean' ? { required: v.required } : {}),
        ...(typeof v?.description === 'string' ? { description: v.description } : {}),
        ...(v && 'default' in v ? { default: v.default } : {}),
      })),
      parameters: parameters.value as Record<string, unknown>,
      changelog: String(form.get('changelog') ?? ''),
    },
  };
}

/** The preview's values: a JSON object, or null when it is not one. */
export function readValues(raw: string): Record<string, unknown> | null {
  const parsed = parseJson(raw, '{}');
  return parsed.ok && typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value) ? (parsed.value as Record<string, unknown>) : null;
}

/** The variables as the editor shows them: the declaration's fields, defaults left out when unset. */
export function variablesText(variables: readonly { name: string; type: string; required: boolean; description: string; default?: unknown }[]): string {
  return JSON.stringify(
    variables.map((v) => ({ name: v.name, type: v.type, required: v.required, description: v.description, ...(v.default === null || v.default === undefined ? {} : { default: v.default }) })),
    null,
    2,
  );
}

/** Values to preview with: each variable's default, or an example of its type. */
export function sampleValues(variables: readonly { name: string; type: string; default?: unknown }[]): Record<string, unknown> {
  const example: Record<string, unknown> = { STRING: 'example', NUMBER: 1, BOOLEAN: true, LIST: ['one', 'two'], OBJECT: {} };
  return Object.fromEntries(variables.map((v) => [v.name, v.default ?? example[v.type] ?? '']));
}

export type UsageRow = { day: string; versionNumber: number; count: number };

/** Renders per tenant and version over the whole window, most first. */
type TenantTotal = { tenantId: string; tenantName: string; versionNumber: number; count: number };
export function usageByTenant(rows: readonly (UsageRow & { tenantId: string; tenantName: string })[]): TenantTotal[] {
  const totals = new Map<string, TenantTotal>();
  for (const r of rows) {
    const key = `${r.tenantId}:${r.versionNumber}`;
    const total = totals.get(key) ?? { tenantId: r.tenantId, tenantName: r.tenantName, versionNumber: r.versionNumber, count: 0 };
    total.count += r.count;
    totals.set(key, total);
  }
  return [...totals.values()].sort((a, b) => b.count - a.count || a.tenantName.localeCompare(b.tenantName) || a.versionNumber - b.versionNumber);
}

/** Every UTC day from `from` to `to` (YYYY-MM-DD), inclusive. */
export function daysBetween(from: Date, to: Date): string[] {
  const days: string[] = [];
  const end = to.toISOString().slice(0, 10);
  for (let d = new Date(from.toISOString().slice(0, 10)); ; d = new Date(d.getTime() + 86_400_000)) {
    const day = d.toISOString().slice(0, 10);
    days.push(day);
    if (day >= end) return days;
  }
}

/** Renders per day, one series per version (newest last), zeros where a version was not rendered. */
export function usageSeries(rows: readonly UsageRow[], days: readonly string[]): { version: number; data: number[] }[] {
  const versions = [...new Set(rows.map((r) => r.versionNumber))].sort((a, b) => a - b);
  const index = new Map(days.map((d, i) => [d, i]));
  return versions.map((version) => {
    const data = days.map(() => 0);
    for (const r of rows) {
      const i = index.get(r.day);
      if (r.versionNumber === version && i !== undefined) data[i]! += r.count;
    }
    return { version, data };
  });
}
