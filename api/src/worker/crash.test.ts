import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testDb, type TestDatabase } from '../../test/db.ts';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/crash-worker.ts', import.meta.url));
const API_DIR = fileURLToPath(new URL('../../', import.meta.url));
const JOBS = 300;

let db: TestDatabase;
let client: pg.Client;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  db = await testDb();
  // The tables are the test's own, made as the owner; the worker process runs as the app role.
  client = new pg.Client({ connectionString: db.adminUrl });
  await client.connect();
  await client.query(`
    CREATE TABLE crash_probe (id int PRIMARY KEY);
    CREATE TABLE crash_probe_execution (id int NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());`);
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await client?.end();
  await db?.drop();
});

interface WorkerProcess {
  child: ChildProcess;
  workerId: string;
  lines: Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts test/fixtures/crash-worker.ts as its own process and waits until its worker runs. */
async function spawnWorker(): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    cwd: API_DIR,
    env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const workerId = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`worker not ready after 20 s\n${stderr}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          lines.push(parsed);
          if (typeof parsed.ready === 'string') {
            clearTimeout(timer);
            resolve(parsed.ready);
          }
        } catch {
          // not ours
        }
      }
    });
    void exited.then(({ code, signal }) => reject(new Error(`worker exited early (${code ?? signal})\n${stderr}`)));
  });
  return { child, workerId, lines, exited };
}

async function count(sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, values);
  return rows[0]!.n;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

it('completes every job exactly once in effect after a worker is SIGKILLed mid-batch', { timeout: 60_000 }, async () => {
  const t0 = Date.now();
  const first = await spawnWorker();
  const firstReadyMs = Date.now() - t0;

  await client.query(
    `SELECT graphile_worker.add_jobs(array(
       SELECT ('crashProbe', json_build_object('id', i), null, null, null, null, null, null)::graphile_worker.job_spec
       FROM generate_series(1, $1::int) i))`,
    [JOBS],
  );
  await waitFor(async () => (await count('crash_probe')) >= 60, 15_000, 'the first worker to finish 60 jobs');
  // Its locks carry the worker's own id (that is what lets a survivor tell they are orphaned).
  const lockedBeforeKill = await count('graphile_worker.jobs WHERE locked_by = $1', [first.workerId]);
  expect(lockedBeforeKill).toBeGreaterThan(0);

  first.child.kill('SIGKILL');
  expect((await first.exited).signal).toBe('SIGKILL');
  const killedAt = Date.now();
  const doneAtKill = await count('crash_probe');
  const orphaned = await count('graphile_worker.jobs WHERE locked_by = $1', [first.workerId]);
  expect(doneAtKill).toBeLessThan(JOBS);
  expect(orphaned).toBeGreaterThan(0);

  const second = await spawnWorker();
  await waitFor(
    async () => (await count('crash_probe')) === JOBS && (await count('graphile_worker.jobs')) === 0,
    20_000,
    'the second worker to finish every job',
  );
  const recoveredMs = Date.now() - killedAt;

  // Every id done, once; only jobs that were in flight at the kill ran twice.
  const { rows: ids } = await client.query<{ min: number; max: number; n: number }>(
    'SELECT min(id), max(id), count(DISTINCT id)::int AS n FROM crash_probe',
  );
  expect(ids[0]).toEqual({ min: 1, max: JOBS, n: JOBS });
  const executions = await count('crash_probe_execution');
  expect(executions - JOBS).toBeGreaterThan(0); // some effects really were attempted twice…
  expect(executions - JOBS).toBeLessThanOrEqual(orphaned); // …and only those of jobs in flight at the kill
  // The released jobs ran again as their second attempt, recorded by the second worker.
  await waitFor(
    async () => (await count(`"JobRun" WHERE task = 'crashProbe' AND attempt = 2`)) === orphaned,
    5_000,
    'the recovered runs to be recorded',
  );
  const secondAttempts = await count(`"JobRun" WHERE task = 'crashProbe' AND attempt = 2 AND "workerId" = $1`, [
    second.workerId,
  ]);
  expect(secondAttempts).toBe(orphaned);
  expect(second.lines.some((l) => l.msg === 'released jobs locked by dead workers')).toBe(true);

  second.child.kill('SIGTERM');
  expect((await second.exited).code).toBe(0);
  // Clean stop removed the second worker's heartbeat; recovery removed the dead one's.
  expect(await count('"WorkerHeartbeat"')).toBe(0);

  console.info(
    JSON.stringify({
      crashTest: { jobs: JOBS, firstReadyMs, doneAtKill, orphaned, reExecuted: executions - JOBS, recoveredMs, secondAttempts },
    }),
  );
});
