import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportRows, type CsvExport } from '../src/lib/csv-export.ts';
import type { PlatformScope } from '../src/scope.ts';
import { startPlatform, type TestPlatform } from './harness.ts';

let p: TestPlatform;
let viewer: string;

beforeAll(async () => {
  p = await startPlatform();
  viewer = (await p.login('VIEWER')).token;
});
afterAll(() => p.close());

async function csv(path: string, token: string | null = viewer) {
  const res = await fetch(`${p.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  return { res, text, lines: text.trim().split('\n') };
}

/** Minimal CSV reading for assertions: our values have no embedded newlines. */
function parse(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i]!;
    if (quoted && ch === '"' && line[i + 1] === '"') { cell += '"'; i += 1; }
    else if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) { out.push(cell); cell = ''; }
    else cell += ch;
  }
  out.push(cell);
  return out;
}

describe('CSV exports', () => {
  it('exports every tenant matching the list filter, in the list order, across many pages', async () => {
    const { planId } = await p.makeTenant({ name: 'Export Anchor' });
    await p.app.prisma.tenant.createMany({
      data: Array.from({ length: 1200 }, (_, i) => ({
        name: `Export ${String(i).padStart(4, '0')}`, slug: `export-${i}`, status: i % 3 === 0 ? ('SUSPENDED' as const) : ('ACTIVE' as const),
        planId, ownerName: 'O', ownerEmail: `o${i}@export.example`,
      })),
    });
    const { res, lines } = await csv('/exports/tenants.csv?search=export%20&status=ACTIVE&sort=NAME_ASC');
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="tenants-\d{4}-\d{2}-\d{2}\.csv"/);
    expect(res.headers.get('x-export-total')).toBe('800');
    expect(res.headers.get('x-export-truncated')).toBe('false');
    const header = parse(lines[0]!);
    expect(header.slice(0, 6)).toEqual(['id', 'name', 'slug', 'status', 'planCode', 'planName']);
    const rows = lines.slice(1).map(parse);
    expect(rows).toHaveLength(800);
    expect(new Set(rows.map((r) => r[0])).size).toBe(800);
    expect(rows.every((r) => r[3] === 'ACTIVE')).toBe(true);
    const names = rows.map((r) => r[1]!);
    expect(names).toEqual([...names].sort());
    expect(names[0]).toBe('Export 0001');
  });

  it('exports job runs and the audit log with their filters', async () => {
    await p.app.prisma.jobRun.createMany({
      data: [
        { task: 'a', jobId: '1', attempt: 1, queuedAt: new Date(), startedAt: new Date(), finishedAt: new Date(), durationMs: 5, outcome: 'SUCCESS' },
        { task: 'a', jobId: '2', attempt: 1, queuedAt: new Date(), startedAt: new Date(), finishedAt: new Date(), durationMs: 7, outcome: 'FAILURE', errorMessage: 'boom, "quoted"' },
      ],
    });
    const runs = await csv('/exports/job-runs.csv?outcome=FAILURE');
    expect(runs.lines).toHaveLength(2);
    expect(parse(runs.lines[1]!).slice(0, 3)).toEqual([expect.any(String), 'a', 'FAILURE']);
    expect(parse(runs.lines[1]!)[7]).toBe('boom, "quoted"');
    const audit = await csv('/exports/audit-events.csv?action=tenant.');
    expect(Number(audit.res.headers.get('x-export-total'))).toBeGreaterThan(0);
    expect(audit.lines.slice(1).every((l) => parse(l)[1]!.startsWith('tenant.'))).toBe(true);
  });

  it('answers bad parameters with 400 naming the parameter, unknown exports with 404, and strangers with 401/403', async () => {
    const bad = await csv('/exports/tenants.csv?status=ASLEEP');
    expect(bad.res.status).toBe(400);
    expect(JSON.parse(bad.text).fieldErrors[0].path).toEqual(['filter', 'status', '0']);
    expect((await csv('/exports/job-runs.csv?from=yesterday')).res.status).toBe(400);
    expect((await csv('/exports/tenants.csv?sort=RANDOM')).res.status).toBe(400);
    expect((await csv('/exports/secrets.csv')).res.status).toBe(404);
    expect((await csv('/exports/tenants.csv', null)).res.status).toBe(401);
    const { apiKey } = await p.makeTenant();
    expect((await csv('/exports/tenants.csv', apiKey)).res.status).toBe(403);
  });

  it('stops at the row limit', async () => {
    const spec: CsvExport<null, { id: string }> = {
      columns: ['id'],
      parseFilter: () => null,
      count: async () => 1000,
      page: async (_app, _f, size, after) => {
        const start = after ? Number(after) : 0;
        return { rows: Array.from({ length: size }, (_, i) => ({ id: String(start + i) })), next: String(start + size) };
      },
    };
    const rows = [];
    for await (const row of exportRows({} as PlatformScope, spec, null, 1234)) rows.push(row);
    expect(rows).toHaveLength(1234);
    expect(rows.at(-1)).toEqual({ id: '1233' });
  });
});
