import pino from 'pino';
import { env } from '../env.ts';

export const logger = pino({
  level: env.LOG_LEVEL,
  base: { service: 'opsgraph-api' },
  ...(env.logPretty ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
});

export type Logger = pino.Logger;
