import { describe, expect, it } from 'vitest';
import { parseMoney } from '../../lib/format.ts';
import {
  changedPlanFields,
  majorUnits,
  NEW_PLAN_VALUES,
  originalPlanInput,
  parseEntitlements,
  parsePlanValues,
  planFieldErrors,
  planFormValues,
  quotaSummary,
  trialLabel,
  readPlanValues,
  type PlanFormValues,
} from './plan-form.ts';

const starter = {
  code: 'starter',
  name: 'Starter',
  description: 'For small teams.',
  currency: 'USD',
  monthlyPrice: 2900,
  yearlyPrice: 29000,
  trialDays: 14,
  entitlements: ['email', 'tickets'],
  quotas: { seats: 3, emailsPerMonth: 5000, smsPerMonth: 100, apiCallsPerMonth: 100000 },
};

const typed = (changes: Partial<PlanFormValues> = {}): PlanFormValues => ({ ...planFormValues(starter), ...changes });

describe('majorUnits', () => {
  it('shows minor units in the currency precision, so the field reads back to the same amount', () => {
    expect(majorUnits(4900, 'USD')).toBe('49.00');
    expect(majorUnits(5, 'EUR')).toBe('0.05');
    expect(majorUnits(0, 'USD')).toBe('0.00');
    expect(majorUnits(500, 'JPY')).toBe('500');
    expect(majorUnits(1234, 'KWD')).toBe('1.234');
    for (const [minor, currency] of [[129900, 'USD'], [7, 'GBP'], [1500, 'JPY']] as const) {
      expect(parseMoney(majorUnits(minor, currency), currency)).toBe(minor);
    }
  });
});

describe('parseEntitlements', () => {
  it('accepts commas and new lines and drops blanks', () => {
    expect(parseEntitlements('tickets, email\nsso\n\n , webhooks,')).toEqual(['tickets', 'email', 'sso', 'webhooks']);
    expect(parseEntitlements('  ')).toEqual([]);
  });
});

describe('parsePlanValues', () => {
  it('turns prices typed in major units into integer minor units', () => {
    const result = parsePlanValues(typed({ monthlyPrice: '49.00', yearlyPrice: '1,290.5', currency: 'usd' }));
    expect(result).toEqual({
      ok: true,
      input: expect.objectContaining({ currency: 'USD', monthlyPrice: 4900, yearlyPrice: 129050, seats: 3, entitlements: ['email', 'tickets'] }),
    });
  });

  it('reports a price that is not an amount in the currency beside its field', () => {
    const result = parsePlanValues(typed({ monthlyPrice: '49,00€', yearlyPrice: '10.5', currency: 'JPY' }));
    expect(result).toEqual({
      ok: false,
      fieldErrors: { monthlyPrice: 'Enter an amount in JPY, such as 4900.', yearlyPrice: 'Enter an amount in JPY, such as 4900.' },
    });
    expect(parsePlanValues(typed({ monthlyPrice: '' }))).toEqual({
      ok: false,
      fieldErrors: { monthlyPrice: 'Enter an amount in USD, such as 49.00.' },
    });
  });

  it('reports a malformed currency instead of guessing the precision of its prices', () => {
    expect(parsePlanValues(typed({ currency: 'dollars' }))).toEqual({ ok: false, fieldErrors: { currency: 'an ISO 4217 code such as USD' } });
  });

  it('needs whole numbers for counts but leaves their ranges to the API', () => {
    const result = parsePlanValues(typed({ seats: '2.5', trialDays: '', smsPerMonth: '1,000' }));
    expect(result).toEqual({ ok: false, fieldErrors: { seats: 'Enter a whole number.', trialDays: 'Enter a whole number.' } });
    const negative = parsePlanValues(typed({ trialDays: '-1' }));
    expect(negative.ok && negative.input.trialDays).toBe(-1);
  });

  it('reads every field from a submitted form', () => {
    const form = new FormData();
    for (const [key, value] of Object.entries(typed({ name: ' Pro ' }))) form.set(key, value);
    const values = readPlanValues(form);
    expect(values.name).toBe(' Pro ');
    const result = parsePlanValues(values);
    expect(result.ok && result.input.name).toBe('Pro');
    expect(readPlanValues(new FormData())).toEqual({ ...NEW_PLAN_VALUES, currency: '', trialDays: '', seats: '', emailsPerMonth: '', smsPerMonth: '', apiCallsPerMonth: '' });
  });
});

describe('changedPlanFields', () => {
  const original = parsePlanValues(typed());
  if (!original.ok) throw new Error('the starter plan must parse');

  it('sends nothing when nothing changed, however the amounts were retyped', () => {
    const same = parsePlanValues(typed({ monthlyPrice: '29', entitlements: 'tickets,email, email' }));
    expect(same.ok && changedPlanFields(original.input, same.input)).toEqual({});
  });

  it('sends only the fields that differ', () => {
    const next = parsePlanValues(typed({ name: 'Starter 2', yearlyPrice: '300.00', entitlements: 'email' }));
    expect(next.ok && changedPlanFields(original.input, next.input)).toEqual({ name: 'Starter 2', yearlyPrice: 30000, entitlements: ['email'] });
  });
});

describe('originalPlanInput', () => {
  it('reads back the values the edit form was opened with', () => {
    const input = originalPlanInput(JSON.stringify(typed()));
    expect(input).toEqual(expect.objectContaining({ code: 'starter', monthlyPrice: 2900, entitlements: ['email', 'tickets'] }));
  });

  it('gives up on anything else, so the update sends every field', () => {
    expect(originalPlanInput('not json')).toBeNull();
    expect(originalPlanInput('null')).toBeNull();
    expect(originalPlanInput(JSON.stringify({ ...typed(), seats: 3 }))).toBeNull();
    expect(originalPlanInput(JSON.stringify(typed({ monthlyPrice: 'free' })))).toBeNull();
  });
});

describe('planFieldErrors', () => {
  it('names the entitlement an error is about and keeps other errors for the form', () => {
    const result = planFieldErrors(
      { formError: null, fieldErrors: { code: 'already used', 'entitlements.1': 'feature keys are lowercase', id: 'gone' } },
      ['email', 'Bad Key'],
    );
    expect(result).toEqual({ formError: 'gone', fieldErrors: { code: 'already used', entitlements: '"Bad Key": feature keys are lowercase' } });
  });
});

describe('quotaSummary', () => {
  it('lists the monthly quotas with thousands separators', () => {
    expect(quotaSummary(starter.quotas)).toBe('3 seats · 5,000 emails · 100 SMS · 100,000 API calls');
    expect(quotaSummary({ ...starter.quotas, seats: 1 })).toMatch(/^1 seat ·/);
  });
});

describe('trialLabel', () => {
  it('says None for a plan without a trial', () => {
    expect([0, 1, 30].map(trialLabel)).toEqual(['None', '1 day', '30 days']);
  });
});
