import type { MutationErrorFragment } from '../gql/graphql.ts';

// Mutations answer with a typed union: the success payload, or an expected failure as data.

export type FieldErrors = Record<string, string>;
export type FormErrors = { formError: string | null; fieldErrors: FieldErrors };

/**
 * A mutation's answer as codegen types it: its `Mutation…Success` payload, or one of the failures that
 * `... on Error { ...MutationError }` selects.
 */
export type MutationResult<T> = { __typename: `Mutation${string}Success`; data: T } | MutationErrorFragment;

/**
 * Splits a mutation result into its data or the errors a form shows: per-field messages keyed by the
 * form field's name (the input path without its leading `input.`), and one message for the rest.
 */
export function outcome<T>(result: MutationResult<T>): { ok: true; data: T } | ({ ok: false } & FormErrors) {
  if ('data' in result) return { ok: true, data: result.data };
  const fieldErrors: FieldErrors = {};
  if (result.__typename === 'ValidationError') {
    for (const e of result.fieldErrors) fieldErrors[fieldName(e.field)] ??= e.message;
  }
  if (result.__typename === 'ConflictError' && result.field) fieldErrors[fieldName(result.field)] ??= result.message;
  const hasFieldErrors = Object.keys(fieldErrors).length > 0;
  return { ok: false, formError: hasFieldErrors ? null : result.message, fieldErrors };
}

export function fieldName(path: string): string {
  return path.replace(/^input\./, '');
}
