import { defineConfig } from 'prisma/config';

// `env()` from prisma/config throws when unset; `generate` needs no database.
export default defineConfig({
  schema: 'schema',
  migrations: { path: 'migrations', seed: 'tsx ../api/src/cli/seed.ts' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
