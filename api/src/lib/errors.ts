import type { z } from 'zod';

/** Expected failures, returned to clients as typed data (see graphql/errors.ts). */
export class DomainError extends Error {
  override name = 'DomainError';
}

export interface FieldIssue {
  /** Path of the offending input field, e.g. ['input', 'email']. */
  path: string[];
  message: string;
}

export class InputError extends DomainError {
  override name = 'InputError';
  constructor(
    message: string,
    readonly issues: FieldIssue[],
  ) {
    super(message);
  }

  static field(path: string | string[], message: string): InputError {
    const parts = Array.isArray(path) ? path : path.split('.');
    return new InputError(`${parts.join('.')}: ${message}`, [{ path: parts, message }]);
  }

  static fromZod(error: z.ZodError, prefix: string[] = []): InputError {
    const issues = error.issues.map((i) => ({
      path: [...prefix, ...i.path.map(String)],
      message: i.message,
    }));
    return new InputError(issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; '), issues);
  }
}

export class NotFoundError extends DomainError {
  override name = 'NotFoundError';
  constructor(
    readonly resourceType: string,
    readonly resourceId: string,
  ) {
    super(`${resourceType} ${resourceId} not found`);
  }
}

export class ConflictError extends DomainError {
  override name = 'ConflictError';
  constructor(
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
  }
}

export class InvalidTransitionError extends DomainError {
  override name = 'InvalidTransitionError';
  constructor(
    readonly resourceType: string,
    readonly currentStatus: string,
    readonly requestedStatus: string,
  ) {
    super(`${resourceType} cannot go from ${currentStatus} to ${requestedStatus}`);
  }
}

/** Parses with a zod schema, turning failures into an InputError that names each field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix: string[] = ['input']): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw InputError.fromZod(result.error, prefix);
  return result.data;
}
