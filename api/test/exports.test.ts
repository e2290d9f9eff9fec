import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listExport } from '../src/lib/csv-export.ts';
import { tenantsList } from '../src/modules/tenants/lists.ts';
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
    expect(JSON.parse(bad.text).fieldErrors[0].path).toEqual(['status', '0']);
    expect((await csv('/exports/job-runs.csv?from=yesterday')).res.status).toBe(400);
    expect((await csv('/exports/tenants.csv?sort=RANDOM')).res.status).toBe(400);
    expect((await csv('/exports/secrets.csv')).res.status).toBe(404);
    expect((await csv('/exports/tenants.csv', null)).res.status).toBe(401);
    const { apiKey } = await p.makeTenant();
    expect((await csv('/exports/tenants.csv', apiKey)).res.status).toBe(403);
  });

  it('stops at the row limit, paging through the list on the way', async () => {
    const exported = listExport(tenantsList);
    const rows = [];
    for await (const row of exported.rows(p.system, { filter: { search: 'export ' }, sort: 'NAME_ASC' }, 1001)) rows.push(row);
    expect(rows).toHaveLength(1001);
    expect(new Set(rows.map((r) => r.id)).size).toBe(1001);
    expect(rows.at(-1)).toMatchObject({ name: 'Export 1000', planCode: expect.any(String) });
  });

  it('takes a list filter repeated or comma-separated, and refuses a repeated single or unknown parameter', async () => {
    const repeated = await csv('/exports/tenants.csv?search=export%20&status=ACTIVE&status=SUSPENDED');
    const commas = await csv('/exports/tenants.csv?search=export%20&status=ACTIVE,SUSPENDED');
    expect(repeated.res.headers.get('x-export-total')).toBe('1200');
    expect(commas.res.headers.get('x-export-total')).toBe('1200');
    for (const path of ['/exports/tenants.csv?sort=NAME_ASC&sort=NAME_DESC', '/exports/plans.csv?status=ACTIVE&status=ARCHIVED', '/exports/tenants.csv?stauts=ACTIVE']) {
      const res = await csv(path);
      expect(res.res.status, path).toBe(400);
      expect(JSON.parse(res.text).error, path).toBe('BAD_USER_INPUT');
    }
    expect(JSON.parse((await csv('/exports/tenants.csv?stauts=ACTIVE')).text).fieldErrors[0].path).toEqual(['stauts']);
  });

  it('refuses a NUL byte in a parameter with 400 naming it', async () => {
    const res = await csv('/exports/tenants.csv?search=a%00b');
    expect(res.res.status).toBe(400);
    expect(JSON.parse(res.text).fieldErrors[0]).toEqual({ path: ['search'], message: 'must not contain NUL characters' });
  });

  it('never exports a cell a spreadsheet would run as a formula', async () => {
    const { planId } = await p.makeTenant();
    const names = ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1', 'Plain (=) name'];
    // One second apart, so the creation order is the export's order (two rows of one millisecond would tie).
    const start = Date.now() - names.length * 1000;
    for (const [i, name] of names.entries()) {
      await p.app.prisma.tenant.create({
        data: { name, slug: `formula-${i}`, status: 'ACTIVE', planId, ownerName: '=cmd|x', ownerEmail: `f${i}@formula.example`, createdAt: new Date(start + i * 1000) },
      });
    }
    const { lines } = await csv('/exports/tenants.csv?search=formula.example&sort=CREATED_AT_ASC');
    const rows = lines.slice(1).map(parse);
    expect(rows.map((r) => r[1])).toEqual(names.map((n) => (/^[=+\-@\t\r]/.test(n) ? `'${n}` : n)));
    expect(rows.every((r) => r[6] === "'=cmd|x")).toBe(true);
  });
});
