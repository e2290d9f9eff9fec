import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../lib/errors.ts';
import '../index.ts';
import { allSettings, defaultOf, registerSettings, settingSpec, specProblem, type SettingSpec } from './registry.ts';
import { parseSettingValue } from './service.ts';

const base: SettingSpec<string> = { category: 'GENERAL', description: 'd', schema: z.string(), default: 'x', input: 'TEXT' };

describe('declarations', () => {
  it.each([
    ['general.ok', base, null],
    ['general.withDigits2', base, null],
    ['General.bad', base, 'keys read <category>.<camelCaseName>'],
    ['general', base, 'keys read <category>.<camelCaseName>'],
    ['general.two.dots', base, 'keys read <category>.<camelCaseName>'],
    ['general.Upper', base, 'keys read <category>.<camelCaseName>'],
    ['email.wrongCategory', base, "the key's prefix must be its category (general)"],
    ['general.secretShared', { ...base, secret: true, tenantOverridable: true }, 'a secret is neither tenant-overridable nor tenant-visible'],
    ['general.secretShown', { ...base, secret: true, tenantVisible: true }, 'a secret is neither tenant-overridable nor tenant-visible'],
    ['general.choice', { ...base, input: 'SELECT' as const }, 'a SELECT needs its options'],
    ['general.badDefault', { ...base, schema: z.string().min(3) }, 'its default does not satisfy its schema'],
    ['general.lazyDefault', { ...base, default: () => 'abc' }, null],
  ])('%s', (key, spec, problem) => {
    expect(specProblem(key, spec as SettingSpec)).toBe(problem);
  });

  it('refuses a key declared twice and a malformed declaration at registration', () => {
    expect(() => registerSettings('other', { 'email.fromAddress': { ...base, category: 'EMAIL' } })).toThrow('Setting email.fromAddress is declared twice (other)');
    expect(() => registerSettings('other', { 'general.Bad': base })).toThrow('Setting general.Bad (other): keys read <category>.<camelCaseName>');
  });

  it('holds every module’s settings, each default passing its own schema, ordered by category', () => {
    const keys = allSettings().map((s) => s.key);
    expect(keys).toEqual([
      'pricing.displayLocale',
      'email.fromAddress',
      'email.resendApiKey',
      'support.assignmentStrategy',
      'support.slaDefaultTargets',
      'security.sessionTtlHours',
      'general.statusPageUrl',
    ]);
    for (const spec of allSettings()) expect(spec.schema.safeParse(defaultOf(spec)).success, spec.key).toBe(true);
    expect(allSettings().filter((s) => s.secret).every((s) => !s.tenantOverridable && !s.tenantVisible)).toBe(true);
  });
});

const targets = {
  URGENT: { firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 480 },
  HIGH: { firstResponseMinutes: 240, nextResponseMinutes: 480, resolutionMinutes: 1440 },
  NORMAL: { firstResponseMinutes: 480, nextResponseMinutes: 960, resolutionMinutes: 2400 },
  LOW: { firstResponseMinutes: 960, nextResponseMinutes: 1920, resolutionMinutes: 4800 },
};

describe('values', () => {
  it.each<[string, unknown, string | null]>([
    ['email.fromAddress', 'ops@example.com', null],
    ['email.fromAddress', 'Ops Team <ops@example.com>', null],
    ['email.fromAddress', 'Ops Team <not an address>', 'value: an address, or a name and <address>: Opsgraph <no-reply@example.com>'],
    ['email.fromAddress', '', 'value: required'],
    ['email.fromAddress', 42, 'value: Invalid input: expected string, received number'],
    ['email.fromAddress', 'x'.repeat(321), 'value: at most 320 characters'],
    ['email.resendApiKey', 're_abc_123', null],
    ['email.resendApiKey', 'sk_live_1', 'value: a Resend API key (re_…)'],
    ['support.assignmentStrategy', 'LEAST_LOADED', null],
    ['support.assignmentStrategy', 'least_loaded', 'value: one of OFF, ROUND_ROBIN, LEAST_LOADED'],
    ['support.slaDefaultTargets', targets, null],
    ['support.slaDefaultTargets', { ...targets, LOW: { ...targets.LOW, resolutionMinutes: 0 } }, 'value.LOW.resolutionMinutes: at least 1 minute'],
    ['support.slaDefaultTargets', { ...targets, LOW: { ...targets.LOW, resolutionMinutes: 600_000 } }, 'value.LOW.resolutionMinutes: at most 525600 minutes (a year)'],
    ['support.slaDefaultTargets', { URGENT: targets.URGENT }, 'value.HIGH: Invalid input: expected object, received undefined; value.NORMAL: Invalid input: expected object, received undefined; value.LOW: Invalid input: expected object, received undefined'],
    ['security.sessionTtlHours', 0.5, null],
    ['security.sessionTtlHours', -1, 'value: more than 0 hours'],
    ['security.sessionTtlHours', 10_000, 'value: at most 8760 hours (a year)'],
    ['security.sessionTtlHours', null, 'value: a number of hours'],
    ['pricing.displayLocale', 'de-DE', null],
    ['pricing.displayLocale', 'not a locale', 'value: a locale such as en-US or de-DE'],
    ['general.statusPageUrl', '', null],
    ['general.statusPageUrl', 'https://status.example.com', null],
    ['general.statusPageUrl', 'javascript:alert(1)', 'value: an http:// or https:// URL'],
    ['general.statusPageUrl', 'https://x\u0000', 'value: must not contain NUL characters'],
    ['general.statusPageUrl', undefined, 'value: required'],
  ])('%s = %j', (key, value, message) => {
    const spec = settingSpec(key)!;
    if (message === null) {
      expect(() => parseSettingValue(spec, value)).not.toThrow();
      return;
    }
    let error: unknown;
    try {
      parseSettingValue(spec, value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(message);
  });

  it('trims text values and keeps numbers as given', () => {
    expect(parseSettingValue(settingSpec('email.fromAddress')!, '  ops@example.com ')).toBe('ops@example.com');
    expect(parseSettingValue(settingSpec('security.sessionTtlHours')!, 36)).toBe(36);
  });
});
