import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPlatform, type TestPlatform } from '../../../test/harness.ts';
import type { PrismaClient } from '../../db/client.ts';
import type { SystemScope } from '../../scope.ts';
import { InputError } from '../../lib/errors.ts';
import { jobRunsPerHour, jobStats, statsWindow } from './service.ts';
import { jobRunsPrune, jobRunsPrunePayload } from './tasks.ts';

let p: TestPlatform;
let owner: string;
let prisma: PrismaClient;
let scope: SystemScope;

beforeAll(async () => {
  p = await startPlatform();
  owner = (await p.login('OWNER')).token;
  prisma = p.app.prisma;
  scope = p.system;
});

afterAll(() => p.close());

interface Page {
  totalCount: number;
  nodes: { id: string; task: string; startedAt: Date; outcome: string }[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

/** The admin graph's `jobRuns` list, as the console reads it. */
async function listJobRuns(args: { filter?: Record<string, unknown>; first?: number; after?: string; last?: number; before?: string }): Promise<Page> {
  const res = await p.gql(
    `query($filter: JobRunFilter, $first: Int, $after: String, $last: Int, $before: String) {
      jobRuns(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
        totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { id task startedAt outcome } } } }`,
    args,
    owner,
  );
  if (res.errors) throw Object.assign(new Error(res.errors[0]!.message), { extensions: res.errors[0]!.extensions });
  const list = res.data!.jobRuns;
  return {
    totalCount: list.totalCount,
    ...list.pageInfo,
    nodes: list.edges.map((e: { node: Page['nodes'][number] & { startedAt: string } }) => ({ ...e.node, startedAt: new Date(e.node.startedAt) })),
  };
}

/** The input error a list call fails with: its field and message. */
async function listError(args: Parameters<typeof listJobRuns>[0]): Promise<{ code: unknown; message: string }> {
  const failure = (await listJobRuns(args).then(() => null, (e: Error & { extensions?: { code?: string } }) => e))!;
  return { code: failure?.extensions?.code, message: failure?.message };
}

beforeEach(async () => {
  await prisma.jobRun.deleteMany();
});

const T0 = new Date('2026-03-01T12:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
let jobSeq = 0;

interface RunSpec {
  task?: string;
  startedSec: number;
  durationMs?: number;
  outcome?: 'SUCCESS' | 'FAILURE';
  errorMessage?: string | null;
}

async function insertRuns(specs: RunSpec[]): Promise<void> {
  await prisma.jobRun.createMany({
    data: specs.map((s) => {
      const durationMs = s.durationMs ?? 10;
      const startedAt = at(s.startedSec);
      return {
        task: s.task ?? 'emailSend',
        jobId: String(++jobSeq),
        attempt: 1,
        queuedAt: startedAt,
        startedAt,
        finishedAt: new Date(startedAt.getTime() + durationMs),
        durationMs,
        outcome: s.outcome ?? 'SUCCESS',
        errorMessage: s.outcome === 'FAILURE' ? (s.errorMessage ?? 'failed') : null,
        workerId: 'test',
      };
    }),
  });
}

function inputErrorOf(promise: Promise<unknown>): Promise<InputError> {
  return promise.then(
    () => {
      throw new Error('expected an InputError');
    },
    (err: unknown) => {
      expect(err).toBeInstanceOf(InputError);
      return err as InputError;
    },
  );
}

describe('listJobRuns', () => {
  it('filters by task, outcome and an inclusive started-at window', async () => {
    await insertRuns([
      { task: 'emailSend', startedSec: 0 },
      { task: 'emailSend', startedSec: 10, outcome: 'FAILURE' },
      { task: 'emailSend', startedSec: 20 },
      { task: 'breachCheck', startedSec: 10, outcome: 'FAILURE' },
      { task: 'breachCheck', startedSec: 30 },
    ]);
    const tasksOf = (page: { nodes: { task: string; startedAt: Date }[] }) =>
      page.nodes.map((n) => `${n.task}@${(n.startedAt.getTime() - T0.getTime()) / 1000}`);

    const byTask = await listJobRuns({ filter: { task: 'emailSend' }, first: 50 });
    expect(tasksOf(byTask)).toEqual(['emailSend@20', 'emailSend@10', 'emailSend@0']);
    expect(byTask.totalCount).toBe(3);

    const failures = await listJobRuns({ filter: { outcome: 'FAILURE' }, first: 50 });
    expect(failures.nodes.every((n) => n.outcome === 'FAILURE')).toBe(true);
    expect(failures.totalCount).toBe(2);

    const window = await listJobRuns({ filter: { from: at(10), to: at(20) }, first: 50 });
    expect(tasksOf(window).sort()).toEqual(['breachCheck@10', 'emailSend@10', 'emailSend@20']);

    const combined = await listJobRuns({ filter: { task: 'breachCheck', outcome: 'SUCCESS', from: at(5) }, first: 50 });
    expect(tasksOf(combined)).toEqual(['breachCheck@30']);
    expect(combined).toMatchObject({ hasNextPage: false });
    expect(combined.totalCount).toBe(1);
  });

  it('pages newest first without duplicates or gaps, also across equal start times', async () => {
    // 45 runs, three per second, so page boundaries fall between rows with the same startedAt.
    await insertRuns(Array.from({ length: 45 }, (_, i) => ({ startedSec: Math.floor(i / 3) })));
    const all = await prisma.jobRun.findMany({ orderBy: [{ startedAt: 'desc' }, { id: 'desc' }] });

    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await listJobRuns({ first: 10, after });
      pages += 1;
      seen.push(...page.nodes.map((n) => n.id));
      if (!page.hasNextPage) break;
      after = page.endCursor!;
    }
    expect(pages).toBe(5);
    expect((await listJobRuns({ first: 1 })).totalCount).toBe(45);
    expect(seen).toEqual(all.map((r) => r.id));

    // And back from the end with last/before: the same pages, each still newest first.
    const back: string[][] = [];
    let before: string | undefined;
    for (;;) {
      const page = await listJobRuns({ last: 10, before });
      back.unshift(page.nodes.map((n) => n.id));
      if (!page.hasPreviousPage) break;
      before = page.startCursor!;
    }
    expect(back.map((p) => p.length)).toEqual([5, 10, 10, 10, 10]);
    expect(back.flat()).toEqual(all.map((r) => r.id));
  });

  it('keeps its place when newer runs arrive between pages', async () => {
    await insertRuns(Array.from({ length: 6 }, (_, i) => ({ startedSec: i })));
    const first = await listJobRuns({ first: 3 });
    await insertRuns([{ startedSec: 100 }]);
    const second = await listJobRuns({ first: 3, after: first.endCursor! });
    expect(second.nodes.map((n) => n.startedAt)).toEqual([at(2), at(1), at(0)]);
    expect(second.hasNextPage).toBe(false);
  });

  it('rejects a page size outside 0..200, a reversed window and a forged cursor as input errors naming them', async () => {
    expect((await listJobRuns({ first: 0 })).nodes).toEqual([]);
    expect(await listError({ first: 201 })).toEqual({ code: 'BAD_USER_INPUT', message: 'first: at most 200' });
    expect(await listError({ first: -1 })).toEqual({ code: 'BAD_USER_INPUT', message: 'first: must not be negative' });
    expect(await listError({ last: -5 })).toEqual({ code: 'BAD_USER_INPUT', message: 'last: must not be negative' });
    expect((await listError({ first: 1.5 })).code).toBe('BAD_USER_INPUT');
    expect(await listError({ first: 10, filter: { from: at(10), to: at(0) } })).toEqual({ code: 'BAD_USER_INPUT', message: 'filter.from: must not be after `to`' });
    expect(await listError({ first: 10, after: 'bm90LWEtY3Vyc29y' })).toEqual({ code: 'BAD_USER_INPUT', message: 'after: not a valid cursor' });
    expect(await listError({ first: 10, filter: { task: 'a\u0000b' } })).toEqual({ code: 'BAD_USER_INPUT', message: '$filter.task: must not contain NUL characters' });
  });
});

describe('jobStats', () => {
  it('computes runs, success rate, percentiles and the last failure per task', async () => {
    await insertRuns([
      { task: 'emailSend', startedSec: 0, durationMs: 10 },
      { task: 'emailSend', startedSec: 1, durationMs: 20 },
      { task: 'emailSend', startedSec: 2, durationMs: 30, outcome: 'FAILURE', errorMessage: 'smtp timeout' },
      { task: 'emailSend', startedSec: 3, durationMs: 40 },
      { task: 'emailSend', startedSec: 4, durationMs: 100 },
      { task: 'breachCheck', startedSec: 5, durationMs: 7, outcome: 'FAILURE', errorMessage: 'older' },
      { task: 'breachCheck', startedSec: 6, durationMs: 9, outcome: 'FAILURE', errorMessage: 'newest' },
      // Outside the window: must not count.
      { task: 'emailSend', startedSec: -60, durationMs: 5000, outcome: 'FAILURE', errorMessage: 'too early' },
      { task: 'breachCheck', startedSec: 600, durationMs: 1, outcome: 'FAILURE', errorMessage: 'too late' },
    ]);
    const stats = await jobStats(scope, { from: at(0), to: at(6) });
    expect(stats).toEqual([
      {
        task: 'breachCheck',
        runs: 2,
        successes: 0,
        failures: 2,
        successRate: 0,
        p50DurationMs: 8,
        p95DurationMs: expect.closeTo(8.9, 9),
        lastFailureAt: new Date(at(6).getTime() + 9),
        lastFailureMessage: 'newest',
      },
      {
        task: 'emailSend',
        runs: 5,
        successes: 4,
        failures: 1,
        successRate: 0.8,
        p50DurationMs: 30,
        // percentile_cont: 40 + 0.8 × (100 − 40)
        p95DurationMs: expect.closeTo(88, 9),
        lastFailureAt: new Date(at(2).getTime() + 30),
        lastFailureMessage: 'smtp timeout',
      },
    ]);
  });

  it('reports a task without failures with null last-failure fields', async () => {
    await insertRuns([{ task: 'metricsRollup', startedSec: 0, durationMs: 12 }]);
    const [stats] = await jobStats(scope, { from: at(0), to: at(0) });
    expect(stats).toMatchObject({ task: 'metricsRollup', runs: 1, successRate: 1, lastFailureAt: null, lastFailureMessage: null });
  });

  it('rejects a window whose start is after its end', async () => {
    const error = await inputErrorOf(jobStats(scope, { from: at(1), to: at(0) }));
    expect(error.issues[0]!.path).toEqual(['from']);
  });

  it('reads at most 31 days of history', async () => {
    const error = await inputErrorOf(jobStats(scope, { from: new Date('2000-01-01T00:00:00Z'), to: at(0) }));
    expect(error.issues[0]).toEqual({ path: ['from'], message: 'the window may span at most 31 days' });
  });
});

describe('jobRunsPerHour', () => {
  const hour = (h: number) => new Date(T0.getTime() + h * 3_600_000);

  it('counts each outcome per UTC hour of the start time, zero-filling the hours in between', async () => {
    await insertRuns([
      { startedSec: 0 },
      { startedSec: 59 * 60, outcome: 'FAILURE' },
      { startedSec: 3 * 3600 + 1, task: 'breachCheck' },
      { startedSec: 3 * 3600 + 2, outcome: 'FAILURE' },
    ]);
    const rows = await jobRunsPerHour(scope, { from: hour(0), to: hour(3.5) });
    expect(rows).toEqual([
      { hour: hour(0), successes: 1, failures: 1 },
      { hour: hour(1), successes: 0, failures: 0 },
      { hour: hour(2), successes: 0, failures: 0 },
      { hour: hour(3), successes: 1, failures: 1 },
    ]);
    const emailOnly = await jobRunsPerHour(scope, { from: hour(3), to: hour(3), task: 'emailSend' });
    expect(emailOnly).toEqual([{ hour: hour(3), successes: 0, failures: 0 }]);
  });

  it('defaults to the 24 hours before `to`, and `to` to now', () => {
    const now = new Date('2026-03-02T08:30:00Z');
    expect(statsWindow({}, now)).toEqual({ from: new Date('2026-03-01T08:30:00Z'), to: now });
    expect(statsWindow({ to: hour(48) }, now)).toEqual({ from: hour(24), to: hour(48) });
    expect(statsWindow({ from: hour(1) }, now)).toEqual({ from: hour(1), to: now });
  });

  it('rejects a reversed window and one longer than 31 days', async () => {
    expect((await inputErrorOf(jobRunsPerHour(scope, { from: hour(1), to: hour(0) }))).issues[0]!.path).toEqual(['from']);
    const tooLong = await inputErrorOf(jobRunsPerHour(scope, { from: hour(0), to: hour(31 * 24 + 1) }));
    expect(tooLong.issues[0]).toEqual({ path: ['from'], message: 'the window may span at most 31 days' });
  });
});

describe('jobRunsPrune', () => {
  it('deletes runs older than 30 days and keeps newer ones', async () => {
    const now = Date.now();
    const day = 86_400_000;
    const run = (startedAt: Date, jobId: string) => ({
      task: 'emailSend', jobId, attempt: 1, queuedAt: startedAt, startedAt, finishedAt: startedAt,
      durationMs: 0, outcome: 'SUCCESS' as const, workerId: 'test',
    });
    await prisma.jobRun.createMany({
      data: [run(new Date(now - 31 * day), 'old-1'), run(new Date(now - 45 * day), 'old-2'), run(new Date(now - 29 * day), 'recent')],
    });
    await jobRunsPrune.handler(jobRunsPrunePayload.parse({ _cron: { ts: new Date().toISOString() } }), {
      scope,
      logger: pino({ level: 'silent' }),
      helpers: {} as never,
    });
    expect((await prisma.jobRun.findMany()).map((r) => r.jobId)).toEqual(['recent']);
  });
});
