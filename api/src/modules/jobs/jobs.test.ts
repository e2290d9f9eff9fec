import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueJob } from '../../worker/task.ts';
import { startPlatform, type TestPlatform } from '../../../test/harness.ts';
import { openSocket, within } from '../../../test/live-client.ts';

let p: TestPlatform;
let viewer: string;

beforeAll(async () => {
  p = await startPlatform();
  viewer = (await p.login('VIEWER')).token;
});
afterAll(() => p.close());

describe('jobs in the admin graph', () => {
  it('lists recorded runs with filters and reports per-task stats', async () => {
    const { tenantId } = await p.makeTenant();
    // A payload that fails validation: one attempt, recorded as a failure naming the field.
    await enqueueJob(p.app.prisma, 'tenantOnboard', { tenantId: 'not-a-uuid' }, { maxAttempts: 1 });
    const worker = await p.startWorker();
    await expect.poll(() => p.app.prisma.jobRun.count(), { timeout: 10_000 }).toBe(2);
    await worker.stop();

    const runs = await p.gql(`{ jobRuns(first: 10) { totalCount edges { node { task outcome attempt durationMs errorMessage } } } }`, {}, viewer);
    expect(runs.data!.jobRuns.totalCount).toBe(2);
    const failures = await p.gql(`{ jobRuns(first: 10, filter: { outcome: FAILURE }) { totalCount edges { node { task attempt errorMessage } } } }`, {}, viewer);
    expect(failures.data!.jobRuns.edges).toEqual([
      { node: { task: 'tenantOnboard', attempt: 1, errorMessage: expect.stringMatching(/tenantId/) } },
    ]);

    const stats = await p.gql(`{ jobStats { task runs successes failures successRate p50DurationMs p95DurationMs lastFailureAt lastFailureMessage } }`, {}, viewer);
    expect(stats.data!.jobStats).toEqual([
      expect.objectContaining({ task: 'tenantOnboard', runs: 2, successes: 1, failures: 1, successRate: 0.5, lastFailureMessage: expect.stringMatching(/tenantId/) }),
    ]);
    expect((await p.app.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).onboardedAt).not.toBeNull();

    const badWindow = await p.gql(`{ jobStats(from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z") { task } }`, {}, viewer);
    expect(badWindow.errors?.[0]).toMatchObject({
      message: 'from: must not be after `to`',
      extensions: { code: 'BAD_USER_INPUT', fieldErrors: [{ field: 'from', message: 'must not be after `to`' }] },
    });
  });

  it('rejects a malformed id argument with a clear input error', async () => {
    const res = await p.gql(`{ tenant(id: "nope") { id } }`, {}, viewer);
    expect(res.errors?.[0]).toMatchObject({ message: 'id: not a valid id', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('announces recorded runs live to subscribers', async () => {
    const socket = openSocket(p.url, viewer);
    const op = socket.subscribe('subscription { jobRunsRecorded(task: "tenantOnboard") { task outcome count } }');
    await within(socket.connected, 5000, 'connection');
    await p.untilListening('jobRunRecorded', 1);
    await p.makeTenant();
    const worker = await p.startWorker();
    await expect.poll(() => op.results.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(op.results[0]!.data.jobRunsRecorded).toEqual({ task: 'tenantOnboard', outcome: 'SUCCESS', count: 1 });
    await worker.stop();
    await socket.dispose();
  });
});
