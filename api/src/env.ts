import { z } from 'zod';

// Configuration is read here once, at boot; nothing else reads process.env.
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z.url().optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().default('.data'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  WORKER: z.enum(['inline', 'separate']).default('inline'),
  SEED_DEMO: bool.default(true),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(5),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: bool.optional(),
  GRAPHIQL: bool.optional(),
  MASK_ERRORS: bool.optional(),
  SECRETS_KEY: z
    .string()
    .regex(/^[0-9a-f]{64}$/i, 'must be 64 hex characters (32 bytes)')
    .optional(),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(5),
  LOGIN_LOCK_MINUTES: z.coerce.number().positive().default(15),
  /** Which proxies' X-Forwarded-For to believe for client IPs (Express `trust proxy`): the console's server. */
  TRUST_PROXY: z.string().default('loopback'),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean)),
  MAX_DEPTH: z.coerce.number().int().positive().default(8),
  MAX_COST: z.coerce.number().int().positive().default(5000),
  MAX_ALIASES: z.coerce.number().int().positive().default(15),
  MAX_TOKENS: z.coerce.number().int().positive().default(1000),
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(100_000),
  /** Operations open at once on one WebSocket; one more is refused with TOO_MANY_SUBSCRIPTIONS. */
  MAX_SUBSCRIPTIONS_PER_SOCKET: z.coerce.number().int().min(1).max(10_000).default(100),
  /** WebSockets one admin or one API key may hold open on one instance; one more is closed with 4429. */
  MAX_SOCKETS_PER_PRINCIPAL: z.coerce.number().int().min(1).max(10_000).default(20),
});

export type Env = z.infer<typeof schema> & {
  isProduction: boolean;
  graphiql: boolean;
  maskErrors: boolean;
  logPretty: boolean;
};

export class EnvError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

/** Parses a whole environment at once and reports every problem together. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings mean "unset" so `FOO= pnpm start` behaves like no FOO at all.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const env = result.data;
  const isProduction = env.NODE_ENV === 'production';
  if (isProduction && !env.SECRETS_KEY) {
    throw new EnvError(['SECRETS_KEY: required in production (64 hex characters)']);
  }
  return {
    ...env,
    isProduction,
    graphiql: env.GRAPHIQL ?? !isProduction,
    maskErrors: env.MASK_ERRORS ?? isProduction,
    logPretty: env.LOG_PRETTY ?? false,
  };
}

export const env: Env = parseEnv(process.env);
