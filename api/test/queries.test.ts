import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type TestPlatform } from './harness.ts';

let p: TestPlatform;
let owner: string;
let recording: string[] | null = null;

beforeAll(async () => {
  p = await startPlatform({ onQuery: (sql) => recording?.push(sql) });
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

/** Every SQL statement sent while `run` runs, without transaction control statements. */
async function record(run: () => Promise<unknown>): Promise<string[]> {
  recording = [];
  try {
    await run();
    return recording.filter((s) => !/^\s*(BEGIN|COMMIT|ROLLBACK)\b/i.test(s));
  } finally {
    recording = null;
  }
}

describe('query planning (no N+1)', () => {
  it('loads tenants(first: 50) with nested plan in one SQL statement', async () => {
    const sql = await record(async () => {
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
    const sql = await record(() => p.gql(`{ tenants(first: 50) { totalCount edges { node { id plan { name } apiKeys { prefix } } } } }`, {}, owner));
    expect(sql).toHaveLength(3);
  });
});
