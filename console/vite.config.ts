import { vitePlugin as remix } from '@remix-run/dev';
import { defineConfig } from 'vitest/config';

declare module '@remix-run/node' {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  // Vitest renders components without the Remix compiler.
  plugins: process.env.VITEST
    ? []
    : [
        remix({
          // A separate build folder lets a test run or benchmark build without touching a running console's.
          buildDirectory: process.env.CONSOLE_BUILD_DIR ?? 'build',
          future: {
            v3_fetcherPersist: true,
            v3_relativeSplatPath: true,
            v3_throwAbortReason: true,
            v3_singleFetch: true,
            v3_lazyRouteDiscovery: true,
          },
        }),
      ],
  server: { port: 3000 },
  test: {
    include: ['app/**/*.test.{ts,tsx}', 'server/**/*.test.ts'],
    environment: 'node',
  },
});
