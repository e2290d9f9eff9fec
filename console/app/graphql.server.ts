import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { data, type AppLoadContext } from '@remix-run/node';
import { print, type FormattedExecutionResult, type OperationDefinitionNode } from 'graphql';
import { loginRedirect, requireToken } from './session.server.ts';

type Args = { request: Request; context: AppLoadContext };

/** What an error page shows: a message and the request id to quote when reporting it. */
export type ErrorPayload = { message: string; requestId: string };

const statusByCode: Record<string, number> = { FORBIDDEN: 403, UNAUTHENTICATED: 401, BAD_USER_INPUT: 400, NOT_FOUND: 404 };

/**
 * Runs a typed operation against the API as the signed-in admin. A missing or expired session
 * redirects to the login page; any other failure becomes an error page with the request id.
 */
export async function gql<TResult, TVariables>(
  { request, context }: Args,
  document: TypedDocumentNode<TResult, TVariables>,
  variables?: TVariables,
  { token = requireToken(request, context) }: { token?: string | null } = {},
): Promise<TResult> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-request-id': context.requestId,
  };
  if (token) headers.authorization = `Bearer ${token}`;
  const userAgent = request.headers.get('user-agent');
  if (userAgent) headers['user-agent'] = userAgent;
  if (context.clientIp) headers['x-forwarded-for'] = context.clientIp;

  let response: Response;
  try {
    response = await fetch(`${context.apiUrl}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: print(document), variables: variables ?? {}, operationName: operationName(document) }),
      signal: request.signal,
    });
  } catch (err) {
    if (request.signal.aborted) throw err;
    throw failure('The API is not reachable. Try again in a moment.', context.requestId, 503);
  }
  const requestId = response.headers.get('x-request-id') ?? context.requestId;
  if (response.status === 401 && token) throw loginRedirect(request, context, true);

  let body: FormattedExecutionResult<TResult>;
  try {
    body = (await response.json()) as FormattedExecutionResult<TResult>;
  } catch {
    throw failure(`The API answered ${response.status} without a GraphQL response.`, requestId, 502);
  }
  const error = body.errors?.[0];
  if (error) {
    const code = text(error.extensions?.code) ?? '';
    if (code === 'UNAUTHENTICATED' && token) throw loginRedirect(request, context, true);
    throw failure(error.message, text(error.extensions?.requestId) ?? requestId, statusByCode[code] ?? 502);
  }
  if (!body.data) throw failure('The API returned no data.', requestId, 502);
  return body.data;
}

/** The error page's answer for a record that does not exist. */
export function notFound(context: AppLoadContext, message: string) {
  return failure(message, context.requestId, 404);
}

function operationName(document: { definitions: readonly { kind: string }[] }): string | undefined {
  const op = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  return op?.name?.value;
}

/** An error's extension as the API sets it: a string, or nothing. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function failure(message: string, requestId: string, status: number) {
  return data<ErrorPayload>({ message, requestId }, { status });
}
