// Shared benchmark pieces: a throwaway embedded database, child-process servers, an autocannon load with
// exact percentiles, and the one-JSON-line report. Later benchmarks reuse these.
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyMigrations } from '@opsgraph/prisma/migrate';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { freePort } from '../src/lib/process.ts';

/** A migrated database: BENCH_DATABASE_URL if set (it will be written to), else a fresh embedded server. */
export async function benchDatabase(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.BENCH_DATABASE_URL) {
    await applyMigrations(process.env.BENCH_DATABASE_URL);
    return { url: process.env.BENCH_DATABASE_URL, stop: async () => {} };
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'opsgraph-bench-'));
  await chmod(dir, 0o755); // the postgres OS user must traverse it
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), settings: { fsync: 'off', synchronous_commit: 'off' } });
  await pg.ensureDatabase('bench');
  const url = pg.databaseUrl('bench');
  await applyMigrations(url);
  return {
    url,
    async stop() {
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Starts a server script as a child process (so load and server do not share a core); resolves on READY. */
export async function spawnServer(script: string, env: Record<string, string>): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const here = path.dirname(fileURLToPath(import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(here, script)], {
    cwd: path.join(here, '..'),
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'silent', NODE_ENV: 'production', SECRETS_KEY: '0'.repeat(64) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('READY')) resolve();
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface LoadResult {
  requests: number;
  errors: number;
  ops_per_s: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, index)]! * 100) / 100;
}

/** Runs autocannon and computes exact percentiles from every response time. */
export async function load(options: { url: string; body: string; headers?: Record<string, string>; connections: number; durationS: number }): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let done!: (result: autocannon.Result) => void;
  let failed!: (err: unknown) => void;
  const finished = new Promise<autocannon.Result>((resolve, reject) => ((done = resolve), (failed = reject)));
  const instance = autocannon(
    {
      url: options.url,
      method: 'POST',
      body: options.body,
      headers: { 'content-type': 'application/json', ...options.headers },
      connections: options.connections,
      duration: options.durationS,
    },
    (err, result) => (err ? failed(err) : done(result)),
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode !== 200) errors += 1;
    latencies.push(responseTime);
  });
  const result = await finished;
  latencies.sort((a, b) => a - b);
  return {
    requests: result.requests.total,
    errors: errors + result.errors + result.timeouts,
    ops_per_s: Math.round((result.requests.total / options.durationS) * 10) / 10,
    p50_ms: percentile(latencies, 50),
    p95_ms: percentile(latencies, 95),
    p99_ms: percentile(latencies, 99),
  };
}

export function report(result: Record<string, unknown>): void {
  console.log(JSON.stringify({ ...result, cores: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version }));
}
