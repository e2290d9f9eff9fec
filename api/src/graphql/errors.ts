import { ConflictError, InputError, InvalidTransitionError, NotFoundError, type FieldIssue } from '../lib/errors.ts';
import { builder } from './builder.ts';

// Expected failures are data: mutation results are unions of a success type and these errors.

export const ErrorInterface = builder.interfaceRef<Error>('Error').implement({
  subGraphs: ['admin', 'tenant'],
  description: 'An expected failure, returned as data.',
  fields: (t) => ({ message: t.exposeString('message') }),
});

const FieldError = builder.objectRef<FieldIssue>('FieldError').implement({
  subGraphs: ['admin', 'tenant'],
  description: 'A problem with one input field.',
  fields: (t) => ({
    path: t.exposeStringList('path', { description: 'Path of the input field, e.g. ["input", "email"].' }),
    field: t.string({ description: 'The path joined with dots.', resolve: (i) => i.path.join('.') }),
    message: t.exposeString('message'),
  }),
});

builder.objectType(InputError, {
  name: 'ValidationError',
  subGraphs: ['admin', 'tenant'],
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof InputError,
  fields: (t) => ({
    fieldErrors: t.field({ type: [FieldError], resolve: (e) => e.issues }),
  }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  subGraphs: ['admin', 'tenant'],
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof NotFoundError,
  fields: (t) => ({
    resourceType: t.exposeString('resourceType'),
    resourceId: t.exposeString('resourceId'),
  }),
});

builder.objectType(ConflictError, {
  name: 'ConflictError',
  subGraphs: ['admin', 'tenant'],
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ConflictError,
  fields: (t) => ({ field: t.exposeString('field', { nullable: true }) }),
});

builder.objectType(InvalidTransitionError, {
  name: 'InvalidTransitionError',
  subGraphs: ['admin', 'tenant'],
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof InvalidTransitionError,
  fields: (t) => ({
    resourceType: t.exposeString('resourceType'),
    currentStatus: t.exposeString('currentStatus'),
    requestedStatus: t.exposeString('requestedStatus'),
  }),
});

/** The error types every mutation may return. */
export const commonErrors = [InputError, NotFoundError, ConflictError, InvalidTransitionError];
