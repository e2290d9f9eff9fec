// What a client sees of a failure, over HTTP and WebSocket alike: expected failures keep their message and
// get a code, database outages and timeouts get theirs (and an HTTP status), anything else is masked in
// production and logged with the request id.
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Context } from '../graphql/context.ts';
import { ConflictError, InputError, InvalidTransitionError, NotFoundError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';

/** The caller's own doing: answered as is and not logged as a server problem. */
const CLIENT_CODES = new Set([
  'UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE', 'NOT_FOUND', 'CONFLICT',
  'TOO_MANY_SUBSCRIPTIONS',
]);

/** Not the caller's doing, but with a message of our own that is safe to show; the HTTP status to answer. */
const UNAVAILABLE_STATUS: Record<string, number> = { SERVICE_UNAVAILABLE: 503, TIMEOUT: 504 };

/** 503 for a database outage, 504 for a database timeout, else undefined. */
export function unavailableStatus(code: unknown): number | undefined {
  return typeof code === 'string' && Object.hasOwn(UNAVAILABLE_STATUS, code) ? UNAVAILABLE_STATUS[code] : undefined;
}

const UNAVAILABLE_MESSAGES: Record<string, string> = {
  SERVICE_UNAVAILABLE: 'Database unavailable, try again shortly',
  TIMEOUT: 'The database did not answer in time, try again',
};

/** Codes whose messages are written for clients; anything else is masked in production. */
const SAFE_CODES = new Set([...CLIENT_CODES, ...Object.keys(UNAVAILABLE_STATUS)]);

// ─── database failures ───────────────────────────────────────────────────────

interface DriverError {
  code?: unknown;
  originalCode?: unknown;
  severity?: unknown;
  kind?: unknown;
  message?: unknown;
  meta?: { driverAdapterError?: { cause?: DriverError } };
  cause?: unknown;
}

const UNREACHABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'DatabaseDoesNotExist']);
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE']);
/** Prisma's own codes for a database it cannot reach or that closed the connection. */
const UNREACHABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1017', 'P2024']);
/** Shutting down, crashed, not yet accepting connections, too many connections, no such database. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '3D000']);

/**
 * 'timeout' when PostgreSQL cancelled the statement (SQLSTATE 57014: statement_timeout or a cancel),
 * 'unavailable' when the database cannot be reached or refuses connections, else null. Reads Prisma's
 * errors (the driver adapter's cause) and pg's alike.
 */
export function databaseFailure(error: unknown): 'timeout' | 'unavailable' | null {
  const top = error as DriverError | null;
  if (!top || typeof top !== 'object') return null;
  const candidates = [top, top.meta?.driverAdapterError?.cause, top.cause as DriverError | undefined].filter(
    (c): c is DriverError => !!c && typeof c === 'object',
  );
  for (const c of candidates) {
    // Only a server error (it has a severity) or the adapter's copy carries a SQLSTATE in `code`.
    const sqlState = typeof c.originalCode === 'string' ? c.originalCode : typeof c.severity === 'string' ? c.code : undefined;
    if (sqlState === '57014') return 'timeout';
    if (typeof sqlState === 'string' && (sqlState.startsWith('08') || UNAVAILABLE_SQLSTATES.has(sqlState))) return 'unavailable';
    // A FATAL error ends the connection: the server refused or dropped it.
    if (c.severity === 'FATAL' || c.severity === 'PANIC') return 'unavailable';
    if (typeof c.kind === 'string' && UNREACHABLE_KINDS.has(c.kind)) return 'unavailable';
    if (typeof c.code === 'string' && (SOCKET_CODES.has(c.code) || UNREACHABLE_PRISMA_CODES.has(c.code))) return 'unavailable';
    if (typeof c.message === 'string' && /^Connection terminated/.test(c.message)) return 'unavailable';
  }
  return null;
}

// ─── classification ──────────────────────────────────────────────────────────

interface ClientFailure {
  code: string;
  /** Replaces the original message (which may hold internals or the raw input). */
  message?: string;
  fieldErrors?: { field: string; message: string }[];
}

/**
 * The client-facing code (and message) of a failure, or null for an unexpected one. Bad connection
 * arguments never reach here: every list validates them as input, in graphql/list.ts.
 */
export function clientFailure(error: unknown): ClientFailure | null {
  if (error instanceof InputError) {
    return { code: 'BAD_USER_INPUT', fieldErrors: error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) };
  }
  if (error instanceof InvalidTransitionError) return { code: 'BAD_USER_INPUT' };
  if (error instanceof NotFoundError) return { code: 'NOT_FOUND' };
  if (error instanceof ConflictError) return { code: 'CONFLICT' };
  const failure = databaseFailure(error);
  if (failure === 'timeout') return { code: 'TIMEOUT', message: UNAVAILABLE_MESSAGES.TIMEOUT };
  if (failure === 'unavailable') return { code: 'SERVICE_UNAVAILABLE', message: UNAVAILABLE_MESSAGES.SERVICE_UNAVAILABLE };
  return null;
}

/** What a GraphQL error reports: the error a resolver (or a subscription's source) threw, if any. */
function originalOf(error: unknown): unknown {
  return error instanceof GraphQLError && error.originalError ? error.originalError : error;
}

/** The code of a GraphQL error as the client will see it. */
function codeOf(error: GraphQLError): string {
  return clientFailure(originalOf(error))?.code ?? (error.extensions?.code as string | undefined) ?? 'INTERNAL_SERVER_ERROR';
}

/** Apollo's `formatError`, and the first step for WebSocket errors: typed codes for known failures. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const failure = clientFailure(originalOf(error));
  if (!failure) return formatted;
  return {
    ...formatted,
    message: failure.message ?? formatted.message,
    extensions: { ...formatted.extensions, code: failure.code, ...(failure.fieldErrors ? { fieldErrors: failure.fieldErrors } : {}) },
  };
}

/** "Did you mean …?" names fields, types and enum values: schema details an anonymous caller should not get. */
export function hideSuggestions(message: string): string {
  return message.replace(/ ?Did you mean(.+?)\?$/, '');
}

/**
 * The last step for every error sent: the request id added, internals never shown. With `mask`
 * (production), unexpected errors become a generic message and suggestions are stripped.
 */
export function maskError(error: GraphQLFormattedError, requestId: string, mask: boolean): GraphQLFormattedError {
  const code = (error.extensions?.code as string | undefined) ?? 'INTERNAL_SERVER_ERROR';
  const extensions = { ...error.extensions, code, requestId };
  delete (extensions as Record<string, unknown>).stacktrace;
  delete (extensions as Record<string, unknown>).http;
  if (unavailableStatus(code)) return { ...error, message: `${error.message} (request id ${requestId})`, extensions };
  if (SAFE_CODES.has(code)) return { ...error, message: mask ? hideSuggestions(error.message) : error.message, extensions };
  if (!mask) return { ...error, extensions };
  return {
    message: `Internal server error (request id ${requestId})`,
    locations: error.locations,
    path: error.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
  };
}

/** Logs what is not the caller's doing: unexpected errors, and outages at a lower level. */
export function logErrors(logger: Logger, errors: readonly GraphQLError[]): void {
  for (const error of errors) {
    const code = codeOf(error);
    if (CLIENT_CODES.has(code)) continue;
    const entry = { err: error.originalError ?? error, path: error.path, code };
    if (unavailableStatus(code)) logger.warn(entry, 'GraphQL operation hit a database outage or timeout');
    else logger.error(entry, 'GraphQL error');
  }
}

/** Whether any of the errors is not the caller's doing (an unexpected failure, an outage, a timeout). */
export function hasServerErrors(errors: readonly GraphQLError[]): boolean {
  return errors.some((error) => !CLIENT_CODES.has(codeOf(error)));
}

/** A GraphQL error as a WebSocket client receives it: the same steps as over HTTP. */
export function clientError(error: GraphQLError, requestId: string, mask: boolean): GraphQLFormattedError {
  return maskError(formatError(error.toJSON(), error), requestId, mask);
}

/** Apollo: log, mask and quote the request id; a database outage or timeout answers 503 or 504. */
export function maskingPlugin(maskErrors: boolean): ApolloServerPlugin<Context> {
  // One listener for every request: nothing is allocated for a request that has no errors.
  const listener: GraphQLRequestListener<Context> = {
    async didEncounterErrors({ errors, contextValue }) {
      logErrors(contextValue.logger, errors);
    },
    async willSendResponse({ response, contextValue }) {
      if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
      const requestId = contextValue.meta.requestId;
      const errors = response.body.singleResult.errors.map((e) => maskError(e, requestId, maskErrors));
      response.body.singleResult.errors = errors;
      const status = errors.map((e) => unavailableStatus(e.extensions?.code)).find(Boolean);
      if (status) response.http.status = status;
    },
  };
  return { requestDidStart: async () => listener };
}

/** The JSON body and status for a failure outside GraphQL execution (authentication, body parsing). */
export function httpFailure(
  error: Error & { status?: number; type?: string },
  requestId: string,
  maxBodyBytes: number,
): { status: number; body: { errors: GraphQLFormattedError[] }; unexpected: boolean } {
  const failure = clientFailure(error);
  const unavailable = unavailableStatus(failure?.code);
  if (failure && unavailable) {
    const body = { errors: [maskError({ message: failure.message!, extensions: { code: failure.code } }, requestId, true)] };
    return { status: unavailable, body, unexpected: false };
  }
  const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
  const message =
    error.type === 'entity.too.large'
      ? `Request body exceeds ${maxBodyBytes} bytes`
      : status === 500
        ? `Internal server error (request id ${requestId})`
        : error.message;
  const code = error.type === 'entity.too.large' ? 'PAYLOAD_TOO_LARGE' : status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST';
  return { status, body: { errors: [{ message, extensions: { code, requestId } }] }, unexpected: status === 500 };
}
