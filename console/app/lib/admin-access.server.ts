import type { ResultOf } from '@graphql-typed-document-node/core';
import { data, type AppLoadContext } from '@remix-run/node';
import { graphql } from '../gql/index.ts';
import { gql } from '../graphql.server.ts';
import type { ErrorPayload } from '../graphql.server.ts';
import type { Permission } from './nav.ts';

const AccessQuery = graphql(`
  query AdminAccess {
    me {
      id
      permissions
    }
  }
`);

/**
 * Refuses a screen to a role that may not use it, with the 403 page, before anything else loads. The
 * sidebar already hides such screens; this covers a typed or bookmarked URL.
 */
export async function requirePermission(
  args: { request: Request; context: AppLoadContext },
  permission: Permission,
  message: string,
): Promise<ResultOf<typeof AccessQuery>['me']> {
  const { me } = await gql(args, AccessQuery);
  if (!me.permissions.includes(permission)) {
    throw data<ErrorPayload>({ message, requestId: args.context.requestId }, { status: 403 });
  }
  return me;
}
