import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../app.ts';
import { env } from '../../env.ts';
import { actingFor, systemScope } from '../../scope.ts';
import { compareMigrations } from './migrations.ts';
import { databaseCheck, migrationsCheck, queueCheck, systemStatus, workerCheck } from './service.ts';

// The rules that turn numbers into OK / WARNING / CRITICAL, and the page without a database.

const at = (iso: string) => new Date(iso);

describe('health rules', () => {
  it.each([
    [2.5, { total: 3, idle: 2, waiting: 0, max: 10 }, 'OK'],
    [150, { total: 3, idle: 2, waiting: 0, max: 10 }, 'WARNING'],
    [1500, { total: 3, idle: 2, waiting: 0, max: 10 }, 'CRITICAL'],
    [2.5, { total: 10, idle: 0, waiting: 4, max: 10 }, 'WARNING'],
    [null, null, 'CRITICAL'],
  ] as const)('database at %s ms with pool %o is %s', (latency, pool, expected) => {
    expect(databaseCheck(latency, pool ? { ...pool } : null, 'connection refused').status).toBe(expected);
  });

  it('says a stale worker is stale, by three heartbeat intervals', () => {
    expect(workerCheck(2, 14_000, 15_000)).toMatchObject({ status: 'OK', message: expect.stringContaining('2 workers') });
    expect(workerCheck(2, 16_000, 15_000)).toMatchObject({ status: 'CRITICAL', message: expect.stringContaining('Stale') });
    expect(workerCheck(0, null, 15_000).status).toBe('CRITICAL');
  });

  it('warns about a backlog and about jobs out of attempts', () => {
    expect(queueCheck({ ready: 3, scheduled: 1, running: 0, failed: 0, capped: false }).status).toBe('OK');
    expect(queueCheck({ ready: 5000, scheduled: 0, running: 0, failed: 0, capped: false }).message).toMatch(/^Backlog/);
    expect(queueCheck({ ready: 0, scheduled: 0, running: 0, failed: 2, capped: false }).status).toBe('WARNING');
  });

  it('tells pending, failed and unknown migrations apart', () => {
    const done = (name: string) => ({ name, startedAt: at('2026-01-01T00:00:00Z'), finishedAt: at('2026-01-01T00:00:01Z'), rolledBackAt: null });
    const shipped = ['001_init', '002_more', '003_new'];
    const pending = compareMigrations(shipped, [done('001_init'), done('002_more')]);
    expect(pending).toMatchObject({ current: false, pending: ['003_new'], latest: '002_more', applied: 2, shipped: 3 });
    expect(migrationsCheck(pending)).toMatchObject({ status: 'CRITICAL', message: '1 pending migration: 003_new' });

    const failed = compareMigrations(shipped, [done('001_init'), done('002_more'), { ...done('003_new'), finishedAt: null }]);
    expect(failed).toMatchObject({ current: false, failed: ['003_new'] });
    expect(migrationsCheck(failed).message).toBe('Failed: 003_new');

    // A failed attempt that was rolled back and then applied again is applied.
    const retried = compareMigrations(shipped, [...shipped.map(done), { ...done('003_new'), finishedAt: null, rolledBackAt: at('2026-01-01T00:00:02Z') }]);
    expect(retried).toMatchObject({ current: true, failed: [], pending: [] });

    const newer = compareMigrations(shipped, [...shipped.map(done), done('004_from_a_newer_build')]);
    expect(newer).toMatchObject({ current: true, unknown: ['004_from_a_newer_build'], latest: '004_from_a_newer_build' });
    expect(migrationsCheck(newer).status).toBe('WARNING');
  });
});

describe('without a database', () => {
  let app: App;
  beforeAll(() => {
    // Nothing listens on port 1: every connection is refused at once.
    app = createApp({ databaseUrl: 'postgres://nobody:unused@127.0.0.1:1/none', poolSize: 1 });
  });
  afterAll(() => app.close());

  it('reports the database critical and the rest unknown, with versions and environment', async () => {
    const admin = actingFor(systemScope(app, 'test'), {
      kind: 'admin', userId: '00000000-0000-4000-8000-000000000000', email: 'o@example.com', role: 'OWNER', sessionId: 's', sessionExpiresAt: new Date(Date.now() + 60_000), impersonatorId: null,
    });
    const s = await systemStatus(admin, env);
    expect(s.overall).toBe('CRITICAL');
    expect(s.health.find((h) => h.key === 'database')).toMatchObject({ status: 'CRITICAL', message: expect.stringMatching(/^Not reachable/) });
    expect(s.health.find((h) => h.key === 'migrations')).toMatchObject({ status: 'CRITICAL', message: expect.stringMatching(/^Unknown/) });
    expect(s.versions).toMatchObject({ node: process.version, postgres: null, schema: null });
    expect(s.tables).toEqual([]);
    expect(s.environment.nodeEnv).toBe(env.NODE_ENV);
  });
});
