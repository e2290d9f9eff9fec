import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from './env.ts';

function issuesOf(source: Record<string, string>): string[] {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error.issues;
    throw error;
  }
  return [];
}

describe('sign-in throttling settings', () => {
  it('default to waits after 5 failures per email and address, 20 per address, 20 per email', () => {
    expect(parseEnv({})).toMatchObject({
      LOGIN_FAILURES_PER_EMAIL_IP: 5, LOGIN_FAILURES_PER_IP: 20, LOGIN_FAILURES_PER_EMAIL: 20,
      LOGIN_MAX_WAIT_SECONDS: 900, LOGIN_MAX_WAIT_EMAIL_SECONDS: 60, LOGIN_FAILURE_WINDOW_MINUTES: 60,
    });
  });

  it('name the settings that replaced the account lock, with every other problem', () => {
    expect(issuesOf({ LOGIN_MAX_ATTEMPTS: '5', LOGIN_LOCK_MINUTES: '15', LOGIN_FAILURES_PER_IP: '0' })).toEqual([
      expect.stringMatching(/^LOGIN_MAX_ATTEMPTS: no longer used .*LOGIN_FAILURES_PER_EMAIL_IP/),
      expect.stringMatching(/^LOGIN_LOCK_MINUTES: no longer used .*LOGIN_MAX_WAIT_SECONDS/),
      expect.stringMatching(/^LOGIN_FAILURES_PER_IP: /),
    ]);
  });

  it('refuse a window no longer than the longest wait, which would forget failures as soon as they are waited out', () => {
    expect(issuesOf({ LOGIN_MAX_WAIT_SECONDS: '3600', LOGIN_FAILURE_WINDOW_MINUTES: '60' })).toEqual([
      'LOGIN_FAILURE_WINDOW_MINUTES: must be longer than the longest wait (3600 s)',
    ]);
    expect(issuesOf({ NODE_ENV: 'production', LOGIN_FAILURE_WINDOW_MINUTES: '1' })).toEqual([
      'SECRETS_KEY: required in production (64 hex characters)',
      'LOGIN_FAILURE_WINDOW_MINUTES: must be longer than the longest wait (900 s)',
    ]);
  });
});

describe('API processes', () => {
  it('default to one per core in production and to one elsewhere; API_WORKERS overrides', () => {
    expect(parseEnv({}).apiWorkers).toBe(1);
    expect(parseEnv({ NODE_ENV: 'production', SECRETS_KEY: 'a'.repeat(64) }).apiWorkers).toBe(os.availableParallelism());
    expect(parseEnv({ NODE_ENV: 'production', SECRETS_KEY: 'a'.repeat(64), API_WORKERS: '1' }).apiWorkers).toBe(1);
    expect(parseEnv({ API_WORKERS: '3' }).apiWorkers).toBe(3);
    expect(issuesOf({ API_WORKERS: '0' })).toEqual([expect.stringMatching(/^API_WORKERS: /)]);
  });
});
