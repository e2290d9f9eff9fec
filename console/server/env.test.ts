import { describe, expect, it } from 'vitest';
import { isSameOrigin } from './app.ts';
import { parseConsoleEnv } from './env.ts';

describe('console configuration', () => {
  it('defaults to the API next door, and follows its PORT', () => {
    expect(parseConsoleEnv({}).API_URL).toBe('http://127.0.0.1:4000');
    expect(parseConsoleEnv({ PORT: '5000' }).API_URL).toBe('http://127.0.0.1:5000');
    expect(parseConsoleEnv({ API_URL: 'http://api:4000/' }).API_URL).toBe('http://api:4000');
  });

  it('uses Secure cookies outside development unless told otherwise', () => {
    expect(parseConsoleEnv({}).secureCookies).toBe(false);
    expect(parseConsoleEnv({ NODE_ENV: 'production' }).secureCookies).toBe(true);
    expect(parseConsoleEnv({ NODE_ENV: 'production', COOKIE_SECURE: 'false' }).secureCookies).toBe(false);
  });

  it('reports every invalid setting at once', () => {
    expect(() => parseConsoleEnv({ CONSOLE_PORT: 'x', API_URL: 'nope' })).toThrow(/CONSOLE_PORT[\s\S]*API_URL|API_URL[\s\S]*CONSOLE_PORT/);
  });
});

describe('WebSocket origin check', () => {
  const req = (headers: Record<string, string>) => ({ headers }) as never;
  it('accepts the console’s own pages and non-browser clients, and refuses other sites', () => {
    expect(isSameOrigin(req({ host: 'console.example:3000', origin: 'http://console.example:3000' }))).toBe(true);
    expect(isSameOrigin(req({ host: 'console.example:3000' }))).toBe(true);
    expect(isSameOrigin(req({ host: 'console.example:3000', origin: 'https://evil.example' }))).toBe(false);
    expect(isSameOrigin(req({ host: 'console.example:3000', origin: 'null' }))).toBe(false);
  });
});
