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
  it('loads tenants(first: 50) with nested plan in one SQL statement, the session looked up only on its first use', async () => {
    const { token } = await p.login('VIEWER');
    const LIST = `{ tenants(first: 50, filter: { status: [ACTIVE] }) { edges { node { id name status plan { name monthlyPrice } } } } }`;
    const first = await p.recordQueries(async () => {
      const res = await p.gql(LIST, {}, token);
      expect(res.data!.tenants.edges).toHaveLength(50);
    });
    expect(first).toHaveLength(2);
    expect(first[0]).toMatch(/"AdminSession"/);
    // Later requests find the session in the instance's credential cache: the list is the only statement.
    const later = await p.recordQueries(() => p.gql(LIST, {}, token));
    expect(later).toHaveLength(1);
    expect(later[0]).toMatch(/"Tenant"/);
    expect(later[0]).toMatch(/"Plan"/);
  });

  it('adds exactly one count statement when totalCount is selected', async () => {
    await p.gql('{ me { id } }', {}, owner);
    const sql = await p.recordQueries(() => p.gql(`{ tenants(first: 50) { totalCount edges { node { id plan { name } apiKeys { prefix } } } } }`, {}, owner));
    expect(sql).toHaveLength(2);
  });

  it('loads an audit log page and a job runs page in one statement each, totals in one more', async () => {
    await p.gql('{ me { id } }', {}, owner);
    const audit = await p.recordQueries(() =>
      p.gql(`{ auditEvents(first: 50, filter: { action: "tenant." }) { totalCount edges { node { id action actorEmail diff } } } }`, {}, owner),
    );
    expect(audit).toHaveLength(2);
    const runs = await p.recordQueries(() => p.gql(`{ jobRuns(first: 50) { edges { node { id task outcome durationMs } } } }`, {}, owner));
    expect(runs).toHaveLength(1);
  });

  it("answers a tenant key's viewer query with one statement once the key is authenticated", async () => {
    const { apiKey } = await p.makeTenant({ name: 'Viewer Count' });
    const VIEWER = `{ viewer { tenant { name status settings { timezone } plan { name quotas { seats } entitlements } } } }`;
    // The first use looks the key up and records lastUsedAt.
    const first = await p.recordQueries(() => p.gql(VIEWER, {}, apiKey));
    expect(first[0]).toMatch(/"TenantApiKey"/);
    const later = await p.recordQueries(() => p.gql(VIEWER, {}, apiKey));
    expect(later).toHaveLength(1);
    expect(later[0]).toMatch(/"Tenant"/);
    expect(later[0]).toMatch(/"Plan"/);
  });
});
