// Shared benchmark pieces: a throwaway embedded database, child-process servers, an autocannon load with
// exact percentiles, and the one-JSON-line report. Later benchmarks reuse these.
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { applyMigrations } from '@opsgraph/prisma/migrate';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { freePort } from '../src/lib/process.ts';

export interface BenchDatabases {
  /** The first database's URL. */
  url: string;
  /** One URL per requested database name, in order. */
  urls: string[];
  /** The embedded server's postmaster (its backends are its children); null for BENCH_DATABASE_URL. */
  pid: number | null;
  stop(): Promise<void>;
}

/**
 * Migrated databases on one server: BENCH_DATABASE_URL's server if set (written to; the first database is
 * that URL's, the others are created beside it), else a fresh embedded server with pg_stat_statements loaded
 * (so statements per request can be counted). `settings` adds server settings (bulk loads want more memory).
 */
export async function benchDatabase(options: { databases?: string[]; settings?: Record<string, string> } = {}): Promise<BenchDatabases> {
  const names = options.databases ?? ['bench'];
  if (process.env.BENCH_DATABASE_URL) {
    const first = process.env.BENCH_DATABASE_URL;
    const urls = [first, ...names.slice(1).map((name) => withDatabase(first, name))];
    for (const url of urls.slice(1)) await createDatabase(first, new URL(url).pathname.slice(1));
    for (const url of urls) await applyMigrations(url);
    return { url: first, urls, pid: null, stop: async () => {} };
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'opsgraph-bench-'));
  await chmod(dir, 0o755); // the postgres OS user must traverse it
  const settings = {
    fsync: 'off',
    synchronous_commit: 'off',
    shared_preload_libraries: 'pg_stat_statements',
    'pg_stat_statements.track_utility': 'on',
    ...options.settings,
  };
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort(), settings });
  const urls: string[] = [];
  for (const name of names) {
    await server.ensureDatabase(name);
    urls.push(server.databaseUrl(name));
    await applyMigrations(urls.at(-1)!);
  }
  return {
    url: urls[0]!,
    urls,
    pid: Number((await readFile(path.join(server.dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]),
    async stop() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${parsed.pathname.slice(1)}_${name}`;
  return parsed.toString();
}

async function createDatabase(url: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

/**
 * A bench server script built to plain JavaScript (bench/tmp/<name>.mjs, npm packages left as imports), so
 * every server in a comparison runs on plain node, as the API does.
 */
export async function builtScript(script: string): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = path.join(here, 'tmp', script.replace(/\.ts$/, '.mjs'));
  await build({ entryPoints: [path.join(here, script)], outfile, bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node20.19', logLevel: 'warning' });
  return outfile;
}

export interface BenchServer {
  url: string;
  /** The server's process; its CPU time and memory are read from /proc with its children's. */
  pid: number;
  stop(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Starts a server as a child process (so load and server do not share a process); resolves when it prints
 * READY, or when `ready` (a path) answers 200. `script` is a bench script run through tsx, or `{ node }`:
 * plain node arguments (a built entry point, preloads).
 */
export async function spawnServer(
  script: string | { node: string[] },
  env: Record<string, string>,
  options: { ready?: string } = {},
): Promise<BenchServer> {
  const port = await freePort();
  const args = typeof script === 'string' ? ['--import', 'tsx', path.join(here, script)] : script.node;
  const name = typeof script === 'string' ? script : script.node.join(' ');
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: path.join(here, '..'),
    env: { ...process.env, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent', NODE_ENV: 'production', SECRETS_KEY: '0'.repeat(64), ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (process.env.BENCH_LOG_LEVEL) process.stderr.write(chunk);
      if (!options.ready && chunk.toString().includes('READY')) resolve();
    });
    if (options.ready) {
      const poll = () =>
        fetch(`${url}${options.ready}`).then(
          (res) => (res.ok ? resolve() : setTimeout(poll, 100)),
          () => setTimeout(poll, 100),
        );
      poll();
    }
  });
  return {
    url,
    pid: child.pid!,
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

export function percentile(sorted: number[], p: number): number {
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

export interface BenchRequest {
  url: string;
  /** Empty for a bare route that needs no body. */
  body: string;
  headers: Record<string, string>;
}

export async function send(request: BenchRequest): Promise<{ status: number; text: string }> {
  const res = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body || undefined });
  // Apollo ends its JSON with a newline; the rest must be the same bytes.
  return { status: res.status, text: (await res.text()).trimEnd() };
}

/**
 * Every server must answer the same JSON for one scenario, or the comparison means nothing. `normalise`
 * maps each answer before comparing (e.g. timestamps written differently); by default the bytes must match.
 */
export async function sameAnswers(
  scenario: string,
  requests: Record<string, BenchRequest>,
  options: { normalise?: (text: string) => string; mustInclude?: string } = {},
): Promise<void> {
  const answers = await Promise.all(Object.entries(requests).map(async ([name, request]) => [name, await send(request)] as const));
  for (const [name, answer] of answers) {
    if (answer.status !== 200) throw new Error(`${scenario}: ${name} answered ${answer.status}: ${answer.text.slice(0, 500)}`);
  }
  const normalise = options.normalise ?? ((text: string) => text);
  const [first, ...rest] = answers.map(([name, answer]) => [name, normalise(answer.text)] as const);
  for (const [name, text] of rest) {
    if (text !== first![1]) {
      const length = Math.min(text.length, first![1].length);
      let at = 0;
      while (at < length && text[at] === first![1][at]) at += 1;
      throw new Error(`${scenario}: ${first![0]} and ${name} disagree from character ${at}:\n${JSON.stringify(first![1].slice(at - 100, at + 300))}\n${JSON.stringify(text.slice(at - 100, at + 300))}`);
    }
  }
  if (!first![1].includes(options.mustInclude ?? '"name"')) throw new Error(`${scenario}: empty answer ${first![1]}`);
}

/**
 * SQL statements per request for each server alone: pg_stat_statements over `n` sequential requests
 * (null when the extension is not loaded).
 */
export async function statementsPerRequest(url: string, plan: Record<string, Record<string, BenchRequest>>, n = 100) {
  const stats = await sqlPerRequest(url, plan, n);
  if (!stats) return null;
  return Object.fromEntries(Object.entries(stats).map(([name, byScenario]) => [name, Object.fromEntries(Object.entries(byScenario).map(([s, v]) => [s, v.statements]))]));
}

export interface SqlPerRequest {
  statements: number;
  /** Planning time per request (0 unless pg_stat_statements.track_planning is on). */
  plan_ms: number;
  exec_ms: number;
}

/** Statements, planning and execution time per request for each server alone, over `n` sequential requests. */
export async function sqlPerRequest(url: string, plan: Record<string, Record<string, BenchRequest>>, n = 100) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const available = await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements').then(() => true, () => false);
    if (!available) return null;
    const stats: Record<string, Record<string, SqlPerRequest>> = {};
    const perRequest = (value: string, digits: number) => Math.round((Number(value) / n) * 10 ** digits) / 10 ** digits;
    for (const [name, requests] of Object.entries(plan)) {
      stats[name] = {};
      for (const [scenario, request] of Object.entries(requests)) {
        await client.query('SELECT pg_stat_statements_reset()');
        for (let i = 0; i < n; i += 1) await send(request);
        const { rows } = await client.query<{ calls: string; plan: string; exec: string }>(
          `SELECT coalesce(sum(calls), 0) AS calls, coalesce(sum(total_plan_time), 0) AS plan, coalesce(sum(total_exec_time), 0) AS exec
           FROM pg_stat_statements
           WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT ILIKE '%pg_stat_statements%'`,
        );
        stats[name]![scenario] = { statements: perRequest(rows[0]!.calls, 2), plan_ms: perRequest(rows[0]!.plan, 3), exec_ms: perRequest(rows[0]!.exec, 3) };
      }
    }
    return stats;
  } finally {
    await client.end();
  }
}

export interface LoadShape {
  connections: number;
  durationS: number;
  /** The database server's pid: also report the CPU PostgreSQL spent per request (one server loads it at a time). */
  dbPid?: number | null;
}

export interface Measured extends LoadResult {
  cpu_ms_per_request: number;
  db_cpu_ms_per_request?: number;
}

/** One load of `request` on `server`, with the CPU its processes spent per request; failed requests throw. */
export async function measure(server: BenchServer, request: BenchRequest, shape: LoadShape): Promise<Measured> {
  const { dbPid, ...loadShape } = shape;
  const before = await cpuMs(server.pid);
  const dbBefore = dbPid ? await cpuMs(dbPid) : 0;
  const result = await load({ url: request.url, body: request.body, headers: request.headers, ...loadShape });
  const cpu = (await cpuMs(server.pid)) - before;
  const dbCpu = dbPid ? (await cpuMs(dbPid)) - dbBefore : 0;
  if (result.errors) throw new Error(`${request.url}: ${result.errors} failed requests`);
  const perRequest = (ms: number) => Math.round((ms / Math.max(1, result.requests)) * 1000) / 1000;
  return { ...result, cpu_ms_per_request: perRequest(cpu), ...(dbPid ? { db_cpu_ms_per_request: perRequest(dbCpu) } : {}) };
}

export type Medians = Measured & { runs_ops_per_s: number[] };

/**
 * Warms every server up (3 s per scenario), then runs each scenario on each server `rounds` times, rotating
 * the order each round so no server always runs first or last; returns each server's medians per scenario.
 */
export async function interleaved<N extends string, S extends string>(
  servers: Record<N, BenchServer>,
  plan: Record<N, Record<S, BenchRequest>>,
  scenarios: S[],
  options: LoadShape & { rounds: number },
): Promise<Record<N, Record<S, Medians>>> {
  const names = Object.keys(servers) as N[];
  for (const name of names) for (const scenario of scenarios) await measure(servers[name], plan[name][scenario], { ...options, durationS: 3 });
  const runs = new Map<string, Measured[]>();
  for (let round = 0; round < options.rounds; round += 1) {
    for (const scenario of scenarios) {
      const order = names.map((_, i) => names[(i + round) % names.length]!);
      for (const name of order) {
        const key = `${name}.${scenario}`;
        runs.set(key, [...(runs.get(key) ?? []), await measure(servers[name], plan[name][scenario], options)]);
      }
    }
  }
  return Object.fromEntries(
    names.map((name) => [name, Object.fromEntries(scenarios.map((scenario) => [scenario, medians(runs.get(`${name}.${scenario}`)!)]))]),
  ) as never;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : Math.round(((sorted[mid - 1]! + sorted[mid]!) / 2) * 1000) / 1000;
}

export function medians(runs: Measured[]): Medians {
  const of = (key: keyof Measured) => median(runs.map((r) => r[key] ?? 0));
  return {
    requests: of('requests'), errors: of('errors'), ops_per_s: of('ops_per_s'), p50_ms: of('p50_ms'), p95_ms: of('p95_ms'),
    p99_ms: of('p99_ms'), cpu_ms_per_request: of('cpu_ms_per_request'),
    ...(runs[0]?.db_cpu_ms_per_request !== undefined ? { db_cpu_ms_per_request: of('db_cpu_ms_per_request') } : {}),
    runs_ops_per_s: runs.map((r) => r.ops_per_s),
  };
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** Ours against the anchor (PostGraphile) and the bare baseline. */
export function ratios(ours: Measured, anchor: Measured, baseline: Measured) {
  return {
    ops_vs_anchor: round3(ours.ops_per_s / anchor.ops_per_s),
    p95_vs_anchor: round3(ours.p95_ms / anchor.p95_ms),
    ops_vs_baseline: round3(ours.ops_per_s / baseline.ops_per_s),
  };
}

/** The headline numbers of a result. */
export function pick(result: Measured) {
  return { ops_per_s: result.ops_per_s, p50_ms: result.p50_ms, p95_ms: result.p95_ms, p99_ms: result.p99_ms };
}

/** A process and its descendants (cluster workers, helper processes). */
async function processTree(pid: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => null);
    if (!stat) continue;
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i += 1) tree.push(...(parents.get(tree[i]!) ?? []));
  return tree;
}

/**
 * CPU time (user + system, ms) used so far by a process and its descendants, including descendants that
 * have exited (their parent's reaped-children time), so it never goes down when, say, PostgreSQL's backend
 * of a closed connection exits.
 */
export async function cpuMs(pid: number): Promise<number> {
  let total = 0;
  for (const p of await processTree(pid)) {
    const stat = await readFile(`/proc/${p}/stat`, 'utf8').catch(() => null);
    if (!stat) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return total * 10; // clock ticks: USER_HZ is 100 on Linux
}

/** Resident memory (MB) of each process of a tree: the process first, then its descendants. */
export async function rssByProcess(pid: number): Promise<number[]> {
  const sizes: number[] = [];
  for (const p of await processTree(pid)) {
    const status = await readFile(`/proc/${p}/status`, 'utf8').catch(() => '');
    sizes.push(Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024));
  }
  return sizes;
}

/** Resident memory (MB) of a process and its descendants. */
export async function rssMb(pid: number): Promise<number> {
  return (await rssByProcess(pid)).reduce((sum, mb) => sum + mb, 0);
}

export function report(result: Record<string, unknown>): void {
  console.log(JSON.stringify({ ...result, cores: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version }));
}
