// The console server: `pnpm start` runs the production build; `pnpm dev` runs Vite in middleware mode.
import type { ServerBuild } from '@remix-run/node';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConsoleServer } from './app.ts';
import { parseConsoleEnv } from './env.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dev = process.argv.includes('--dev');

async function main() {
  const env = parseConsoleEnv(process.env);
  let consoleServer: ReturnType<typeof createConsoleServer>;
  let closeVite = async () => {};
  if (dev) {
    const vite = await import('vite');
    const viteServer = await vite.createServer({ root, server: { middlewareMode: true } });
    closeVite = () => viteServer.close();
    consoleServer = createConsoleServer({
      apiUrl: env.API_URL,
      secureCookies: env.secureCookies,
      build: () => viteServer.ssrLoadModule('virtual:remix/server-build') as Promise<ServerBuild>,
      viteMiddlewares: viteServer.middlewares,
    });
  } else {
    const buildDir = path.resolve(root, env.CONSOLE_BUILD_DIR);
    const buildPath = path.join(buildDir, 'server/index.js');
    const build = (await import(buildPath).catch(() => {
      throw new Error(`No console build at ${buildPath}: run \`pnpm --filter @opsgraph/console build\` first.`);
    })) as ServerBuild;
    consoleServer = createConsoleServer({
      apiUrl: env.API_URL,
      secureCookies: env.secureCookies,
      build,
      assetsDir: path.join(buildDir, 'client'),
    });
  }

  const server = createServer(consoleServer.app);
  server.on('upgrade', consoleServer.upgrade);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`Port ${env.CONSOLE_PORT} is already in use: set CONSOLE_PORT.`) : err),
    );
    server.listen(env.CONSOLE_PORT, env.CONSOLE_HOST, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.CONSOLE_PORT;
  console.log(`\n  Opsgraph console  http://localhost:${port}   (API ${env.API_URL})\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.closeIdleConnections();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Live WebSockets would hold the server open; the browser reconnects to the next instance.
    setTimeout(() => server.closeAllConnections(), 2_000).unref();
    await Promise.all([closed, closeVite()]);
    console.log(`console stopped (${signal})`);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
