import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Inlined code would otherwise get graphql's ESM build while externalized deps (Pothos, Apollo)
    // require the CommonJS one: two copies, "Cannot use GraphQLSchema from another module or realm".
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['./test/global-setup.ts'],
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    // Tests assert outcomes, not log lines; LOG_LEVEL=debug pnpm test shows them.
    // Self-metrics would write points every 10 s from every test platform, into other tests' statement
    // counts; the tests that want them start their platform with an interval of their own.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent', SELF_METRICS_INTERVAL_MS: process.env.SELF_METRICS_INTERVAL_MS ?? '0' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
