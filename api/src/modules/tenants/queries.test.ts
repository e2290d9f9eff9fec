import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type TestPlatform } from '../../../test/harness.ts';

let p: TestPlatform;
let owner: string;

beforeAll(async () => {
  p = await startPlatform({ recordQueries: true });
  owner = (await p.login('OWNER')).token;
  for (let i = 0; i < 3; i += 1) {
    const { planId } = await p.makeTenant({ name: `Seed ${i}` });
    await p.app.prisma.tenant.createMany({
      data: Array.from({ length: 20 }, (_, j) => ({
        name: `Bulk ${i}-${j}`, slug: `bulk-${i}-${j}`, status: 'ACTIVE' as const, planId, ownerName: 'O', ownerEmail: 'o@x.example',
      })),
    });
  }
});
afterAll(() => p.close());

describe('query planning (no N+1)', () => {
  it('loads tenants(first: 50) with nested plan in one SQL statement', async () => {
    const sql = await p.recordQueries(async () => {
      const res = await p.gql(`{ tenants(first: 50, filter: { status: [ACTIVE] }) { edges { node { id name status plan { name monthlyPrice } } } } }`, {}, owner);
      expect(res.data!.tenants.edges).toHaveLength(50);
    });
    const [session, ...rest] = sql;
    expect(session).toMatch(/"AdminSession"/);
    expect(rest).toHaveLength(1);
    expect(rest[0]).toMatch(/"Tenant"/);
    expect(rest[0]).toMatch(/"Plan"/);
  });

  it('adds exactly one count statement when totalCount is selected', async () => {
    const sql = await p.recordQueries(() => p.gql(`{ tenants(first: 50) { totalCount edges { node { id plan { name } apiKeys { prefix } } } } }`, {}, owner));
    expect(sql).toHaveLength(3);
  });

  it('loads an audit log page and a job runs page in one statement each, totals in one more', async () => {
    const audit = await p.recordQueries(() =>
      p.gql(`{ auditEvents(first: 50, filter: { action: "tenant." }) { totalCount edges { node { id action actorEmail diff } } } }`, {}, owner),
    );
    expect(audit.slice(1)).toHaveLength(2);
    const runs = await p.recordQueries(() => p.gql(`{ jobRuns(first: 50) { edges { node { id task outcome durationMs } } } }`, {}, owner));
    expect(runs.slice(1)).toHaveLength(1);
  });

  it("answers a tenant key's viewer query with one statement after authenticating the key", async () => {
    const { apiKey } = await p.makeTenant({ name: 'Viewer Count' });
    // The first use records lastUsedAt; count a later request, as a tenant app's steady state.
    await p.gql(`{ viewer { tenant { id } } }`, {}, apiKey);
    const sql = await p.recordQueries(() =>
      p.gql(`{ viewer { tenant { name status settings { timezone } plan { name quotas { seats } entitlements } } } }`, {}, apiKey),
    );
    const [key, ...rest] = sql;
    expect(key).toMatch(/"TenantApiKey"/);
    expect(rest).toHaveLength(1);
    expect(rest[0]).toMatch(/"Tenant"/);
    expect(rest[0]).toMatch(/"Plan"/);
  });
});
