import os from 'node:os';
import { z } from 'zod';

// Configuration is read here once, at boot; nothing else reads process.env.
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const secretsKey = z.string().regex(/^[0-9a-f]{64}$/i, 'must be 64 hex characters (32 bytes)');

/** Settings that no longer exist: named so a deployment that still sets one learns what replaced it. */
const REMOVED: Record<string, string> = {
  LOGIN_MAX_ATTEMPTS: 'accounts are no longer locked; see LOGIN_FAILURES_PER_EMAIL_IP, LOGIN_FAILURES_PER_IP and LOGIN_FAILURES_PER_EMAIL',
  LOGIN_LOCK_MINUTES: 'accounts are no longer locked; see LOGIN_MAX_WAIT_SECONDS and LOGIN_MAX_WAIT_EMAIL_SECONDS',
};

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z.url().optional(),
  /** The schema's owner, for migrations; DATABASE_URL is then the app role that owns nothing. */
  DATABASE_MIGRATION_URL: z.url().optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /** Longest a statement of the API or worker may run, in ms (0: no limit); migrations are not bound by it. */
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(2_147_483_647).default(15_000),
  /** Distinct statements each connection prepares once and reuses (0: none, e.g. behind PgBouncer in transaction mode). */
  DATABASE_PREPARED_STATEMENTS: z.coerce.number().int().min(0).max(10_000).default(500),
  DATA_DIR: z.string().default('.data'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  WORKER: z.enum(['inline', 'separate']).default('inline'),
  /** HTTP processes sharing PORT (Node's cluster); default: one per core in production, 1 otherwise. */
  API_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  SEED_DEMO: bool.default(true),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(5),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: bool.optional(),
  GRAPHIQL: bool.optional(),
  MASK_ERRORS: bool.optional(),
  SECRETS_KEY: secretsKey.optional(),
  /** Keys that encrypted secrets before SECRETS_KEY: still read, never written (comma-separated). */
  SECRETS_KEYS_PREVIOUS: z
    .string()
    .default('')
    .transform((list) => list.split(',').map((key) => key.trim()).filter(Boolean))
    .pipe(z.array(secretsKey)),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  /** How long a request's token lookup is remembered by an instance, in ms (0: every request asks the database). */
  AUTH_CACHE_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  // Sign-in throttling (modules/admins/throttle.ts): failures allowed per key before each further attempt
  // waits 2, 4, 8 … seconds, up to the key's cap; a key's failures are forgotten after the window.
  LOGIN_FAILURES_PER_EMAIL_IP: z.coerce.number().int().min(1).default(5),
  LOGIN_FAILURES_PER_IP: z.coerce.number().int().min(1).default(20),
  LOGIN_FAILURES_PER_EMAIL: z.coerce.number().int().min(1).default(20),
  LOGIN_MAX_WAIT_SECONDS: z.coerce.number().int().min(1).default(900),
  LOGIN_MAX_WAIT_EMAIL_SECONDS: z.coerce.number().int().min(1).default(60),
  LOGIN_FAILURE_WINDOW_MINUTES: z.coerce.number().int().min(1).default(60),
  /** Which proxies' X-Forwarded-For to believe for client IPs (Express `trust proxy`): the console's server. */
  TRUST_PROXY: z.string().default('loopback'),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean)),
  MAX_DEPTH: z.coerce.number().int().positive().default(8),
  MAX_COST: z.coerce.number().int().positive().default(8000),
  MAX_ALIASES: z.coerce.number().int().positive().default(15),
  MAX_TOKENS: z.coerce.number().int().positive().default(1000),
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(100_000),
  /** Operations open at once on one WebSocket; one more is refused with TOO_MANY_SUBSCRIPTIONS. */
  MAX_SUBSCRIPTIONS_PER_SOCKET: z.coerce.number().int().min(1).max(10_000).default(100),
  /** WebSockets one admin or one API key may hold open on one instance; one more is closed with 4429. */
  MAX_SOCKETS_PER_PRINCIPAL: z.coerce.number().int().min(1).max(10_000).default(20),
  // Email (modules/emails): `resend` sends through Resend's API, `outbox` only stores (a development
  // mailbox shown in the console); the default is resend when RESEND_API_KEY is set, outbox otherwise.
  EMAIL_TRANSPORT: z.enum(['resend', 'outbox']).optional(),
  EMAIL_FROM: z.string().default('Opsgraph <no-reply@opsgraph.dev>'),
  RESEND_API_KEY: z.string().optional(),
  /** Resend's API (a local fake in tests). */
  RESEND_BASE_URL: z.url().default('https://api.resend.com'),
  /** Attempts of a send before its email is FAILED (transient failures only; a 4xx fails at once). */
  EMAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(25).default(8),
  /** First retry delay of a transient send failure; each later one doubles, with jitter. */
  EMAIL_RETRY_BASE_MS: z.coerce.number().int().min(1).default(30_000),
  // Alert notifications (modules/alerts channels): each delivery is a job retried with full-jitter backoff.
  /** Attempts of a delivery before it is DEAD (a 4xx other than 408/429 is DEAD at once). */
  ALERT_DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(25).default(8),
  /** First retry's delay ceiling in ms; it doubles with every attempt. */
  ALERT_DELIVERY_RETRY_BASE_MS: z.coerce.number().int().min(1).max(3_600_000).default(30_000),
  /** How long one Slack or webhook request may take. */
  ALERT_DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  // Inbound webhooks (modules/webhooks): signing secrets, unless set from the console (stored encrypted).
  STRIPE_WEBHOOK_SECRET: z.string().optional(),
  /** Standard Webhooks secret from Resend's dashboard (`whsec_…`). */
  RESEND_WEBHOOK_SECRET: z.string().optional(),
  /** Oldest signature timestamp accepted, in seconds. */
  WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  WEBHOOK_MAX_BODY_BYTES: z.coerce.number().int().positive().default(512_000),
  /** Attempts of an event's processing before it is DEAD. */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(25).default(10),
  /** First retry's delay ceiling in ms; it doubles with every attempt (full jitter below it). */
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  // Monitoring (modules/metrics): how often an API process records its own request metrics (and, once a
  // minute, the platform's job, webhook, email and SLA counts); 0 turns self-metrics off.
  SELF_METRICS_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
});

export type Env = z.infer<typeof schema> & {
  isProduction: boolean;
  apiWorkers: number;
  graphiql: boolean;
  maskErrors: boolean;
  logPretty: boolean;
  emailTransport: 'resend' | 'outbox';
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
  const issues = Object.keys(REMOVED)
    .filter((name) => name in cleaned)
    .map((name) => `${name}: no longer used (${REMOVED[name]})`);
  if (!result.success) {
    issues.push(...result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
    throw new EnvError(issues);
  }
  const env = result.data;
  const isProduction = env.NODE_ENV === 'production';
  if (isProduction && !env.SECRETS_KEY) issues.push('SECRETS_KEY: required in production (64 hex characters)');
  if (env.EMAIL_TRANSPORT === 'resend' && !env.RESEND_API_KEY) issues.push('RESEND_API_KEY: required with EMAIL_TRANSPORT=resend');
  if (env.DATABASE_MIGRATION_URL && !env.DATABASE_URL) {
    issues.push('DATABASE_MIGRATION_URL: needs DATABASE_URL (the embedded server creates both of its roles itself)');
  }
  const longestWait = Math.max(env.LOGIN_MAX_WAIT_SECONDS, env.LOGIN_MAX_WAIT_EMAIL_SECONDS);
  if (env.LOGIN_FAILURE_WINDOW_MINUTES * 60 <= longestWait) {
    // Otherwise waiting out the longest wait would also wipe the failures that caused it.
    issues.push(`LOGIN_FAILURE_WINDOW_MINUTES: must be longer than the longest wait (${longestWait} s)`);
  }
  if (issues.length) throw new EnvError(issues);
  return {
    ...env,
    isProduction,
    apiWorkers: env.API_WORKERS ?? (isProduction ? os.availableParallelism() : 1),
    graphiql: env.GRAPHIQL ?? !isProduction,
    maskErrors: env.MASK_ERRORS ?? isProduction,
    logPretty: env.LOG_PRETTY ?? false,
    emailTransport: env.EMAIL_TRANSPORT ?? (env.RESEND_API_KEY ? 'resend' : 'outbox'),
  };
}

export const env: Env = parseEnv(process.env);
