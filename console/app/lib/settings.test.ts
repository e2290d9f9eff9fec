import { describe, expect, it } from 'vitest';
import { readSettingValue, settingSummary, settingText, valueError } from './settings.ts';

const form = (value?: string) => {
  const data = new FormData();
  if (value !== undefined) data.set('value', value);
  return data;
};

describe('setting values in forms', () => {
  it.each([
    ['TEXT', 'ops@example.com', { ok: true, value: 'ops@example.com' }],
    ['SELECT', 'ROUND_ROBIN', { ok: true, value: 'ROUND_ROBIN' }],
    ['NUMBER', ' 12.5 ', { ok: true, value: 12.5 }],
    ['NUMBER', '', { ok: false, error: 'A number.' }],
    ['NUMBER', 'twelve', { ok: false, error: 'A number.' }],
    ['BOOLEAN', 'on', { ok: true, value: true }],
    ['BOOLEAN', undefined, { ok: true, value: false }],
    ['JSON', '{"a": [1, 2]}', { ok: true, value: { a: [1, 2] } }],
  ] as const)('%s %j', (input, raw, expected) => {
    expect(readSettingValue(input, form(raw))).toEqual(expected);
  });

  it('says what is wrong with JSON that does not parse, and asks for a secret rather than storing nothing', () => {
    const bad = readSettingValue('JSON', form('{"a": }'));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/^Not valid JSON: /);
    expect(readSettingValue('TEXT', form(''), true)).toEqual({ ok: false, error: 'Type the new value (the current one is never shown).' });
    expect(readSettingValue('TEXT', form(''))).toEqual({ ok: true, value: '' });
  });

  it('shows values in their inputs and in summaries', () => {
    expect(settingText('JSON', { a: 1 })).toBe('{\n  "a": 1\n}');
    expect(settingText('NUMBER', 12)).toBe('12');
    expect(settingText('TEXT', null)).toBe('');
    expect(settingSummary('')).toBe('(empty)');
    expect(settingSummary({ a: 1 })).toBe('{"a":1}');
  });

  it('joins the problems named under value into the field’s message', () => {
    expect(valueError({ value: 'more than 0 hours' })).toBe('more than 0 hours');
    expect(valueError({ 'value.URGENT.firstResponseMinutes': 'at least 1 minute', 'value.LOW': 'required', key: 'x' })).toBe('URGENT.firstResponseMinutes: at least 1 minute; LOW: required');
    expect(valueError({ tenantId: 'not a valid id' })).toBeNull();
    expect(valueError(undefined)).toBeNull();
  });
});
