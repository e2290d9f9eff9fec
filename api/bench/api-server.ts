// The API as benchmarked: production mode, no worker, logs off. Prints READY when listening.
import { createApp } from '../src/app.ts';
import { env } from '../src/env.ts';
import { startServer } from '../src/http/server.ts';

const app = createApp({ databaseUrl: env.DATABASE_URL!, poolSize: env.DATABASE_POOL_MAX });
const server = await startServer(app, env, { workerMode: 'none', host: '127.0.0.1' });
// Nothing to seed: ready as soon as it listens.
server.markBooted();
process.on('SIGTERM', async () => {
  await server.close();
  await app.close();
  process.exit(0);
});
console.log('READY');
