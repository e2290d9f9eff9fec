import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const consoleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const repoDir = path.resolve(consoleDir, '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, child: ChildProcess, what: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} while starting`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not become ready at ${url} within ${timeoutMs / 1000} s`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export type Platform = { apiUrl: string; consoleUrl: string; logDir: string; stop(): Promise<void> };

/**
 * Starts what `pnpm start` starts, on free ports and a fresh embedded database: the API with its inline
 * worker and demo data, then the console's production build in front of it.
 */
export async function startPlatform(): Promise<Platform> {
  const [apiPort, pgPort, consolePort] = [await freePort(), await freePort(), await freePort()];
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'opsgraph-e2e-'));
  const logDir = path.join(consoleDir, 'test-results');
  await fs.mkdir(logDir, { recursive: true });
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const consoleUrl = `http://127.0.0.1:${consolePort}`;
  const baseEnv = { ...process.env };
  delete baseEnv.DATABASE_URL;

  const api = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: path.join(repoDir, 'api'),
    env: {
      ...baseEnv,
      NODE_ENV: 'development',
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(pgPort),
      SEED_DEMO: 'true',
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const apiLog = createWriteStream(path.join(logDir, 'api.log'));
  api.stdout?.pipe(apiLog);
  api.stderr?.pipe(apiLog);

  const consoleServer = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: consoleDir,
    env: {
      ...baseEnv,
      NODE_ENV: 'production',
      CONSOLE_PORT: String(consolePort),
      CONSOLE_HOST: '127.0.0.1',
      API_URL: apiUrl,
      COOKIE_SECURE: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const consoleLog = createWriteStream(path.join(logDir, 'console.log'));
  consoleServer.stdout?.pipe(consoleLog);
  consoleServer.stderr?.pipe(consoleLog);

  const stopAll = async () => {
    await stop(consoleServer);
    await stop(api);
    await fs.rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor(`${apiUrl}/readyz`, api, 'The API');
    await waitFor(`${consoleUrl}/login`, consoleServer, 'The console');
  } catch (err) {
    await stopAll();
    throw new Error(`${(err as Error).message}; see ${logDir}/api.log and console.log`);
  }
  return { apiUrl, consoleUrl, logDir, stop: stopAll };
}
