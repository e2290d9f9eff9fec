// API_WORKERS > 1: the HTTP server runs in that many processes (Node's cluster module) sharing one port.
// The primary process keeps everything that must happen once: the embedded database, migrations, the
// in-process job worker, the demo seed. Each HTTP process has its own database pool and pub/sub
// connection, so subscriptions and revocations reach it like any other instance's.
import cluster, { type Worker } from 'node:cluster';
import { createApp } from '../app.ts';
import type { Env } from '../env.ts';
import type { Logger } from '../lib/logger.ts';
import { startServer } from './server.ts';

type FromHttpProcess = { type: 'listening'; url: string } | { type: 'failed'; message: string };
type ToHttpProcess = { type: 'booted' } | { type: 'stop' };

export interface HttpProcesses {
  url: string;
  /** Readiness of every HTTP process (and of any that replaces one later) waits for this. */
  markBooted(): void;
  close(): Promise<void>;
}

/** How long a stopping HTTP process may take to finish its requests before it is killed. */
const STOP_TIMEOUT_MS = 10_000;
/** A replacement for a crashed HTTP process starts after this long (doubling, up to 30 s, while they keep failing). */
const RESPAWN_DELAY_MS = 500;

/**
 * Forks `count` HTTP processes on `databaseUrl` and resolves once every one listens; rejects with the
 * first one's failure (a taken port) after stopping the others. A process that dies later is replaced.
 */
export async function startHttpProcesses(count: number, databaseUrl: string, logger: Logger): Promise<HttpProcesses> {
  const log = logger.child({ component: 'cluster' });
  let booted = false;
  let stopping = false;
  let url: string;
  let respawnDelay = RESPAWN_DELAY_MS;
  const live = new Set<Worker>();

  // The channel can close between the check and the write (a process exiting on its own Ctrl-C): the
  // write's error goes to the callback, where it means nothing more than "already gone".
  const send = (worker: Worker, message: ToHttpProcess) => {
    if (worker.isConnected()) worker.send(message, undefined, (err) => {
      if (err) log.debug({ pid: worker.process.pid, err }, 'HTTP process gone before a message reached it');
    });
  };

  /** Starts an HTTP process; a replacement that dies, even before it listens, is replaced in turn. */
  function fork(replacement = false): Promise<string> {
    const worker = cluster.fork({ DATABASE_URL: databaseUrl });
    live.add(worker);
    // An IPC failure is reported by 'exit' as well; unhandled, it would take the primary down with it.
    worker.on('error', (err) => log.warn({ pid: worker.process.pid, err }, 'HTTP process channel error'));
    return new Promise((resolve, reject) => {
      let listening = false;
      worker.on('message', (message: FromHttpProcess) => {
        if (message.type === 'listening') {
          listening = true;
          respawnDelay = RESPAWN_DELAY_MS;
          log.info({ pid: worker.process.pid, url: message.url }, 'HTTP process listening');
          if (booted) send(worker, { type: 'booted' });
          resolve(message.url);
        } else if (message.type === 'failed') {
          reject(new Error(message.message));
        }
      });
      worker.once('exit', (code, signal) => {
        live.delete(worker);
        if (!listening) reject(new Error(`An HTTP process exited while starting (code ${code}, signal ${signal})`));
        // During the boot a failure ends the boot (a taken port); later the process is replaced.
        if (stopping || (!listening && !replacement)) return;
        log.error({ pid: worker.process.pid, code, signal }, `HTTP process died; starting another in ${respawnDelay} ms`);
        setTimeout(() => {
          if (!stopping) fork(true).catch(() => {});
        }, respawnDelay).unref();
        respawnDelay = Math.min(respawnDelay * 2, 30_000);
      });
    });
  }

  async function stop(): Promise<void> {
    stopping = true;
    await Promise.all(
      [...live].map(
        (worker) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => worker.process.kill('SIGKILL'), STOP_TIMEOUT_MS);
            worker.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            if (worker.isDead()) resolve();
            else send(worker, { type: 'stop' });
          }),
      ),
    );
  }

  try {
    url = (await Promise.all(Array.from({ length: count }, () => fork())))[0]!;
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    markBooted() {
      booted = true;
      for (const worker of live) send(worker, { type: 'booted' });
    },
    close: stop,
  };
}

/**
 * The body of an HTTP process: the API server on the database the primary resolved and migrated. It stops
 * when the primary says so or goes away; terminal signals are the primary's to handle.
 */
export async function runHttpProcess(env: Env, logger: Logger): Promise<void> {
  const reply = (message: FromHttpProcess) => process.send?.(message);
  // Ctrl-C reaches the whole process group: the primary stops this process in order.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {});
  const app = createApp({ databaseUrl: env.DATABASE_URL!, logger, poolSize: env.DATABASE_POOL_MAX });
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(app, env, { workerMode: env.WORKER });
  } catch (err) {
    reply({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    await app.close().catch(() => {});
    process.exit(1);
  }
  let stopped: Promise<void> | null = null;
  const stop = () => {
    stopped ??= (async () => {
      await server.close().catch((err: unknown) => logger.error({ err }, 'closing the HTTP server failed'));
      await app.close().catch((err: unknown) => logger.error({ err }, 'closing the database connections failed'));
      process.exit(0);
    })();
  };
  process.on('message', (message: ToHttpProcess) => {
    if (message.type === 'booted') server.markBooted();
    else if (message.type === 'stop') stop();
  });
  process.on('disconnect', stop);
  reply({ type: 'listening', url: server.url });
}
