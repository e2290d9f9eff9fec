// The plan form: what an admin types (prices in major units, entitlements as a list) and the API's
// input (integer minor units, an array of feature keys), both ways.

import type { ResultOf } from '@graphql-typed-document-node/core';
import { graphql } from '../../gql/index.ts';
import type { CreatePlanInput } from '../../gql/graphql.ts';
import type { FieldErrors, FormErrors } from '../../lib/mutation.ts';
import { formatCount, parseMoney } from '../../lib/format.ts';

/** A plan's monthly quotas, wherever a plan is shown. */
export const PlanQuotasFragment = graphql(`
  fragment PlanQuotas on PlanQuotas {
    seats
    emailsPerMonth
    smsPerMonth
    apiCallsPerMonth
  }
`);

/** Every field of a plan the form edits; select it on the plan being edited. */
export const PlanFormFragment = graphql(`
  fragment PlanForm on Plan {
    code
    name
    description
    currency
    monthlyPrice
    yearlyPrice
    trialDays
    entitlements
    quotas {
      ...PlanQuotas
    }
  }
`);

export const PLAN_FIELDS = [
  'code',
  'name',
  'description',
  'currency',
  'monthlyPrice',
  'yearlyPrice',
  'trialDays',
  'seats',
  'emailsPerMonth',
  'smsPerMonth',
  'apiCallsPerMonth',
  'entitlements',
] as const;
export type PlanField = (typeof PLAN_FIELDS)[number];

/** The form's fields as typed. */
export type PlanFormValues = Record<PlanField, string>;

/** Everything a plan's create input holds, every field given. */
export type PlanInput = { [Field in keyof CreatePlanInput]-?: NonNullable<CreatePlanInput[Field]> };

const QUOTA_FIELDS = ['trialDays', 'seats', 'emailsPerMonth', 'smsPerMonth', 'apiCallsPerMonth'] as const;
const PRICE_FIELDS = ['monthlyPrice', 'yearlyPrice'] as const;

export const NEW_PLAN_VALUES: PlanFormValues = {
  code: '',
  name: '',
  description: '',
  currency: 'USD',
  monthlyPrice: '',
  yearlyPrice: '',
  trialDays: '14',
  seats: '1',
  emailsPerMonth: '0',
  smsPerMonth: '0',
  apiCallsPerMonth: '0',
  entitlements: '',
};

export function isCurrencyCode(value: string): boolean {
  return /^[A-Z]{3}$/.test(value);
}

function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Minor units as the major-unit text a price field shows: 4900 USD → "49.00", 500 JPY → "500". */
export function majorUnits(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(minor);
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  return `${minor < 0 ? '-' : ''}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** Feature keys from a comma- or newline-separated list. */
export function parseEntitlements(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((key) => key.trim())
    .filter(Boolean);
}

export function planFormValues(plan: ResultOf<typeof PlanFormFragment>): PlanFormValues {
  return {
    code: plan.code,
    name: plan.name,
    description: plan.description,
    currency: plan.currency,
    monthlyPrice: majorUnits(plan.monthlyPrice, plan.currency),
    yearlyPrice: majorUnits(plan.yearlyPrice, plan.currency),
    trialDays: String(plan.trialDays),
    seats: String(plan.quotas.seats),
    emailsPerMonth: String(plan.quotas.emailsPerMonth),
    smsPerMonth: String(plan.quotas.smsPerMonth),
    apiCallsPerMonth: String(plan.quotas.apiCallsPerMonth),
    entitlements: plan.entitlements.join(', '),
  };
}

export function readPlanValues(form: FormData): PlanFormValues {
  const values = { ...NEW_PLAN_VALUES };
  for (const field of PLAN_FIELDS) values[field] = String(form.get(field) ?? '');
  return values;
}

/**
 * The API input for what was typed, or the fields that cannot be read (a price that is not an amount
 * in the currency, a count that is not a whole number). Ranges and formats are the API's to check.
 */
export function parsePlanValues(values: PlanFormValues): { ok: true; input: PlanInput } | { ok: false; fieldErrors: FieldErrors } {
  const fieldErrors: FieldErrors = {};
  const currency = values.currency.trim().toUpperCase();
  const validCurrency = isCurrencyCode(currency);
  if (!validCurrency) fieldErrors.currency = 'an ISO 4217 code such as USD';

  const prices = { monthlyPrice: 0, yearlyPrice: 0 };
  if (validCurrency) {
    for (const field of PRICE_FIELDS) {
      const minor = parseMoney(values[field], currency);
      if (minor === null) {
        fieldErrors[field] =
          minorDigits(currency) === 0 ? `Enter an amount in ${currency}, such as 4900.` : `Enter an amount in ${currency}, such as 49.00.`;
      } else {
        prices[field] = minor;
      }
    }
  }

  const counts = { trialDays: 0, seats: 0, emailsPerMonth: 0, smsPerMonth: 0, apiCallsPerMonth: 0 };
  for (const field of QUOTA_FIELDS) {
    const text = values[field].trim().replace(/,/g, '');
    if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) fieldErrors[field] = 'Enter a whole number.';
    else counts[field] = Number(text);
  }

  if (Object.keys(fieldErrors).length) return { ok: false, fieldErrors };
  return {
    ok: true,
    input: {
      code: values.code.trim(),
      name: values.name.trim(),
      description: values.description.trim(),
      currency,
      ...prices,
      ...counts,
      entitlements: parseEntitlements(values.entitlements),
    },
  };
}

/**
 * The plan as the edit form showed it, sent back with the form so an update carries only what the admin
 * changed (and never overwrites someone else's change to a field left alone). Null when unreadable.
 */
export function originalPlanInput(json: string): PlanInput | null {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object') return null;
  const values = { ...NEW_PLAN_VALUES };
  for (const field of PLAN_FIELDS) {
    const value = (raw as Record<string, unknown>)[field];
    if (typeof value !== 'string') return null;
    values[field] = value;
  }
  const parsed = parsePlanValues(values);
  return parsed.ok ? parsed.input : null;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  const left = [...new Set(a)].sort();
  const right = [...new Set(b)].sort();
  return left.length === right.length && left.every((key, i) => key === right[i]);
}

/** Only the fields that differ from what the form was opened with; entitlements compare as a set. */
export function changedPlanFields(original: PlanInput, next: PlanInput): Partial<PlanInput> {
  const changes: Partial<PlanInput> = {};
  for (const field of PLAN_FIELDS) {
    if (field === 'entitlements') {
      if (!sameKeys(original.entitlements, next.entitlements)) changes.entitlements = next.entitlements;
    } else if (original[field] !== next[field]) {
      (changes as Record<string, unknown>)[field] = next[field];
    }
  }
  return changes;
}

/**
 * The API's field errors placed on the form's fields: an entitlement's error (`entitlements.2`) names the
 * key it is about; errors on anything the form does not show become the form's message.
 */
export function planFieldErrors(errors: FormErrors, entitlements: readonly string[]): FormErrors {
  const fieldErrors: FieldErrors = {};
  const other: string[] = [];
  for (const [key, message] of Object.entries(errors.fieldErrors)) {
    const entitlement = /^entitlements\.(\d+)$/.exec(key);
    if (entitlement) {
      const value = entitlements[Number(entitlement[1])];
      fieldErrors.entitlements ??= value === undefined ? message : `"${value}": ${message}`;
    } else if ((PLAN_FIELDS as readonly string[]).includes(key)) {
      fieldErrors[key] = message;
    } else {
      other.push(message);
    }
  }
  return { formError: errors.formError ?? (other.length ? other.join(' ') : null), fieldErrors };
}

/** "3 seats · 5,000 emails · 100 SMS · 100,000 API calls" */
export function quotaSummary(quotas: ResultOf<typeof PlanQuotasFragment>): string {
  return [
    `${formatCount(quotas.seats)} ${quotas.seats === 1 ? 'seat' : 'seats'}`,
    `${formatCount(quotas.emailsPerMonth)} emails`,
    `${formatCount(quotas.smsPerMonth)} SMS`,
    `${formatCount(quotas.apiCallsPerMonth)} API calls`,
  ].join(' · ');
}

/** "14 days", "1 day", "None" */
export function trialLabel(days: number): string {
  if (days === 0) return 'None';
  return `${formatCount(days)} ${days === 1 ? 'day' : 'days'}`;
}
