// pnpm db:seed: demo data into an empty development database (refused in production).
import { createApp } from '../app.ts';
import { resolveDatabaseUrl } from '../db/embedded.ts';
import { migrateDatabase } from '../db/prepare.ts';
import { env } from '../env.ts';
import { logger } from '../lib/logger.ts';
import { refuseProduction, seedIfEmpty } from '../seed/index.ts';

try {
  refuseProduction(env.isProduction);
  const database = await resolveDatabaseUrl(env);
  try {
    await migrateDatabase(database, logger, { production: env.isProduction });
    const app = createApp({ databaseUrl: database.databaseUrl });
    const demo = await seedIfEmpty(app);
    if (demo) console.log(`  Demo admin: ${demo.email} / ${demo.password}`);
    await app.close();
  } finally {
    await database.stop();
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
