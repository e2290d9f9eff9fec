import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { testDb } from './db.ts';

const clients: pg.Client[] = [];
async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  clients.push(client);
  return client;
}

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => {})));
});

describe('testDb', () => {
  it('gives each caller its own migrated database', async () => {
    const started = Date.now();
    const [a, b] = await Promise.all([testDb(), testDb()]);
    const elapsed = Date.now() - started;
    try {
      expect(a.url).not.toBe(b.url);
      const [ca, cb] = await Promise.all([connect(a.url), connect(b.url)]);

      for (const c of [ca, cb]) {
        const migrations = await c.query(`SELECT count(*)::int AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL`);
        expect(migrations.rows[0].n).toBeGreaterThan(0);
        const worker = await c.query(`SELECT to_regclass('graphile_worker._private_jobs')::text AS t`);
        expect(worker.rows[0].t).not.toBeNull();
      }

      await ca.query(
        `INSERT INTO "AdminUser" (id, email, name, role, "passwordHash", "updatedAt")
         VALUES (gen_random_uuid(), 'only-in-a@test.example', 'A', 'OWNER', 'x', now())`,
      );
      const inA = await ca.query(`SELECT count(*)::int AS n FROM "AdminUser"`);
      const inB = await cb.query(`SELECT count(*)::int AS n FROM "AdminUser"`);
      expect(inA.rows[0].n).toBe(1);
      expect(inB.rows[0].n).toBe(0);
      console.log(`[test db] cloned 2 databases concurrently in ${elapsed} ms`);
    } finally {
      await Promise.all(clients.splice(0).map((c) => c.end()));
      await Promise.all([a.drop(), b.drop()]);
    }
  });

  it('drop() removes the database and can be called twice', async () => {
    let started = Date.now();
    const db = await testDb();
    const created = Date.now() - started;
    started = Date.now();
    await db.drop();
    console.log(`[test db] one clone in ${created} ms, drop in ${Date.now() - started} ms`);
    await db.drop();
    await expect(connect(db.url)).rejects.toThrow(/does not exist/);
  });
});
