import { describe, expect, it } from 'vitest';
import {
  changedDefinition,
  chartSpan,
  dailyCounts,
  definitionValues,
  emptyRule,
  moveRule,
  newDefinitionValues,
  originalDefinition,
  parseAttributes,
  parseDefinition,
  parseFlagValue,
  parseList,
  parsePercentage,
  readChartDays,
  readRules,
  ruleDrafts,
  ruleSummary,
  valueText,
  type RuleDraft,
} from './flags.ts';

const boolean = { type: 'BOOLEAN' as const, variants: [] };
const colour = { type: 'STRING' as const, variants: ['red', 'green'] };

function draft(changes: Partial<RuleDraft> = {}): RuleDraft {
  return { id: null, description: '', constraints: [{ attribute: 'plan', operator: 'IN', values: 'pro, team' }], value: 'true', percentage: '', stickiness: 'TENANT', ...changes };
}

describe('flag values as typed', () => {
  it('reads each type and says what is wrong with a value that is not one', () => {
    expect(parseFlagValue('BOOLEAN', ' true ')).toEqual({ ok: true, value: true });
    expect(parseFlagValue('BOOLEAN', 'yes')).toEqual({ ok: false, error: 'Choose true or false.' });
    expect(parseFlagValue('NUMBER', '2.5')).toEqual({ ok: true, value: 2.5 });
    expect(parseFlagValue('NUMBER', '')).toMatchObject({ ok: false });
    expect(parseFlagValue('NUMBER', 'Infinity')).toMatchObject({ ok: false });
    expect(parseFlagValue('JSON', '{"limit": 3}')).toEqual({ ok: true, value: { limit: 3 } });
    expect(parseFlagValue('JSON', '{limit: 3}')).toEqual({ ok: false, error: 'Not valid JSON.' });
  });

  it('keeps a string as typed, and holds it to the variants when the flag lists some', () => {
    expect(parseFlagValue('STRING', ' spaced ')).toEqual({ ok: true, value: ' spaced ' });
    expect(parseFlagValue('STRING', 'green', colour.variants)).toEqual({ ok: true, value: 'green' });
    expect(parseFlagValue('STRING', 'blue', colour.variants)).toEqual({ ok: false, error: 'Choose one of the variants: red, green.' });
  });

  it('writes a stored value back as the text its input reads', () => {
    for (const [type, value] of [['BOOLEAN', false], ['NUMBER', 12], ['STRING', 'red'], ['JSON', { a: [1, 2] }]] as const) {
      expect(parseFlagValue(type, valueText(type, value))).toEqual({ ok: true, value });
    }
  });
});

describe('lists, percentages and attributes', () => {
  it('reads tags once each, in order', () => {
    expect(parseList(' beta, checkout\nbeta,, ')).toEqual(['beta', 'checkout']);
  });

  it('takes a percentage from 0 to 100 with at most two decimals', () => {
    expect(parsePercentage('0')).toBe(0);
    expect(parsePercentage('12.5')).toBe(12.5);
    expect(parsePercentage('100')).toBe(100);
    expect(parsePercentage('100.01')).toBeNull();
    expect(parsePercentage('1.234')).toBeNull();
    expect(parsePercentage('-1')).toBeNull();
    expect(parsePercentage('')).toBeNull();
  });

  it('reads the evaluate-as attributes as an object of comparable values', () => {
    expect(parseAttributes('')).toEqual({ ok: true, attributes: null });
    expect(parseAttributes('{"country": "FR", "seats": 3, "beta": true, "roles": ["admin"]}')).toEqual({
      ok: true,
      attributes: { country: 'FR', seats: 3, beta: true, roles: ['admin'] },
    });
    expect(parseAttributes('["FR"]')).toMatchObject({ ok: false });
    expect(parseAttributes('{"nested": {"a": 1}}')).toEqual({ ok: false, error: '"nested": a string, number, boolean or list of strings.' });
    expect(parseAttributes('{oops')).toEqual({ ok: false, error: 'Not valid JSON.' });
  });
});

describe('the rules editor', () => {
  it('reads the drafts as the API’s rules, in order, a list operator’s values split and a single one kept whole', () => {
    const rules = [
      draft({ id: 'b0b0b0b0-0000-4000-8000-000000000001', description: ' Beta ' }),
      draft({ constraints: [{ attribute: 'appVersion', operator: 'SEMVER_GT', values: ' 2.1.0 ' }, { attribute: 'country', operator: 'EQ', values: 'FR, BE' }], value: 'false', percentage: '25', stickiness: 'USER' }),
    ];
    expect(readRules(JSON.stringify(rules), boolean)).toEqual({
      ok: true,
      rules: [
        { id: 'b0b0b0b0-0000-4000-8000-000000000001', description: 'Beta', constraints: [{ attribute: 'plan', operator: 'IN', values: ['pro', 'team'] }], value: true, rollout: null },
        {
          id: null,
          description: '',
          constraints: [
            { attribute: 'appVersion', operator: 'SEMVER_GT', values: ['2.1.0'] },
            { attribute: 'country', operator: 'EQ', values: ['FR, BE'] },
          ],
          value: false,
          rollout: { percentage: 25, stickiness: 'USER' },
        },
      ],
    });
  });

  it('names every field it cannot read the way the API names it', () => {
    const rules = [
      draft({ constraints: [{ attribute: ' ', operator: 'IN', values: ' , ' }], value: 'maybe' }),
      draft({ constraints: [], percentage: '101' }),
      draft({ value: 'blue' }),
    ];
    const read = readRules(JSON.stringify(rules), { type: 'STRING', variants: ['red'] });
    expect(read).toEqual({
      ok: false,
      fieldErrors: {
        'rules.0.constraints.0.attribute': 'Name the attribute.',
        'rules.0.constraints.0.values': 'Give at least one value.',
        'rules.0.value': 'Choose one of the variants: red.',
        'rules.1.constraints': 'Add a condition: a rule without one would match everyone.',
        'rules.1.value': 'Choose one of the variants: red.',
        'rules.1.rollout.percentage': 'A percentage from 0 to 100, at most two decimals.',
        'rules.2.value': 'Choose one of the variants: red.',
      },
    });
    expect(readRules(JSON.stringify([draft({ value: 'maybe' })]), boolean)).toEqual({ ok: false, fieldErrors: { 'rules.0.value': 'Choose true or false.' } });
  });

  it('refuses a posted draft it cannot read, and an unknown operator, without guessing', () => {
    expect(readRules('not json', boolean)).toMatchObject({ ok: false, formError: expect.stringContaining('could not be read') });
    expect(readRules('{}', boolean)).toMatchObject({ ok: false });
    const bad = [{ ...draft(), constraints: [{ attribute: 'plan', operator: 'LIKE', values: 'x' }] }];
    expect(readRules(JSON.stringify(bad), boolean)).toEqual({ ok: false, fieldErrors: { 'rules.0': 'This rule could not be read.' } });
  });

  it('opens stored rules as drafts that read back to the same rules', () => {
    const stored = [
      { id: 'r1', description: 'EU', constraints: [{ attribute: 'country', operator: 'IN' as const, values: ['FR', 'DE'] }], value: { theme: 'dark' }, rollout: { percentage: 12.5, stickiness: 'USER' as const } },
      { id: 'r2', description: '', constraints: [{ attribute: 'tenantStatus', operator: 'EQ' as const, values: ['TRIALING'] }], value: null, rollout: null },
    ];
    const drafts = ruleDrafts('JSON', stored);
    expect(drafts[0]).toMatchObject({ constraints: [{ values: 'FR, DE' }], percentage: '12.5', stickiness: 'USER' });
    expect(readRules(JSON.stringify(drafts), { type: 'JSON', variants: [] })).toEqual({ ok: true, rules: stored });
  });

  it('moves a rule up and down within the list, and starts a new one with the on value', () => {
    expect(moveRule(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveRule(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
    expect(moveRule(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(emptyRule('BOOLEAN', true)).toMatchObject({ value: 'true', constraints: [{ attribute: 'plan', operator: 'IN', values: '' }] });
  });

  it('says a rule in words', () => {
    expect(ruleSummary({ description: 'Beta', constraints: [{ attribute: 'plan', operator: 'IN', values: ['pro', 'team'] }, { attribute: 'seats', operator: 'GT', values: ['10'] }] })).toBe(
      'Beta (plan is one of pro, team and seats > 10)',
    );
  });
});

describe('the definition form', () => {
  const stored = {
    type: 'STRING' as const,
    description: 'Checkout theme',
    owner: 'growth',
    tags: ['checkout', 'beta'],
    variants: ['red', 'green'],
    jsonSchema: null,
    defaultValue: 'red',
    onValue: 'green',
    entitlement: null,
    staleAfterDays: 30,
    safeguardRules: [{ id: 'a1' }],
  };

  it('reads what was typed as the API’s input, values held to the variants typed with them', () => {
    const values = { ...definitionValues(stored), variants: 'red, green, blue', onValue: 'blue', tags: 'beta, checkout', owner: ' ' };
    expect(parseDefinition(values, 'STRING')).toEqual({
      ok: true,
      input: {
        description: 'Checkout theme',
        owner: null,
        tags: ['beta', 'checkout'],
        variants: ['red', 'green', 'blue'],
        jsonSchema: null,
        defaultValue: 'red',
        onValue: 'blue',
        entitlement: null,
        staleAfterDays: 30,
        safeguardRuleIds: ['a1'],
      },
    });
    expect(parseDefinition({ ...values, onValue: 'pink', staleAfterDays: '0' }, 'STRING')).toEqual({
      ok: false,
      fieldErrors: { onValue: 'Choose one of the variants: red, green, blue.', staleAfterDays: 'A whole number of days.' },
    });
  });

  it('takes a JSON schema only as an object', () => {
    const values = { ...newDefinitionValues('JSON'), jsonSchema: '{"type": "object"}' };
    expect(parseDefinition(values, 'JSON')).toMatchObject({ ok: true, input: { jsonSchema: { type: 'object' }, defaultValue: null, onValue: {} } });
    expect(parseDefinition({ ...values, jsonSchema: '[1]' }, 'JSON')).toMatchObject({ ok: false, fieldErrors: { jsonSchema: expect.any(String) } });
  });

  it('sends only what changed since the form opened; tags and safeguard rules compare as sets', () => {
    const original = originalDefinition(JSON.stringify(definitionValues(stored)), 'STRING')!;
    const same = parseDefinition({ ...definitionValues(stored), tags: 'beta, checkout' }, 'STRING');
    expect(same.ok && changedDefinition(original, same.input)).toEqual({});
    const edited = parseDefinition({ ...definitionValues(stored), description: 'Theme', safeguardRuleIds: [] }, 'STRING');
    expect(edited.ok && changedDefinition(original, edited.input)).toEqual({ description: 'Theme', safeguardRuleIds: [] });
    expect(originalDefinition('{"description": 1}', 'STRING')).toBeNull();
    expect(originalDefinition('nope', 'STRING')).toBeNull();
  });
});

describe('the evaluation chart', () => {
  const now = Date.parse('2026-12-08T10:30:00.000Z');

  it('spans whole UTC days ending today', () => {
    expect(chartSpan(7, now)).toEqual({ from: '2026-12-02T00:00:00.000Z', to: '2026-12-08T23:59:59.999Z' });
    expect(readChartDays(new URLSearchParams('days=90'))).toBe(90);
    expect(readChartDays(new URLSearchParams('days=3'))).toBe(30);
  });

  it('shows every day of the span, a quiet day as 0', () => {
    const span = chartSpan(3, now);
    expect(dailyCounts(span, [{ day: '2026-12-08', count: 4 }, { day: '2026-12-06T00:00:00.000Z', count: 2 }])).toEqual({
      days: ['2026-12-06', '2026-12-07', '2026-12-08'],
      counts: [2, 0, 4],
    });
  });
});
