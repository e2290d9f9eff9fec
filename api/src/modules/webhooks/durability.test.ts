// An acknowledged webhook is never lost: the real API as a child process takes a burst of signed events, is
// SIGKILLed in the middle of it and restarted; every event that got a 2xx exists once and is processed once.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { freePort } from '../../lib/process.ts';
import { registerWebhookHandlers } from '../../webhook-handlers.ts';
import { testDb, type TestDatabase } from '../../../test/db.ts';
import { startPlatform, type TestPlatform } from '../../../test/harness.ts';
import { signStripe, stripeEvent, TEST_STRIPE_SECRET, type SignedRequest } from '../../../test/webhook-signing.ts';

// The API alone (no worker), as the benchmarks start it: prints READY when it listens.
const API_SERVER = fileURLToPath(new URL('../../../bench/api-server.ts', import.meta.url));
const API_DIR = fileURLToPath(new URL('../../../', import.meta.url));
const EVENTS = 2_000;
const CONNECTIONS = 50;
const TYPE = 'test.webhooks.durable';

const handled = new Map<string, number>();
registerWebhookHandlers('webhooks-durability-test', [
  {
    provider: 'STRIPE',
    types: [TYPE],
    handle: async (_scope, event) => {
      handled.set(event.externalId, (handled.get(event.externalId) ?? 0) + 1);
      return { outcome: 'processed' };
    },
  },
]);

const children = new Set<ChildProcess>();
let db: TestDatabase | undefined;
let platform: TestPlatform | undefined;

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await platform?.close();
  await db?.drop();
});

async function startApi(port: number): Promise<{ child: ChildProcess; exited: Promise<NodeJS.Signals | number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', API_SERVER], {
    cwd: API_DIR,
    env: { ...process.env, DATABASE_URL: db!.url, PORT: String(port), STRIPE_WEBHOOK_SECRET: TEST_STRIPE_SECRET, LOG_LEVEL: 'warn', DATABASE_POOL_MAX: '10' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve(signal ?? code);
    }),
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`API not ready after 30 s\n${stderr}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('READY')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((how) => reject(new Error(`API exited early (${how})\n${stderr}`)));
  });
  return { child, exited };
}

async function post(port: number, request: SignedRequest): Promise<number | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/webhooks/stripe`, { method: 'POST', headers: request.headers, body: request.body });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return null; // the connection died with the process: not acknowledged
  }
}

it('keeps every acknowledged event through a SIGKILL and processes each exactly once', { timeout: 120_000 }, async () => {
  db = await testDb();
  const port = await freePort();
  const first = await startApi(port);

  const events = Array.from({ length: EVENTS }, (_, i) => stripeEvent(TYPE, { n: i }));
  const requests = events.map((e) => signStripe(e));
  const acknowledged = new Set<string>();
  let next = 0;
  let killed = false;
  const kill = () => {
    if (killed) return;
    killed = true;
    first.child.kill('SIGKILL');
  };
  // 50 connections send in turn; the process dies once a third of the events are acknowledged.
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < EVENTS) {
        const i = next++;
        const status = await post(port, requests[i]!);
        if (status !== null && status >= 200 && status < 300) acknowledged.add(events[i]!.id);
        if (acknowledged.size >= EVENTS / 3) kill();
      }
    }),
  );
  expect(await first.exited).toBe('SIGKILL');
  expect(acknowledged.size).toBeGreaterThanOrEqual(EVENTS / 3);
  expect(acknowledged.size).toBeLessThan(EVENTS);

  // Restarted, the API takes the provider's redeliveries: all 2,000 again, acknowledged or not.
  const second = await startApi(port);
  const statuses = [] as (number | null)[];
  next = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < EVENTS) {
        const i = next++;
        statuses[i] = await post(port, requests[i]!);
      }
    }),
  );
  expect(statuses.filter((s) => s !== 200)).toEqual([]);
  second.child.kill('SIGTERM');
  await second.exited;

  // Drain with the real worker.
  platform = await startPlatform({ databaseUrl: db.url, adminUrl: db.adminUrl });
  const worker = await platform.startWorker();
  try {
    const prisma = platform.app.prisma;
    const deadline = Date.now() + 60_000;
    while ((await prisma.webhookEvent.count({ where: { status: 'PROCESSED' } })) < EVENTS) {
      if (Date.now() > deadline) throw new Error(`not drained: ${await prisma.webhookEvent.count({ where: { status: 'PROCESSED' } })} processed`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await worker.stop();
  }
  const prisma = platform.app.prisma;
  const rows = await prisma.webhookEvent.findMany({ select: { externalId: true, status: true, attempts: true } });
  expect(rows).toHaveLength(EVENTS);
  const stored = new Set(rows.map((r) => r.externalId));
  expect([...acknowledged].filter((id) => !stored.has(id))).toEqual([]);
  expect(rows.every((r) => r.status === 'PROCESSED' && r.attempts === 1)).toBe(true);
  expect(await prisma.webhookAttempt.count()).toBe(EVENTS);
  expect(handled.size).toBe(EVENTS);
  expect([...handled.values()].every((n) => n === 1)).toBe(true);
});
