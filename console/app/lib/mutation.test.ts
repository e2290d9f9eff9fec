import { describe, expect, it } from 'vitest';
import { outcome } from './mutation.ts';

describe('mutation outcome', () => {
  it('returns the data of a success', () => {
    expect(outcome({ __typename: 'MutationCreatePlanSuccess', data: { id: 'p1' } })).toEqual({ ok: true, data: { id: 'p1' } });
  });

  it('keys validation errors by form field, without the input prefix, first message per field', () => {
    const result = outcome({
      __typename: 'ValidationError',
      message: 'Invalid input',
      fieldErrors: [
        { field: 'input.name', message: 'Required' },
        { field: 'input.settings.timezone', message: 'Unknown time zone' },
        { field: 'input.name', message: 'Too short' },
      ],
    });
    expect(result).toEqual({ ok: false, formError: null, fieldErrors: { name: 'Required', 'settings.timezone': 'Unknown time zone' } });
  });

  it('shows a conflict on its field, and other failures as one message', () => {
    expect(outcome({ __typename: 'ConflictError', message: 'Code starter is taken', field: 'input.code' })).toEqual({
      ok: false,
      formError: null,
      fieldErrors: { code: 'Code starter is taken' },
    });
    expect(outcome({ __typename: 'InvalidTransitionError', message: 'Tenant is already suspended' })).toEqual({
      ok: false,
      formError: 'Tenant is already suspended',
      fieldErrors: {},
    });
  });
});
