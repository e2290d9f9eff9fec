import { z } from 'zod';

// The console server's configuration, read once at boot. Route code gets what it needs from the load context.
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  CONSOLE_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  CONSOLE_HOST: z.string().default('0.0.0.0'),
  /** Where the console's server reaches the API (server-side calls and the /graphql proxy). */
  API_URL: z.url().optional(),
  /** The API's port when both run here (`pnpm start`); used when API_URL is not set. */
  PORT: z.coerce.number().int().min(1).max(65535).default(4000),
  /** Where `remix vite:build` wrote the console (relative to console/). */
  CONSOLE_BUILD_DIR: z.string().default('build'),
  /** Secure session cookie; on by default outside development. */
  COOKIE_SECURE: bool.optional(),
});

export type ConsoleEnv = Omit<z.infer<typeof schema>, 'API_URL'> & { API_URL: string; secureCookies: boolean };

export function parseConsoleEnv(source: Record<string, string | undefined>): ConsoleEnv {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid console configuration:\n${lines.join('\n')}`);
  }
  const env = result.data;
  return {
    ...env,
    API_URL: (env.API_URL ?? `http://127.0.0.1:${env.PORT}`).replace(/\/+$/, ''),
    secureCookies: env.COOKIE_SECURE ?? env.NODE_ENV === 'production',
  };
}
