import { describe, expect, expectTypeOf, it } from 'vitest';
import type { CreatePlanMutation, LoginMutation } from '../gql/graphql.ts';
import { outcome, type MutationResult } from './mutation.ts';

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

  it('reads the answers codegen types for the mutations, their success payload included', () => {
    expectTypeOf<CreatePlanMutation['createPlan']>().toExtend<MutationResult<{ id: string }>>();
    expectTypeOf<LoginMutation['login']>().toExtend<MutationResult<{ token: string; expiresAt: string }>>();
    const answer: CreatePlanMutation['createPlan'] = { __typename: 'MutationCreatePlanSuccess', data: { id: 'p1' } };
    const result = outcome(answer);
    expectTypeOf(result).toEqualTypeOf<ReturnType<typeof outcome<{ id: string }>>>();
    expect(result).toEqual({ ok: true, data: { id: 'p1' } });
  });
});
