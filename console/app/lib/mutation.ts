// Mutations answer with a typed union: the success payload, or an expected failure as data.

export type FieldErrors = Record<string, string>;
export type FormErrors = { formError: string | null; fieldErrors: FieldErrors };

type Failure =
  | { __typename: 'ValidationError'; message: string; fieldErrors: { field: string; message: string }[] }
  | { __typename: 'ConflictError'; message: string; field?: string | null }
  | { __typename: string; message: string };

type Result<T> = ({ __typename: `${string}Success`; data: T } | Failure) & { __typename: string };

/**
 * Splits a mutation result into its data or the errors a form shows: per-field messages keyed by the
 * form field's name (the input path without its leading `input.`), and one message for the rest.
 */
export function outcome<T>(result: Result<T>): { ok: true; data: T } | ({ ok: false } & FormErrors) {
  if (result.__typename.endsWith('Success') && 'data' in result) return { ok: true, data: result.data as T };
  const failure = result as Failure;
  const fieldErrors: FieldErrors = {};
  if ('fieldErrors' in failure) {
    for (const e of failure.fieldErrors) fieldErrors[fieldName(e.field)] ??= e.message;
  }
  if ('field' in failure && failure.field) fieldErrors[fieldName(failure.field)] ??= failure.message;
  const hasFieldErrors = Object.keys(fieldErrors).length > 0;
  return { ok: false, formError: hasFieldErrors ? null : failure.message, fieldErrors };
}

export function fieldName(path: string): string {
  return path.replace(/^input\./, '');
}
