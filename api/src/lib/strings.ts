import { z } from 'zod';

// The one string schema every input uses (GraphQL arguments, CSV parameters, services called directly):
// trimmed, bounded, and free of what PostgreSQL text cannot hold (NUL) or what is not text at all (an
// unpaired UTF-16 surrogate).

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `value` is not acceptable text, or null. */
export function textProblem(value: string): string | null {
  if (value.includes('\u0000')) return 'must not contain NUL characters';
  if (UNPAIRED_SURROGATE.test(value)) return 'must be valid Unicode text';
  return null;
}

export interface TextOptions {
  /** Minimum length after trimming; 1 makes the field required. Default 0. */
  min?: number;
  max: number;
  /** Default true. */
  trim?: boolean;
}

export function text({ min = 0, max, trim = true }: TextOptions) {
  const base = z.string().superRefine((value, ctx) => {
    const problem = textProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, abort: true });
  });
  const trimmed = trim ? base.trim() : base;
  return trimmed
    .min(min, min === 1 ? 'required' : `at least ${min} characters`)
    .max(max, `at most ${max} characters`);
}

/** A required single-line name or label. */
export const name = (max = 200) => text({ min: 1, max });

export const email = text({ max: 320 }).toLowerCase().pipe(z.email('not a valid email address'));

/** A UUID, for ids given as input. */
export const id = z.uuid('not a valid id');

const currencies = new Set(Intl.supportedValuesOf('currency'));

/** An ISO 4217 currency code (upper case), as the runtime's ICU data knows them. */
export const currency = text({ max: 100 })
  .toUpperCase()
  .refine((code) => currencies.has(code), 'an ISO 4217 currency code such as USD');
